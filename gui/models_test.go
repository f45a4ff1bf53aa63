package gui

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"vivify/client"
	"vivify/client/sandbox"
	"vivify/jobs"
)

// Switching model shows the chosen model's fields only, and keeps the
// values that still mean something.
func TestModelSwitchShowsItsFields(t *testing.T) {
	test.NewTempApp(t)
	f := NewParamsForm()
	if f.Model.Selected != "Stable Video Diffusion (made by Wan 2.2 today)" || f.Family.Selected != "Standard" {
		t.Fatalf("chooser shows %q / %q", f.Family.Selected, f.Model.Selected)
	}
	visible := func(field string) bool { return f.rows[field].Visible() }
	// rows checks that the model's form shows the fields shown and hides
	// those hidden.
	rows := func(model string, shown, hidden []string) {
		t.Helper()
		for _, field := range shown {
			if !visible(field) {
				t.Errorf("%s: %s hidden", model, field)
			}
		}
		for _, field := range hidden {
			if visible(field) {
				t.Errorf("%s: %s shown", model, field)
			}
		}
	}
	rows("SVD", []string{"motion_bucket_id", "width", "num_frames", "fps"}, []string{"resolution", "duration", "guidance_scale", "sample_shift"})
	if f.notes["motion_bucket_id"].Visible() {
		t.Error("SVD is told it may ignore its own motion field")
	}
	f.Prompt.SetText("gulls circle the harbour")

	// Wan 2.2 on the seed endpoint: SVD's fields say it may ignore them.
	f.Model.SetSelected("Wan 2.2")
	if n := f.notes["motion_bucket_id"]; !n.Visible() || !strings.Contains(n.Text, "may ignore") {
		t.Errorf("no warning on motion for Wan 2.2: %v %q", n.Visible(), n.Text)
	}

	// HD: resolution and guidance, no size sliders nor motion; the prompt stays.
	f.Family.SetSelected("HD")
	r := f.read()
	if r.Family != client.FamilyHD || r.ModelID != "wan2.2" || r.Prompt != "gulls circle the harbour" || r.Resolution != 720 || r.NumFrames != 81 {
		t.Fatalf("HD request %+v", r)
	}
	rows("HD", []string{"resolution", "guidance_scale", "num_frames", "fps"}, []string{"motion_bucket_id", "width", "duration", "noise_aug_strength"})
	if !strings.Contains(f.ModelInfo.Text, "5.1-second video of 1280 × 720") {
		t.Errorf("HD info %q", f.ModelInfo.Text)
	}

	// Premium: Kling's lengths; no frames or speed.
	f.Family.SetSelected("Premium")
	f.Model.SetSelected("Kling 2.1")
	rows("Kling", []string{"duration"}, []string{"num_frames", "resolution"})
	// The prompt's hint says one thing: needed for Kling, and nothing else
	// beside it says otherwise.
	if h := f.hints["prompt"]; !strings.Contains(h.Text, "Kling 2.1 needs one") || strings.Contains(h.Text, "Optional") || f.notes["prompt"].Visible() {
		t.Errorf("Kling's prompt hint: %q (note shown: %v)", h.Text, f.notes["prompt"].Visible())
	}
	f.Duration.SetSelected("10 s")
	r, err := f.Request(img)
	if err != nil || r.Duration != "10" || r.Prompt != "gulls circle the harbour" {
		t.Fatalf("Kling: %+v %v", r, err)
	}
	if !strings.Contains(f.ModelInfo.Text, "10.0-second") {
		t.Errorf("Kling 10 s info %q", f.ModelInfo.Text)
	}
	// Back to Standard: SVD's defaults and the prompt.
	f.Family.SetSelected("Standard")
	if r := f.read(); r.Family != "" || r.ModelID != "svd" || r.Prompt != "gulls circle the harbour" || r.NumFrames > client.MaxFrames {
		t.Fatalf("back to standard %+v", r)
	}
}

