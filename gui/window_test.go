package gui

import (
	"bytes"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"vivify/client"
	"vivify/client/sandbox"
	"vivify/jobs"
	"vivify/keychain"
)

// uiQueue stands in for the UI goroutine: background work posts to it, and
// the test's goroutine runs what was posted while it waits.
type uiQueue chan func()

func (q uiQueue) post(f func()) { q <- f }

// drain runs the work posted so far.
func (q uiQueue) drain() {
	for {
		select {
		case f := <-q:
			f()
		default:
			return
		}
	}
}

// until runs posted work until cond holds.
func (q uiQueue) until(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.After(timeout)
	for !cond() {
		select {
		case f := <-q:
			f()
		case <-deadline:
			t.Fatalf("timed out waiting for %s", what)
		case <-time.After(10 * time.Millisecond):
		}
	}
}

const practiceKey = "sk-GUI-TEST-KEY-0a1b2c3d"

func practiceWindow(t *testing.T, opts ...sandbox.Option) (*Window, uiQueue, *sandbox.Server) {
	t.Helper()
	test.NewTempApp(t)
	srv := sandbox.NewServer(append([]sandbox.Option{sandbox.WithJobDuration(300 * time.Millisecond), sandbox.WithHoldFor(0), sandbox.WithSpamWindow(0)}, opts...)...)
	t.Cleanup(srv.Close)
	c, _ := client.New(practiceKey, client.WithBaseURL(srv.URL))
	eng, err := jobs.Open(jobs.Options{Library: t.TempDir(), LinkWindow: 5 * time.Second, InPractice: true,
		Practice: func() (*client.Client, error) { return c, nil }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(eng.Close)
	q := make(uiQueue, 1024)
	// Test apps keep their storage in one folder: no test starts with the
	// form another kept.
	os.Remove(stateFile(fyne.CurrentApp()))
	w := NewWindow(test.NewApp(), Deps{Engine: eng, Practice: true, RunOnUI: q.post})
	w.Fyne().Resize(w.Fyne().Canvas().Size())
	return w, q, srv
}

func writePicture(t *testing.T) string {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, 300, 200))
	for i := range img.Pix {
		img.Pix[i] = uint8(i * 13)
	}
	for y := 0; y < 200; y++ {
		img.SetNRGBA(150, y, color.NRGBA{255, 255, 255, 255})
	}
	var buf bytes.Buffer
	png.Encode(&buf, img)
	p := filepath.Join(t.TempDir(), "harbour.png")
	os.WriteFile(p, buf.Bytes(), 0o644)
	return p
}

// A whole run in practice mode: pick a file, generate, the job goes through
// its states in the gallery, and the result plays in the details.
func TestWholeRunInPracticeMode(t *testing.T) {
	w, q, srv := practiceWindow(t)
	w.Params().Frames.SetValue(4)
	w.Params().Width.SetValue(128)
	w.Params().Height.SetValue(96)
	w.Source().SetFile(writePicture(t))
	q.until(t, 5*time.Second, "the picture to be read", func() bool {
		return strings.Contains(w.Source().info.Text, "300 × 200")
	})
	w.Generate()
	q.until(t, 5*time.Second, "the job in the gallery", func() bool { return len(w.Gallery().Shown()) == 1 })
	// The new job is selected, so its progress and then its video show.
	q.until(t, 5*time.Second, "the new job in the details", func() bool {
		d, ok := w.Details().Job()
		return ok && d.ID == w.Gallery().Shown()[0].ID
	})
	q.until(t, 5*time.Second, "the status line to count it", func() bool {
		return strings.HasPrefix(w.status.Text, "1 video being made")
	})
	seen := map[jobs.State]bool{}
	q.until(t, 20*time.Second, "the job to finish", func() bool {
		j := w.Gallery().Shown()[0]
		seen[j.State] = true
		return j.State == jobs.Done || j.State == jobs.Failed
	})
	j := w.Gallery().Shown()[0]
	if j.State != jobs.Done || !seen[jobs.Done] || len(seen) < 2 {
		t.Fatalf("ended %s (%+v); states seen %v", j.State, j.Failure, seen)
	}
	q.until(t, 10*time.Second, "the video in the player", func() bool { return w.Details().Player().Animation() != nil })
	q.until(t, 5*time.Second, "the status line to count down", func() bool {
		return strings.HasPrefix(w.status.Text, "No videos being made · practice mode")
	})
	a := w.Details().Player().Animation()
	if len(a.Frames) != 4 || a.Width != 128 || !w.Details().Player().Playing() {
		t.Fatalf("%d frames of %dx%d, playing %v", len(a.Frames), a.Width, a.Height, w.Details().Player().Playing())
	}
	if len(srv.Submissions()) != 1 {
		t.Fatalf("%d submissions", len(srv.Submissions()))
	}
	// Search and filter.
	w.Gallery().Search().SetText("nothing like it")
	if len(w.Gallery().Shown()) != 0 {
		t.Error("search found a job that does not match")
	}
	w.Gallery().Search().SetText("harb")
	w.Gallery().Filter().SetSelected("Failed")
	if len(w.Gallery().Shown()) != 0 {
		t.Error("the failed filter shows a done job")
	}
	w.Gallery().Filter().SetSelected("Done")
	if len(w.Gallery().Shown()) != 1 {
		t.Error("the done filter hides the done job")
	}
}

