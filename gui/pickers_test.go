package gui

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"vivify/internal/picker"
)

// chooserAnswers stands in for the system's chooser in the window's tests:
// it records each request and answers with the next path (or error).
type chooserAnswers struct {
	asked   chan picker.Request
	answers []func(picker.Request) (string, error)
}

func (c *chooserAnswers) pick(_ context.Context, r picker.Request) (string, error) {
	c.asked <- r
	a := c.answers[0]
	c.answers = c.answers[1:]
	return a(r)
}

// withHome gives the test a home folder with Pictures and Videos.
func withHome(t *testing.T) (pictures, videos string) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
	pictures, videos = filepath.Join(home, "Pictures"), filepath.Join(home, "Videos")
	os.MkdirAll(pictures, 0o755)
	os.MkdirAll(videos, 0o755)
	return pictures, videos
}

// Browse asks the system's chooser for a picture, filtered to the ones
// Vivify opens and started in Pictures, and the picture chosen is taken;
// cancelling it changes nothing; and the last frame's Browse does the same.
func TestBrowseUsesTheSystemChooser(t *testing.T) {
	pictures, _ := withHome(t)
	w, q, _ := practiceWindow(t)
	pic := writePicture(t)
	c := &chooserAnswers{asked: make(chan picker.Request, 4), answers: []func(picker.Request) (string, error){
		func(picker.Request) (string, error) { return pic, nil },
		func(picker.Request) (string, error) { return "", nil }, // cancelled
	}}
	w.deps.dialogs.pick = c.pick
	w.Source().browse()
	r := <-c.asked
	q.until(t, 5*time.Second, "the picture", func() bool { return strings.Contains(w.Source().info.Text, "pixels") })
	if r.Kind != picker.Open || r.Folder != pictures || len(r.Filters) != 1 || !slices.Contains(r.Filters[0].Patterns, "*.webp") {
		t.Fatalf("asked %+v", r)
	}
	if file, _, _ := w.Source().Chosen(); file != pic {
		t.Fatalf("chose %q", file)
	}
	w.Source().browse()
	<-c.asked
	q.until(t, 2*time.Second, "the cancelled chooser", func() bool { return !w.deps.dialogs.picking })
	if file, _, _ := w.Source().Chosen(); file != pic {
		t.Fatalf("after a cancel: %q", file)
	}
}

// A second click on Browse while the chooser is open opens no second one.
func TestOneChooserAtATime(t *testing.T) {
	withHome(t)
	w, q, _ := practiceWindow(t)
	release := make(chan struct{})
	c := &chooserAnswers{asked: make(chan picker.Request, 4), answers: []func(picker.Request) (string, error){
		func(picker.Request) (string, error) { <-release; return "", nil },
		func(picker.Request) (string, error) { return "", nil },
	}}
	w.deps.dialogs.pick = c.pick
	w.Source().browse()
	<-c.asked
	w.Source().browse()
	select {
	case r := <-c.asked:
		t.Fatalf("a second chooser: %+v", r)
	case <-time.After(200 * time.Millisecond):
	}
	close(release)
	q.until(t, 2*time.Second, "the chooser closed", func() bool { return !w.deps.dialogs.picking })
	w.Source().browse()
	<-c.asked
}