// An end-frame model cannot be sent without its last frame, and says why;
// with one (here a link) the job is made.
func TestEndFrameModelNeedsItsLastFrame(t *testing.T) {
	w, q, _ := practiceWindow(t)
	w.Source().SetFile(writePicture(t))
	q.until(t, 5*time.Second, "the picture", func() bool { return strings.Contains(w.Source().info.Text, "pixels") })
	if w.EndFrame().Content().Visible() {
		t.Fatal("a last-frame slot for SVD")
	}
	w.Params().Family.SetSelected("Premium")
	w.Params().Model.SetSelected("Hailuo 02, first and last frame")
	if !w.EndFrame().Content().Visible() {
		t.Fatal("no last-frame slot for a start-end model")
	}
	w.Params().Prompt.SetText("the door opens")
	before := len(w.deps.Engine.Jobs())
	w.Generate()
	if !strings.Contains(w.Message(), "needs the last frame") {
		t.Fatalf("message %q", w.Message())
	}
	if len(w.deps.Engine.Jobs()) != before {
		t.Fatal("a job was made without its last frame")
	}
	w.EndFrame().SetFile(writePicture(t))
	q.until(t, 5*time.Second, "the last frame", func() bool { return strings.Contains(w.EndFrame().info.Text, "pixels") })
	w.Generate()
	q.until(t, 10*time.Second, "the job", func() bool { return len(w.deps.Engine.Jobs()) == before+1 })
	j := w.deps.Engine.Jobs()[0]
	if j.Request.ModelID != "Hailuo-02-start-end-frame" || j.EndFile == "" {
		t.Fatalf("job %+v", j)
	}
}

// The video's shape follows the picture's, for the models that take one,
// until the creator sets it; Reuse settings keeps the model.
func TestShapeFollowsThePictureAndReuseKeepsTheModel(t *testing.T) {
	test.NewTempApp(t)
	f := NewParamsForm()
	f.SetSourceAspect(720.0 / 1280.0) // chosen with a standard model
	f.Family.SetSelected("HD")
	if w, h := f.ChosenModel().Size(f.read()); w != 720 || h != 1280 {
		t.Fatalf("a portrait picture, then HD: %d×%d", w, h)
	}
	f.SetSourceAspect(720.0 / 1280.0)
	if !f.read().Portrait {
		t.Fatal("a portrait picture gives a landscape HD video")
	}
	f.SetSourceAspect(1280.0 / 720.0)
	if f.read().Portrait {
		t.Fatal("a landscape picture gives a portrait HD video")
	}
	f.Portrait.SetChecked(true) // the creator's choice
	f.SetSourceAspect(1.5)
	f.Portrait.SetChecked(true)
	f.sizeChanged(true)
	if !f.read().Portrait {
		t.Fatal("the creator's choice was overridden")
	}
	m, _ := client.LookupModel(client.FamilyPremium, "Hailuo-2.3-i2v")
	r := client.NewRequestFor(m, "")
	r.Duration = "10"
	f.SetRequest(r) // as Reuse settings does
	got := f.read()
	if got.Family != client.FamilyPremium || got.ModelID != "Hailuo-2.3-i2v" || got.Duration != "10" {
		t.Fatalf("reused %+v", got)
	}
}

// Each family has presets of its own; the creator's are kept per family.
func TestPresetsBelongToAFamily(t *testing.T) {
	w, _, _ := practiceWindow(t)
	p := w.Presets()
	if strings.Join(p.Choice.Options, ",") != "Subtle motion,Medium motion,Lots of motion" {
		t.Fatalf("standard presets %v", p.Choice.Options)
	}
	w.Params().Family.SetSelected("HD")
	if strings.Join(p.Choice.Options, ",") != "Quick 480p draft,Best 720p" {
		t.Fatalf("HD presets %v", p.Choice.Options)
	}
	p.Choice.SetSelected("Quick 480p draft")
	if r := w.Params().read(); r.Resolution != 480 || r.Family != client.FamilyHD {
		t.Fatalf("draft %+v", r)
	}
	w.Params().Resolution.SetValue(640)
	if !p.SaveAs("Mine HD") {
		t.Fatal("not saved")
	}
	w.Params().Family.SetSelected("Premium")
	for _, o := range p.Choice.Options {
		if o == "Mine HD" || o == "Best 720p" {
			t.Fatalf("premium lists %v", p.Choice.Options)
		}
	}
	w.Params().Model.SetSelected("Kling 2.1")
	p.Choice.SetSelected("Longest video")
	if r := w.Params().read(); r.Duration != "10" || r.ModelID != "kling-v2-1-i2v" {
		t.Fatalf("longest Kling %+v", r)
	}
	w.Params().Family.SetSelected("HD")
	if !strings.Contains(strings.Join(p.Choice.Options, ","), "Mine HD") {
		t.Fatalf("own HD preset gone: %v", p.Choice.Options)
	}
}

