package gui

import (
	"context"
	"fmt"
	"image/color"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"vivify/client"
	"vivify/jobs"
)

// PrefAskAbove is the price, in credits, above which Vivify asks before it
// sends (0: never asks).
const PrefAskAbove = "ask.above"

// defaultAskAbove is what a creator is asked above until they choose.
const defaultAskAbove = 2.0

// askChoices are the limits Settings offers, as they are shown.
var askLimits = []float64{0, 0.5, 1, 2, 5, 10, 25}

// askChoices are askLimits as Settings shows them.
func askChoices() []string {
	out := []string{T("Never ask")}
	for _, v := range askLimits[1:] {
		out = append(out, costWords(jobs.Cost{Amount: v}, false))
	}
	return out
}

// takes is the row beside Generate: how many takes, or which models to try
// the picture with, and the price of what Generate would send.
type takes struct {
	w      *Window
	count  *widget.Select
	try    *widget.Button
	clear  *widget.Button
	tried  *widget.Label
	models []client.Model // "Try with…": one take each; nil for count takes
	price  *widget.Label
	row    fyne.CanvasObject

	balance      float64 // the balance last read, in the current mode
	balanceKnown bool
}

func newTakes(w *Window) *takes {
	t := &takes{w: w}
	var counts []string
	for n := 1; n <= jobs.MaxTakes; n++ {
		counts = append(counts, Tn("%d takes", n, n))
	}
	t.count = widget.NewSelect(counts, func(string) { t.changed() })
	t.count.Selected = counts[0]
	t.try = widget.NewButtonWithIcon(T("Try with…"), theme.ListIcon(), t.chooseModels)
	t.tried = widget.NewLabel("")
	t.tried.Truncation = fyne.TextTruncateEllipsis
	t.tried.Hide()
	t.clear = widget.NewButtonWithIcon("", theme.CancelIcon(), func() { t.setModels(nil) })
	t.clear.Importance = widget.LowImportance
	t.clear.Hide()
	t.price = widget.NewLabel("")
	t.price.Wrapping = wordWrap()
	t.price.SizeName = theme.SizeNameCaptionText
	left := container.NewHBox(widget.NewLabel(T("Takes")), t.count)
	t.row = container.NewVBox(t.price, container.NewBorder(nil, nil, left, container.NewHBox(t.clear, t.try), t.tried))
	return t
}

// n is how many takes Generate makes.
func (t *takes) n() int {
	if len(t.models) > 0 {
		return len(t.models)
	}
	return t.count.SelectedIndex() + 1
}

func (t *takes) changed() { t.updatePrice() }

// setModels makes Generate try the picture with each of models (2 to 4),
// or, for nil, make takes of the form's model.
func (t *takes) setModels(models []client.Model) {
	t.models = models
	if len(models) == 0 {
		t.tried.Hide()
		t.clear.Hide()
		t.count.Enable()
	} else {
		var names []string
		for _, m := range models {
			names = append(names, m.ShortName())
		}
		t.tried.SetText(Tn("%d models: %s", len(models), len(models), strings.Join(names, ", ")))
		t.tried.Show()
		t.clear.Show()
		t.count.Disable()
	}
	t.updatePrice()
}

