package gui

import (
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"vivify/finish"
	"vivify/jobs"
	"vivify/preview"
)

// finishing is a window whose done job is open in the Finish panel.
func finishing(t *testing.T) (*Window, uiQueue, jobs.Job, *FinishPanel) {
	t.Helper()
	w, q, j := finishedJob(t)
	d := w.Details()
	q.until(t, 10*time.Second, "the video in the player", func() bool { return d.base != nil })
	if !d.Do("Finish…") || !d.Finishing() {
		t.Fatalf("no Finish panel; actions %v", d.Actions())
	}
	return w, q, j, d.Finish()
}

// The Finish panel plays each change at once, trims from the keyboard,
// says what the file will be, and saves a version beside the original,
// which is listed, plays, survives a restart and is found by search.
func TestFinishPanelMakesAVersion(t *testing.T) {
	w, q, j, f := finishing(t)
	d := w.Details()
	n := len(d.base.Frames)
	if n < 3 || !f.trimRow.Visible() {
		t.Fatalf("%d frames; trim bar shown %v", n, f.trimRow.Visible())
	}
	f.loop.SetSelected(T(loopBoomerang))
	if got := len(d.Player().Animation().Frames); got != 2*n-2 {
		t.Fatalf("the boomerang plays %d frames, want %d", got, 2*n-2)
	}
	// The end handle a frame back, from the keyboard.
	w.Fyne().Canvas().Focus(f.trim)
	f.trim.TypedKey(&fyne.KeyEvent{Name: fyne.KeyLeft})
	if from, to := f.trim.Range(); from != 0 || to != n-1 || f.recipe.To != n-1 {
		t.Fatalf("trimmed to %d–%d (recipe %+v)", from, to, f.recipe)
	}
	if got := len(d.Player().Animation().Frames); got != 2*(n-1)-2 {
		t.Fatalf("the trimmed boomerang plays %d frames, want %d", got, 2*(n-1)-2)
	}
	if !strings.Contains(f.trimWords.Text, "Frames 1 to "+itoa(n-1)) {
		t.Errorf("the trim reads %q", f.trimWords.Text)
	}
	if f.preset.Selected != presetWords(finish.Presets[0]) || !strings.Contains(f.plan.Text, "Under 10 MB") ||
		!strings.Contains(f.plan.Text, "It will be: GIF") {
		t.Errorf("preset %q; plan %q", f.preset.Selected, f.plan.Text)
	}
	original, _ := os.ReadFile(j.Path(j.Output))
	test.Tap(f.save)
	if !f.progressRow.Visible() || f.save.Visible() {
		t.Error("no progress shown while the version is made")
	}
	q.until(t, 30*time.Second, "the version", func() bool { return !f.Exporting() && !f.progressRow.Visible() })
	got, _ := w.deps.Engine.Job(j.ID)
	if len(got.Versions) != 1 {
		t.Fatalf("versions %+v; status %q", got.Versions, w.Notice())
	}
	v := got.Versions[0]
	if v.File != "harbour trimmed boomerang chat.gif" && v.File != "a trimmed boomerang chat.gif" {
		t.Errorf("the version is named %q", v.File)
	}
	if !strings.Contains(w.Notice(), "Saved a version: "+v.File) {
		t.Errorf("the status line reads %q", w.Notice())
	}
	fh, err := os.Open(got.Path(v.File))
	if err != nil {
		t.Fatal(err)
	}
	a, err := preview.DecodeGIF(fh, 0, 0)
	fh.Close()
	if err != nil || len(a.Frames) != 2*(n-1)-2 {
		t.Fatalf("the version: %v, %d frames", err, len(a.Frames))
	}
	if now, _ := os.ReadFile(j.Path(j.Output)); string(now) != string(original) {
		t.Error("the original was changed")
	}

	// Back: the versions are listed, and one plays when chosen.
	test.Tap(findButton(t, f.panel, "Back"))
	if d.Finishing() || f.trimRow.Visible() {
		t.Fatal("Back did not leave the Finish panel")
	}
	q.until(t, 5*time.Second, "the versions list", func() bool { return strings.Contains(texts(d.versions), "trimmed boomerang · ") })
	var row fyne.CanvasObject
	for _, o := range d.versions.Objects {
		if strings.Contains(texts(o), "GIF for chat") {
			row = o
		}
	}
	if row == nil {
		t.Fatalf("no row for the version in %q", texts(d.versions))
	}
	// Its name plays it, as its play button does.
	var name *tapArea
	for _, o := range row.(*fyne.Container).Objects {
		if a, ok := o.(*tapArea); ok {
			name = a
		}
	}
	if name == nil || !strings.Contains(texts(name), "GIF for chat") {
		t.Fatalf("the version's name cannot be clicked: %q", texts(row))
	}
	test.Tap(name)
	q.until(t, 10*time.Second, "the version playing", func() bool {
		a := d.Player().Animation()
		return d.Playing() == v.File && a != nil && len(a.Frames) == 2*(n-1)-2
	})
	// Save as now takes the version, and the title says which it is.
	if got := d.shownFile(*d.job); got != filepath.Join(j.Folder, v.File) || !strings.HasSuffix(d.title.Text, "playing the GIF for chat") {
		t.Errorf("Save as takes %q; the title reads %q", got, d.title.Text)
	}

	// Search finds the job by its version; a card says how many it has.
	w.Gallery().Search().SetText("boomerang")
	if len(w.Gallery().Shown()) != 1 {
		t.Error("search does not find the job by its version")
	}
	w.Gallery().Search().SetText("")
	if versionsWords(got) != " · 1 version" {
		t.Errorf("the card reads %q", versionsWords(got))
	}

	// After a restart the version is there.
	lib := w.deps.Engine.Library()
	w.deps.Engine.Close()
	eng, err := jobs.Open(jobs.Options{Library: lib})
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	if again, _ := eng.Job(j.ID); len(again.Versions) != 1 || again.Versions[0].Label != v.Label {
		t.Errorf("after a restart: %+v", again.Versions)
	}
}

