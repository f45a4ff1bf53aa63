//go:build linux

package finish

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"vivify/preview"
)

// The full-size benchmarks: Vivify's export beside ffmpeg's command line
// doing the same recipe on the same file, time and peak memory side by
// side (make bench-full). Each reports, for Vivify, the peak resident
// memory of this process during the export (MB-vivify) and of the ffmpeg
// it runs (MB-ffmpeg-child: the largest one; MB-ffmpegs-together: those
// running at once, sampled), and for the command line, its peak (MB-cli)
// and time (s-cli).

// resetPeak starts this process's peak resident memory afresh (Linux),
// after giving what is free back to the system.
func resetPeak() {
	debug.FreeOSMemory()
	os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
}

// childPeak is the largest peak of the children waited for so far: make
// bench-full runs each benchmark in a process of its own, so that it is
// Vivify's ffmpeg's before the command line has run.
func childPeak() int64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_CHILDREN, &ru)
	return ru.Maxrss << 10
}

// benchClip makes (once per run) a clip of the catalogue's sizes.
func benchClip(b *testing.B, w, h, frames int) string {
	b.Helper()
	dir := filepath.Join(os.TempDir(), "vivify-bench")
	os.MkdirAll(dir, 0o755)
	path := filepath.Join(dir, fmt.Sprintf("%dx%d-%d.mp4", w, h, frames))
	if _, err := os.Stat(path); err != nil {
		makeVideo(b, path, w, h, frames, 24)
	}
	return path
}

// childrenPeak samples, every 50 ms until stop is closed, the resident
// memory of this process's children together (the ffmpegs an export runs
// side by side), and returns the most seen.
func childrenPeak(stop <-chan struct{}) <-chan int64 {
	out := make(chan int64, 1)
	go func() {
		var peak int64
		me := strconv.Itoa(os.Getpid())
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			var sum int64
			procs, _ := os.ReadDir("/proc")
			for _, d := range procs {
				stat, err := os.ReadFile("/proc/" + d.Name() + "/stat")
				if err != nil {
					continue
				}
				// pid (comm) state ppid ...: comm may hold spaces.
				rest := string(stat[bytes.LastIndexByte(stat, ')')+1:])
				if f := strings.Fields(rest); len(f) > 1 && f[1] == me {
					status, _ := os.ReadFile("/proc/" + d.Name() + "/status")
					for _, line := range strings.Split(string(status), "\n") {
						if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
							kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
							sum += kb << 10
						}
					}
				}
			}
			peak = max(peak, sum)
			select {
			case <-stop:
				out <- peak
				return
			case <-t.C:
			}
		}
	}()
	return out
}

func benchExport(b *testing.B, src string, r Recipe, p Preset, cli []string) {
	needFFmpeg(b)
	if os.Getenv("VIVIFY_BENCH_FULL") == "" {
		b.Skip("minutes each: make bench-full sets VIVIFY_BENCH_FULL=1")
	}
	dir := b.TempDir()
	var took, cliTook time.Duration
	var peak, cliPeak, child, together int64
	for i := 0; i < b.N; i++ {
		resetPeak()
		start := time.Now()
		stop := make(chan struct{})
		children := childrenPeak(stop)
		if _, err := ExportFile(context.Background(), src, r, p, filepath.Join(dir, "vivify"+p.Ext), nil); err != nil {
			b.Fatal(err)
		}
		took += time.Since(start)
		close(stop)
		together = max(together, <-children)
		peak = max(peak, peakRSS(b))
		if i == 0 {
			child = childPeak() // Vivify's ffmpeg: no command line has run yet
		}

		cmd := exec.Command(preview.FFmpeg, append([]string{"-v", "error", "-y", "-i", src}, append(cli, filepath.Join(dir, "cli"+p.Ext))...)...)
		start = time.Now()
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("ffmpeg: %v\n%s", err, out)
		}
		cliTook += time.Since(start)
		cliPeak = max(cliPeak, cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss<<10)
	}
	n := float64(b.N)
	b.ReportMetric(took.Seconds()/n, "s-vivify")
	b.ReportMetric(float64(peak>>20), "MB-vivify")
	b.ReportMetric(float64(child>>20), "MB-ffmpeg-child")
	b.ReportMetric(float64(together>>20), "MB-ffmpegs-together")
	b.ReportMetric(cliTook.Seconds()/n, "s-cli")
	b.ReportMetric(float64(cliPeak>>20), "MB-cli")
}

// 1080p, 240 frames → boomerang, vertical MP4 (9:16, 1080 × 1920).
func BenchmarkFull1080pBoomerangVertical(b *testing.B) {
	src := benchClip(b, 1920, 1080, 240)
	framing := "split[a][b];[a]scale=1080:1920:force_original_aspect_ratio=increase,crop=1080:1920,boxblur=luma_radius=48:luma_power=2," +
		"colorchannelmixer=rr=0.75:gg=0.75:bb=0.75[bg];[b]scale=1080:1920:force_original_aspect_ratio=decrease:flags=lanczos[fg];" +
		"[bg][fg]overlay=(W-w)/2:(H-h)/2,setsar=1,format=yuv420p"
	benchExport(b, src, Recipe{Loop: LoopBoomerang}, Presets[1], []string{"-filter_complex",
		"[0:v]split[f][r];[r]reverse,trim=start_frame=1:end_frame=239,setpts=PTS-STARTPTS[rt];[f][rt]concat=n=2:v=1," + framing,
		"-an", "-c:v", "libx264", "-preset", "medium", "-profile:v", "high", "-crf", "20", "-movflags", "+faststart"})
}

// 1080p, 240 frames → GIF for chat, under 10 MB (Vivify finds the size
// and colours that fit: 32 colours at half the size; the command line is
// given them).
func BenchmarkFull1080pChatGIF(b *testing.B) {
	src := benchClip(b, 1920, 1080, 240)
	benchExport(b, src, Recipe{}, Presets[0], []string{"-vf",
		"scale=960:540:flags=bicubic,split[a][b];[a]palettegen=max_colors=32:stats_mode=full[p];[b][p]paletteuse=dither=floyd_steinberg", "-loop", "0"})
}

// 720p, 120 frames → smoother, 30 fps MP4.
func BenchmarkFull720pSmoother30(b *testing.B) {
	src := benchClip(b, 1280, 720, 120)
	benchExport(b, src, Recipe{FPS: 30}, Original(".mp4"), []string{"-vf",
		smoother(30) + ",setsar=1,format=yuv420p", "-an", "-c:v", "libx264", "-preset", "medium", "-profile:v", "high", "-crf", "20", "-movflags", "+faststart"})
}

// 720p, 120 frames → 2x (2560 × 1440) MP4.
func BenchmarkFull720pDouble(b *testing.B) {
	src := benchClip(b, 1280, 720, 120)
	benchExport(b, src, Recipe{Double: true}, Original(".mp4"), []string{"-vf",
		"scale=2560:1440:flags=lanczos,setsar=1,format=yuv420p", "-an", "-c:v", "libx264", "-preset", "medium", "-profile:v", "high", "-crf", "20", "-movflags", "+faststart"})
}
