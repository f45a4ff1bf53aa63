package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
)

// SubmitEntry is a text field that passes Ctrl+Enter (Cmd+Enter on macOS)
// on to Generate. Fyne hands every shortcut to the focused field, so the
// window's own Ctrl+Enter never fired while the user was typing a prompt or
// a link: just when it is most wanted.
type SubmitEntry struct {
	widget.Entry
	submit *func() // the form's OnSubmit, read when the keys are pressed
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

// TypedShortcut runs Generate for Ctrl+Enter, and gives the field every
// other shortcut (copy, paste, undo...).
func (e *SubmitEntry) TypedShortcut(s fyne.Shortcut) {
	if isGenerateShortcut(s) && e.submit != nil && *e.submit != nil {
		(*e.submit)()
		return
	}
	e.Entry.TypedShortcut(s)
}

func isGenerateShortcut(s fyne.Shortcut) bool {
	c, ok := s.(*desktop.CustomShortcut)
	return ok && c.Modifier == fyne.KeyModifierShortcutDefault && (c.KeyName == fyne.KeyReturn || c.KeyName == fyne.KeyEnter)
}