// A portrait picture keeps its shape in the standard size sliders: the
// height is the limit, and the width follows.
func TestPortraitPictureKeepsItsShape(t *testing.T) {
	test.NewTempApp(t)
	f := NewParamsForm()
	f.SetSourceAspect(720.0 / 1280.0)
	if r := f.read(); r.Height != 512 || r.Width != 288 {
		t.Fatalf("a 720×1280 picture gives %d×%d", r.Width, r.Height)
	}
	f.SetSourceAspect(1280.0 / 720.0)
	if r := f.read(); r.Width != 512 || r.Height != 288 {
		t.Fatalf("a 1280×720 picture gives %d×%d", r.Width, r.Height)
	}
}

// After a practice video, the model's line says what it cost, with the
// date; a model never run says nothing of cost.
func TestCostShownBesideTheModel(t *testing.T) {
	w, q, _ := practiceWindow(t)
	if strings.Contains(w.Params().ModelInfo.Text, "Last video") {
		t.Fatalf("a cost before any video: %q", w.Params().ModelInfo.Text)
	}
	w.Params().Frames.SetValue(3)
	w.Params().Width.SetValue(96)
	w.Params().Height.SetValue(64)
	w.Source().SetFile(writePicture(t))
	q.until(t, 5*time.Second, "the picture", func() bool { return strings.Contains(w.Source().info.Text, "pixels") })
	w.Generate()
	q.until(t, 20*time.Second, "the cost beside the model", func() bool {
		return strings.Contains(w.Params().ModelInfo.Text, "Last video: 0.2 practice credits")
	})
	if !strings.Contains(w.Params().ModelInfo.Text, time.Now().Format("2 Jan 2006")) {
		t.Fatalf("no date: %q", w.Params().ModelInfo.Text)
	}
	// The video's details say it with both balances, in proper words.
	w.Details().Show(w.deps.Engine.Jobs()[0])
	if got := w.Details().info.Text; !regexp.MustCompile(`Cost: 0\.2 practice credits: the balance went from \d+\.\d+ to \d+\.\d+\n`).MatchString(got) {
		t.Fatalf("details: %q", got)
	}
	// A window opened on the library says so from the start.
	again := NewWindow(test.NewApp(), Deps{Engine: w.deps.Engine, Practice: true, RunOnUI: q.post})
	if !strings.Contains(again.Params().ModelInfo.Text, "Last video: 0.2 practice credits") {
		t.Fatalf("at start: %q", again.Params().ModelInfo.Text)
	}
	w.Params().Model.SetSelected("LTX 2.3")
	if strings.Contains(w.Params().ModelInfo.Text, "Last video") {
		t.Fatalf("LTX never ran: %q", w.Params().ModelInfo.Text)
	}
}

// Costs are said in proper words: one credit is singular, and the
// balances are written as balances.
func TestCostWords(t *testing.T) {
	for _, c := range []struct {
		cost     jobs.Cost
		practice bool
		want     string
	}{
		{jobs.Cost{Amount: 1}, true, "1 practice credit"},
		{jobs.Cost{Amount: 1, Practice: true}, false, "1 practice credit"},
		{jobs.Cost{Amount: 2}, false, "2 credits"},
		{jobs.Cost{Amount: 0.5, Before: 12, After: 11.5}, false, "0.5 credits: the balance went from 12.0 to 11.5"},
		{jobs.Cost{Amount: 0.25, Before: 3.25, After: 3}, false, "0.25 credits: the balance went from 3.25 to 3.0"},
		{jobs.Cost{Amount: 0}, false, "0 credits"},
		{jobs.Cost{Amount: 0.2 * 3}, true, "0.6 practice credits"},
		{jobs.Cost{Amount: 0.6, Before: 98.2, After: 98.2 - 0.6}, false, "0.6 credits: the balance went from 98.2 to 97.6"},
	} {
		if got := costWords(c.cost, c.practice); got != c.want {
			t.Errorf("%+v: %q, want %q", c.cost, got, c.want)
		}
	}
}

