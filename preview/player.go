package preview

import (
	"fmt"
	"image"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Words says the player's own texts (Texts) in the window's language; the
// window sets it. Clock writes where the video is and how long it lasts as
// the language does ("1,2 / 2,5 s"): the unit once, so that the clock
// takes little room beside the controls.
var (
	Words = func(s string) string { return s }
	Clock = func(at, of float64) string { return fmt.Sprintf("%.1f / %.1f s", at, of) }
)

// Texts are the words the player shows, in English.
var Texts = []string{textLoop, textIncomplete}

const (
	textLoop       = "Loop"
	textIncomplete = "This video is incomplete: it plays the frames that arrived."
)

// Speeds the player offers.
var Speeds = []struct {
	Label string
	Rate  float64
}{{"0.5×", 0.5}, {"1×", 1}, {"2×", 2}}

// Player plays an Animation: play and pause, loop, a scrub bar, a frame
// back or forward, speed, and the time. It is driven by one fyne.Animation,
// with no goroutine of its own, and stops it when paused or hidden, so a
// player that is not playing costs no CPU. Like every widget, it is used
// from the UI goroutine only.
type Player struct {
	widget.BaseWidget

	anim    *Animation
	frame   int
	pos     time.Duration // where playing is, within the animation
	playing bool
	loop    bool
	rate    float64
	run     *fyne.Animation
	runFrom time.Duration // pos when run started
	times   []string      // each frame's time, formatted once
	seeking bool          // the scrub bar is being set by the player itself

	view    *canvas.Image
	poster  *fyne.Container // shown instead of frames: an image and a button
	play    *widget.Button
	back    *widget.Button
	forward *widget.Button
	loopBox *widget.Check
	speed   *widget.Select
	scrub   *widget.Slider
	clock   *canvas.Text // a plain text: a label re-lays out rich text on every change
	note    *widget.Label
}

// NewPlayer returns an empty player; give it something with SetAnimation
// or SetPoster.
func NewPlayer() *Player {
	p := &Player{loop: true, rate: 1}
	p.view = canvas.NewImageFromImage(nil)
	p.view.FillMode = canvas.ImageFillContain
	// The frames are decoded near the size they are shown at; let the GPU
	// do the rest (bilinear). ImageScaleSmooth would rescale every new frame
	// on the CPU, which costs more than everything else in playing.
	p.view.ScaleMode = canvas.ImageScaleFastest
	p.play = widget.NewButtonWithIcon("", theme.MediaPlayIcon(), p.Toggle)
	p.back = widget.NewButtonWithIcon("", theme.MediaSkipPreviousIcon(), func() { p.Step(-1) })
	p.forward = widget.NewButtonWithIcon("", theme.MediaSkipNextIcon(), func() { p.Step(1) })
	p.loopBox = widget.NewCheck(Words(textLoop), p.SetLoop)
	p.loopBox.Checked = true
	labels := make([]string, len(Speeds))
	for i, s := range Speeds {
		labels[i] = s.Label
	}
	p.speed = widget.NewSelect(labels, func(l string) {
		for _, s := range Speeds {
			if s.Label == l {
				p.SetSpeed(s.Rate)
			}
		}
	})
	p.speed.Selected = "1×"
	p.scrub = widget.NewSlider(0, 1)
	p.scrub.Step = 1
	p.scrub.OnChanged = func(v float64) {
		if !p.seeking && p.anim != nil {
			p.Seek(p.anim.Start(min(int(v), len(p.anim.Frames)-1)))
		}
	}
	p.clock = canvas.NewText("", theme.Color(theme.ColorNameForeground))
	// The regular face, not monospace: its digits are of one width already,
	// and a monospace face would load a whole extra set of fonts.
	p.note = widget.NewLabel("")
	p.note.Hide()
	p.ExtendBaseWidget(p)
	p.enable(false)
	return p
}

// SetAnimation shows an animation, paused at its first frame.
func (p *Player) SetAnimation(a *Animation) {
	p.Pause()
	p.anim = a
	p.poster = nil
	p.frame, p.pos = -1, 0
	p.times = make([]string, len(a.Frames))
	for i := range a.Frames {
		p.times[i] = Clock(a.Start(i).Seconds(), a.Duration.Seconds())
	}
	p.scrub.Max = float64(max(1, len(a.Frames)-1))
	p.enable(len(a.Frames) > 1)
	if a.Incomplete {
		p.note.SetText(Words(textIncomplete))
		p.note.Show()
	} else {
		p.note.Hide()
	}
	p.showFrame(0)
	p.Refresh()
}

// SetPoster shows a still picture (or none) with a message and an action
// (or none, when action is "") in place of frames: for a video that cannot
// be played in the app, or is not made yet.
func (p *Player) SetPoster(img image.Image, message, action string, do func()) {
	p.Pause()
	p.anim = nil
	still := canvas.NewImageFromImage(img)
	still.FillMode = canvas.ImageFillContain
	words := widget.NewLabel(message)
	words.Wrapping = fyne.TextWrapWord
	words.Alignment = fyne.TextAlignCenter
	below := container.NewVBox(words)
	if action != "" {
		below.Add(container.NewCenter(widget.NewButton(action, do)))
	}
	p.poster = container.NewBorder(nil, below, nil, nil, still)
	// Nothing of the video shown before stays: not its time, nor where
	// the scrub bar was.
	p.frame, p.pos = -1, 0
	p.clock.Text = ""
	p.clock.Refresh()
	p.seeking = true
	p.scrub.SetValue(0)
	p.seeking = false
	p.enable(false)
	p.note.Hide()
	p.Refresh()
}

func (p *Player) enable(ok bool) {
	for _, w := range []fyne.Disableable{p.play, p.back, p.forward, p.scrub} {
		if ok {
			w.Enable()
		} else {
			w.Disable()
		}
	}
}

// Animation is what the player shows, or nil.
func (p *Player) Animation() *Animation { return p.anim }

// Frame is the index of the frame shown.
func (p *Player) Frame() int { return p.frame }

// Time is where the player is within the animation.
func (p *Player) Time() time.Duration { return p.pos }

// Playing reports whether the player is playing.
func (p *Player) Playing() bool { return p.playing }

// Image is the frame shown, for tests and screenshots.
func (p *Player) Image() image.Image { return p.view.Image }

// Toggle plays or pauses.
func (p *Player) Toggle() {
	if p.playing {
		p.Pause()
	} else {
		p.Play()
	}
}

// Play plays from the current position; at the end of a clip that does not
// loop, from the start.
func (p *Player) Play() {
	if p.anim == nil || len(p.anim.Frames) < 2 || p.playing {
		return
	}
	if !p.loop && p.pos >= p.anim.Duration-p.anim.Frames[len(p.anim.Frames)-1].Delay {
		p.seekTo(0)
	}
	p.playing = true
	p.play.SetIcon(theme.MediaPauseIcon())
	p.startRun()
}

func (p *Player) startRun() {
	total := p.anim.Duration
	p.runFrom = p.pos
	span := total // a loop runs round and round
	if !p.loop {
		span = total - p.pos
	}
	d := time.Duration(float64(span) / p.rate)
	p.run = fyne.NewAnimation(d, p.tick)
	p.run.Curve = fyne.AnimationLinear
	if p.loop {
		p.run.RepeatCount = fyne.AnimationRepeatForever
	}
	p.run.Start()
}

// tick is called by the animation, on the UI goroutine, with how far the run
// has gone (0 to 1).
func (p *Player) tick(done float32) {
	if !p.playing || p.anim == nil {
		return
	}
	total := p.anim.Duration
	if p.loop {
		p.pos = (p.runFrom + time.Duration(float64(done)*float64(total))) % total
	} else {
		p.pos = p.runFrom + time.Duration(float64(done)*float64(total-p.runFrom))
		if done >= 1 {
			p.pos = total - 1
			p.showFrame(len(p.anim.Frames) - 1)
			p.Pause()
			return
		}
	}
	if i := p.anim.FrameAt(p.pos); i != p.frame {
		p.showFrame(i)
	}
}

// Pause stops playing; the frame stays.
func (p *Player) Pause() {
	if p.run != nil {
		p.run.Stop()
		p.run = nil
	}
	if p.playing {
		p.playing = false
		p.play.SetIcon(theme.MediaPlayIcon())
	}
}

// Seek moves to time t; playing goes on from there.
func (p *Player) Seek(t time.Duration) {
	if p.anim == nil {
		return
	}
	was := p.playing
	p.Pause()
	p.seekTo(t)
	if was {
		p.Play()
	}
}

func (p *Player) seekTo(t time.Duration) {
	p.pos = max(0, min(t, p.anim.Duration-1))
	p.showFrame(p.anim.FrameAt(p.pos))
}

// Step pauses and moves n frames (1 forward, -1 back), wrapping around.
func (p *Player) Step(n int) {
	if p.anim == nil || len(p.anim.Frames) == 0 {
		return
	}
	p.Pause()
	k := len(p.anim.Frames)
	i := ((p.frame+n)%k + k) % k
	p.pos = p.anim.Start(i)
	p.showFrame(i)
}

// SetSpeed sets the playing rate: 0.5, 1 or 2.
func (p *Player) SetSpeed(rate float64) {
	if rate <= 0 || rate == p.rate {
		return
	}
	p.rate = rate
	for _, s := range Speeds {
		if s.Rate == rate && p.speed.Selected != s.Label {
			p.speed.SetSelected(s.Label)
		}
	}
	if p.playing {
		p.Pause()
		p.Play()
	}
}

// SetLoop sets whether playing starts again at the end.
func (p *Player) SetLoop(on bool) {
	if on == p.loop {
		return
	}
	p.loop = on
	p.loopBox.SetChecked(on)
	if p.playing {
		p.Pause()
		p.Play()
	}
}

// showFrame puts frame i on screen. Moving to another frame allocates
// nothing: the frames and their times are ready.
func (p *Player) showFrame(i int) {
	if p.anim == nil || i < 0 || i >= len(p.anim.Frames) {
		return
	}
	p.frame = i
	p.view.Image = p.anim.Frames[i].Image
	p.view.Refresh()
	p.seeking = true
	p.scrub.SetValue(float64(i))
	p.seeking = false
	p.clock.Text = p.times[i]
	p.clock.Refresh()
}

// Hide pauses the player: one that is not shown does not play.
func (p *Player) Hide() {
	p.Pause()
	p.BaseWidget.Hide()
}

// MinSize leaves room for a frame and the controls.
func (p *Player) MinSize() fyne.Size {
	p.ExtendBaseWidget(p)
	return p.BaseWidget.MinSize()
}

// CreateRenderer lays the frame out above its controls.
func (p *Player) CreateRenderer() fyne.WidgetRenderer {
	// The scrub bar gets a row of its own, the full width; the buttons and
	// the time sit under it, speed and loop at the right.
	controls := container.NewVBox(p.scrub, container.NewBorder(nil, nil,
		container.NewHBox(p.back, p.play, p.forward, p.clockBox()),
		container.NewHBox(p.speed, p.loopBox)))
	stage := container.NewStack(p.view)
	r := &playerRenderer{p: p, stage: stage,
		box: container.NewBorder(nil, container.NewVBox(p.note, controls), nil, nil, stage)}
	r.Refresh()
	return r
}

// clockBox gives the time the room it takes when a video plays, before one
// does: the controls, and the divider beside the player, stay where they
// are when a video starts.
func (p *Player) clockBox() fyne.CanvasObject {
	p.clock.Alignment = fyne.TextAlignCenter
	// As long as a time gets, in the window's language ("88,8 / 88,8 से॰").
	room := fyne.MeasureText(Clock(88.8, 88.8), p.clock.TextSize, p.clock.TextStyle)
	room.Width += 2 * theme.Padding()
	return container.NewCenter(container.New(layout.NewGridWrapLayout(room), p.clock))
}

type playerRenderer struct {
	p     *Player
	stage *fyne.Container
	box   *fyne.Container
}

func (r *playerRenderer) Layout(s fyne.Size)           { r.box.Resize(s) }
func (r *playerRenderer) MinSize() fyne.Size           { return r.box.MinSize().Max(fyne.NewSize(320, 240)) }
func (r *playerRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.box} }
func (r *playerRenderer) Destroy()                     { r.p.Pause() }

func (r *playerRenderer) Refresh() {
	r.p.clock.Color = theme.Color(theme.ColorNameForeground) // follows a change of theme
	if r.p.poster != nil {
		r.stage.Objects = []fyne.CanvasObject{r.p.poster}
	} else {
		r.stage.Objects = []fyne.CanvasObject{r.p.view}
	}
	r.stage.Refresh()
	r.box.Refresh()
}
