//go:build unix

// Command comparebench measures what Compare costs in a real window: the
// process's CPU while four 1280×720, 5-second, 24 fps MP4 videos play side
// by side in step, against one player playing the same video at the size
// the details pane gives it, and the memory each tile's frames keep. Run
// it under a display (make bench-compare runs it under Xvfb); it needs
// ffmpeg, and prints one line of results.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/widget"

	"vivify/gui"
	"vivify/jobs"
	"vivify/preview"
)

func cpu() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func main() {
	seconds := flag.Int("seconds", 10, "how long each measurement lasts")
	flag.Parse()
	span := time.Duration(*seconds) * time.Second
	dir, err := os.MkdirTemp("", "comparebench-")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	// Four videos of 720p, 5 s at 24 fps, each another test pattern.
	var list []jobs.Job
	for i, src := range []string{"testsrc2", "smptebars", "rgbtestsrc", "mandelbrot"} {
		folder := filepath.Join(dir, fmt.Sprint(i))
		os.MkdirAll(folder, 0o755)
		out := filepath.Join(folder, "video.mp4")
		cmd := exec.Command("ffmpeg", "-v", "error", "-f", "lavfi", "-i", src+"=size=1280x720:rate=24", "-t", "5",
			"-pix_fmt", "yuv420p", "-c:v", "libx264", "-preset", "ultrafast", out)
		if b, err := cmd.CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "ffmpeg: %v\n%s", err, b)
			os.Exit(1)
		}
		seed := int64(100 + i)
		list = append(list, jobs.Job{ID: fmt.Sprint("take", i+1), Folder: folder, Output: "video.mp4", State: jobs.Done,
			Set: "bench", Take: i + 1, Seed: &seed, Source: jobs.Source{Name: "pattern"}})
	}

	a := app.NewWithID("io.vivify.comparebench")
	w := a.NewWindow("Vivify compare benchmark")
	w.Resize(fyne.NewSize(1280, 760))
	empty := widget.NewLabel("")
	w.SetContent(empty)

	go func() {
		time.Sleep(2 * time.Second) // the window is up and drawn
		measure := func(setup func(), ready func() bool) time.Duration {
			fyne.DoAndWait(setup)
			for ready != nil && !ready() {
				time.Sleep(100 * time.Millisecond)
			}
			time.Sleep(time.Second)
			c0 := cpu()
			time.Sleep(span)
			return cpu() - c0
		}
		// One player, of the details pane's size (about 640×400 in this
		// window), playing the first video.
		ctx := context.Background()
		one, err := preview.Open(ctx, list[0].File(list[0].Output), 720, 720)
		if err != nil {
			panic(err)
		}
		p := preview.NewPlayer()
		player := measure(func() {
			p.SetAnimation(one)
			w.SetContent(p)
			p.Play()
		}, nil)
		fyne.DoAndWait(func() { p.Pause(); w.SetContent(empty) })
		oneMB := float64(one.Bytes()) / (1 << 20)
		one = nil

		c := gui.NewCompare(list, fyne.Do, func(jobs.Job) {}, func() {})
		compare := measure(func() {
			w.SetContent(c.Content())
			c.Load()
		}, func() bool {
			var playing bool
			fyne.DoAndWait(func() { playing = c.Playing() })
			return playing
		})
		var kept []int
		fyne.DoAndWait(func() { kept = c.KeptBytes() })
		pct := func(d time.Duration) float64 { return 100 * d.Seconds() / span.Seconds() }
		fmt.Printf("one player (720p 5 s 24 fps at 720 px): %.1f%% of a core, frames %.0f MB; "+
			"compare of 4 (at 540 px): %.1f%% of a core (%.2f× the player), frames kept per tile:",
			pct(player), oneMB, pct(compare), compare.Seconds()/player.Seconds())
		for _, k := range kept {
			fmt.Printf(" %.0f MB", float64(k)/(1<<20))
		}
		fmt.Printf(" (over %v each)\n", span)
		fyne.Do(a.Quit)
	}()
	w.ShowAndRun()
	os.Exit(0)
}
