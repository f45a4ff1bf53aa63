package gui

import (
	"context"
	"errors"
	"fmt"
	"image/color"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"vivify/client"
	"vivify/internal/picker"
	"vivify/internal/picture"
)

// SourcePanel is where the image comes from: a link checked as it is typed,
// Browse, Paste, or a file dropped on the window.
type SourcePanel struct {
	win     fyne.Window
	dialogs *Dialogs
	runOnUI func(func())
	// picked is told the chosen picture's size in pixels (0, 0 while
	// there is none, or a link not yet checked).
	picked func(w, h int)
	idle   string // what the info line says while no picture is chosen
	URL    *SubmitEntry
	Wheel  *wheelRelay // the link field's mouse wheel, for the form
	// CheckLink, if set, fetches the start of a link as the service will,
	// and says what picture it is. It is called off the UI goroutine.
	CheckLink func(ctx context.Context, link string) (client.LinkInfo, error)
	link      linkCheck // the last check of the link typed
	// note says what video the picture becomes, and warns of a small one.
	note *widget.Label
	file string
	// OnSubmit is called for Ctrl+Enter in the link field.
	OnSubmit func()
	preview  *canvas.Image
	empty    fyne.CanvasObject // "Drop a picture here", while there is none
	hint     *widget.Label     // its words
	info     *widget.Label
	title    *widget.Label
	content  fyne.CanvasObject
}

// NewEndFramePanel is a second picture slot, for the models that are given
// the last frame too: the same ways in as the first.
func NewEndFramePanel(win fyne.Window, dialogs *Dialogs, runOnUI func(func())) *SourcePanel {
	s := NewSourcePanel(win, dialogs, runOnUI, func(int, int) {})
	s.title.SetText(T("Last frame"))
	s.idle = T("The picture the video ends on: type a link, browse, paste, or drop a file here.")
	s.info.SetText(s.idle)
	return s
}

// linkCheck is what is known of the link typed: checked (ok or err) or
// being checked.
type linkCheck struct {
	text    string
	done    bool
	info    client.LinkInfo
	err     error
	waiters []func()    // called on the UI goroutine once done
	timer   *time.Timer // the pause after typing before the check
	cancel  func()      // stops a check under way
}

// linkPause is how long typing must pause before a link is checked.
var linkPause = 600 * time.Millisecond

