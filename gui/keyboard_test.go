package gui

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"vivify/jobs"
)

// Tab leaves the prompt (as the real driver does it: a field that accepts
// Tab keeps it), Escape leaves it too, and Generate shows its shortcut.
func TestTabLeavesThePrompt(t *testing.T) {
	w, _, _ := practiceWindow(t)
	c := w.Fyne().Canvas()
	c.Focus(w.params.Prompt)
	if w.params.Prompt.AcceptsTab() {
		t.Fatal("the prompt keeps Tab: the keyboard is trapped in it")
	}
	w.params.Prompt.SetText("waves")
	c.FocusNext()
	if c.Focused() == w.params.Prompt {
		t.Fatal("Tab did not leave the prompt")
	}
	if w.params.Prompt.Text != "waves" {
		t.Fatalf("the prompt reads %q", w.params.Prompt.Text)
	}
	c.Focus(w.params.Prompt)
	c.FocusPrevious()
	if c.Focused() == w.params.Prompt {
		t.Fatal("Shift+Tab did not leave the prompt")
	}
	c.Focus(w.params.Prompt)
	w.params.Prompt.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if c.Focused() != nil {
		t.Fatalf("Escape left %T focused", c.Focused())
	}
	if !strings.Contains(w.gen.Text, "Ctrl+Enter") && !strings.Contains(w.gen.Text, "⌘+Return") {
		t.Fatalf("Generate reads %q: no shortcut", w.gen.Text)
	}
}

// The focus ring surrounds the control that has the keyboard (Generate),
// and a control below the fold is scrolled into view when it gains focus.
func TestFocusRingAndScrollIntoView(t *testing.T) {
	w, _, _ := practiceWindow(t)
	w.Fyne().Resize(fyne.NewSize(1024, 640))
	c := w.Fyne().Canvas()
	c.Focus(w.gen)
	w.ring.follow()
	if w.ring.Focused() != w.gen {
		t.Fatalf("the ring is around %T, not Generate", w.ring.Focused())
	}
	d := fyne.CurrentApp().Driver()
	at := d.AbsolutePositionForObject(w.gen)
	ring := d.AbsolutePositionForObject(w.ring.ring)
	if ring.X > at.X || ring.Y > at.Y || ring.X+w.ring.ring.Size().Width < at.X+w.gen.Size().Width {
		t.Fatalf("the ring at %v %v does not surround Generate at %v %v", ring, w.ring.ring.Size(), at, w.gen.Size())
	}

	form := w.ring.scrolls[0]
	if form.Offset.Y != 0 {
		t.Fatalf("the form starts scrolled: %v", form.Offset)
	}
	reset := w.params.Reset
	c.Focus(reset)
	w.ring.follow()
	if form.Offset.Y == 0 {
		t.Fatal("the form did not scroll to the focused control")
	}
	top := d.AbsolutePositionForObject(reset).Y - d.AbsolutePositionForObject(form).Y
	if top < 0 || top+reset.Size().Height > form.Size().Height {
		t.Fatalf("the focused control is at %v in a view %v high", top, form.Size().Height)
	}
}

// Ctrl+Q quits from anywhere, a text field included.
func TestCtrlQQuits(t *testing.T) {
	w, _, _ := practiceWindow(t)
	quit := false
	w.deps.OnQuit = func() { quit = true }
	w.Fyne().Canvas().Focus(w.params.Prompt)
	w.params.Prompt.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyQ, Modifier: fyne.KeyModifierShortcutDefault})
	if !quit {
		t.Fatal("Ctrl+Q in the prompt did not quit")
	}
}

// Ctrl+, opens Settings from anywhere, a text field included.
func TestCtrlCommaOpensSettings(t *testing.T) {
	w, q, _ := practiceWindow(t)
	w.Fyne().Canvas().Focus(w.params.Prompt)
	w.params.Prompt.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyComma, Modifier: fyne.KeyModifierShortcutDefault})
	q.until(t, 5*time.Second, "Settings", func() bool { return w.Fyne().Canvas().Overlays().Top() != nil })
	if w.params.Prompt.Text != "" {
		t.Fatalf("the comma was typed into the prompt: %q", w.params.Prompt.Text)
	}
}

