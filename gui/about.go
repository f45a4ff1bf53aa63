package gui

import (
	"context"
	"embed"
	"net/url"
	"path"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"vivify/client"
	"vivify/internal/update"
)

// The licences of what Vivify is built from, shown in About.
//
//go:embed licences/*.txt
var licenceFiles embed.FS

// licences names each embedded licence: what it covers. words: keys, shown through T
var licences = []struct{ file, what string }{
	{"fyne.txt", "Fyne, the toolkit of the window (BSD 3-Clause)"},
	{"noto-fonts.txt", "Noto Sans, the typeface (SIL Open Font Licence 1.1)"},
	{"go.txt", "Go and its standard library (BSD 3-Clause)"},
	{"x-image.txt", "golang.org/x/image, picture scaling and WebP (BSD 3-Clause)"},
	{"go-keyring.txt", "go-keyring, the system keychain (MIT)"},
	{"godbus.txt", "godbus, the desktop's message bus (BSD 2-Clause)"},
	// The Windows installer and the macOS app carry ffmpeg and ffprobe
	// (GPL 3), which Vivify runs as programs of their own.
	{"ffmpeg-gpl3.txt", "FFmpeg, which plays and makes MP4 videos, carried by the Windows and macOS packages (GPL 3; source at ffmpeg.org)"},
}

// Preference names of the update check.
const (
	prefUpdates      = "updates.allowed" // the creator allowed the daily check
	prefUpdatesAsked = "updates.asked"   // the creator was asked, at the first start
	prefUpdateLast   = "updates.last"    // when it last looked, RFC 3339
)

// ShowAbout opens the About box: the version, where the library is, the
// update check's switch, and the licences.
func (w *Window) ShowAbout() {
	title := widget.NewLabelWithStyle(Tf("Vivify %s", client.Version), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	what := widget.NewLabel(T("Turns a still picture into a short video with ModelsLab's image-to-video models."))
	what.Wrapping = wordWrap()
	lib := widget.NewLabel(Tf("Your videos are kept in %s", w.deps.Engine.Library()))
	lib.Wrapping = fyne.TextWrapBreak
	var items []*widget.AccordionItem
	for _, l := range licences {
		data, err := licenceFiles.ReadFile(path.Join("licences", l.file))
		if err != nil {
			continue
		}
		text := widget.NewLabel(strings.TrimSpace(string(data)))
		text.Wrapping = wordWrap()
		text.SizeName = theme.SizeNameCaptionText
		items = append(items, widget.NewAccordionItem(T(l.what), text))
	}
	made := widget.NewLabel(T("Vivify is built with these, each under its own licence:"))
	made.Wrapping = wordWrap()
	body := container.NewVBox(title, what, lib, widget.NewSeparator(), w.newUpdateSwitch(), widget.NewSeparator(), made,
		widget.NewAccordion(items...))
	d := dialog.NewCustom(T("About Vivify"), T("Close"), container.NewVScroll(body), w.win)
	d.Resize(fyne.NewSize(560, 520))
	w.deps.dialogs.Show(d)
}

// newUpdateSwitch is the update check's switch, for About and Settings.
func (w *Window) newUpdateSwitch() fyne.CanvasObject {
	prefs := fyne.CurrentApp().Preferences()
	c := widget.NewCheck(T("Tell me when a newer Vivify is out (it looks once a day; nothing is downloaded)"), func(on bool) {
		prefs.SetBool(prefUpdates, on)
		prefs.SetBool(prefUpdatesAsked, true)
		if on {
			w.checkForUpdate()
		}
	})
	c.Checked = prefs.Bool(prefUpdates)
	return c
}

// checkForUpdate looks for a newer release, once a day at most, if the
// creator allowed it; never in practice mode, nor without an address to
// ask (tests have none). A newer version is said in the status line, with
// a link to its page.
func (w *Window) checkForUpdate() {
	prefs := fyne.CurrentApp().Preferences()
	if w.deps.UpdateURL == "" || w.Practice() || !prefs.Bool(prefUpdates) {
		return
	}
	now := time.Now()
	last, _ := time.Parse(time.RFC3339, prefs.String(prefUpdateLast))
	if !update.Due(last, now) {
		return
	}
	prefs.SetString(prefUpdateLast, now.Format(time.RFC3339))
	go func() {
		r, err := update.Latest(context.Background(), w.deps.UpdateURL)
		if err != nil || !update.Newer(r.Version, client.Version) {
			return // no news, or none to be had: nothing to say
		}
		w.deps.RunOnUI(func() { w.showUpdate(r) })
	}()
}

// showUpdate says in the status line that release r is out.
func (w *Window) showUpdate(r update.Release) {
	u, err := url.Parse(r.Page)
	if err != nil {
		return
	}
	w.updateLink.SetText(Tf("Vivify %s is out: see what is new", r.Version))
	w.updateLink.SetURL(u)
	w.updateLink.Show()
}

// UpdateNotice is the status line's news of a newer version ("" for none).
func (w *Window) UpdateNotice() string {
	if !w.updateLink.Visible() {
		return ""
	}
	return w.updateLink.Text
}
