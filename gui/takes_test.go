package gui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"vivify/client"
	"vivify/jobs"
)

// smallTakes sets the window up for quick practice takes of a picture.
func smallTakes(t *testing.T, w *Window, q uiQueue) {
	t.Helper()
	w.Params().Frames.SetValue(3)
	w.Params().Width.SetValue(96)
	w.Source().SetFile(writePicture(t))
	q.until(t, 5*time.Second, "the picture", func() bool { return strings.Contains(w.Source().info.Text, "pixels") })
}

// waitDone waits until n jobs are all done, and returns them.
func waitDone(t *testing.T, w *Window, q uiQueue, n int) []jobs.Job {
	t.Helper()
	q.until(t, 60*time.Second, "the takes", func() bool {
		list := w.deps.Engine.Jobs()
		if len(list) != n {
			return false
		}
		for _, j := range list {
			if j.State == jobs.Failed {
				t.Fatalf("a take failed: %+v", j.Failure)
			}
			if j.State != jobs.Done {
				return false
			}
		}
		return true
	})
	return w.deps.Engine.Jobs()
}

// Four takes: four jobs of one set with seeds of their own, opened in the
// gallery; outside the set they are one stack card that says its takes'
// states and opens to them.
func TestFourTakesFromTheWindow(t *testing.T) {
	w, q, _ := practiceWindow(t)
	fyne.CurrentApp().Preferences().SetFloat(PrefAskAbove, 0)
	smallTakes(t, w, q)
	w.takes.count.SetSelected(Tn("%d takes", 4, 4))
	w.Generate()
	list := waitDone(t, w, q, 4)
	seeds := map[int64]bool{}
	for _, j := range list {
		if j.Set == "" || j.Set != list[0].Set || j.Seed == nil {
			t.Fatalf("take %+v", j)
		}
		seeds[*j.Seed] = true
	}
	if len(seeds) != 4 {
		t.Fatalf("seeds %v", seeds)
	}
	g := w.Gallery()
	if g.OpenedSet() != list[0].Set || len(g.Shown()) != 4 {
		t.Fatalf("the set is not opened: %q, %d shown", g.OpenedSet(), len(g.Shown()))
	}
	g.OpenSet("")
	if len(g.Shown()) != 1 || len(g.stacks) != 1 {
		t.Fatalf("outside the set: %d cards, %d stacks", len(g.Shown()), len(g.stacks))
	}
	q.until(t, 5*time.Second, "the stack card's words", func() bool {
		summary, states, _ := stackWords(g.takes(list[0].Set))
		return summary == "Wan 2.2 · other seeds" && states == "4 done"
	})
	// Its picture is its takes' thumbnails, two by two.
	g.Resume()
	q.until(t, 10*time.Second, "the stack's thumbnails", func() bool {
		for img, key := range g.cellPath {
			if strings.HasPrefix(key, "stack:") && img.Image != placeholder && img.Image != nil {
				return strings.Count(key, "\x00") == 3 // four takes
			}
		}
		return false
	})
	g.grid.Select(0) // the stack card opens to its takes
	if g.OpenedSet() != list[0].Set {
		t.Fatal("the stack card did not open")
	}
	// At the next start the gallery shows every video, the newest set's
	// first take in the details.
	again := NewWindow(test.NewApp(), Deps{Engine: w.deps.Engine, Practice: true, RunOnUI: q.post})
	if j, _ := again.Details().Job(); again.Gallery().OpenedSet() != "" || j.Take != 1 || j.Set != list[0].Set {
		t.Fatalf("at start: set %q open, take %d shown", again.Gallery().OpenedSet(), j.Take)
	}
}

