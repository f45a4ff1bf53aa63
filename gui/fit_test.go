package gui

import (
	"errors"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"vivify/jobs"
)

// errTest is an error to show.
var errTest = errors.New("the test's error")

// smallest is the smallest window Vivify is made for.
var smallest = fyne.NewSize(1024, 640)

// fitsTheWindow fails t unless the dialog on top of w fits the window: it
// asks for no more room than the window has, and is drawn inside it.
func fitsTheWindow(t *testing.T, w *Window, what string) {
	t.Helper()
	c := w.Fyne().Canvas()
	top := c.Overlays().Top()
	if top == nil {
		t.Fatalf("%s: no dialog", what)
	}
	have := c.Size()
	min := top.MinSize()
	t.Logf("%s: asks for %v in %v", what, min, have)
	if min.Width > have.Width || min.Height > have.Height {
		t.Errorf("%s asks for %v, more than the window's %v", what, min, have)
	}
	if p, ok := top.(*widget.PopUp); ok {
		pos, size := p.Content.Position(), p.Content.Size()
		if pos.X < 0 || pos.Y < 0 || pos.X+size.Width > have.Width+0.5 || pos.Y+size.Height > have.Height+0.5 {
			t.Errorf("%s is drawn at %v, %v: outside the window's %v", what, pos, size, have)
		}
	}
}

// Every dialog fits and scrolls in a 1024×640 window: Settings (before,
// Close sat over the library's path and "Choose another folder…" could not
// be reached), About, the library's problems, an error, the welcome, and
// saving a preset.
func TestEveryDialogFitsTheSmallestWindow(t *testing.T) {
	w, q, _ := finishedJob(t)
	w.Fyne().Resize(smallest)
	open := map[string]func(){
		"Settings":          w.ShowSettings,
		"About":             w.ShowAbout,
		"the library":       w.ShowProblems,
		"an error":          func() { w.deps.dialogs.ShowError(errTest, w.win) },
		"the welcome":       w.welcome,
		"a preset":          w.presets.askName,
		"Delete":            func() { w.details.Do("Delete") },
		"Try with":          func() { w.takes.chooseModels() },
		"the price":         func() { w.takes.confirm(make([]jobs.Spec, 4), func() {}) },
		"Remove the others": func() { w.removeOthers("no-such-set") },
		"a failed open": func() {
			w.details.cannotOpen("the video", "/nowhere/"+strings.Repeat("a-long-folder-name/", 20)+"video.mp4")
		},
	}
	for what, show := range open {
		show()
		q.until(t, 5*time.Second, what, func() bool { return w.Fyne().Canvas().Overlays().Top() != nil })
		fitsTheWindow(t, w, what)
		for w.deps.dialogs.Escape() {
		}
		for w.Fyne().Canvas().Overlays().Top() != nil {
			w.Fyne().Canvas().Overlays().Remove(w.Fyne().Canvas().Overlays().Top())
		}
	}
}

// The Finish panel shows all its choices at 1024×640, and the export line
// under them whole: before, it showed one choice at a time.
func TestFinishPanelFitsTheSmallestWindow(t *testing.T) {
	w, q, _ := finishedJob(t)
	w.Fyne().Resize(smallest)
	d := w.Details()
	q.until(t, 10*time.Second, "the video in the player", func() bool { return d.base != nil })
	d.Do("Finish…")
	q.drain()
	finishChoicesInView(t, w)
	d.closeFinish()
	if off := w.right.Offset; off < 0.1 {
		t.Errorf("the gallery did not get its room back: %v", off)
	}
}

// finishChoicesInView fails t unless everything to choose in the Finish
// panel, down to the export, is in view at once (the words under the
// export may scroll), and the export's choice is not cut.
func finishChoicesInView(t *testing.T, w *Window) {
	t.Helper()
	f := w.Details().finish
	view := f.content.Size()
	exportRow := f.preset.Position().Y // within its row, at the top
	for o := fyne.CanvasObject(f.preset); o != nil; {
		parent := parentOf(f.content.Content, o)
		if parent == nil || parent == f.content.Content {
			exportRow = o.Position().Y + o.Size().Height
			break
		}
		o = parent
	}
	t.Logf("the choices end at %v; the panel shows %v", exportRow, view)
	if exportRow > view.Height {
		t.Errorf("the choices need %v of height and are given %v", exportRow, view.Height)
	}
	if w := f.preset.Size().Width; w < f.preset.MinSize().Width {
		t.Errorf("the export choice is cut: %v of %v", w, f.preset.MinSize().Width)
	}
}

// parentOf is the container under root that holds o, or nil.
func parentOf(root, o fyne.CanvasObject) fyne.CanvasObject {
	c, ok := root.(*fyne.Container)
	if !ok {
		return nil
	}
	for _, child := range c.Objects {
		if child == o {
			return c
		}
		if p := parentOf(child, o); p != nil {
			return p
		}
	}
	return nil
}

// "Saved: …" and other news take the status line's place: nothing above
// them moves when they come and go (before, they pushed the window up a
// line).
func TestNewsDoesNotMoveTheWindow(t *testing.T) {
	w, _, _ := practiceWindow(t)
	w.Fyne().Resize(smallest)
	d := fyne.CurrentApp().Driver()
	before, size := d.AbsolutePositionForObject(w.gen), w.gen.Size()
	w.inform("Saved: /home/a/Videos/harbour.gif")
	w.Fyne().Content().Refresh()
	if after := d.AbsolutePositionForObject(w.gen); after != before || w.gen.Size() != size {
		t.Fatalf("Generate moved from %v to %v", before, after)
	}
	if !w.noticeLine.Visible() || w.status.Visible() {
		t.Fatal("the news is not where the status line was")
	}
	w.notice("")
	if !w.status.Visible() || w.noticeLine.Visible() {
		t.Fatal("the status line did not come back")
	}
}