// Save as asks the system's chooser where, started in Videos with the
// video's name; the copy is whole, and Saved: says where it went. Saving
// onto the video itself writes nothing. A chooser that fails says so.
func TestSaveAsUsesTheSystemChooser(t *testing.T) {
	_, videos := withHome(t)
	w, q, j := finishedJob(t)
	video := j.File(j.Output)
	dest := filepath.Join(t.TempDir(), "for-my-reel"+filepath.Ext(video))
	c := &chooserAnswers{asked: make(chan picker.Request, 4), answers: []func(picker.Request) (string, error){
		func(picker.Request) (string, error) { return dest, nil },
		func(picker.Request) (string, error) { return video, nil },
		func(picker.Request) (string, error) { return "", errors.New("the portal is broken") },
	}}
	w.deps.dialogs.pick = c.pick
	w.details.saveAs(video)
	r := <-c.asked
	if r.Kind != picker.Save || r.Folder != videos || r.Name != filepath.Base(video) || len(r.Filters) != 1 {
		t.Fatalf("asked %+v", r)
	}
	q.until(t, 5*time.Second, "Saved:", func() bool { return strings.Contains(w.status.Text+w.noticeLine.Text+w.Message(), "Saved: "+dest) })
	want, _ := os.ReadFile(video)
	if got, err := os.ReadFile(dest); err != nil || string(got) != string(want) {
		t.Fatalf("the copy: %d bytes of %d, %v", len(got), len(want), err)
	}
	before, _ := os.Stat(video)
	w.details.saveAs(video)
	<-c.asked
	q.until(t, 2*time.Second, "the chooser closed", func() bool { return !w.deps.dialogs.picking })
	if after, _ := os.Stat(video); after.ModTime() != before.ModTime() || after.Size() != before.Size() {
		t.Fatal("the video was written over itself")
	}
	w.details.saveAs(video)
	<-c.asked
	q.until(t, 2*time.Second, "the error", func() bool { return w.deps.dialogs.Open() == 1 })
	if got := strings.Join(allTexts(w.Fyne().Canvas().Overlays().Top()), "\n"); !strings.Contains(got, "portal is broken") {
		t.Fatalf("the error dialog says %q", got)
	}
}

// Where the system has no chooser, Fyne's dialog is shown, opened in
// Pictures (Browse) or Videos (Save as): the files there are listed.
func TestFallbackChooserStartsInPictures(t *testing.T) {
	pictures, videos := withHome(t)
	os.WriteFile(filepath.Join(pictures, "in-pictures.png"), []byte("x"), 0o644)
	os.WriteFile(filepath.Join(videos, "in-videos.mp4"), []byte("x"), 0o644)
	w, q, j := finishedJob(t)
	w.deps.dialogs.pick = func(context.Context, picker.Request) (string, error) { return "", picker.ErrNone }
	for _, c := range []struct {
		open func()
		want string
	}{
		{w.Source().browse, "in-pictures"}, // Fyne lists a name and its extension apart,
		{func() { w.details.saveAs(j.File(j.Output)) }, "in-videos"},
	} {
		c.open()
		q.until(t, 5*time.Second, c.want, func() bool {
			top := w.Fyne().Canvas().Overlays().Top()
			return top != nil && slices.Contains(allTexts(top), c.want)
		})
		for w.deps.dialogs.Escape() {
		}
	}
}

// Choose another folder… in Settings asks the system's chooser for a
// folder, and keeps it for the next start.
func TestChooseLibraryFolderUsesTheSystemChooser(t *testing.T) {
	w, q, _ := practiceWindow(t)
	folder := t.TempDir()
	c := &chooserAnswers{asked: make(chan picker.Request, 4), answers: []func(picker.Request) (string, error){
		func(picker.Request) (string, error) { return folder, nil },
	}}
	w.deps.dialogs.pick = c.pick
	w.ShowSettings()
	var choose *widget.Button
	for _, o := range test.LaidOutObjects(w.Fyne().Canvas().Overlays().Top()) {
		if b, ok := o.(*widget.Button); ok && b.Text == "Choose another folder…" {
			choose = b
		}
	}
	if choose == nil {
		t.Fatal("no Choose another folder… in Settings")
	}
	test.Tap(choose)
	if r := <-c.asked; r.Kind != picker.Folder {
		t.Fatalf("asked %+v", r)
	}
	q.until(t, 5*time.Second, "the folder kept", func() bool {
		return fyne.CurrentApp().Preferences().String(PrefLibrary) == folder
	})
}

// allTexts is every text drawn under o, inside widgets too.
func allTexts(o fyne.CanvasObject) []string {
	var out []string
	for _, x := range test.LaidOutObjects(o) {
		switch v := x.(type) {
		case *canvas.Text:
			out = append(out, v.Text)
		case *widget.Label:
			out = append(out, v.Text)
		}
	}
	return out
}