// Try with…: the same picture and prompt on the models ticked, one take
// each; a ticked model that needs a prompt says so when there is none.
func TestTryWithModels(t *testing.T) {
	w, q, _ := practiceWindow(t)
	fyne.CurrentApp().Preferences().SetFloat(PrefAskAbove, 0)
	smallTakes(t, w, q)
	svd := w.Params().ChosenModel()
	ltx, _ := client.LookupModel(client.FamilySeed, "ltx-2.3")
	seedance, _ := client.LookupModel(client.FamilyPremium, "seedance-i2v")
	w.takes.setModels([]client.Model{svd, ltx, seedance})
	if !w.takes.count.Disabled() || !strings.Contains(w.takes.tried.Text, "3 models") {
		t.Fatalf("the row says %q", w.takes.tried.Text)
	}
	w.Generate()
	if !strings.Contains(w.Message(), "Seedance needs a prompt") {
		t.Fatalf("message %q", w.Message())
	}
	w.takes.setModels([]client.Model{svd, ltx})
	w.Params().Prompt.SetText("gulls circle")
	w.Generate()
	list := waitDone(t, w, q, 2)
	got := map[string]bool{}
	for _, j := range list {
		got[j.Request.ModelID] = true
		if j.Request.Prompt != "gulls circle" || j.Source.Name != "harbour" {
			t.Fatalf("take %+v", j.Request)
		}
	}
	if !got["svd"] || !got["ltx-2.3"] {
		t.Fatalf("models %v", got)
	}
	// The dialog lists every model, and keeps Try these off below two.
	w.takes.chooseModels()
	top := w.Fyne().Canvas().Overlays().Top()
	var checks []*widget.Check
	var try *widget.Button
	for _, o := range test.LaidOutObjects(top) {
		switch o := o.(type) {
		case *widget.Check:
			checks = append(checks, o)
		case *widget.Button:
			if o.Text == "Try these" {
				try = o
			}
		}
	}
	if len(checks) != len(client.Catalogue) || try == nil {
		t.Fatalf("%d boxes, Try these %v", len(checks), try != nil)
	}
	for _, c := range checks {
		c.SetChecked(false)
	}
	checks[0].SetChecked(true)
	if !try.Disabled() {
		t.Fatal("Try these with one model")
	}
	checks[len(checks)-1].SetChecked(true)
	test.Tap(try)
	if len(w.takes.models) != 2 {
		t.Fatalf("chose %d", len(w.takes.models))
	}
}

// The price is said before anything is sent: not measured before the
// first video, then measured per model and setting, with the balance
// after; above the limit Generate asks, and "Don't send" sends nothing.
// The status line keeps today's total.
func TestPriceFirst(t *testing.T) {
	w, q, _ := practiceWindow(t)
	prefs := fyne.CurrentApp().Preferences()
	prefs.SetFloat(PrefAskAbove, 0.5)
	smallTakes(t, w, q)
	if p := w.takes.price.Text; !strings.Contains(p, "not measured yet for SVD") {
		t.Fatalf("before any video: %q", p)
	}
	w.Generate() // one video of unknown price: not asked
	waitDone(t, w, q, 1)
	w.takes.readBalance()
	q.until(t, 5*time.Second, "the measured price", func() bool {
		return strings.Contains(w.takes.price.Text, "Price: about 0.2 practice credits, what your last SVD video cost.") &&
			strings.Contains(w.takes.price.Text, "The balance after: about 99.6.")
	})
	q.until(t, 5*time.Second, "today's total", func() bool { return strings.Contains(w.status.Text, "spent today: 0.2 practice credits") })
	w.takes.count.SetSelected(Tn("%d takes", 4, 4))
	if p := w.takes.price.Text; !strings.Contains(p, "about 0.8 practice credits for 4 takes (0.2 each") {
		t.Fatalf("4 takes: %q", p)
	}
	w.Generate() // 0.8 is more than 0.5: asked
	if w.deps.dialogs.Open() != 1 {
		t.Fatal("not asked")
	}
	top := w.Fyne().Canvas().Overlays().Top()
	if words := strings.Join(allTexts(top), " "); !strings.Contains(words, "Send these 4 takes?") || !strings.Contains(words, "0.8 practice credits") {
		t.Fatalf("the question: %q", words)
	}
	tapButton(t, top, "Don't send")
	if len(w.deps.Engine.Jobs()) != 1 || w.Message() != "Nothing was sent." {
		t.Fatalf("after Don't send: %d jobs, %q", len(w.deps.Engine.Jobs()), w.Message())
	}
	w.Generate()
	tapButton(t, w.Fyne().Canvas().Overlays().Top(), "Send")
	waitDone(t, w, q, 5)
	// Another setting's price is its own: HD at 480p was never made.
	w.takes.count.SetSelected(Tn("%d takes", 1, 1))
	w.Params().Family.SetSelected(T(familyNames[client.FamilyHD]))
	if p := w.takes.price.Text; !strings.Contains(p, "not measured yet for Wan 2.2 HD") {
		t.Fatalf("HD: %q", p)
	}
}
