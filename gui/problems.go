package gui

import (
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"vivify/internal/plain"
)

// The library's problems: folders passed over when it was read, and what
// was left out of the records of the jobs that were taken up (a file name
// outside a job's folder, a link that is not a web address), and a
// settings file that was moved aside. The status line shows how many; a
// click lists them, folder by folder, in words.

// maxProblemsShown bounds the list: a library of thousands of foreign
// folders says how many more there are.
const maxProblemsShown = 200

// showProblems updates the status line's button from the engine's
// warnings and the start's notice.
func (w *Window) showProblems() {
	n := len(w.problemLines())
	if n == 0 {
		w.problemsButton.Hide()
		return
	}
	w.problemsButton.SetText(Tn("%d things in the library need a look", n, n))
	w.problemsButton.Show()
}

// problemLines is every problem, a line each: the folder, then what.
func (w *Window) problemLines() []string {
	var lines []string
	if w.deps.StartNotice != "" {
		lines = append(lines, w.deps.StartNotice)
	}
	for _, wr := range w.deps.Engine.Warnings() {
		lines = append(lines, plain.Line(filepath.Base(wr.Folder), 80)+": "+plain.Line(wr.Reason, 300))
	}
	return lines
}

// ProblemsText is the status line's button text ("" when hidden), for tests.
func (w *Window) ProblemsText() string {
	if !w.problemsButton.Visible() {
		return ""
	}
	return w.problemsButton.Text
}

// ShowProblems lists the library's problems in a dialog.
func (w *Window) ShowProblems() {
	lines := w.problemLines()
	more := ""
	if len(lines) > maxProblemsShown {
		more = Tf("\n… and %d more.", len(lines)-maxProblemsShown)
		lines = lines[:maxProblemsShown]
	}
	intro := widget.NewLabel(T("These folders of the library were passed over, or parts of their records were left out, because they are not as Vivify writes them (a folder copied in from elsewhere, or changed by hand). Nothing outside the library is read or written because of them. Their files are still in their folders."))
	intro.Wrapping = wordWrap()
	list := widget.NewLabel(strings.Join(lines, "\n") + more)
	list.Wrapping = wordWrap()
	text := strings.Join(lines, "\n") + more
	var d dialog.Dialog
	copyAll := widget.NewButtonWithIcon(T("Copy the list"), theme.ContentCopyIcon(), func() {
		w.app.Clipboard().SetContent(text)
		w.inform(T("The list of library problems is copied."))
	})
	folder := widget.NewButtonWithIcon(T("Show the library"), theme.FolderOpenIcon(), func() { w.details.open(w.deps.Engine.Library()) })
	body := container.NewBorder(intro, container.NewHBox(copyAll, folder), nil, nil, container.NewVScroll(list))
	d = dialog.NewCustom(T("The library"), T("Close"), body, w.win)
	d.Resize(fitDialog(w.win, fyne.NewSize(640, 420)))
	w.deps.dialogs.Show(d)
}

// fitDialog is want, made smaller to fit inside the window with a margin.
func fitDialog(win fyne.Window, want fyne.Size) fyne.Size {
	have := win.Canvas().Size()
	if have.Width > 0 {
		want.Width = min(want.Width, have.Width-40)
	}
	if have.Height > 0 {
		want.Height = min(want.Height, have.Height-40)
	}
	return want
}
