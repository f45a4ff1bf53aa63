package preview

import (
	"bytes"
	"image"
	"image/color"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// fourFrames is a 40×40 clip of red, green, blue and yellow, 100 ms each.
func fourFrames(t testing.TB) *Animation {
	t.Helper()
	rows := func(c byte) []string {
		r := make([]string, 40)
		for i := range r {
			r[i] = string(bytes.Repeat([]byte{c}, 40))
		}
		return r
	}
	data := encode(t, 40, 40, []*image.Paletted{frame(0, 0, rows('R')...), frame(0, 0, rows('G')...),
		frame(0, 0, rows('B')...), frame(0, 0, rows('Y')...)}, nil, nil)
	a, err := DecodeGIF(bytes.NewReader(data), 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func newTestPlayer(t *testing.T) (*Player, *Animation) {
	t.Helper()
	test.NewTempApp(t)
	p := NewPlayer()
	a := fourFrames(t)
	p.SetAnimation(a)
	return p, a
}

func expectFrame(t *testing.T, p *Player, a *Animation, want int) {
	t.Helper()
	if p.Frame() != want || p.Image() != a.Frames[want].Image || int(p.scrub.Value) != want || p.clock.Text != p.times[want] {
		t.Fatalf("frame %d (scrub %v, clock %q), want %d", p.Frame(), p.scrub.Value, p.clock.Text, want)
	}
}

func TestPlayerStartsPausedOnTheFirstFrame(t *testing.T) {
	p, a := newTestPlayer(t)
	expectFrame(t, p, a, 0)
	if p.Playing() || p.clock.Text != "0.0 / 0.4 s" || p.scrub.Max != 3 {
		t.Fatalf("playing %v, clock %q, scrub max %v", p.Playing(), p.clock.Text, p.scrub.Max)
	}
}

func TestPlayerPlaysAndPauses(t *testing.T) {
	p, a := newTestPlayer(t)
	p.Play()
	if !p.Playing() || p.run == nil || p.run.RepeatCount != fyne.AnimationRepeatForever || p.run.Duration != 400*time.Millisecond {
		t.Fatalf("playing %v, run %+v", p.Playing(), p.run)
	}
	p.run.Tick(0.5) // half way through the clip
	expectFrame(t, p, a, 2)
	p.run.Tick(0.99)
	expectFrame(t, p, a, 3)
	p.Pause()
	if p.Playing() || p.run != nil {
		t.Fatal("still playing")
	}
	expectFrame(t, p, a, 3)
	// Playing again goes on from where it was.
	p.Play()
	p.run.Tick(0.3) // 120 ms after 390 ms: round the loop
	expectFrame(t, p, a, 1)
	p.Toggle()
	if p.Playing() {
		t.Fatal("toggle did not pause")
	}
}

func TestPlayerStepsAndScrubs(t *testing.T) {
	p, a := newTestPlayer(t)
	p.Step(1)
	expectFrame(t, p, a, 1)
	p.Step(1)
	p.Step(1)
	expectFrame(t, p, a, 3)
	p.Step(1) // round to the start
	expectFrame(t, p, a, 0)
	p.Step(-1)
	expectFrame(t, p, a, 3)
	p.scrub.SetValue(1) // the user drags the scrub bar
	expectFrame(t, p, a, 1)
	if p.Time() != 100*time.Millisecond {
		t.Fatalf("time %v", p.Time())
	}
	p.Seek(310 * time.Millisecond)
	expectFrame(t, p, a, 3)
	// Stepping while playing pauses.
	p.Play()
	p.Step(1)
	if p.Playing() {
		t.Fatal("stepping did not pause")
	}
}

func TestPlayerSpeedAndLoop(t *testing.T) {
	p, a := newTestPlayer(t)
	p.speed.SetSelected("2×")
	p.Play()
	if p.run.Duration != 200*time.Millisecond {
		t.Fatalf("at 2× a loop takes %v", p.run.Duration)
	}
	p.SetSpeed(0.5)
	if p.run.Duration != 800*time.Millisecond || p.speed.Selected != "0.5×" {
		t.Fatalf("at 0.5× a loop takes %v (%s)", p.run.Duration, p.speed.Selected)
	}
	// Without loop, a run covers what is left of the clip, and stops on the
	// last frame. (The test driver runs an animation to its end as soon as
	// it starts, so the middle of the run is driven by hand.)
	p.SetSpeed(1)
	p.loopBox.SetChecked(false)
	p.Pause()
	p.Seek(250 * time.Millisecond)
	p.Play()
	expectFrame(t, p, a, 3)
	if p.Playing() || p.run != nil {
		t.Fatal("still playing after the end")
	}
	p.Seek(0)
	p.playing, p.runFrom = true, 0
	p.tick(0.6) // 240 ms into the clip
	expectFrame(t, p, a, 2)
	p.tick(1)
	expectFrame(t, p, a, 3)
	if p.Playing() {
		t.Fatal("still playing after the end")
	}
	// Play at the end starts over (and the driver runs it to the end again).
	p.Play()
	expectFrame(t, p, a, 3)
	if p.Time() < 300*time.Millisecond {
		t.Fatalf("time %v", p.Time())
	}
}

func TestPlayerStopsWhenHidden(t *testing.T) {
	p, _ := newTestPlayer(t)
	p.Play()
	p.Hide()
	if p.Playing() || p.run != nil {
		t.Fatal("a hidden player plays on")
	}
}

// The frame the player says it shows is the one on screen.
func TestPlayerRendersTheFrame(t *testing.T) {
	p, _ := newTestPlayer(t)
	w := test.NewWindow(p)
	defer w.Close()
	w.Resize(fyne.NewSize(400, 360))
	center := func() color.RGBA {
		img := w.Canvas().Capture()
		b := img.Bounds()
		r, g, bl, _ := img.At(b.Dx()/2, b.Dy()/3).RGBA()
		return color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(bl >> 8), 255}
	}
	near := func(c, want color.RGBA) bool {
		d := func(a, b uint8) bool { return int(a)-int(b) < 24 && int(b)-int(a) < 24 }
		return d(c.R, want.R) && d(c.G, want.G) && d(c.B, want.B)
	}
	for i, want := range []color.RGBA{letters['R'], letters['G'], letters['B'], letters['Y']} {
		if i > 0 {
			p.Step(1)
		}
		if c := center(); !near(c, want) {
			t.Errorf("frame %d shows %v, want %v", i, c, want)
		}
	}
}

func TestPlayerSaysAnAnimationIsIncomplete(t *testing.T) {
	test.NewTempApp(t)
	p := NewPlayer()
	a := fourFrames(t)
	a.Incomplete = true
	p.SetAnimation(a)
	if !p.note.Visible() || p.note.Text == "" {
		t.Fatal("no word of the missing frames")
	}
}

func TestPlayerPoster(t *testing.T) {
	test.NewTempApp(t)
	p := NewPlayer()
	opened := false
	p.SetPoster(image.NewRGBA(image.Rect(0, 0, 10, 10)), "MP4 plays in the app once ffmpeg is installed.", "Open in player", func() { opened = true })
	w := test.NewWindow(p)
	defer w.Close()
	var button fyne.Tappable
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if b, ok := o.(interface{ Tapped(*fyne.PointEvent) }); ok {
			if _, isBtn := o.(fyne.Disableable); isBtn && button == nil {
				if d, _ := o.(fyne.Disableable); !d.Disabled() {
					button = b.(fyne.Tappable)
				}
			}
		}
		if c, ok := o.(*fyne.Container); ok {
			for _, k := range c.Objects {
				walk(k)
			}
		}
	}
	walk(p.poster)
	if button == nil {
		t.Fatal("no action button on the poster")
	}
	test.Tap(button)
	if !opened || p.play.Disabled() == false {
		t.Fatalf("opened %v, play disabled %v", opened, p.play.Disabled())
	}
}

// The time under the player has its room before a video loads, so nothing
// beside the player moves when one starts (the divider did, by 24 px).
func TestPlayerKeepsItsWidthWhenAVideoLoads(t *testing.T) {
	test.NewTempApp(t)
	p := NewPlayer()
	w := test.NewWindow(p)
	defer w.Close()
	before := p.MinSize()
	p.SetAnimation(fourFrames(t))
	p.Play()
	defer p.Pause()
	if p.clock.Text == "" {
		t.Fatal("no time shown")
	}
	if after := p.MinSize(); after.Width != before.Width {
		t.Fatalf("min width %v with a video, %v without", after.Width, before.Width)
	}
}