// NewSourcePanel builds the panel; picked is told the chosen picture's
// size.
func NewSourcePanel(win fyne.Window, dialogs *Dialogs, runOnUI func(func()), picked func(w, h int)) *SourcePanel {
	s := &SourcePanel{win: win, dialogs: dialogs, runOnUI: runOnUI, picked: picked, Wheel: &wheelRelay{}}
	s.URL = newSubmitEntry(false, &s.OnSubmit)
	s.URL.SetPlaceHolder(T("https://… a link to a picture"))
	s.URL.OnChanged = func(text string) {
		s.stopCheck()
		if strings.TrimSpace(text) == "" {
			if s.file == "" { // emptied: what was said of the link is no longer true
				s.preview.Image, s.preview.File = nil, ""
				s.previewChanged()
				s.setInfo(s.idle, widget.MediumImportance)
				s.picked(0, 0)
			}
			return
		}
		s.file = ""
		s.preview.Image, s.preview.File = nil, ""
		s.previewChanged()
		picked(0, 0)
		if linkSyntax(text) != nil {
			s.setInfo(T("A link starts with http:// or https://, like the address of a picture in your browser."), widget.WarningImportance)
			return
		}
		s.setInfo(T("Checking the link…"), widget.MediumImportance)
		s.link.text = strings.TrimSpace(text)
		s.link.timer = time.AfterFunc(linkPause, func() { s.runOnUI(func() { s.startCheck(strings.TrimSpace(text)) }) })
	}
	browse := widget.NewButtonWithIcon(T("Browse…"), theme.FolderOpenIcon(), s.browse)
	paste := widget.NewButtonWithIcon(T("Paste"), theme.ContentPasteIcon(), s.paste)
	s.preview = canvas.NewImageFromImage(nil)
	s.preview.FillMode = canvas.ImageFillContain
	s.preview.SetMinSize(fyne.NewSize(200, 140))
	// Until a picture is chosen, its place says how to give one.
	frame := canvas.NewRectangle(color.Transparent)
	frame.StrokeColor = theme.Color(theme.ColorNameDisabled)
	frame.StrokeWidth = 1
	frame.CornerRadius = theme.InputRadiusSize()
	s.hint = widget.NewLabelWithStyle(T(dropHere), fyne.TextAlignCenter, fyne.TextStyle{})
	s.hint.Importance = widget.LowImportance
	s.hint.Wrapping = wordWrap()
	// In a box as wide as the frame, so longer words wrap inside it.
	s.empty = container.NewStack(frame, container.NewVBox(layout.NewSpacer(), s.hint, layout.NewSpacer()))
	s.idle = T("Choose a picture: type a link, browse, paste, or drop a file on the window.")
	s.info = widget.NewLabel(s.idle)
	s.info.Wrapping = wordWrap()
	s.note = widget.NewLabel("")
	s.note.Wrapping = wordWrap()
	s.note.SizeName = theme.SizeNameCaptionText
	s.note.Hide()
	s.title = widget.NewLabelWithStyle(T("Picture"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title := s.title
	// The link on a line of its own and the buttons under it: side by side
	// they made the column wider than a 1200-pixel window leaves it.
	s.content = container.NewVBox(title, s.Wheel.over(s.URL), container.NewGridWithColumns(2, browse, paste),
		container.NewStack(s.preview, s.empty), s.info, s.note)
	return s
}

// linkSyntax says whether text is a web address at all.
func linkSyntax(text string) error {
	u, err := url.Parse(strings.TrimSpace(text))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return errors.New(T("a link starts with http:// or https://"))
	}
	return nil
}

// setInfo shows what is known of the picture.
func (s *SourcePanel) setInfo(text string, importance widget.Importance) {
	s.info.Importance = importance
	s.info.SetText(text)
}

// SetNote shows what video the picture becomes ("" hides it); warn makes
// it a warning.
func (s *SourcePanel) SetNote(text string, warn bool) {
	s.note.Importance = widget.MediumImportance
	if warn {
		s.note.Importance = widget.WarningImportance
	}
	s.note.SetText(text)
	if text == "" || (s.file == "" && !(s.link.done && s.link.err == nil)) {
		s.note.Hide()
	} else {
		s.note.Show()
	}
}

// stopCheck forgets the check of the link, and stops it if under way.
func (s *SourcePanel) stopCheck() {
	if s.link.timer != nil {
		s.link.timer.Stop()
	}
	if s.link.cancel != nil {
		s.link.cancel()
	}
	waiters := s.link.waiters
	s.link = linkCheck{}
	for _, f := range waiters {
		f() // they find the link changed, and stop
	}
}

// startCheck checks link off the UI goroutine, unless it is checked or
// being checked already.
func (s *SourcePanel) startCheck(link string) {
	if s.CheckLink == nil || strings.TrimSpace(s.URL.Text) != link || s.link.done || s.link.cancel != nil {
		return
	}
	s.link.text = link
	ctx, cancel := context.WithCancel(context.Background())
	s.link.cancel = cancel
	go func() {
		info, err := s.CheckLink(ctx, link)
		cancel()
		s.runOnUI(func() {
			if s.link.text != link || errors.Is(err, context.Canceled) {
				return // the link changed, or the check was stopped
			}
			s.link.done, s.link.info, s.link.err, s.link.cancel = true, info, err, nil
			if err != nil {
				s.setInfo(linkProblem(err), widget.DangerImportance)
				s.picked(0, 0)
			} else {
				s.setInfo(Tf("✓ A picture, %d × %d pixels (%s). The server fetches it itself when the job starts.", info.Width, info.Height, strings.ToUpper(info.Format)), widget.SuccessImportance)
				// The box says a picture is chosen: a link's is not
				// downloaded here, only checked.
				s.hint.SetText(Tf("The picture at the link (%d × %d) is chosen.", info.Width, info.Height))
				s.picked(info.Width, info.Height)
			}
			waiters := s.link.waiters
			s.link.waiters = nil
			for _, f := range waiters {
				f()
			}
		})
	}()
}

// WhenLinkChecked calls f on the UI goroutine once the link typed is
// checked (at once if it is), with what the check found; ok is false when
// the link changed meanwhile.
func (s *SourcePanel) WhenLinkChecked(f func(info client.LinkInfo, err error, ok bool)) {
	link := strings.TrimSpace(s.URL.Text)
	if s.link.done && s.link.text == link {
		f(s.link.info, s.link.err, true)
		return
	}
	if s.CheckLink == nil {
		f(client.LinkInfo{}, nil, true)
		return
	}
	s.link.text = link
	s.link.waiters = append(s.link.waiters, func() {
		ok := s.link.done && s.link.text == link && strings.TrimSpace(s.URL.Text) == link
		f(s.link.info, s.link.err, ok)
	})
	if s.link.timer != nil {
		s.link.timer.Stop()
	}
	s.startCheck(link)
}

// linkProblem says, for a creator, what is wrong with a picture's link and
// what to do; it names the link.
func linkProblem(err error) string {
	var le *client.LinkError
	link, host := T("this link"), T("the site")
	if errors.As(err, &le) {
		link = shortLink(le.Link)
		if u, perr := url.Parse(le.Link); perr == nil && u.Hostname() != "" {
			host = u.Hostname()
		}
	}
	switch {
	case errors.Is(err, client.ErrLinkInvalid):
		return Tf("%s is not a web address: a link starts with http:// or https://.", link)
	case errors.Is(err, client.ErrLinkLocal):
		return Tf("%s is on your own computer or network, which ModelsLab cannot reach. Choose the picture as a file instead (Browse…).", link)
	case errors.Is(err, client.ErrLinkUnreachable):
		return Tf("Nothing answered at %s. Check the link, and that you are online: open it in your browser. If it opens there, download the picture and choose the file instead.", link)
	case errors.Is(err, client.ErrLinkStatus) && (le.Status == 404 || le.Status == 410):
		return Tf("There is no picture at %s: %s answered \"not found\". Copy the link again: in your browser, right-click the picture and choose \"Copy image address\".", link, host)
	case errors.Is(err, client.ErrLinkStatus) && (le.Status == 401 || le.Status == 403):
		return Tf("%s does not let other programs fetch %s. Download the picture and choose the file instead (Browse…).", host, link)
	case errors.Is(err, client.ErrLinkStatus):
		return Tf("%s answered %s with an error (HTTP %d), so the server could not fetch the picture either. Try again later, or download it and choose the file.", host, link, le.Status)
	case errors.Is(err, client.ErrLinkNotPicture):
		return Tf("%s leads to a web page, not to a picture. In your browser, right-click the picture itself, choose \"Copy image address\", and paste that here.", link)
	case errors.Is(err, client.ErrLinkTooLarge):
		return Tf("The picture at %s is too large for the service. Download it, make a smaller copy, and choose that file.", link)
	}
	return Tf("The link could not be checked: %s.", plainError(err))
}

// linkSummary says in one short sentence that a link gave no picture,
// naming it, and where to read why.
func linkSummary(err error) string {
	var le *client.LinkError
	if !errors.As(err, &le) {
		return T("the link could not be checked. See the note under it.")
	}
	return Tf("%s gave no picture. The note under the link says why.", shortLink(le.Link))
}

// shortLink is a link short enough for a sentence.
func shortLink(link string) string {
	if r := []rune(link); len(r) > 72 {
		return string(r[:56]) + "…" + string(r[len(r)-12:])
	}
	return link
}

// previewChanged redraws the preview, and the hint in its place while
// there is no picture.
// dropHere is what the picture's box says while no picture is chosen.
const dropHere = "Drop a picture here"

func (s *SourcePanel) previewChanged() {
	s.preview.Refresh()
	s.hint.SetText(T(dropHere)) // a link checked says otherwise, once checked
	if s.preview.Image == nil {
		s.empty.Show()
	} else {
		s.empty.Hide()
	}
}

// Content is the panel's widgets.
func (s *SourcePanel) Content() fyne.CanvasObject { return s.content }

// kept is the picture chosen, for the next start: its file, or the link
// typed when it is one.
func (s *SourcePanel) kept() (file, link string) {
	if s.file != "" {
		return s.file, ""
	}
	if text := strings.TrimSpace(s.URL.Text); linkSyntax(text) == nil {
		return "", text
	}
	return "", ""
}

// restore chooses again the picture kept last time: a file only while it
// is still an ordinary file where it was (read through the same checks as
// one chosen by hand), or the link.
func (s *SourcePanel) restore(file, link string) {
	switch {
	case file != "":
		if st, err := os.Lstat(file); err == nil && st.Mode().IsRegular() {
			s.SetFile(file)
		}
	case link != "":
		s.URL.SetText(link)
	}
}

// Chosen is the chosen image: a file or a link.
func (s *SourcePanel) Chosen() (file, link string, err error) {
	if s.file != "" {
		return s.file, "", nil
	}
	text := strings.TrimSpace(s.URL.Text)
	if text == "" {
		return "", "", errors.New(T("Choose a picture first: type a link, browse, paste, or drop a file on the window."))
	}
	if err := linkSyntax(text); err != nil {
		return "", "", fmt.Errorf("The picture's link is not valid: %v.", err)
	}
	return "", text, nil
}

// SetFile chooses a local image: it is shown with its size, and its shape
// goes to the form's aspect lock. Reading it happens off the UI goroutine.
func (s *SourcePanel) SetFile(path string) {
	s.URL.SetText("")
	s.stopCheck()
	s.file = path
	s.setInfo(Tf("Reading %s…", filepath.Base(path)), widget.MediumImportance)
	go func() {
		// The preview is never shown larger than this: the picture is
		// scaled to it as it is decoded, within the shared memory budget.
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		img, info, err := picture.DecodeFile(ctx, path, previewSide, previewSide)
		cancel()
		s.runOnUI(func() {
			if s.file != path {
				return // another image was chosen meanwhile
			}
			if err != nil {
				s.file = ""
				s.preview.Image = nil
				s.previewChanged()
				s.setInfo(pictureProblem(filepath.Base(path), err), widget.DangerImportance)
				s.picked(0, 0)
				return
			}
			s.preview.Image = img
			s.previewChanged()
			s.setInfo(Tf("%s, %d × %d pixels. It is uploaded with the job; the uploaded copy is kept 24 hours.", filepath.Base(path), info.Width, info.Height), widget.MediumImportance)
			s.picked(info.Width, info.Height)
		})
	}()
}

// previewSide is the largest side, in pixels, a chosen picture is kept at
// for its preview.
const previewSide = 1024

// pictureProblem says in a sentence why the file name could not be used as
// the picture, and what to do.
func pictureProblem(name string, err error) string {
	switch {
	case errors.Is(err, picture.ErrNotRegular):
		return Tf("%s is not an ordinary file (it may be a pipe or a device), so Vivify cannot read a picture from it. Choose a picture file.", name)
	case errors.Is(err, picture.ErrTooLarge):
		return Tf("%s is too large to open safely (%s). Make a smaller copy of it in an image editor, or choose another picture.", name, strings.TrimPrefix(err.Error(), picture.ErrTooLarge.Error()+": "))
	case errors.Is(err, os.ErrNotExist):
		return Tf("%s is no longer there. It may have been moved or deleted; choose it again.", name)
	case errors.Is(err, os.ErrPermission):
		return Tf("Vivify is not allowed to read %s. Choose a picture from a folder you can open.", name)
	case errors.Is(err, picture.ErrDamaged):
		return Tf("%s looks like a picture but is damaged. Open it in an image editor and save it again, or choose another.", name)
	}
	return Tf("%s is not a picture Vivify can read. Choose a PNG, JPEG, GIF or WebP picture.", name)
}

func (s *SourcePanel) browse() {
	title := T("Choose a picture")
	if s.title.Text == T("Last frame") {
		title = T("Choose the picture the video ends on")
	}
	s.dialogs.choose(s.win, picker.Request{Kind: picker.Open, Title: title, Start: picker.InPictures,
		Filters: []picker.Filter{pictureFilter()}}, s.SetFile)
}

func (s *SourcePanel) paste() {
	text := strings.TrimSpace(fyne.CurrentApp().Clipboard().Content())
	switch {
	case strings.HasPrefix(text, "http://") || strings.HasPrefix(text, "https://"):
		s.URL.SetText(text)
	case strings.HasPrefix(text, "file://"):
		if u, err := url.Parse(text); err == nil {
			s.SetFile(u.Path)
		}
	case text != "" && client.IsImageFile(text):
		s.SetFile(text)
	default:
		s.info.SetText(T("The clipboard holds no link or picture file."))
	}
}
