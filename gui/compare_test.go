package gui

import (
	"image"
	"os"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"vivify/client"
	"vivify/client/sandbox"
	"vivify/jobs"
	"vivify/preview"
)

// anim is an animation of n frames at fps, each frame's first pixel its
// index, for the clock's tests.
func anim(n, fps int) *preview.Animation {
	a := &preview.Animation{Width: 4, Height: 4}
	for i := 0; i < n; i++ {
		img := image.NewRGBA(image.Rect(0, 0, 4, 4))
		img.Pix[0] = uint8(i)
		a.Frames = append(a.Frames, preview.Frame{Image: img, Delay: time.Second / time.Duration(fps)})
	}
	return preview.Indexed(a)
}

// The compare clock keeps videos of other rates and lengths in step by
// time: after seeking, stepping and a minute of looping each shows the
// frame of the same moment, and a shorter one holds its last frame.
func TestCompareClockKeepsVideosInStep(t *testing.T) {
	slow, fast := anim(16, 7), anim(120, 24) // 2.3 s at 7 fps, 5 s at 24 fps
	c := syncClock{longest: fast.Duration, speed: 1, loop: true, step: time.Second / 24}
	c.seek(time.Second)
	if a, b := c.frameOf(slow), c.frameOf(fast); a != 7 || b != 24 {
		t.Fatalf("at 1 s: frames %d and %d, want 7 and 24", a, b)
	}
	c.seek(3 * time.Second)
	if a, b := c.frameOf(slow), c.frameOf(fast); a != 15 || b != 72 {
		t.Fatalf("at 3 s: frames %d and %d, want the slow one's last (15) and 72", a, b)
	}
	c.seek(time.Second)
	c.seek(c.pos + c.step) // a frame of the fastest on
	if a, b := c.frameOf(slow), c.frameOf(fast); a != 7 || b != 25 {
		t.Fatalf("a step on: %d and %d", a, b)
	}
	// A minute of looping, in ticks of 20 ms.
	c.seek(0)
	c.playing = true
	for i := 0; i < 3000; i++ {
		c.advance(20 * time.Millisecond)
	}
	if c.pos > time.Millisecond || c.frameOf(fast) != 0 || c.frameOf(slow) != 0 { // (a frame of 1/24 s is a whole number of ns short)
		t.Fatalf("after 60 s: at %v, frames %d and %d", c.pos, c.frameOf(slow), c.frameOf(fast))
	}
	for i := 0; i < 70; i++ { // 1.4 s more, at twice the speed: 2.8 s
		c.speed = 2
		c.advance(20 * time.Millisecond)
	}
	if want := fast.FrameAt(2800 * time.Millisecond); c.frameOf(fast) != want || c.frameOf(slow) != 15 {
		t.Fatalf("at 2.8 s: %d (want %d) and %d", c.frameOf(fast), want, c.frameOf(slow))
	}
	// Without loop it stops at the end.
	c.loop, c.speed = false, 1
	c.advance(10 * time.Second)
	if c.playing || c.frameOf(fast) != 119 {
		t.Fatalf("without loop: playing %v at frame %d", c.playing, c.frameOf(fast))
	}
}

