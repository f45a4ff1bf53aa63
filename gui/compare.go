package gui

import (
	"context"
	"fmt"
	"image"
	"image/color"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	xdraw "golang.org/x/image/draw"

	"vivify/jobs"
	"vivify/preview"
)

// syncClock is the one clock of compared videos: a position in time that
// every tile shows its frame of. Videos of other lengths and frame rates
// are kept in step by time: each shows the frame of the same moment, and a
// shorter one holds its last frame until the longest ends.
type syncClock struct {
	pos     time.Duration
	longest time.Duration
	speed   float64
	loop    bool
	playing bool
	step    time.Duration // a frame of the fastest video
}

// advance moves the clock on by d of real time, at its speed: round to the
// start when it loops, stopped at the end when it does not.
func (c *syncClock) advance(d time.Duration) {
	if !c.playing || c.longest <= 0 {
		return
	}
	c.pos += time.Duration(float64(d) * c.speed)
	if c.pos >= c.longest {
		if c.loop {
			c.pos %= c.longest
		} else {
			c.pos, c.playing = c.longest-1, false
		}
	}
}

// seek puts the clock at t, within the videos.
func (c *syncClock) seek(t time.Duration) {
	c.pos = min(max(t, 0), max(c.longest-1, 0))
}

// frameOf is the frame of a that the clock shows: the one at its time, or
// a's last frame once a has ended.
func (c *syncClock) frameOf(a *preview.Animation) int {
	if a == nil || len(a.Frames) == 0 {
		return 0
	}
	if c.pos >= a.Duration {
		return len(a.Frames) - 1
	}
	return a.FrameAt(c.pos)
}

// compareTile is one video in Compare.
type compareTile struct {
	job   jobs.Job
	star  *widget.Button
	anim  *preview.Animation
	img   *canvas.Image
	words *widget.Label
	frame *canvas.Rectangle // the frame drawn round the tile chosen
	shown int
	box   fyne.CanvasObject
}

// Compare plays 2 to 4 finished videos side by side in sync: one Play,
// one scrub bar, frame steps, speed and loop for all; for two, a wipe.
type Compare struct {
	runOnUI func(func())     // hands work to the UI goroutine
	star    func(j jobs.Job) // stars j, or unstars it
	closed  bool
	tiles   []*compareTile
	clock   syncClock
	last    time.Time
	play    *widget.Button
	slider  *widget.Slider
	when    *widget.Label
	note    *widget.Label
	speed   *widget.Select
	loop    *widget.Check
	wipe    *widget.Check
	wipeAt  float32
	wiper   *wipeView
	grid    *fyne.Container
	stage   *fyne.Container
	content fyne.CanvasObject
	chosen  int
	stop    chan struct{}
	once    sync.Once
}

// compareBox is the largest side a tile's frames are decoded at, by how
// many videos are compared: memory is bounded by the tiles, not the clips.
func compareBox(n int) int {
	if n <= 2 {
		return 720
	}
	return 540
}

// compareSet compares the finished takes of set.
func (w *Window) compareSet(set string) {
	var done []jobs.Job
	for _, j := range w.deps.Engine.Set(set) {
		if j.State == jobs.Done && j.Output != "" {
			done = append(done, j)
		}
	}
	w.compareJobs(done)
}

// compareJobs opens Compare on list (2 to 4 finished videos) in place of
// the gallery and the details.
func (w *Window) compareJobs(list []jobs.Job) {
	if len(list) < 2 {
		w.inform(T("Compare needs two finished videos at least: wait for the takes, or choose others."))
		return
	}
	if len(list) > jobs.MaxTakes {
		list = list[:jobs.MaxTakes]
	}
	w.closeCompare()
	c := NewCompare(list, w.deps.RunOnUI, w.toggleStar, w.closeCompare)
	w.cmp = c
	w.compareHolder.Objects = []fyne.CanvasObject{c.content}
	w.compareHolder.Show()
	w.right.Hide()
	w.compareHolder.Refresh()
	w.details.player.Pause()
	c.load()
}

