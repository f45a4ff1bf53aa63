package gui

import (
	"context"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// prefPractice keeps the mode the creator chose last: practice, or real
// videos with their key.
const prefPractice = "practice"

// SetPractice switches the mode new videos are made in, and keeps the
// choice for the next start. Practice videos are simulated on this computer
// for free; the others are made by ModelsLab with the creator's key and use
// credits. Jobs keep the mode they were made in.
func (w *Window) SetPractice(on bool) {
	if on == w.Practice() {
		w.showMode()
		return
	}
	w.deps.Engine.SetPractice(on)
	fyne.CurrentApp().Preferences().SetBool(prefPractice, on)
	w.showMode()
	w.params.RefreshCost()
	w.takes.readBalance()
	w.takes.updatePrice()
	w.updateStatus()
	if on {
		// Start the practice server now, so a problem shows at once
		// rather than on the first video.
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			_, err := w.deps.Engine.Balance(ctx)
			w.deps.RunOnUI(func() {
				if err != nil && w.Practice() {
					w.notice(Tf("Practice mode could not start: %s. Try again from Settings.", plainError(err)))
				}
			})
		}()
		return
	}
	w.keys.Load(func(found bool) {
		if w.Practice() {
			return // switched back meanwhile
		}
		if found {
			w.keys.check()
		} else {
			w.notice(T("Real videos need your ModelsLab API key: enter it in Settings."))
			if w.win.Canvas().Overlays().Top() == nil { // switched in Settings: it is open already
				w.ShowSettings()
			}
		}
	})
}

// showMode makes the mode plain everywhere it shows: the banner in
// practice, the balance and "real videos use credits" otherwise, and the
// switch in Settings.
func (w *Window) showMode() {
	if w.Practice() {
		w.banner.Show()
		w.balance.Hide()
		w.credits.Hide()
		w.keys.Status.SetText(T("Practice mode: no key is needed, and nothing is charged."))
	} else {
		w.banner.Hide()
		w.balance.Show()
		w.credits.Show()
		if w.keys.Status.Text == T("Practice mode: no key is needed, and nothing is charged.") {
			w.keys.Status.SetText("")
		}
	}
	if w.practiceSwitch != nil && w.practiceSwitch.Checked != w.Practice() {
		w.practiceSwitch.SetChecked(w.Practice())
	}
	w.notice("")
	w.updateStatus()
}

// inform shows news that is not a problem in the status line ("Saved to
// …").
func (w *Window) inform(msg string) {
	w.noticeLine.Importance = widget.MediumImportance
	w.noticeLine.SetText(msg)
	w.noticeLine.Show()
	w.status.Hide()
	// News goes after a while; a problem stays until it is solved.
	time.AfterFunc(informFor, func() {
		w.deps.RunOnUI(func() {
			if w.noticeLine.Text == msg && w.noticeLine.Importance == widget.MediumImportance {
				w.notice("")
			}
		})
	})
}

// informFor is how long news stays in the status line.
var informFor = 10 * time.Second

// newPracticeSwitch is the mode's switch, for Settings.
func (w *Window) newPracticeSwitch() *widget.Check {
	c := widget.NewCheck(T("Practice mode: simulated videos, made on this computer for free"), func(on bool) {
		if on != w.Practice() {
			w.SetPractice(on)
		}
	})
	c.Checked = w.Practice()
	w.practiceSwitch = c
	return c
}

// notice shows msg in the status line (the start's key check, a mode that
// could not start), or clears it.
func (w *Window) notice(msg string) {
	w.noticeLine.Importance = widget.WarningImportance
	w.noticeLine.SetText(msg)
	if msg == "" {
		w.noticeLine.Hide()
		w.status.Show()
		if w.undo != nil {
			w.undo.Hide() // Undo goes with the news it belongs to
		}
	} else {
		w.noticeLine.Show()
		w.status.Hide()
	}
}
