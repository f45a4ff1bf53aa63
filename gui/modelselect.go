package gui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"vivify/client"
)

// modelSelect is the Model list: the field shows the chosen model's name,
// as a Select does, and its list shows each model's strength, length and
// size beside its name ("Kling 2.1 · Realistic motion and physics · 5 or
// 10 s · 720p"), wide enough to read, so models can be compared before one
// is chosen rather than one by one.
type modelSelect struct {
	widget.Select
	line func(option string) string // the list's line for an option
	list *widget.PopUpMenu          // while it is open
	menu *fyne.Menu                 // its lines
}

func newModelSelect(changed func(string)) *modelSelect {
	s := &modelSelect{}
	s.OnChanged = changed
	s.ExtendBaseWidget(s)
	return s
}

// Tapped opens the list.
func (s *modelSelect) Tapped(*fyne.PointEvent) {
	if !s.Disabled() {
		s.showList()
	}
}

// TypedKey opens the list with Space, Up or Down, as a Select does.
func (s *modelSelect) TypedKey(e *fyne.KeyEvent) {
	switch e.Name {
	case fyne.KeySpace, fyne.KeyUp, fyne.KeyDown:
		if !s.Disabled() {
			s.showList()
		}
	default:
		s.Select.TypedKey(e)
	}
}

// showList opens the list under the field, as wide as its lines need
// (within the window).
func (s *modelSelect) showList() {
	c := fyne.CurrentApp().Driver().CanvasForObject(s)
	if c == nil {
		return
	}
	items := make([]*fyne.MenuItem, len(s.Options))
	for i, o := range s.Options {
		text := o
		if s.line != nil {
			text = s.line(o)
		}
		items[i] = fyne.NewMenuItem(text, func() {
			s.SetSelected(o)
			s.list = nil
		})
		items[i].Checked = o == s.Selected
	}
	s.menu = fyne.NewMenu("", items...)
	pop := widget.NewPopUpMenu(s.menu, c)
	at := fyne.CurrentApp().Driver().AbsolutePositionForObject(s).Add(fyne.NewPos(0, s.Size().Height))
	pop.ShowAtPosition(at)
	width := max(s.Size().Width, pop.MinSize().Width)
	if room := c.Size().Width - at.X; width > room && room > s.Size().Width {
		width = room
	}
	pop.Resize(fyne.NewSize(width, min(pop.MinSize().Height, c.Size().Height))) // moved up where there is no room below
	pop.OnDismiss = func() {
		pop.Hide()
		s.list = nil
	}
	s.list = pop
}

// modelLine is the list's line for m: its name, what it is good at, how
// long and how large its videos are (a premium model's are fixed).
func modelLine(m client.Model) string {
	return strings.Join(append([]string{modelLabel(m), modelBlurb(m)}, modelFacts(m)...), " · ")
}

// modelBlurb is what the model is good at, in a phrase.
func modelBlurb(m client.Model) string { return strings.TrimSuffix(T(m.Blurb), ".") }

// modelFacts are a premium model's lengths and size ("5 or 10 s", "720p");
// the others' blurbs say their size, and the form sets their length.
func modelFacts(m client.Model) []string {
	if m.Family != client.FamilyPremium {
		return nil
	}
	var parts []string
	switch {
	case len(m.Durations) > 0:
		parts = append(parts, Tf("%s s", strings.Join(m.Durations, T(" or "))))
	case m.Video.Seconds > 0:
		parts = append(parts, Tf("%g s", m.Video.Seconds))
	}
	if m.Video.ShortSide > 0 {
		parts = append(parts, fmt.Sprintf("%dp", m.Video.ShortSide))
	}
	return parts
}