// Without ffmpeg the panel offers only what works, and says why.
func TestFinishPanelWithoutFFmpeg(t *testing.T) {
	_, _, j, f := finishing(t)
	if !strings.EqualFold(filepath.Ext(j.Output), ".gif") {
		t.Skip("the practice video is not a GIF")
	}
	defer func(p string) { preview.FFmpeg = p }(preview.FFmpeg)
	preview.FFmpeg = ""
	f.d.closeFinish()
	f.d.openFinish()
	for _, name := range f.preset.Options {
		if strings.Contains(name, "MP4") || strings.Contains(name, "WebM") {
			t.Errorf("%q is offered without ffmpeg", name)
		}
	}
	if len(f.preset.Options) != 2 || !f.smoother.Disabled() || !f.missing.Visible() ||
		!strings.Contains(f.missing.Text, "need ffmpeg") || !strings.Contains(f.missing.Text, ffmpegAdvice(runtime.GOOS)) {
		t.Errorf("options %v; smoother disabled %v; note %q", f.preset.Options, f.smoother.Disabled(), f.missing.Text)
	}
	f.loop.SetSelected(T(loopCrossfade))
	want, _ := finish.Apply(f.base.Frames, f.recipe)
	if a := f.d.player.Animation(); a == nil || len(a.Frames) != len(want) || len(want) >= len(f.base.Frames) {
		t.Error("a crossfade does not play without ffmpeg")
	}
}

// The vertical export plays in its shape before it is written: 9:16.
func TestFinishPreviewsTheExportsShape(t *testing.T) {
	if !preview.HasFFmpeg() {
		t.Skip("ffmpeg is not installed")
	}
	w, q, _, f := finishing(t)
	for i, p := range f.presets {
		if p.Aspect == [2]int{9, 16} {
			f.preset.SetSelectedIndex(i)
		}
	}
	q.until(t, 10*time.Second, "a 9:16 preview", func() bool {
		a := f.d.Player().Animation()
		if a == nil {
			return false
		}
		r := a.Frames[0].Image.Rect
		return r.Dx()*16 == r.Dy()*9
	})
	f.preset.SetSelectedIndex(0) // as made: the video's own shape again
	b := f.base.Frames[0].Image.Rect
	if r := f.d.Player().Animation().Frames[0].Image.Rect; r != b {
		t.Errorf("back to the video's shape: %v, the video %v", r, b)
	}
	// Escape leaves the panel, and the video as made plays again.
	press(w, fyne.KeyEscape)
	if f.d.Finishing() || f.d.Player().Animation() != f.base {
		t.Error("Escape did not leave the Finish panel")
	}
}