// NewCompare builds the Compare view of list (2 to 4 finished videos):
// runOnUI hands work to the UI goroutine, star stars a video, back closes
// the view. Load reads the videos and starts playing them.
func NewCompare(list []jobs.Job, runOnUI func(func()), star func(jobs.Job), back func()) *Compare {
	c := &Compare{runOnUI: runOnUI, star: star, stop: make(chan struct{}), wipeAt: 0.5, chosen: -1}
	c.clock.speed, c.clock.loop = 1, true
	words := differences(list)
	for i, j := range list {
		t := &compareTile{job: j, shown: -1}
		t.img = canvas.NewImageFromImage(nil)
		t.img.FillMode = canvas.ImageFillContain
		t.img.SetMinSize(fyne.NewSize(120, 90))
		t.words = widget.NewLabel(Tf("%d · %s", i+1, words[i]))
		t.words.Wrapping = wordWrap()
		t.words.SizeName = theme.SizeNameCaptionText
		t.frame = canvas.NewRectangle(color.Transparent)
		t.frame.StrokeWidth = 2
		t.star = widget.NewButtonWithIcon("", unstarredIcon, func() { c.toggleStar(t) })
		if j.Starred {
			t.star.SetIcon(starredIcon)
		}
		t.star.Importance = widget.LowImportance
		t.box = container.NewStack(t.frame, container.NewBorder(nil, container.NewBorder(nil, nil, nil, t.star, t.words), nil, nil, t.img))
		c.tiles = append(c.tiles, t)
	}
	c.play = widget.NewButtonWithIcon("", theme.MediaPlayIcon(), c.togglePlay)
	prev := widget.NewButtonWithIcon("", theme.MediaSkipPreviousIcon(), func() { c.stepBy(-1) })
	fwd := widget.NewButtonWithIcon("", theme.MediaSkipNextIcon(), func() { c.stepBy(1) })
	c.slider = widget.NewSlider(0, 1)
	c.slider.Step = 0.001
	c.slider.OnChanged = func(v float64) {
		if c.clock.longest > 0 && !c.clock.playing {
			c.clock.seek(time.Duration(v * float64(c.clock.longest)))
			c.show()
		}
	}
	c.when = widget.NewLabel(Tf("%.1f s", 0.0))
	rates := []float64{0.25, 0.5, 1, 2}
	var labels []string
	for _, r := range rates {
		labels = append(labels, speedWords(r))
	}
	c.speed = widget.NewSelect(labels, func(string) {
		c.clock.speed = rates[max(0, c.speed.SelectedIndex())]
	})
	c.speed.Selected = speedWords(1)
	c.loop = widget.NewCheck(T("Loop"), func(on bool) { c.clock.loop = on })
	c.loop.Checked = true
	c.wipe = widget.NewCheck(T("Wipe"), func(on bool) { c.setWipe(on) })
	if len(list) != 2 {
		c.wipe.Hide()
	}
	c.note = widget.NewLabel(T("Loading the videos…"))
	c.note.Wrapping = wordWrap()
	c.note.SizeName = theme.SizeNameCaptionText
	closeBtn := widget.NewButtonWithIcon(T("Back"), theme.NavigateBackIcon(), back)
	title := widget.NewLabelWithStyle(Tf("Compare %d videos", len(list)), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	top := container.NewBorder(nil, c.note, nil, closeBtn, title)
	controls := container.NewBorder(nil, nil, container.NewHBox(prev, c.play, fwd, c.when), container.NewHBox(c.speed, c.loop, c.wipe), c.slider)
	c.grid = container.NewGridWithColumns(compareColumns(list), tileBoxes(c.tiles)...)
	c.wiper = newWipeView(c)
	c.stage = container.NewStack(c.grid)
	c.content = container.NewBorder(top, controls, nil, nil, c.stage)
	return c
}

// Content is the view's widgets.
func (c *Compare) Content() fyne.CanvasObject { return c.content }

// Load reads the videos off the UI goroutine and plays them once read.
func (c *Compare) Load() { c.load() }

// Close stops the view's clock and lets its frames go.
func (c *Compare) Close() {
	c.closed = true
	c.once.Do(func() { close(c.stop) })
	for _, t := range c.tiles {
		t.anim = nil
	}
}

// KeptBytes is the memory the tiles' frames hold.
func (c *Compare) KeptBytes() []int {
	var out []int
	for _, t := range c.tiles {
		n := 0
		if t.anim != nil {
			n = t.anim.Bytes()
		}
		out = append(out, n)
	}
	return out
}

// Playing reports whether the videos are read and playing.
func (c *Compare) Playing() bool { return c.clock.playing }

func tileBoxes(tiles []*compareTile) []fyne.CanvasObject {
	var out []fyne.CanvasObject
	for _, t := range tiles {
		out = append(out, t.box)
	}
	return out
}

// compareColumns lays videos out by their shapes: portraits side by side,
// landscapes stacked (two) or two by two (three or four).
func compareColumns(list []jobs.Job) int {
	portrait := 0
	for _, j := range list {
		if w, h := videoShape(j); h > w {
			portrait++
		}
	}
	switch {
	case portrait == len(list):
		return len(list)
	case len(list) <= 2 && portrait == 0:
		return 1
	}
	return 2
}

// videoShape is the size the job's video was asked to be.
func videoShape(j jobs.Job) (int, int) {
	if m, ok := j.Request.Model(); ok {
		return m.Size(j.Request)
	}
	return j.Request.Width, j.Request.Height
}

// load decodes the videos off the UI goroutine, each at the size of its
// tile; a video that cannot be read says so in its tile.
func (c *Compare) load() {
	box := compareBox(len(c.tiles))
	var wg sync.WaitGroup
	for _, t := range c.tiles {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			path := t.job.File(t.job.Output)
			var a *preview.Animation
			err := fmt.Errorf("the video is no longer in its folder")
			if path != "" {
				a, err = preview.Open(ctx, path, box, box)
			}
			c.runOnUI(func() {
				if err != nil {
					t.words.SetText(Tf("%s\nThis video cannot be played: %s", t.words.Text, plainError(err)))
					t.words.Importance = widget.DangerImportance
					t.words.Refresh()
					return
				}
				t.anim = a
			})
		}()
	}
	go func() {
		wg.Wait()
		c.runOnUI(c.ready)
	}()
}

