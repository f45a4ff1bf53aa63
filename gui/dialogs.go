package gui

import (
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

// Dialogs keeps a window's open dialogs, newest last, so that Escape closes
// the one on top, as in any desktop app: the same as its Cancel or Close
// button. Fyne's dialogs do not listen for Escape themselves. A nil *Dialogs
// shows dialogs without keeping them.
type Dialogs struct {
	open []dialog.Dialog
}

// Show shows d and keeps it until it closes.
func (s *Dialogs) Show(d dialog.Dialog) {
	if s != nil {
		s.open = append(s.open, d)
		d.SetOnClosed(func() {
			s.open = slices.DeleteFunc(s.open, func(o dialog.Dialog) bool { return o == d })
		})
	}
	d.Show()
}

// ShowError shows err in a dialog that Escape closes.
func (s *Dialogs) ShowError(err error, win fyne.Window) {
	s.Show(dialog.NewError(err, win))
}

// Escape closes the dialog on top, and reports whether there was one.
func (s *Dialogs) Escape() bool {
	if s == nil || len(s.open) == 0 {
		return false
	}
	s.open[len(s.open)-1].Hide()
	return true
}

// Open is how many dialogs are open.
func (s *Dialogs) Open() int {
	if s == nil {
		return 0
	}
	return len(s.open)
}

// dialogEntry is a text field in a dialog. The field being typed in gets
// every key, Escape too, so it passes Escape on to close the dialog.
type dialogEntry struct {
	widget.Entry
	dialogs *Dialogs
}

func newDialogEntry(dialogs *Dialogs) *dialogEntry {
	e := &dialogEntry{dialogs: dialogs}
	e.ExtendBaseWidget(e)
	return e
}

// TypedKey closes the dialog for Escape, and types every other key.
func (e *dialogEntry) TypedKey(k *fyne.KeyEvent) {
	if k.Name == fyne.KeyEscape && e.dialogs.Escape() {
		return
	}
	e.Entry.TypedKey(k)
}