// The way to ffmpeg is said for each system: the installer on Windows,
// the app on a Mac, the package manager on Linux.
func TestFFmpegAdvice(t *testing.T) {
	for goos, want := range map[string]string{"windows": "installer", "darwin": "app carries it", "linux": "apt install ffmpeg"} {
		if got := ffmpegAdvice(goos); !strings.Contains(got, want) {
			t.Errorf("%s: %q", goos, got)
		}
	}
	if strings.Contains(ffmpegAdvice("windows"), "apt") {
		t.Error("Windows is told to use apt")
	}
}

// A cancelled export says so and leaves no file.
func TestFinishExportCancelled(t *testing.T) {
	if !preview.HasFFmpeg() {
		t.Skip("ffmpeg is not installed")
	}
	w, q, j, f := finishing(t)
	f.preset.SetSelectedIndex(2) // vertical MP4: ffmpeg takes a while to start
	quit := 0
	w.deps.OnQuit = func() { quit++ }
	test.Tap(f.save)
	// Quitting while it is made asks first, and Keep making it keeps it.
	w.close()
	if quit != 0 || w.deps.dialogs.Open() != 1 {
		t.Fatalf("quit %d times, %d dialogs, while a version was being made", quit, w.deps.dialogs.Open())
	}
	w.deps.dialogs.Escape()
	if quit != 0 || !f.Exporting() {
		t.Fatal("Keep making it did not keep it")
	}
	f.cancelExport()
	q.until(t, 30*time.Second, "the export to stop", func() bool { return !f.Exporting() })
	if !strings.Contains(w.Notice(), "cancelled") {
		t.Errorf("the status line reads %q", w.Notice())
	}
	entries, _ := os.ReadDir(j.Folder)
	for _, e := range entries {
		if strings.Contains(e.Name(), "vertical") {
			t.Errorf("left behind: %s", e.Name())
		}
	}
	if got, _ := w.deps.Engine.Job(j.ID); len(got.Versions) != 0 {
		t.Errorf("versions %+v", got.Versions)
	}
}

// findButton is the button under o whose text holds s.
func findButton(t *testing.T, o fyne.CanvasObject, s string) *widget.Button {
	t.Helper()
	var found *widget.Button
	var walk func(fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch w := o.(type) {
		case *widget.Button:
			if found == nil && strings.Contains(w.Text, s) {
				found = w
			}
		case *container.Scroll:
			walk(w.Content)
		case *fyne.Container:
			for _, c := range w.Objects {
				walk(c)
			}
		}
	}
	walk(o)
	if found == nil {
		t.Fatalf("no button %q", s)
	}
	return found
}

func itoa(n int) string { return strconv.Itoa(n) }

// Tab walks the panel in the order it reads: Back, the choices, the
// export, Save.
func TestTabWalksTheFinishPanel(t *testing.T) {
	w, _, _, f := finishing(t)
	c := w.Fyne().Canvas()
	c.Focus(f.trim)
	var order []string
	for range 40 {
		c.FocusNext()
		switch o := c.Focused().(type) {
		case *widget.Button:
			order = append(order, o.Text)
		case *widget.Select:
			switch o {
			case f.preset:
				order = append(order, "export")
			case f.smoother:
				order = append(order, "smoother")
			}
		}
		if len(order) > 0 && order[len(order)-1] == f.save.Text {
			break
		}
	}
	at := func(s string) int { return slices.Index(order, s) }
	if at("Back") < 0 || at("smoother") < at("Back") || at("export") < at("smoother") || at(f.save.Text) < at("export") {
		t.Errorf("Tab walks %q", order)
	}
}