func TestGenerateNeedsAPictureAndValidSettings(t *testing.T) {
	w, _, srv := practiceWindow(t)
	w.Generate()
	if !strings.Contains(w.Message(), "Choose a picture") {
		t.Fatalf("message %q", w.Message())
	}
	w.Source().URL.SetText("ftp://example.com/a.png")
	w.Generate()
	if !strings.Contains(w.Message(), "not valid") {
		t.Fatalf("message %q", w.Message())
	}
	w.Source().URL.SetText("https://example.com/a.png")
	w.Params().TrackID.SetText("twelve")
	w.Generate()
	if !strings.Contains(w.Message(), "need attention") || !w.Params().errors["track_id"].Visible() {
		t.Fatalf("message %q", w.Message())
	}
	if n := srv.Requests(sandbox.EndpointAny); n != 0 {
		t.Fatalf("%d requests were sent", n)
	}
}

// The key never appears in the rendered window.
func TestKeyNeverRendered(t *testing.T) {
	w, q, _ := practiceWindow(t)
	store := &keychain.Memory{}
	store.Set(practiceKey)
	w.Source().SetFile(writePicture(t))
	q.until(t, 5*time.Second, "the picture", func() bool { return strings.Contains(w.Source().info.Text, "×") })
	w.Generate()
	q.until(t, 20*time.Second, "the job", func() bool {
		s := w.Gallery().Shown()
		return len(s) == 1 && s[0].State.Ended()
	})
	w.Gallery().grid.Select(0)
	q.until(t, 5*time.Second, "the details", func() bool { _, ok := w.Details().Job(); return ok })
	for _, text := range allText(w.Fyne().Content()) {
		if strings.Contains(text, practiceKey) {
			t.Fatalf("the key is on screen: %q", text)
		}
	}
}

// A job that ends while Vivify is in the background is announced.
func TestNotifiesWhenInTheBackground(t *testing.T) {
	w, q, _ := practiceWindow(t)
	w.focused.Store(false)
	w.Source().URL.SetText(imageURL(t))
	want := fyne.NewNotification("Vivify", "The video from a is ready.")
	test.AssertNotificationSent(t, want, func() {
		w.Generate()
		q.until(t, 20*time.Second, "the job to end", func() bool {
			s := w.Gallery().Shown()
			return len(s) == 1 && s[0].State.Ended()
		})
	})
}

// The window's size and the last parameters come back at the next start.
func TestRemembersSizeAndParameters(t *testing.T) {
	w, _, _ := practiceWindow(t)
	w.Params().Frames.SetValue(9)
	w.Params().Prompt.SetText("remember me")
	w.Fyne().Resize(fyne.NewSize(1000, 700))
	prefs := fyne.CurrentApp().Preferences()
	w.remember(prefs)
	again := NewWindow(fyne.CurrentApp(), w.deps)
	r, err := again.Params().Request("https://example.com/a.png")
	if err != nil || r.NumFrames != 9 || r.Prompt != "remember me" {
		t.Fatalf("%+v %v", r, err)
	}
	if s := again.Fyne().Canvas().Size(); s.Width != 1000 || s.Height != 700 {
		t.Fatalf("size %v", s)
	}
}

func TestUseAsNextInput(t *testing.T) {
	w, q, _ := finishedJob(t)
	w.Gallery().grid.Select(0)
	q.until(t, 10*time.Second, "the video", func() bool { return w.Details().Player().Animation() != nil })
	j, _ := w.Details().Job()
	w.Details().useAsInput(j)
	q.until(t, 5*time.Second, "the new picture", func() bool { return strings.Contains(w.Source().info.Text, "last-frame.png") })
	if file, _, _ := w.Source().Chosen(); file != filepath.Join(j.Folder, "last-frame.png") {
		t.Fatalf("source %q", file)
	}
}