// A result's last frame can become the last frame of a start-end model,
// as it can become the next picture.
func TestResultLastFrameIntoTheLastFrameSlot(t *testing.T) {
	w, q, _ := practiceWindow(t)
	w.Params().Frames.SetValue(3)
	w.Params().Width.SetValue(96)
	w.Params().Height.SetValue(64)
	w.Source().SetFile(writePicture(t))
	q.until(t, 5*time.Second, "the picture", func() bool { return strings.Contains(w.Source().info.Text, "pixels") })
	w.Generate()
	q.until(t, 20*time.Second, "the video in the player", func() bool {
		j, ok := w.Details().Job()
		return ok && j.State == "done" && w.Details().Player().Animation() != nil
	})
	hasButton := func() bool {
		return slices.Contains(w.Details().Actions(), "Use as last frame")
	}
	if hasButton() {
		t.Fatal("'Use as last frame' offered for SVD")
	}
	w.Params().Family.SetSelected("Premium")
	w.Params().Model.SetSelected("Hailuo 02, first and last frame")
	if !hasButton() {
		t.Fatal("no 'Use as last frame' for a start-end model")
	}
	j, _ := w.Details().Job()
	w.details.useLastFrame(j, w.details.OnUseAsLastFrame)
	q.until(t, 5*time.Second, "the last frame in its slot", func() bool {
		return strings.Contains(w.EndFrame().info.Text, "last-frame.png")
	})
}

// Every model chosen after every other, through the family and model
// choosers as a creator does, with the first model's longest length
// chosen: the form reads a request the second model takes (before, Kling's
// "5 s" stayed behind for Seedance and blocked Generate with no note), and
// a problem that does remain is named above Generate.
func TestEveryModelAfterEveryOther(t *testing.T) {
	// (and the prompt's hint says per model whether it is needed)
	test.NewTempApp(t)
	f := NewParamsForm()
	choose := func(m client.Model) {
		f.Family.SetSelected(T(familyNames[m.Family]))
		f.Model.SetSelected(modelLabel(m))
		if f.ChosenModel().ID != m.ID {
			t.Fatalf("chose %s, the form has %s", m.ID, f.ChosenModel().ID)
		}
	}
	for _, a := range client.Catalogue {
		for _, b := range client.Catalogue {
			if a.ID == b.ID && a.Family == b.Family {
				continue
			}
			choose(a)
			if len(a.Durations) > 0 {
				f.Duration.SetSelected(a.Durations[len(a.Durations)-1] + " s")
			}
			f.Prompt.SetText("waves roll in")
			choose(b)
			r, err := f.Request("https://example.com/a.png")
			if b.EndFrame {
				r.EndImage = "https://example.com/b.png"
				err = r.Validate()
			}
			if err != nil {
				t.Errorf("%s then %s: %v (%s)", a.ID, b.ID, err, attentionWords(err))
			}
		}
	}
	// A problem is named above Generate, whatever row it belongs to.
	f.Prompt.SetText("")
	kling, _ := client.LookupModel(client.FamilyPremium, "kling-v2-1-i2v")
	choose(kling)
	_, err := f.Request("https://example.com/a.png")
	if got := attentionWords(err); !strings.Contains(got, "needs a prompt") {
		t.Fatalf("above Generate: %q", got)
	}
	// The note beside the prompt belongs to it: typing one clears it, and
	// a model that needs none clears it too.
	if !f.errors["prompt"].Visible() {
		t.Fatal("no note beside the empty prompt")
	}
	f.Prompt.SetText("gulls circle")
	if f.errors["prompt"].Visible() {
		t.Fatalf("the note stays after a prompt is typed: %q", f.errors["prompt"].Text)
	}
	f.Prompt.SetText("")
	f.Request("https://example.com/a.png")
	svd, _ := client.LookupModel(client.FamilySeed, "svd")
	choose(svd)
	if f.errors["prompt"].Visible() || !strings.Contains(f.hints["prompt"].Text, "Optional") {
		t.Fatalf("after SVD: note %v %q, hint %q", f.errors["prompt"].Visible(), f.errors["prompt"].Text, f.hints["prompt"].Text)
	}
}