// Compare takes: the set's videos side by side, played in step; the
// keyboard plays, steps and chooses; two have a wipe; a take whose file
// is gone says so in its tile while the other plays on.
func TestCompareTakesInTheWindow(t *testing.T) {
	w, q, _ := practiceWindow(t)
	fyne.CurrentApp().Preferences().SetFloat(PrefAskAbove, 0)
	smallTakes(t, w, q)
	w.takes.count.SetSelected(Tn("%d takes", 3, 3))
	w.Generate()
	list := waitDone(t, w, q, 3)
	set := list[0].Set
	q.until(t, 5*time.Second, "the set opened", func() bool { return w.Gallery().OpenedSet() == set })
	q.until(t, 5*time.Second, "the set's actions", func() bool { return len(w.gallery.setActions.Objects) == 2 })
	// One take's file is gone.
	gone := w.deps.Engine.Set(set)[2]
	os.Remove(gone.File(gone.Output))
	w.compareSet(set)
	c := w.Comparing()
	if c == nil || len(c.tiles) != 3 || !w.compareHolder.Visible() || w.right.Visible() {
		t.Fatal("Compare did not open in place of the gallery")
	}
	q.until(t, 20*time.Second, "the videos read", func() bool { return c.clock.playing })
	if c.tiles[0].anim == nil || c.tiles[1].anim == nil || c.tiles[2].anim != nil ||
		!strings.Contains(c.tiles[2].words.Text, "cannot be played") {
		t.Fatalf("tiles: %v %v %v %q", c.tiles[0].anim != nil, c.tiles[1].anim != nil, c.tiles[2].anim != nil, c.tiles[2].words.Text)
	}
	if !strings.Contains(c.tiles[0].words.Text, "seed ") {
		t.Fatalf("the tile does not say its seed: %q", c.tiles[0].words.Text)
	}
	key := func(k fyne.KeyName) {
		w.Fyne().Canvas().(interface{ OnTypedKey() func(*fyne.KeyEvent) }).OnTypedKey()(&fyne.KeyEvent{Name: k})
	}
	key(fyne.KeySpace) // pause
	if c.clock.playing {
		t.Fatal("Space did not pause")
	}
	key(fyne.KeyRight)
	key(fyne.KeyRight)
	for _, tile := range c.tiles[:2] {
		if tile.shown != c.clock.frameOf(tile.anim) || tile.shown != 2 {
			t.Fatalf("after two steps a tile shows frame %d (clock %v)", tile.shown, c.clock.pos)
		}
	}
	key(fyne.Key2)
	if c.chosen != 1 {
		t.Fatalf("2 chose tile %d", c.chosen)
	}
	key(fyne.KeyEscape)
	if w.Comparing() != nil || !w.right.Visible() {
		t.Fatal("Escape did not close Compare")
	}
	if j, _ := w.Details().Job(); j.ID != c.tiles[1].job.ID {
		t.Fatalf("the details show %s, not the take chosen", j.ID)
	}
	// Two: the wipe shows the first left of the divider, the second right.
	w.compareJobs(c.jobsOf()[:2])
	c = w.Comparing()
	q.until(t, 20*time.Second, "the two read", func() bool { return c.clock.playing })
	c.wipe.SetChecked(true)
	if words := strings.Join(allTexts(c.stage), " "); !strings.Contains(words, "Left of the line: 1 · take") || !strings.Contains(words, "Right: 2 · take") {
		t.Fatalf("the wipe does not say which is which: %q", words)
	}
	c.wipeAt = 0.5
	img := c.wiper.draw(200, 100).(*image.RGBA)
	if p := img.RGBAAt(100, 50); p.R != 255 || p.G != 255 || p.B != 255 {
		t.Fatalf("no divider at the middle: %v", p)
	}
	left, right := img.RGBAAt(50, 50), img.RGBAAt(150, 50)
	if left == right {
		t.Fatalf("the wipe shows one video on both sides: %v", left)
	}
	w.closeCompare()
}

// A star on a take keeps it: Remove the others asks first, naming the
// takes, moves only the unstarred ones, and Undo brings them back; the
// Starred filter shows the starred ones.
func TestStarAndRemoveTheOthersInTheWindow(t *testing.T) {
	w, q, _ := practiceWindow(t)
	fyne.CurrentApp().Preferences().SetFloat(PrefAskAbove, 0)
	smallTakes(t, w, q)
	w.takes.count.SetSelected(Tn("%d takes", 3, 3))
	w.Generate()
	list := waitDone(t, w, q, 3)
	set := list[0].Set
	// Without a star, nothing is removed: it says to star first.
	w.removeOthers(set)
	if words := strings.Join(allTexts(w.Fyne().Canvas().Overlays().Top()), " "); !strings.Contains(words, "Star the takes to keep first") {
		t.Fatalf("without a star: %q", words)
	}
	w.deps.dialogs.Escape()
	keep := w.deps.Engine.Set(set)[1]
	w.Details().Show(keep)
	test.Tap(w.Details().star)
	q.until(t, 5*time.Second, "the star", func() bool { j, _ := w.deps.Engine.Job(keep.ID); return j.Starred })
	q.until(t, 5*time.Second, "the star drawn", func() bool { return w.Details().star.Icon == starredIcon })
	w.removeOthers(set)
	top := w.Fyne().Canvas().Overlays().Top()
	if words := strings.Join(allTexts(top), " "); !strings.Contains(words, "Remove 2 takes?") || !strings.Contains(words, "take 1") || !strings.Contains(words, "take 3") || strings.Contains(words, "take 2 (") {
		t.Fatalf("the question: %q", words)
	}
	tapButton(t, top, "Remove")
	q.until(t, 5*time.Second, "the takes removed", func() bool { return len(w.deps.Engine.Jobs()) == 1 })
	if j := w.deps.Engine.Jobs()[0]; j.ID != keep.ID {
		t.Fatalf("kept %s, not the starred one", j.ID)
	}
	q.until(t, 5*time.Second, "Undo", func() bool { return w.undo.Visible() })
	test.Tap(w.undo)
	q.until(t, 5*time.Second, "the takes back", func() bool { return len(w.deps.Engine.Jobs()) == 3 })
	w.Gallery().OpenSet("")
	w.Gallery().Filter().SetSelected(T(FilterStarred))
	q.until(t, 5*time.Second, "the starred filter", func() bool {
		s := w.Gallery().Shown()
		return len(s) == 1 && s[0].ID == keep.ID
	})
}

