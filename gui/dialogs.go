package gui

import (
	"context"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"vivify/internal/picker"
	"vivify/jobs"
)

// Dialogs keeps a window's open dialogs, newest last, so that Escape closes
// the one on top, as in any desktop app: the same as its Cancel or Close
// button. Fyne's dialogs do not listen for Escape themselves. A nil *Dialogs
// shows dialogs without keeping them.
type Dialogs struct {
	open []dialog.Dialog
	// pick shows the system's file chooser (picker.Pick when nil), and
	// runOnUI hands its answer to the UI goroutine (fyne.Do when nil).
	pick    func(context.Context, picker.Request) (string, error)
	runOnUI func(func())
	picking bool // a system chooser is open
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

// ShowError shows err in a dialog that Escape closes, in a creator's
// words: what happened and what to do. The technical text is kept behind
// Copy details.
func (s *Dialogs) ShowError(err error, win fyne.Window) {
	f := jobs.Describe(err)
	text := Tk(f.Message)
	if f.Advice != "" {
		text += "\n\n" + Tk(f.Advice)
	}
	msg := widget.NewLabel(text)
	msg.Wrapping = wordWrap()
	copyDetails := widget.NewButtonWithIcon(T("Copy details"), theme.ContentCopyIcon(), func() {
		fyne.CurrentApp().Clipboard().SetContent(f.Message + "\n" + f.Details)
	})
	copyDetails.Importance = widget.LowImportance
	d := dialog.NewCustom(T("Something went wrong"), T("Close"), container.NewBorder(nil, container.NewHBox(copyDetails), nil, nil, container.NewVScroll(msg)), win)
	d.Resize(fitDialog(win, fyne.NewSize(440, 240)))
	s.Show(d)
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