// The Model list shows each premium model's strength, length and size
// beside its name, all at once and wide enough to read, and choosing a
// line chooses its model.
func TestModelListComparesPremiumModels(t *testing.T) {
	w, _, _ := practiceWindow(t)
	w.Fyne().Resize(smallest)
	p := w.Params()
	p.Family.SetSelected(T(familyNames[client.FamilyPremium]))
	test.Tap(p.Model)
	if p.Model.list == nil {
		t.Fatal("no list")
	}
	lines := allTexts(p.Model.list)
	premium := client.ModelsOf(client.FamilyPremium)
	for _, m := range premium {
		length := fmt.Sprintf("%g s", m.Video.Seconds)
		if len(m.Durations) > 0 {
			length = strings.Join(m.Durations, " or ") + " s"
		}
		want := m.Name + " · " + strings.TrimSuffix(m.Blurb, ".") + " · " + length + fmt.Sprintf(" · %dp", m.Video.ShortSide)
		if !slices.Contains(lines, want) {
			t.Errorf("no line %q in the list: %q", want, lines)
		}
	}
	size, min := p.Model.list.Size(), p.Model.list.MinSize()
	if size.Width < min.Width || size.Width > smallest.Width {
		t.Errorf("the list is %v wide for lines of %v in a %v window", size.Width, min.Width, smallest.Width)
	}
	// all in the window, whatever the form's scroll
	pos := p.Model.list.Position()
	if pos.Y < 0 || pos.Y+size.Height > smallest.Height+0.5 {
		t.Errorf("the list runs from %v to %v in a window %v high", pos.Y, pos.Y+size.Height, smallest.Height)
	}
	for _, item := range p.Model.menu.Items {
		if strings.HasPrefix(item.Label, "Kling 2.5 Turbo ·") {
			item.Action()
		}
	}
	if got := p.ChosenModel().ID; got != "Kling-V2-5-Turbo-i2v" {
		t.Fatalf("chose %q", got)
	}
	// The standard models' lines say what they are good at.
	p.Family.SetSelected(T(familyNames[client.FamilySeed]))
	test.Tap(p.Model)
	if lines := allTexts(p.Model.list); !slices.Contains(lines, "Wan 2.2 · Follows the prompt closely: say what should move") {
		t.Errorf("the standard list: %q", lines)
	}
}

// A video is made in practice with every model, each chosen in the window
// after the one before it in the catalogue (a premium model after another
// family's too), and Generate succeeds each time: the form never keeps
// what the model before took. (Every pair, both ways, is checked on the
// form by TestEveryModelAfterEveryOther; making 300 videos would take
// minutes.)
func TestAVideoWithEveryModelAfterAnother(t *testing.T) {
	w, q, _ := practiceWindow(t, sandbox.WithPremiumJobDuration(200*time.Millisecond))
	w.Source().SetFile(writePicture(t))
	end := writePicture(t)
	q.until(t, 5*time.Second, "the picture", func() bool { return strings.Contains(w.Source().info.Text, "pixels") })
	order := client.Catalogue
	p := w.Params()
	for i, m := range order {
		p.Family.SetSelected(T(familyNames[m.Family]))
		p.Model.SetSelected(modelLabel(m))
		if m.Family == client.FamilySeed { // small, to be quick
			p.Frames.SetValue(3)
			p.Width.SetValue(96)
		}
		p.Prompt.SetText("waves roll in")
		if m.EndFrame {
			w.EndFrame().SetFile(end)
			q.until(t, 5*time.Second, "the last frame", func() bool { return strings.Contains(w.EndFrame().info.Text, "pixels") })
		}
		before := len(w.deps.Engine.Jobs())
		w.Generate()
		if w.Message() != "" {
			t.Fatalf("%d: %s/%s: Generate says %q", i, m.Family, m.ID, w.Message())
		}
		q.until(t, 10*time.Second, m.ID+"'s job", func() bool { return len(w.deps.Engine.Jobs()) == before+1 && !w.gen.Disabled() })
		j := w.deps.Engine.Jobs()[0]
		if j.Request.ModelID != m.ID || j.Request.Family.Or() != m.Family {
			t.Fatalf("%s: the job is of %s/%s", m.ID, j.Request.Family, j.Request.ModelID)
		}
		q.until(t, 60*time.Second, m.ID+"'s video", func() bool {
			got, _ := w.deps.Engine.Job(j.ID)
			if got.State == jobs.Failed {
				t.Fatalf("%s failed: %+v", m.ID, got.Failure)
			}
			return got.State == jobs.Done
		})
	}
}