// ready starts the clock once every video is read.
func (c *Compare) ready() {
	if c.closed {
		return // closed meanwhile
	}
	var rates []string
	var lengths []time.Duration
	c.clock.step = 0
	for _, t := range c.tiles {
		if t.anim == nil || len(t.anim.Frames) == 0 {
			continue
		}
		c.clock.longest = max(c.clock.longest, t.anim.Duration)
		lengths = append(lengths, t.anim.Duration)
		fps := float64(len(t.anim.Frames)) / t.anim.Duration.Seconds()
		rates = append(rates, Num(fps, 1))
		if d := t.anim.Duration / time.Duration(len(t.anim.Frames)); c.clock.step == 0 || d < c.clock.step {
			c.clock.step = d
		}
	}
	c.note.SetText(syncWords(rates, lengths, c.clock.longest))
	c.clock.playing = true
	c.play.SetIcon(theme.MediaPauseIcon())
	c.last = time.Now()
	c.show()
	go func() {
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-c.stop:
				return
			case <-tick.C:
				c.runOnUI(c.tick)
			}
		}
	}()
}

// syncWords says how videos of other rates and lengths are kept in step.
func syncWords(rates []string, lengths []time.Duration, longest time.Duration) string {
	words := T("In step by time: every video shows its frame of the same moment.")
	sameRate, sameLength := true, true
	for i := range rates {
		sameRate = sameRate && rates[i] == rates[0]
		sameLength = sameLength && (lengths[i]-lengths[0]).Abs() < 50*time.Millisecond
	}
	if !sameRate {
		words += Tf(" Their frame rates differ (%s a second): a slower one holds each frame longer.", strings.Join(dedupe(rates), ", "))
	}
	if !sameLength {
		words += Tf(" Their lengths differ: a shorter one holds its last frame until the longest (%.1f s) ends.", longest.Seconds())
	}
	return words
}