// chooseModels asks which models to try the picture with: 2 to 4 of the
// catalogue, each with what it is good at.
func (t *takes) chooseModels() {
	w := t.w
	chosen := map[string]bool{}
	for _, m := range t.models {
		chosen[string(m.Family)+"|"+m.ID] = true
	}
	if len(chosen) == 0 {
		m := w.params.ChosenModel()
		chosen[string(m.Family)+"|"+m.ID] = true
	}
	note := widget.NewLabel("")
	note.Wrapping = wordWrap() // a sentence: two lines in the longer languages
	var checks []*widget.Check
	var ok *widget.Button
	count := func() int {
		n := 0
		for _, c := range checks {
			if c.Checked {
				n++
			}
		}
		return n
	}
	update := func() {
		n := count()
		note.SetText(Tf("%d chosen: choose 2 to 4. Each makes one take of the same picture and prompt.", n))
		if n < 2 || n > jobs.MaxTakes {
			note.Importance = widget.WarningImportance
		} else {
			note.Importance = widget.MediumImportance
		}
		note.Refresh()
		if ok != nil {
			if n >= 2 && n <= jobs.MaxTakes {
				ok.Enable()
			} else {
				ok.Disable()
			}
		}
	}
	list := container.NewVBox()
	var models []client.Model
	for _, fam := range client.Families {
		list.Add(widget.NewLabelWithStyle(T(familyNames[fam]), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
		for _, m := range client.ModelsOf(fam) {
			// The name and facts by the box, what it is good at under
			// them: one line of all three was 1,074 points wide in French.
			c := widget.NewCheck(strings.Join(append([]string{modelLabel(m)}, modelFacts(m)...), " · "), func(bool) { update() })
			c.Checked = chosen[string(m.Family)+"|"+m.ID]
			checks = append(checks, c)
			models = append(models, m)
			blurb := widget.NewLabel(modelBlurb(m))
			blurb.Wrapping = wordWrap()
			blurb.SizeName = theme.SizeNameCaptionText
			// Close under its check, so that it reads as the check's.
			tight := layout.NewCustomPaddedVBoxLayout(-theme.InnerPadding())
			list.Add(container.New(tight, c, container.NewBorder(nil, nil, checkIndent(), nil, blurb)))
		}
	}
	var d dialog.Dialog
	ok = widget.NewButtonWithIcon(T("Try these"), theme.ConfirmIcon(), func() {
		var picked []client.Model
		for i, c := range checks {
			if c.Checked {
				picked = append(picked, models[i])
			}
		}
		d.Hide()
		t.setModels(picked)
	})
	ok.Importance = widget.HighImportance
	cancel := widget.NewButton(T("Cancel"), func() { d.Hide() })
	update()
	body := container.NewBorder(note, container.NewHBox(cancel, ok), nil, nil, container.NewVScroll(list))
	d = dialog.NewCustomWithoutButtons(T("Try the picture with other models"), body, w.win)
	w.deps.dialogs.Show(d)
	d.Resize(fitDialog(w.win, fyne.NewSize(720, 600)))
}

// requests are what Generate would send: the form's request n times, or
// once converted to each model tried. A model that cannot take the form as
// it is (it needs a prompt, or a last frame) gives an error in words.
func (t *takes) requests(base client.Request) ([]client.Request, error) {
	if len(t.models) == 0 {
		out := make([]client.Request, t.n())
		for i := range out {
			out[i] = base
		}
		return out, nil
	}
	var out []client.Request
	for _, m := range t.models {
		r := base
		if m.Family != base.Family.Or() || m.ID != base.ModelID {
			r = client.NewRequestFor(m, base.InitImage)
			r.Prompt, r.NegativePrompt, r.Portrait = base.Prompt, base.NegativePrompt, base.Portrait
			if m.Video.SizeFromRequest && base.Family.Or() == client.FamilySeed {
				r.Width, r.Height = base.Width, base.Height
			}
			if m.EndFrame {
				r.EndImage = base.EndImage
			}
		}
		if m.PromptRequired && strings.TrimSpace(r.Prompt) == "" {
			return nil, fmt.Errorf("%s needs a prompt: type what should happen in the video, or untick it under Try with…", m.Name)
		}
		if m.EndFrame && base.EndImage == "" && !t.w.params.ChosenModel().EndFrame {
			return nil, fmt.Errorf("%s needs a last frame, which only its own form takes: choose it as the model, or untick it under Try with…", m.Name)
		}
		out = append(out, r)
	}
	return out, nil
}

// specs are the jobs Generate sends for spec: one, or a set of takes with
// seeds of their own (the form's seed, if set, for the first).
func (t *takes) specs(spec jobs.Spec) ([]jobs.Spec, error) {
	reqs, err := t.requests(spec.Request)
	if err != nil {
		return nil, err
	}
	if len(reqs) == 1 && len(t.models) == 0 {
		return []jobs.Spec{spec}, nil
	}
	set := jobs.NewSetID()
	seen := map[int64]bool{}
	var out []jobs.Spec
	for i, r := range reqs {
		s := spec
		s.Request, s.Set, s.Take = r, set, i+1
		if m, ok := r.Model(); ok && !m.Takes("seed") {
			s.Request.Seed = nil // the model picks its own, and the answer says which
		} else if i > 0 || r.Seed == nil {
			seed := rand.Int64N(1 << 32)
			for seen[seed] {
				seed = rand.Int64N(1 << 32)
			}
			s.Request.Seed = &seed
		}
		if s.Request.Seed != nil {
			seen[*s.Request.Seed] = true
		}
		if m, ok := r.Model(); ok && !m.EndFrame {
			s.EndFile, s.Request.EndImage = "", ""
		}
		out = append(out, s)
	}
	return out, nil
}

// estimate is the price of reqs in words, its total where every part is
// measured, and whether it is.
func (t *takes) estimate(reqs []client.Request) (words string, total float64, known bool) {
	practice := t.w.Practice()
	unit := func(v float64) string { return costWords(jobs.Cost{Amount: v}, practice) }
	known = true
	var unknown []string
	type part struct {
		name string
		n    int
		each float64
	}
	var parts []part
	for _, r := range reqs {
		name := r.ModelID
		if m, ok := r.Model(); ok {
			name = m.ShortName()
			if r.Family.Or() == client.FamilyPremium {
				name += Tf(", %g s", m.Seconds(r))
			}
			if r.Family.Or() == client.FamilyHD {
				name += Tf(", %dp", r.Resolution)
			}
		}
		c, ok := t.w.deps.Engine.CostFor(r, practice)
		if !ok {
			known = false
			if !slices.Contains(unknown, name) {
				unknown = append(unknown, name)
			}
			continue
		}
		total += c.Amount
		found := false
		for i := range parts {
			if parts[i].name == name {
				parts[i].n++
				found = true
			}
		}
		if !found {
			parts = append(parts, part{name, 1, c.Amount})
		}
	}
	var b strings.Builder
	switch {
	case len(parts) == 1 && parts[0].n == 1 && known:
		b.WriteString(Tf("Price: about %s, what your last %s video cost.", unit(total), parts[0].name))
	case len(parts) == 1 && known:
		b.WriteString(Tn("Price: about %s for %d takes (%s each, what your last %s video cost).", parts[0].n, unit(total), parts[0].n, creditNumber(parts[0].each, 0), parts[0].name))
	case len(parts) > 0:
		var each []string
		for _, p := range parts {
			each = append(each, Tf("%s %s", p.name, creditNumber(p.each*float64(p.n), 0)))
		}
		b.WriteString(Tf("Price: about %s (%s).", unit(total), strings.Join(each, ", ")))
	}
	if len(unknown) > 0 {
		if b.Len() > 0 {
			b.WriteString(" ")
		} else {
			b.WriteString(T("Price: "))
		}
		b.WriteString(Tf("not measured yet for %s: Vivify learns a price from your first video of it.", strings.Join(unknown, "; ")))
	}
	if known && t.balanceKnown {
		b.WriteString(Tf(" The balance after: about %s.", creditNumber(max(0, t.balance-total), 1)))
	}
	return b.String(), total, known
}

// updatePrice says above Generate what it would cost.
func (t *takes) updatePrice() {
	if t.w.deps.Engine == nil {
		return
	}
	reqs, err := t.requests(t.w.params.read())
	if err != nil {
		t.price.SetText(errorText(err))
		return
	}
	words, _, _ := t.estimate(reqs)
	t.price.SetText(words)
}

// readBalance reads the balance of the current mode off the UI goroutine,
// for "the balance after".
func (t *takes) readBalance() {
	eng, practice := t.w.deps.Engine, t.w.Practice()
	if eng == nil || (!practice && !eng.HasClient()) {
		t.balanceKnown = false
		return
	}
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		b, err := eng.Balance(ctx)
		t.w.deps.RunOnUI(func() {
			if err != nil || t.w.Practice() != practice {
				return
			}
			t.balance, t.balanceKnown = b.Amount, true
			t.updatePrice()
		})
	}()
}

// askAbove is the price above which Generate asks first (0: never).
func askAbove() float64 {
	return fyne.CurrentApp().Preferences().FloatWithFallback(PrefAskAbove, defaultAskAbove)
}

// confirm asks before specs are sent when they cost more than the limit,
// or when a set's price is not known; go is called once the answer is yes
// (at once when there is nothing to ask).
func (t *takes) confirm(specs []jobs.Spec, send func()) {
	var reqs []client.Request
	for _, s := range specs {
		reqs = append(reqs, s.Request)
	}
	words, total, known := t.estimate(reqs)
	limit := askAbove()
	if limit <= 0 || (known && total <= limit) || (!known && len(specs) == 1) {
		send()
		return
	}
	what := T("this video")
	if len(specs) > 1 {
		what = Tn("these %d takes", len(specs), len(specs))
	}
	why := Tf("It is more than the %s you asked to be asked about (Settings).", costWords(jobs.Cost{Amount: limit}, t.w.Practice()))
	if !known {
		why = Tf("Vivify does not know yet what all of them cost, and you asked to be asked above %s (Settings).", costWords(jobs.Cost{Amount: limit}, t.w.Practice()))
	}
	msg := widget.NewLabel(words + "\n\n" + why)
	msg.Wrapping = wordWrap()
	d := dialog.NewCustomConfirm(Tf("Send %s?", what), T("Send"), T("Don't send"), msg, func(yes bool) {
		if yes {
			send()
		} else {
			t.w.say(T("Nothing was sent."))
			t.w.message.Importance = widget.MediumImportance
		}
	}, t.w.win)
	t.w.deps.dialogs.Show(d)
	d.Resize(fitDialog(t.w.win, fyne.NewSize(520, 260)))
}

// askChoice is the Settings choice for limit.
func askChoice(limit float64) string {
	if limit <= 0 {
		return T("Never ask")
	}
	return costWords(jobs.Cost{Amount: limit}, false)
}

// newAskSetting is Settings' "Ask me before spending more than …".
func newAskSetting() fyne.CanvasObject {
	var sel *widget.Select
	sel = widget.NewSelect(askChoices(), func(string) {
		if i := sel.SelectedIndex(); i >= 0 {
			fyne.CurrentApp().Preferences().SetFloat(PrefAskAbove, askLimits[i])
		}
	})
	sel.Selected = askChoice(askAbove())
	help := widget.NewLabel(T("Before a video or a set of takes is sent, Vivify says what it will cost. Above this, it asks first."))
	help.Wrapping = wordWrap()
	help.SizeName = theme.SizeNameCaptionText
	return container.NewVBox(widget.NewLabelWithStyle(T("Spending"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		container.NewBorder(nil, nil, widget.NewLabel(T("Ask me before spending more than")), nil, sel), help)
}

// checkIndent is a check's box and the room after it, so that what is
// written under a check starts where the check's words do.
func checkIndent() fyne.CanvasObject {
	r := canvas.NewRectangle(color.Transparent)
	r.SetMinSize(fyne.NewSize(theme.IconInlineSize()+theme.Padding(), 0))
	return r
}