// smallJob sets the window up for a quick practice job from a link.
func smallJob(t *testing.T, w *Window) {
	t.Helper()
	w.Params().Frames.SetValue(3)
	w.Params().Width.SetValue(96)
	w.Source().URL.SetText(imageURL(t))
}

// finishedJob is a practice window whose one small job is done.
func finishedJob(t *testing.T) (*Window, uiQueue, jobs.Job) {
	t.Helper()
	w, q, _ := practiceWindow(t)
	smallJob(t, w)
	w.Generate()
	q.until(t, 20*time.Second, "the job", func() bool {
		s := w.Gallery().Shown()
		return len(s) == 1 && s[0].State == jobs.Done
	})
	return w, q, w.Gallery().Shown()[0]
}

// imageURL serves a picture over loopback HTTP, for jobs from a link.
func imageURL(t *testing.T) string {
	t.Helper()
	data, _ := os.ReadFile(writePicture(t))
	hs := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) { rw.Write(data) }))
	t.Cleanup(hs.Close)
	return hs.URL + "/a.png"
}

// A finished video that was removed from its folder is explained in plain
// words, not as a file-system error.
func TestMissingVideoExplained(t *testing.T) {
	w, q, j := finishedJob(t)
	if err := os.Remove(filepath.Join(j.Folder, j.Output)); err != nil {
		t.Fatal(err)
	}
	// The next start: a window over the same library shows the newest job.
	w = NewWindow(test.NewApp(), Deps{Engine: w.deps.Engine, Practice: true, RunOnUI: q.post})
	q.until(t, 10*time.Second, "the explanation", func() bool { return w.Details().problem.Visible() })
	if w.Details().Player().Animation() != nil {
		t.Fatal("the player shows a video that is not there")
	}
	if got := w.Details().problem.Text; !strings.Contains(got, "no longer in its folder") || strings.Contains(got, "no such file") {
		t.Fatalf("the problem reads %q", got)
	}
}