// Ctrl+click in the gallery chooses videos to compare (the one shown
// first); Compare N opens them side by side; a plain click ends the
// choice; S stars the video selected.
func TestChooseVideosToCompareInTheGallery(t *testing.T) {
	w, q, _ := practiceWindow(t)
	fyne.CurrentApp().Preferences().SetFloat(PrefAskAbove, 0)
	smallTakes(t, w, q)
	for i := 1; i <= 3; i++ {
		w.Generate()
		q.until(t, 10*time.Second, "the job", func() bool { return len(w.deps.Engine.Jobs()) == i && !w.gen.Disabled() })
	}
	waitDone(t, w, q, 3)
	g := w.Gallery()
	q.until(t, 5*time.Second, "three cards", func() bool { return len(g.Shown()) == 3 })
	held := fyne.KeyModifier(0)
	g.modifiers = func() fyne.KeyModifier { return held }
	g.grid.Select(0)
	q.drain()
	shown, _ := w.Details().Job()
	first := g.selected
	held = fyne.KeyModifierControl
	g.grid.Select(1)
	g.grid.Select(2)
	if m := g.Marked(); len(m) != 3 || m[0] != first {
		t.Fatalf("chosen %v", m)
	}
	if j, _ := w.Details().Job(); j.ID != shown.ID || g.selIndex != 0 {
		t.Fatalf("Ctrl+click changed the video shown from %s to %s (selected %d, first %s)", shown.ID, j.ID, g.selIndex, first)
	}
	if !g.compareBtn.Visible() || g.compareBtn.Text != "Compare 3" {
		t.Fatalf("the button: %q %v", g.compareBtn.Text, g.compareBtn.Visible())
	}
	held = 0
	test.Tap(g.compareBtn)
	if c := w.Comparing(); c == nil || len(c.tiles) != 3 {
		t.Fatal("Compare 3 did not open the three")
	}
	w.closeCompare()
	g.grid.Select(1) // a plain click
	if len(g.Marked()) != 0 || g.compareBtn.Visible() {
		t.Fatal("a plain click kept the choice")
	}
	g.grid.TypedKey(&fyne.KeyEvent{Name: fyne.KeyS})
	id := g.Shown()[1].ID
	q.until(t, 5*time.Second, "the star", func() bool { j, _ := w.deps.Engine.Job(id); return j.Starred })
}

// A GIF of 512 px beside a premium 720p MP4, portrait beside landscape:
// both compare, and the panel says how their rates and lengths are kept
// in step.
func TestCompareMixedVideos(t *testing.T) {
	w, q, _ := practiceWindow(t, sandbox.WithPremiumJobDuration(200*time.Millisecond))
	fyne.CurrentApp().Preferences().SetFloat(PrefAskAbove, 0)
	smallTakes(t, w, q)
	w.Params().Prompt.SetText("a kite rises")
	svd := w.Params().ChosenModel()
	seedance, _ := client.LookupModel(client.FamilyPremium, "seedance-i2v")
	w.takes.setModels([]client.Model{svd, seedance})
	w.Generate()
	list := waitDone(t, w, q, 2)
	w.compareJobs(list)
	c := w.Comparing()
	q.until(t, 60*time.Second, "both read", func() bool { return c.clock.playing })
	for _, tile := range c.tiles {
		if tile.anim == nil {
			t.Fatalf("%s did not load: %q", tile.job.Request.ModelID, tile.words.Text)
		}
	}
	if !strings.Contains(c.note.Text, "frame rates differ") || !strings.Contains(c.note.Text, "lengths differ") {
		t.Fatalf("the note: %q", c.note.Text)
	}
	if got := compareColumns(list); got != 1 {
		t.Fatalf("two landscape videos in %d columns, not stacked", got)
	}
	// Portraits side by side; four landscapes two by two.
	tall := list[0]
	if tall.Request.ModelID != "svd" {
		tall = list[1]
	}
	tall.Request.Width, tall.Request.Height = 288, 512
	if got := compareColumns([]jobs.Job{tall, tall}); got != 2 {
		t.Fatalf("two portraits in %d columns", got)
	}
	if got := compareColumns([]jobs.Job{list[1], list[1], list[1], list[1]}); got != 2 {
		t.Fatalf("four landscapes in %d columns", got)
	}
	w.closeCompare()
}

// Ctrl+Enter makes a video that the details show, even while Ctrl is
// still held as it appears: the window's own selection is no Ctrl+click
// (before, the new job was chosen to compare and the details stayed empty).
func TestCtrlEnterShowsTheNewVideoWithCtrlHeld(t *testing.T) {
	w, q, _ := practiceWindow(t)
	g := w.Gallery()
	g.modifiers = func() fyne.KeyModifier { return fyne.KeyModifierControl }
	smallJob(t, w)
	w.Generate()
	q.until(t, 10*time.Second, "the new job in the details", func() bool {
		j, ok := w.Details().Job()
		return ok && len(g.Shown()) == 1 && j.ID == g.Shown()[0].ID
	})
	if len(g.Marked()) != 0 {
		t.Fatalf("the new job was chosen to compare: %v", g.Marked())
	}
}
