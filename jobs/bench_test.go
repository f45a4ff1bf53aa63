package jobs_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"vivify/client"
	"vivify/jobs"
)

// libraryOf writes n finished jobs, each as the engine writes them, into a
// new library folder.
func libraryOf(b *testing.B, n int) string {
	b.Helper()
	dir := b.TempDir()
	start := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	for i := range n {
		at := start.Add(time.Duration(i) * time.Minute)
		req := client.NewRequest("https://cdn.example.com/temp/upload-" + fmt.Sprint(i) + ".png")
		req.Prompt = "a slow pan across a mountain lake at dawn, mist on the water"
		seed := int64(3811131349 + i)
		name := fmt.Sprintf("%s photo %d", at.Format("2006-01-02 15-04"), i)
		j := jobs.Job{Version: 1, ID: fmt.Sprintf("%016x", i), Request: req, State: jobs.Done,
			Source:     jobs.Source{File: "/home/ana/Pictures/photo " + fmt.Sprint(i) + ".jpg", Name: "photo " + fmt.Sprint(i)},
			SourceFile: "source.jpg", UploadURL: req.InitImage, UploadedAt: at,
			ServerID: fmt.Sprint(1000 + i), ETA: 416940 * time.Millisecond, Seed: &seed, Model: "svd",
			GenerationTime: 8490 * time.Millisecond, Output: name + ".gif", Thumbnail: "thumb.png", Created: at,
			Links: []string{"https://cdn.example.com/video_generations/" + fmt.Sprint(i) + ".gif",
				"https://proxy.example.com/video_generations/" + fmt.Sprint(i) + ".gif"},
		}
		for k, s := range []jobs.State{jobs.Queued, jobs.Submitting, jobs.Processing, jobs.Downloading, jobs.Done} {
			j.Steps = append(j.Steps, jobs.Step{State: s, At: at.Add(time.Duration(k) * time.Second)})
		}
		data, _ := json.MarshalIndent(j, "", "  ")
		folder := filepath.Join(dir, name)
		if err := os.Mkdir(folder, 0o755); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(folder, jobs.JobFile), data, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	return dir
}

// BenchmarkLoadLibrary opens a library of 10,000 jobs: reading every
// job.json, and what the index then holds in memory per job.
func BenchmarkLoadLibrary(b *testing.B) {
	const n = 10_000
	lib := libraryOf(b, n)
	var heapPerJob float64
	b.ResetTimer()
	for b.Loop() {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		eng, err := jobs.Open(jobs.Options{Library: lib})
		if err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		heapPerJob = float64(after.HeapAlloc-before.HeapAlloc) / n
		if got := len(eng.Jobs()); got != n {
			b.Fatalf("%d jobs loaded", got)
		}
		eng.Close()
	}
	b.ReportMetric(heapPerJob, "heap-bytes/job")
}