// The gallery is walked with the arrow keys: each video moved to is shown.
func TestGalleryArrowKeys(t *testing.T) {
	test.NewTempApp(t)
	var shown []string
	g := NewGallery(nil, func(f func()) { f() }, func(j jobs.Job) { shown = append(shown, j.ID) })
	win := test.NewWindow(g.Content())
	win.Resize(fyne.NewSize(900, 400))
	now := time.Now()
	var list []jobs.Job
	for i, name := range []string{"c", "b", "a"} {
		list = append(list, jobs.Job{ID: name, State: jobs.Done, Source: jobs.Source{Name: name}, Created: now.Add(-time.Duration(i) * time.Minute)})
	}
	g.Load(list)
	g.grid.Select(0)
	win.Canvas().Focus(g.grid)
	g.grid.TypedKey(&fyne.KeyEvent{Name: fyne.KeyRight})
	g.grid.TypedKey(&fyne.KeyEvent{Name: fyne.KeyRight})
	g.grid.TypedKey(&fyne.KeyEvent{Name: fyne.KeyLeft})
	if strings.Join(shown, " ") != "c b a b" {
		t.Fatalf("shown in turn: %q", shown)
	}
}

// Run again shows the new job, selected, not the old one.
func TestRunAgainSelectsTheNewJob(t *testing.T) {
	w, q, j := finishedJob(t)
	if !w.Details().Do("Run again") {
		t.Fatalf("no Run again among %q", w.Details().Actions())
	}
	q.until(t, 10*time.Second, "the new job shown", func() bool {
		d, ok := w.Details().Job()
		return ok && d.ID != j.ID && len(w.Gallery().Shown()) == 2 && w.Gallery().Shown()[0].ID == d.ID
	})
	if d, _ := w.Details().Job(); !d.Practice {
		t.Fatal("Run again of a practice job left practice")
	}
	// A practice video's link is this computer's: no use to copy.
	q.until(t, 20*time.Second, "the new job done", func() bool { d, _ := w.Details().Job(); return d.State == jobs.Done })
	if slices.Contains(w.Details().Actions(), "Copy link") {
		t.Fatalf("a practice video offers Copy link: %q", w.Details().Actions())
	}
}

// A link is checked before it is sent: a link to a web page, or to
// nothing, is refused at once with a sentence that names it, and nothing
// reaches the server; a good link says the picture's size as it is typed.
func TestLinkCheckedBeforeSend(t *testing.T) {
	w, q, srv := practiceWindow(t)
	linkPause = 10 * time.Millisecond
	page := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/missing.png" {
			http.NotFound(rw, r)
			return
		}
		rw.Header().Set("Content-Type", "text/html")
		rw.Write([]byte("<html><body>a page about a picture</body></html>"))
	}))
	t.Cleanup(page.Close)
	for _, tc := range []struct{ link, says string }{
		{page.URL + "/gallery", "web page"},
		{page.URL + "/missing.png", "not found"},
	} {
		w.Source().URL.SetText(tc.link)
		w.Generate()
		q.until(t, 10*time.Second, "the link's problem", func() bool { return strings.Contains(w.Message(), "Nothing was sent") })
		if !strings.Contains(w.Message(), tc.link) {
			t.Errorf("the message does not name the link %s: %q", tc.link, w.Message())
		}
		if !strings.Contains(w.Source().info.Text, tc.says) || !strings.Contains(w.Source().info.Text, tc.link) {
			t.Errorf("beside the picture: %q", w.Source().info.Text)
		}
	}
	if n := len(w.Gallery().Shown()); n != 0 || len(srv.Submissions()) != 0 {
		t.Fatalf("a bad link made %d jobs and %d submissions", n, len(srv.Submissions()))
	}
	good := imageURL(t)
	w.Source().URL.SetText(good)
	q.until(t, 10*time.Second, "the good link checked", func() bool { return strings.Contains(w.Source().info.Text, "300 × 200") })
	if w.Message() != "" {
		t.Errorf("a stale message stays: %q", w.Message())
	}
	if r := w.Params().read(); r.Width != 512 || r.Height != 344 {
		t.Errorf("a 300×200 link picture gives a %d×%d video", r.Width, r.Height)
	}
	if !strings.Contains(w.Source().note.Text, "small") {
		t.Errorf("a 300-pixel picture for a 512-pixel video gets no warning: %q", w.Source().note.Text)
	}
	w.Generate()
	q.until(t, 10*time.Second, "the job", func() bool { return len(w.Gallery().Shown()) == 1 })
}

