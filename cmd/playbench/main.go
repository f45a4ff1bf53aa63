//go:build unix

// Command playbench measures what the player costs in a real window: the
// process's CPU while one player plays a 384×384, 25-frame clip at 16 fps,
// then while it is paused, and an empty window's over the same time. Run it
// under a display (make bench-window runs it under Xvfb); it prints one line
// of results and quits.
package main

import (
	"flag"
	"fmt"
	"image"
	"image/color"
	"os"
	"syscall"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/widget"

	"vivify/preview"
)

func cpu() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// clip is 25 frames of a moving gradient, 62.5 ms each: 16 fps.
func clip() *preview.Animation {
	a := &preview.Animation{Width: 384, Height: 384}
	for f := range 25 {
		img := image.NewRGBA(image.Rect(0, 0, 384, 384))
		for y := 0; y < 384; y++ {
			for x := 0; x < 384; x++ {
				img.SetRGBA(x, y, color.RGBA{uint8(x + f*8), uint8(y), uint8(f * 10), 255})
			}
		}
		a.Frames = append(a.Frames, preview.Frame{Image: img, Delay: 62500 * time.Microsecond})
	}
	return preview.Indexed(a)
}

func main() {
	seconds := flag.Int("seconds", 10, "how long each measurement lasts")
	flag.Parse()
	span := time.Duration(*seconds) * time.Second

	a := app.NewWithID("io.vivify.playbench")
	w := a.NewWindow("Vivify player benchmark")
	p := preview.NewPlayer()
	p.SetAnimation(clip())
	empty := widget.NewLabel("")
	w.SetContent(p)
	w.Resize(fyne.NewSize(520, 520))

	go func() {
		time.Sleep(2 * time.Second) // the window is up and drawn
		measure := func(setup func()) time.Duration {
			fyne.DoAndWait(setup)
			time.Sleep(time.Second)
			c0 := cpu()
			time.Sleep(span)
			return cpu() - c0
		}
		playing := measure(p.Play)
		paused := measure(p.Pause)
		var still *fyne.Animation
		bare := measure(func() { // Fyne's own cost of a running animation
			still = fyne.NewAnimation(time.Second, func(float32) {})
			still.RepeatCount = fyne.AnimationRepeatForever
			still.Start()
		})
		idle := measure(func() { still.Stop(); w.SetContent(empty) })
		pct := func(d time.Duration) float64 { return 100 * d.Seconds() / span.Seconds() }
		fmt.Printf("playing at 16 fps: %.1f%% of a core; paused: %.1f%%; "+
			"an animation that draws nothing: %.1f%%; empty window: %.1f%% (over %v each)\n",
			pct(playing), pct(paused), pct(bare), pct(idle), span)
		fyne.Do(a.Quit)
	}()
	w.ShowAndRun()
	os.Exit(0)
}
