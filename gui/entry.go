package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
)

// SubmitEntry is a text field that passes Ctrl+Enter (Cmd+Enter on macOS)
// on to Generate. Fyne hands every shortcut to the focused field, so the
// window's own Ctrl+Enter never fired while the user was typing a prompt or
// a link: just when it is most wanted. For the same reason it passes the
// window's other shortcuts (Quit) on to the window.
//
// Tab and Shift+Tab move to the next and previous control, in the prompt
// too (a tab character has no place in a prompt), and Escape leaves the
// field: the keyboard is never trapped in it.
type SubmitEntry struct {
	widget.Entry
	submit *func() // the form's OnSubmit, read when the keys are pressed
	// onWindowShortcut, set by the window, is given the window's own
	// shortcuts (Quit).
	onWindowShortcut func(fyne.Shortcut)
}

func newSubmitEntry(multiLine bool, submit *func()) *SubmitEntry {
	e := &SubmitEntry{submit: submit}
	e.MultiLine = multiLine
	if multiLine {
		e.Wrapping = fyne.TextWrapWord
	}
	e.ExtendBaseWidget(e)
	return e
}

// AcceptsTab is false: Tab moves focus on, even from a prompt of many
// lines.
func (e *SubmitEntry) AcceptsTab() bool { return false }

// TypedKey leaves the field on Escape; every other key is the field's.
func (e *SubmitEntry) TypedKey(k *fyne.KeyEvent) {
	if k.Name == fyne.KeyEscape {
		if c := fyne.CurrentApp().Driver().CanvasForObject(e); c != nil {
			c.Unfocus()
			return
		}
	}
	e.Entry.TypedKey(k)
}

// TypedShortcut runs Generate for Ctrl+Enter, passes the window's own
// shortcuts to it, and gives the field every other shortcut (copy, paste,
// undo...).
func (e *SubmitEntry) TypedShortcut(s fyne.Shortcut) {
	if isGenerateShortcut(s) && e.submit != nil && *e.submit != nil {
		(*e.submit)()
		return
	}
	if isWindowShortcut(s) && e.onWindowShortcut != nil {
		e.onWindowShortcut(s)
		return
	}
	e.Entry.TypedShortcut(s)
}

func isGenerateShortcut(s fyne.Shortcut) bool {
	c, ok := s.(*desktop.CustomShortcut)
	return ok && c.Modifier == fyne.KeyModifierShortcutDefault && (c.KeyName == fyne.KeyReturn || c.KeyName == fyne.KeyEnter)
}

// isWindowShortcut reports whether s is one of the window's shortcuts a
// text field has no use for: Quit.
func isWindowShortcut(s fyne.Shortcut) bool {
	c, ok := s.(*desktop.CustomShortcut)
	return ok && c.Modifier == fyne.KeyModifierShortcutDefault && (c.KeyName == fyne.KeyQ || c.KeyName == fyne.KeyComma)
}

// wheelRelay hands mouse-wheel turns over text fields to the form's
// scroller. Fyne gives a wheel turn to the innermost scroller under the
// mouse, and every text field has one of its own, so the form stopped
// scrolling whenever the mouse passed over a field.
type wheelRelay struct {
	target fyne.Scrollable // the form's scroller, set by the window
}

// over lays a relay over obj: a transparent layer that takes only wheel
// turns (taps, typing, the pointer's shape and dragging still reach obj).
func (r *wheelRelay) over(obj fyne.CanvasObject) fyne.CanvasObject {
	l := &wheelLayer{relay: r}
	l.ExtendBaseWidget(l)
	return container.NewStack(obj, l)
}

type wheelLayer struct {
	widget.BaseWidget
	relay *wheelRelay
}

func (l *wheelLayer) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewWithoutLayout())
}

// Scrolled passes the turn to the form.
func (l *wheelLayer) Scrolled(e *fyne.ScrollEvent) {
	if l.relay.target != nil {
		l.relay.target.Scrolled(e)
	}
}
