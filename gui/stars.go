package gui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"vivify/jobs"
)

// The star: a five-pointed star of Vivify's own, filled for a video the
// creator keeps and drawn in outline for one not starred.
const starPoints = "12.00,2.60 14.47,9.20 21.51,9.51 15.99,13.90 17.88,20.69 12.00,16.80 6.12,20.69 8.01,13.90 2.49,9.51 9.53,9.20"

var (
	starredIcon = theme.NewThemedResource(fyne.NewStaticResource("star.svg", []byte(
		`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><polygon fill="#000000" points="`+starPoints+`"/></svg>`)))
	unstarredIcon = theme.NewThemedResource(fyne.NewStaticResource("star-outline.svg", []byte(
		`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><polygon fill="none" stroke="#000000" stroke-width="1.6" stroke-linejoin="round" points="`+starPoints+`"/></svg>`)))
)

// toggleStar stars the job, or unstars it, off the UI goroutine.
func (w *Window) toggleStar(j jobs.Job) {
	go func() {
		_, err := w.deps.Engine.SetStarred(j.ID, !j.Starred)
		if err != nil {
			w.deps.RunOnUI(func() { w.deps.dialogs.ShowError(err, w.win) })
		}
	}()
}

// removeOthers moves the set's takes that are not starred to the
// library's trash, after a confirmation that names them; the status line
// offers Undo.
func (w *Window) removeOthers(set string) {
	var keep, remove []jobs.Job
	for _, j := range w.deps.Engine.Set(set) {
		switch {
		case j.Starred:
			keep = append(keep, j)
		case j.State.Active():
			keep = append(keep, j) // still being made: not removed
		default:
			remove = append(remove, j)
		}
	}
	if len(keep) == 0 || len(remove) == 0 {
		msg := T("Star the takes to keep first (the star beside a video's name): Remove the others removes the takes not starred.")
		if len(remove) == 0 {
			msg = T("Every take of this set is starred or still being made: there is nothing to remove.")
		}
		d := dialog.NewInformation(T("Remove the others"), msg, w.win)
		w.deps.dialogs.Show(d)
		return
	}
	var names []string
	for _, j := range remove {
		names = append(names, Tf("take %d (%s)", j.Take, madeWith(j)))
	}
	msg := widget.NewLabel(Tf("%s will be moved to the library's trash, with their versions. The starred ones stay. Undo brings them back; Vivify empties its trash after 30 days.", strings.Join(names, ", ")))
	msg.Wrapping = wordWrap()
	d := dialog.NewCustomConfirm(Tn("Remove %d takes?", len(remove), len(remove)), T("Remove"), T("Cancel"), msg, func(ok bool) {
		if !ok {
			return
		}
		ids := make([]string, len(remove))
		for i, j := range remove {
			ids[i] = j.ID
		}
		go func() {
			removed, err := w.deps.Engine.RemoveToTrash(ids)
			w.deps.RunOnUI(func() {
				if err != nil {
					w.deps.dialogs.ShowError(err, w.win)
				}
				if len(removed.IDs) > 0 {
					w.offerUndo(Tn("%d takes moved to the library's trash.", len(removed.IDs), len(removed.IDs)), removed)
				}
			})
		}()
	}, w.win)
	w.deps.dialogs.Show(d)
	d.Resize(fitDialog(w.win, fyne.NewSize(480, 220)))
}

// offerUndo says msg in the status line with an Undo button, for a while.
func (w *Window) offerUndo(msg string, r jobs.Removed) {
	w.inform(msg)
	w.undo.SetText(T("Undo"))
	w.undo.OnTapped = func() {
		w.undo.Hide()
		go func() {
			err := w.deps.Engine.Undo(r)
			w.deps.RunOnUI(func() {
				if err != nil {
					w.deps.dialogs.ShowError(err, w.win)
					return
				}
				w.gallery.Load(w.deps.Engine.Jobs())
				w.inform(T("The takes are back."))
			})
		}()
	}
	w.undo.Show()
}

// setOpened puts the set's actions in the gallery's bar while its takes
// are shown: Compare them, and Remove the others.
func (w *Window) setOpened(set string) {
	a := w.gallery.setActions
	a.Objects = nil
	if set != "" {
		compare := widget.NewButtonWithIcon(T("Compare takes"), theme.ViewFullScreenIcon(), func() { w.compareSet(set) })
		remove := widget.NewButtonWithIcon(T("Remove the others"), theme.DeleteIcon(), func() { w.removeOthers(set) })
		a.Objects = []fyne.CanvasObject{compare, remove}
	}
	a.Refresh()
}