// The window can be made as small as 1024×640 (its content asks no more),
// and the video keeps most of its pane there.
func TestWindowMinimumSize(t *testing.T) {
	w, _, _ := finishedJob(t) // a video in the details, with its actions
	w.ShowSettings()          // and Settings open
	min := w.Fyne().Content().MinSize()
	t.Logf("the window's smallest size: %v", min)
	if min.Width > 1024 || min.Height > 640 {
		t.Fatalf("the window cannot be smaller than %v", min)
	}
	// And with the Finish panel open, after a preview of each choice.
	w, q, _ := finishedJob(t)
	d := w.Details()
	q.until(t, 10*time.Second, "the video in the player", func() bool { return d.base != nil })
	d.Do("Finish…")
	d.finish.loop.SetSelected(T(loopCrossfade))
	d.finish.bigger.SetChecked(true)
	d.finish.preset.SetSelectedIndex(len(d.finish.presets) - 1)
	min = w.Fyne().Content().MinSize()
	t.Logf("the window's smallest size with Finish open: %v", min)
	if !d.Finishing() || min.Width > 1024 || min.Height > 640 {
		t.Fatalf("with Finish open the window cannot be smaller than %v", min)
	}
}

// The mouse wheel over a text field scrolls the form, as it does over the
// rest of it.
func TestWheelOverTextFieldsScrollsTheForm(t *testing.T) {
	w, _, _ := practiceWindow(t)
	w.Fyne().Resize(fyne.NewSize(1024, 640))
	form := w.ring.scrolls[0]
	d := fyne.CurrentApp().Driver()
	for _, e := range []*SubmitEntry{w.source.URL, w.params.Prompt} {
		form.ScrollToOffset(fyne.NewPos(0, 0))
		at := d.AbsolutePositionForObject(e).Add(fyne.NewPos(20, 10))
		test.Scroll(w.Fyne().Canvas(), at, 0, -60)
		if form.Offset.Y == 0 {
			t.Errorf("the wheel over the field at %v did not scroll the form", at)
		}
	}
}

// Tab walks the whole window: from the prompt through the form (the
// Advanced sections included) to Generate and on to the gallery.
func TestTabWalksTheWindow(t *testing.T) {
	w, _, _ := finishedJob(t)
	c := w.Fyne().Canvas()
	c.Focus(w.params.Prompt)
	var seen []string
	reached := map[string]bool{}
	for range 60 {
		c.FocusNext()
		switch f := c.Focused().(type) {
		case *widget.Button:
			seen = append(seen, f.Text)
			reached[f.Text] = true
		case *galleryGrid:
			seen = append(seen, "gallery")
			reached["gallery"] = true
		}
	}
	for _, want := range []string{"Advanced: fine-tuning", "Advanced: for developers", w.gen.Text, "gallery", "Save as…", "More…"} {
		if !reached[want] {
			t.Errorf("Tab never reaches %q; it reaches %q", want, seen)
		}
	}
}
