//go:build linux

// Command startbench measures Vivify's start against a hello-world Fyne
// window built with the same Fyne, in the same run: the time from launch to
// the window being visible, and the resident memory once it has settled,
// with Vivify opening a library of 1,000 jobs. Run it under a display (make
// bench-start runs it under Xvfb).
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"image"
	"image/png"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"vivify/client"
	"vivify/jobs"
)

func main() {
	vivify := flag.String("vivify", "bin/vivify", "the Vivify binary")
	hello := flag.String("hello", "bin/hellofyne", "the hello-world binary")
	runs := flag.Int("runs", 5, "starts of each")
	n := flag.Int("jobs", 1000, "jobs in Vivify's library")
	flag.Parse()

	dir, err := os.MkdirTemp("", "startbench-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	lib := filepath.Join(dir, "library")
	if err := makeLibrary(lib, *n); err != nil {
		log.Fatal(err)
	}
	var vt, ht []time.Duration
	var vm, hm []int
	for i := 0; i < *runs; i++ { // in turn, so both see the same machine
		t, m := start(dir, "Vivify", *vivify, "--library", lib)
		vt, vm = append(vt, t), append(vm, m)
		t, m = start(dir, "Hello", *hello)
		ht, hm = append(ht, t), append(hm, m)
	}
	mt, mh := medianD(vt), medianD(ht)
	rv, rh := medianI(vm), medianI(hm)
	fmt.Printf("window shown: Vivify %v, hello world %v (%.2fx); memory: Vivify %d MB, hello world %d MB (%.2fx); median of %d, library of %d jobs\n",
		mt.Round(time.Millisecond), mh.Round(time.Millisecond), float64(mt)/float64(mh), rv/1024, rh/1024, float64(rv)/float64(rh), *runs, *n)
}

// start launches a binary, waits for its window to be visible, lets it
// settle, and returns the time to the window and the resident set in KB.
func start(home, title, bin string, args ...string) (time.Duration, int) {
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "HOME="+home)
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		log.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	for {
		out, _ := exec.Command("xdotool", "search", "--onlyvisible", "--name", "^"+title+"$").Output()
		if len(bytes.TrimSpace(out)) > 0 {
			break
		}
		if time.Since(t0) > time.Minute {
			log.Fatalf("%s showed no window", bin)
		}
		time.Sleep(5 * time.Millisecond)
	}
	shown := time.Since(t0)
	time.Sleep(3 * time.Second)
	return shown, rss(cmd.Process.Pid)
}

func rss(pid int) int {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, _ := strconv.Atoi(strings.Fields(v)[0])
			return kb
		}
	}
	return 0
}

// makeLibrary writes n finished jobs, each with a small thumbnail.
func makeLibrary(dir string, n int) error {
	var thumb bytes.Buffer
	img := image.NewRGBA(image.Rect(0, 0, 256, 171))
	for i := range img.Pix {
		img.Pix[i] = uint8(i * 7)
	}
	png.Encode(&thumb, img)
	start := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	for i := range n {
		at := start.Add(time.Duration(i) * time.Minute)
		folder := filepath.Join(dir, fmt.Sprintf("%s photo %d", at.Format("2006-01-02 15-04"), i))
		if err := os.MkdirAll(folder, 0o755); err != nil {
			return err
		}
		seed := int64(1000 + i)
		j := jobs.Job{Version: 1, ID: fmt.Sprintf("%016x", i), Request: client.NewRequest("https://cdn.example.com/p.png"),
			State: jobs.Done, Source: jobs.Source{File: "/home/ana/photo.jpg", Name: fmt.Sprint("photo ", i)},
			ServerID: fmt.Sprint(i), Seed: &seed, Model: "svd", Output: "video.gif", Thumbnail: "thumb.png", Created: at}
		data, _ := json.Marshal(j)
		if err := os.WriteFile(filepath.Join(folder, jobs.JobFile), data, 0o644); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(folder, "thumb.png"), thumb.Bytes(), 0o644); err != nil {
			return err
		}
	}
	return nil
}

func medianD(v []time.Duration) time.Duration {
	sort.Slice(v, func(a, b int) bool { return v[a] < v[b] })
	return v[len(v)/2]
}

func medianI(v []int) int {
	sort.Ints(v)
	return v[len(v)/2]
}