func dedupe(list []string) []string {
	var out []string
	for _, s := range list {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// tick moves the clock on by the time since the last tick.
func (c *Compare) tick() {
	if c.closed {
		return
	}
	now := time.Now()
	c.clock.advance(now.Sub(c.last))
	c.last = now
	if c.clock.playing {
		c.show()
	} else if c.play.Icon != theme.MediaPlayIcon() {
		c.play.SetIcon(theme.MediaPlayIcon())
	}
}

// show draws each tile's frame of the clock's moment.
func (c *Compare) show() {
	for _, t := range c.tiles {
		i := c.clock.frameOf(t.anim)
		if t.anim != nil && i != t.shown && i < len(t.anim.Frames) {
			t.shown = i
			t.img.Image = t.anim.Frames[i].Image
			t.img.Refresh()
		}
	}
	if c.clock.longest > 0 {
		c.slider.Value = float64(c.clock.pos) / float64(c.clock.longest)
		c.slider.Refresh()
	}
	c.when.SetText(Tf("%.1f s", c.clock.pos.Seconds()))
	if c.wipe.Checked {
		c.wiper.Refresh()
	}
}

func (c *Compare) togglePlay() {
	c.clock.playing = !c.clock.playing
	c.last = time.Now()
	if c.clock.playing {
		if c.clock.pos >= c.clock.longest-1 {
			c.clock.pos = 0
		}
		c.play.SetIcon(theme.MediaPauseIcon())
	} else {
		c.play.SetIcon(theme.MediaPlayIcon())
	}
}

// stepBy pauses and moves n frames of the fastest video.
func (c *Compare) stepBy(n int) {
	c.clock.playing = false
	c.play.SetIcon(theme.MediaPlayIcon())
	c.clock.seek(c.clock.pos + time.Duration(n)*c.clock.step)
	c.show()
}

// choose marks tile i (0-based) as the one the keyboard chose, and shows
// its video in the details once Compare closes.
func (c *Compare) choose(i int) {
	if i < 0 || i >= len(c.tiles) {
		return
	}
	c.chosen = i
	for k, t := range c.tiles {
		t.frame.StrokeColor = color.Transparent
		if k == i {
			t.frame.StrokeColor = theme.Color(theme.ColorNamePrimary)
		}
		t.frame.Refresh()
	}
}

// toggleStar stars the tile's video (the one to keep), or unstars it.
func (c *Compare) toggleStar(t *compareTile) {
	t.job.Starred = !t.job.Starred
	if t.job.Starred {
		t.star.SetIcon(starredIcon)
	} else {
		t.star.SetIcon(unstarredIcon)
	}
	c.star(jobs.Job{ID: t.job.ID, Starred: !t.job.Starred})
}

func (c *Compare) setWipe(on bool) {
	if on && len(c.tiles) == 2 {
		// Which is which: the tiles' words, by side.
		sides := widget.NewLabel(Tf("Left of the line: %s.   Right: %s. Drag the line, or click where it should be.", c.tiles[0].words.Text, c.tiles[1].words.Text))
		sides.Wrapping = wordWrap()
		sides.SizeName = theme.SizeNameCaptionText
		c.stage.Objects = []fyne.CanvasObject{container.NewBorder(nil, sides, nil, nil, c.wiper)}
	} else {
		c.stage.Objects = []fyne.CanvasObject{c.grid}
	}
	c.stage.Refresh()
}

// typedKey is Compare's keyboard: Space plays all, the arrows step, 1-4
// choose a tile; it reports whether it used the key.
func (c *Compare) typedKey(k *fyne.KeyEvent) bool {
	switch k.Name {
	case fyne.KeySpace:
		c.togglePlay()
	case fyne.KeyLeft:
		c.stepBy(-1)
	case fyne.KeyRight:
		c.stepBy(1)
	case fyne.Key1, fyne.Key2, fyne.Key3, fyne.Key4:
		c.choose(int(k.Name[0] - '1'))
	default:
		return false
	}
	return true
}

// closeCompare goes back to the gallery and the details; the chosen take
// is shown there.
func (w *Window) closeCompare() {
	c := w.cmp
	if c == nil {
		return
	}
	w.cmp = nil
	c.Close() // the frames go with the view
	w.compareHolder.Objects = nil
	w.compareHolder.Hide()
	w.right.Show()
	if c.chosen >= 0 {
		w.gallery.SelectJob(c.tiles[c.chosen].job.ID)
	}
}

// jobsOf are the compared videos' jobs.
func (c *Compare) jobsOf() []jobs.Job {
	var out []jobs.Job
	for _, t := range c.tiles {
		out = append(out, t.job)
	}
	return out
}

// Comparing is the Compare view open, or nil.
func (w *Window) Comparing() *Compare { return w.cmp }

// differences says for each video what tells it from the others: the
// model, the seed, the motion, the prompt, and what it cost.
func differences(list []jobs.Job) []string {
	differs := func(f func(jobs.Job) string) bool {
		for _, j := range list[1:] {
			if f(j) != f(list[0]) {
				return true
			}
		}
		return false
	}
	seed := func(j jobs.Job) string {
		if j.Seed == nil {
			return ""
		}
		return strconv.FormatInt(*j.Seed, 10)
	}
	motion := func(j jobs.Job) string {
		if m, ok := j.Request.Model(); ok && m.Takes("motion_bucket_id") {
			return strings.ToLower(motionWord(j.Request.MotionBucketID))
		}
		return ""
	}
	prompt := func(j jobs.Job) string { return j.Request.Prompt }
	out := make([]string, len(list))
	for i, j := range list {
		parts := []string{madeWith(j)}
		if j.Set != "" {
			parts[0] = Tf("take %d · %s", j.Take, parts[0])
		}
		if s := seed(j); s != "" && differs(seed) {
			parts = append(parts, Tf("seed %s", s))
		}
		if m := motion(j); m != "" && differs(motion) {
			parts = append(parts, Tf("%s motion", m))
		}
		if differs(prompt) {
			parts = append(parts, "“"+fitWords(j.Request.Prompt, 8)+"”")
		}
		if w, h := videoShape(j); w > 0 {
			parts = append(parts, fmt.Sprintf("%d×%d", w, h))
		}
		if j.Cost != nil {
			parts = append(parts, costWords(jobs.Cost{Amount: j.Cost.Amount, Practice: j.Cost.Practice}, j.Practice))
		} else {
			parts = append(parts, T("cost not measured (made beside others)"))
		}
		if j.Starred {
			parts = append(parts, T("starred"))
		}
		out[i] = strings.Join(parts, " · ")
	}
	return out
}

// fitWords is s cut to its first n words.
func fitWords(s string, n int) string {
	f := strings.Fields(s)
	if len(f) <= n {
		return strings.Join(f, " ")
	}
	return strings.Join(f[:n], " ") + "…"
}

// wipeView shows two videos in one frame, the first left of a divider the
// creator drags across, the second right of it, at the same moment.
type wipeView struct {
	widget.BaseWidget
	c      *Compare
	raster *canvas.Raster
}

func newWipeView(c *Compare) *wipeView {
	v := &wipeView{c: c}
	v.raster = canvas.NewRaster(v.draw)
	v.ExtendBaseWidget(v)
	return v
}

func (v *wipeView) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(v.raster) }

// Dragged moves the divider.
func (v *wipeView) Dragged(e *fyne.DragEvent) {
	if w := v.Size().Width; w > 0 {
		v.c.wipeAt = min(max(e.Position.X/w, 0), 1)
		v.Refresh()
	}
}

func (v *wipeView) DragEnd() {}

// Tapped puts the divider where the creator clicked.
func (v *wipeView) Tapped(e *fyne.PointEvent) {
	v.Dragged(&fyne.DragEvent{PointEvent: *e})
}

// draw composes the two frames of the moment into w×h: each scaled to fit
// the same box, the first left of the divider, the second right of it.
func (v *wipeView) draw(w, h int) image.Image {
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	if len(v.c.tiles) != 2 || w <= 0 || h <= 0 {
		return out
	}
	split := int(v.c.wipeAt * float32(w))
	for k, t := range v.c.tiles {
		if t.anim == nil || len(t.anim.Frames) == 0 {
			continue
		}
		src := t.anim.Frames[v.c.clock.frameOf(t.anim)].Image
		box := fitRect(src.Bounds().Dx(), src.Bounds().Dy(), w, h)
		clip := image.Rect(0, 0, split, h)
		if k == 1 {
			clip = image.Rect(split, 0, w, h)
		}
		dst := out.SubImage(clip).(*image.RGBA)
		xdraw.ApproxBiLinear.Scale(dst, box, src, src.Bounds(), xdraw.Src, nil)
	}
	// the divider
	for y := 0; y < h; y++ {
		for x := max(0, split-1); x <= min(w-1, split); x++ {
			out.SetRGBA(x, y, color.RGBA{255, 255, 255, 255})
		}
	}
	return out
}

// fitRect is a w×h picture scaled to fit a bw×bh box, centred.
func fitRect(w, h, bw, bh int) image.Rectangle {
	if w <= 0 || h <= 0 {
		return image.Rectangle{}
	}
	sw, sh := bw, bw*h/w
	if sh > bh {
		sw, sh = bh*w/h, bh
	}
	x, y := (bw-sw)/2, (bh-sh)/2
	return image.Rect(x, y, x+sw, y+sh)
}