// The time left in a gallery cell counts down between the engine's news.
func TestTimeLeftCountsDown(t *testing.T) {
	test.NewTempApp(t)
	srv := sandbox.NewServer(sandbox.WithJobDuration(40*time.Second), sandbox.WithHoldFor(0), sandbox.WithSpamWindow(0))
	t.Cleanup(srv.Close)
	c, _ := client.New(practiceKey, client.WithBaseURL(srv.URL))
	eng, err := jobs.Open(jobs.Options{Library: t.TempDir(), Practice: func() (*client.Client, error) { return c, nil }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(eng.Close)
	q := make(uiQueue, 1024)
	// Test apps keep their storage in one folder: no test starts with the
	// form another kept.
	os.Remove(stateFile(fyne.CurrentApp()))
	w := NewWindow(test.NewApp(), Deps{Engine: eng, Practice: true, RunOnUI: q.post})
	w.Fyne().Resize(fyne.NewSize(1200, 760))
	smallJob(t, w)
	w.Generate()
	left := func() string {
		for _, s := range allText(w.Gallery().Content()) {
			if strings.HasSuffix(s, " left") {
				return s
			}
		}
		return ""
	}
	q.until(t, 20*time.Second, "a time left", func() bool { return left() != "" })
	first := left()
	time.Sleep(2100 * time.Millisecond)
	w.Gallery().Tick()
	if now := left(); now == first || now == "" {
		t.Fatalf("after two seconds the cell still reads %q (was %q)", now, first)
	}
}

// The gallery's selection stays on the job the details show, when new jobs
// push it along the grid; and a new job from Generate takes it over even
// when it lands in the cell that was selected.
func TestSelectionFollowsItsJob(t *testing.T) {
	w, q, _ := practiceWindow(t)
	smallJob(t, w)
	g := w.Gallery()
	shownAt := func() string {
		if g.selIndex < 0 || g.selIndex >= len(g.shown) {
			return ""
		}
		return g.all[g.shown[g.selIndex]].ID
	}
	details := func() string {
		j, ok := w.Details().Job()
		if !ok {
			return ""
		}
		return j.ID
	}
	generate := func() string {
		before := len(g.Shown())
		w.Generate()
		q.until(t, 10*time.Second, "the new job", func() bool { return len(g.Shown()) == before+1 })
		id := g.Shown()[0].ID
		q.until(t, 5*time.Second, "the new job in the details", func() bool { return details() == id })
		if shownAt() != id {
			t.Fatalf("the details show the new job %s, the grid highlights %s", id, shownAt())
		}
		return id
	}
	first := generate()
	second := generate() // lands in cell 0, which was selected
	if first == second {
		t.Fatal("one job twice")
	}
	// The user picks the older one; a job started elsewhere (Run again)
	// pushes it along, and the highlight goes with it.
	g.grid.Select(1)
	if details() != first {
		t.Fatalf("selected cell 1, details show %s", details())
	}
	j, _ := w.deps.Engine.Job(first)
	if _, err := w.deps.Engine.RunAgain(j.ID, false); err != nil {
		t.Fatal(err)
	}
	q.until(t, 10*time.Second, "the third job", func() bool { return len(g.Shown()) == 3 })
	if details() != first || shownAt() != first {
		t.Fatalf("details show %s, the grid highlights %s; want both %s", details(), shownAt(), first)
	}
}

// Ctrl+Enter in a text field generates: Fyne gives the focused field every
// shortcut, and the field passes this one on. Its other shortcuts still work.
func TestCtrlEnterWhileTyping(t *testing.T) {
	w, q, _ := practiceWindow(t)
	smallJob(t, w)
	ctrlEnter := &desktop.CustomShortcut{KeyName: fyne.KeyReturn, Modifier: fyne.KeyModifierShortcutDefault}
	for i, field := range []*SubmitEntry{w.Params().Prompt, w.Source().URL} {
		w.Fyne().Canvas().Focus(field)
		field.TypedShortcut(ctrlEnter)
		q.until(t, 10*time.Second, "a job from Ctrl+Enter", func() bool { return len(w.Gallery().Shown()) == i+1 })
	}
	p := w.Params().Prompt
	p.SetText("waves")
	p.TypedShortcut(&fyne.ShortcutSelectAll{})
	clip := test.NewClipboard()
	p.TypedShortcut(&fyne.ShortcutCopy{Clipboard: clip})
	if clip.Content() != "waves" {
		t.Fatalf("copy in the prompt gave %q", clip.Content())
	}
}

// The form is kept across restarts for every model: the kind, the model,
// its length, the prompt, and the pictures that are still there, even when
// the form was left incomplete (a premium model's prompt not yet typed, a
// last frame not yet chosen: before, such a form was forgotten whole and
// the next start was back to Standard).
func TestFormKeptAcrossRestartsForEveryModel(t *testing.T) {
	w, q, _ := practiceWindow(t)
	pic, end := writePicture(t), writePicture(t)
	for _, m := range client.Catalogue {
		for _, prompt := range []string{"", "a heron lifts off"} {
			p := w.Params()
			p.Family.SetSelected(T(familyNames[m.Family]))
			p.Model.SetSelected(modelLabel(m))
			if len(m.Durations) > 0 {
				p.Duration.SetSelected(m.Durations[len(m.Durations)-1] + " s")
			}
			p.Prompt.SetText(prompt)
			w.Source().SetFile(pic)
			if m.EndFrame {
				w.EndFrame().SetFile(end)
			}
			want := p.read()
			w.remember(fyne.CurrentApp().Preferences())

			again := NewWindow(fyne.CurrentApp(), w.deps)
			got := again.Params().read()
			if got.Family.Or() != m.Family || got.ModelID != m.ID || got.Prompt != prompt || got.Duration != want.Duration {
				t.Fatalf("%s %q: came back as %s/%s %q %q (want %q)", m.ID, prompt, got.Family, got.ModelID, got.Prompt, got.Duration, want.Duration)
			}
			if file, _, _ := again.Source().Chosen(); file != pic {
				t.Fatalf("%s: the picture came back as %q", m.ID, file)
			}
			if file, _, _ := again.EndFrame().Chosen(); m.EndFrame && file != end {
				t.Fatalf("%s: the last frame came back as %q", m.ID, file)
			}
			q.drain()
		}
	}
	// A picture that is gone is not chosen again; a link is.
	w.Source().SetFile(filepath.Join(t.TempDir(), "moved.png"))
	w.remember(fyne.CurrentApp().Preferences())
	if file, link, _ := NewWindow(fyne.CurrentApp(), w.deps).Source().Chosen(); file != "" || link != "" {
		t.Fatalf("a picture no longer there came back: %q %q", file, link)
	}
	w.Source().URL.SetText("https://example.com/pier.jpg")
	w.remember(fyne.CurrentApp().Preferences())
	if _, link, _ := NewWindow(fyne.CurrentApp(), w.deps).Source().Chosen(); link != "https://example.com/pier.jpg" {
		t.Fatalf("the link came back as %q", link)
	}
}

// A kept form with settings out of the model's range is mended setting by
// setting: the model and prompt stay, the wrong value goes back to its
// default.
func TestKeptFormMended(t *testing.T) {
	ltx, _ := client.LookupModel(client.FamilyHD, "ltx-2.3")
	r := client.NewRequestFor(ltx, "")
	r.Prompt, r.Resolution, r.NumFrames = "fog over a lake", 99999, -4
	data, _ := json.Marshal(r)
	got, ok := keptRequest(data)
	def := client.NewRequestFor(ltx, "")
	if !ok || got.ModelID != "ltx-2.3" || got.Prompt != r.Prompt || got.Resolution != def.Resolution || got.NumFrames != def.NumFrames {
		t.Fatalf("%v %+v", ok, got)
	}
	unknown := client.NewRequest("")
	unknown.Family, unknown.ModelID, unknown.Prompt = client.FamilyPremium, "no-such-model", "kept"
	data, _ = json.Marshal(unknown)
	if got, ok := keptRequest(data); !ok || got.Prompt != "kept" || got.Validate() == nil && got.ModelID == "no-such-model" {
		t.Fatalf("an unknown model: %v %+v", ok, got)
	}
	if _, ok := keptRequest([]byte(`{"width":`)); ok {
		t.Fatal("a broken form was kept")
	}
}

// Reset to defaults resets the settings, not what the creator wrote.
func TestResetKeepsThePrompt(t *testing.T) {
	test.NewTempApp(t)
	f := NewParamsForm()
	f.Prompt.SetText("lanterns drift up")
	f.NegativePrompt.SetText("blur")
	f.Frames.SetValue(5)
	test.Tap(f.Reset)
	r := f.read()
	if r.Prompt != "lanterns drift up" || r.NegativePrompt != "blur" || r.NumFrames != client.DefaultFrames {
		t.Fatalf("after Reset: %q %q %d frames", r.Prompt, r.NegativePrompt, r.NumFrames)
	}
}

// A link field emptied takes its note with it: no red words about a link
// that is no longer there.
func TestEmptiedLinkClearsItsNote(t *testing.T) {
	w, q, _ := practiceWindow(t)
	w.Source().URL.SetText("ftp:/nowhere")
	if w.Source().info.Importance != widget.WarningImportance {
		t.Fatalf("no warning for a wrong link: %q", w.Source().info.Text)
	}
	w.Source().URL.SetText("")
	q.drain()
	if w.Source().info.Importance != widget.MediumImportance || !strings.HasPrefix(w.Source().info.Text, "Choose a picture") {
		t.Fatalf("after emptying: %q (%v)", w.Source().info.Text, w.Source().info.Importance)
	}
	// and so does the message above Generate about it
	w.Source().URL.SetText("ftp:/nowhere")
	w.Generate()
	if !strings.Contains(w.Message(), "link is not valid") {
		t.Fatalf("Generate with a wrong link: %q", w.Message())
	}
	w.Source().URL.SetText("")
	if w.Message() != "" {
		t.Fatalf("a message about a link that is gone: %q", w.Message())
	}
}

// A link checked as a picture says so in the picture's box too, which
// otherwise still asked for a picture to be dropped.
func TestCheckedLinkFillsThePictureBox(t *testing.T) {
	w, q, _ := practiceWindow(t)
	if w.Source().hint.Text != T(dropHere) {
		t.Fatalf("empty: %q", w.Source().hint.Text)
	}
	w.Source().URL.SetText(imageURL(t))
	q.until(t, 10*time.Second, "the link checked", func() bool { return strings.HasPrefix(w.Source().info.Text, "✓") })
	if !strings.Contains(w.Source().hint.Text, "The picture at the link (300 × 200) is chosen") {
		t.Fatalf("the box says %q", w.Source().hint.Text)
	}
	w.Source().URL.SetText("")
	if w.Source().hint.Text != T(dropHere) {
		t.Fatalf("emptied: %q", w.Source().hint.Text)
	}
}
