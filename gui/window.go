package gui

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image/color"
	"log"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"vivify/client"
	"vivify/internal/atomicfile"
	"vivify/internal/picture"
	"vivify/jobs"
	"vivify/keychain"
)

// Deps is what the window works with.
type Deps struct {
	Engine *jobs.Engine
	// Practice starts the window in practice mode: new videos are
	// simulated by the built-in practice server (the engine's), for free.
	// SetPractice changes it.
	Practice bool
	// RunOnUI runs f on the UI goroutine: fyne.Do in the app; in tests, a
	// queue the test drains.
	RunOnUI func(f func())
	// Keys is where the API key is kept (the system keychain in the app).
	Keys keychain.Store
	// NewClient makes a client for a key.
	NewClient func(key string) (*client.Client, error)
	// Window is the window to fill; nil makes one. main makes it early, so
	// that connecting to the display overlaps reading the library.
	Window fyne.Window
	// OnQuit, if set, is called when the window is closing, after what
	// must be kept (its size, the last settings) has been saved.
	OnQuit func()

	dialogs *Dialogs // the window's open dialogs; NewWindow makes it
}

// Title is the main window's title.
const Title = "Vivify"

// PrepareFonts loads the typefaces the window's text is set in (regular and
// bold). It may run on any goroutine once the app exists: main runs it while
// the library loads, so the window is built with the fonts ready.
func PrepareFonts() {
	for _, style := range []fyne.TextStyle{{}, {Bold: true}} {
		fyne.MeasureText(Title, theme.TextSize(), style)
	}
}

// Window is Vivify's main window.
type Window struct {
	app      fyne.App
	endFrame *SourcePanel // the last frame, for the models that take one
	deps     Deps
	win      fyne.Window
	params   *ParamsForm
	source   *SourcePanel
	gallery  *Gallery
	details  *Details
	status   *widget.Label
	balance  *widget.Label
	credits  *widget.Label // "real videos use credits", outside practice
	banner   *widget.Label
	// noticeLine is the status line's news: a failed key check, a mode
	// that could not start.
	noticeLine     *widget.Label
	practiceSwitch *widget.Check // in Settings, once opened
	keys           *KeySettings
	presets        *Presets
	gen            *widget.Button
	message        *widget.Label
	ring           *focusRing
	focused        bool            // the app is in the foreground
	running        map[string]bool // jobs seen active: their end is news
}

// NewWindow builds the window in app and follows the engine's events.
func NewWindow(app fyne.App, deps Deps) *Window {
	win := deps.Window
	if win == nil {
		win = app.NewWindow(Title)
	}
	deps.dialogs = &Dialogs{}
	w := &Window{app: app, deps: deps, win: win, focused: true, running: map[string]bool{}}
	w.params = NewParamsForm()
	w.source = NewSourcePanel(w.win, deps.dialogs, deps.RunOnUI, w.params.SetSourceAspect)
	w.endFrame = NewEndFramePanel(w.win, deps.dialogs, deps.RunOnUI)
	w.endFrame.OnSubmit = w.Generate
	w.params.OnModelChanged = func(m client.Model) {
		w.showEndFrame(m)
		w.presets.FamilyChanged()
	}
	w.params.CostNote = w.costNote
	w.params.RefreshCost()
	w.details = NewDetails(deps, w.win)
	w.details.OnReuse = w.params.SetRequest
	w.params.OnSubmit, w.source.OnSubmit = w.Generate, w.Generate
	w.presets = NewPresets(w.params, app.Preferences(), w.win, deps.dialogs)
	w.details.OnUseAsInput = w.source.SetFile
	w.gallery = NewGallery(deps.Engine, deps.RunOnUI, w.details.Show)
	w.details.OnNewJob = w.gallery.SelectJob // Run again: the new job, in view
	w.details.OnSaved = func(path string) { w.inform("Saved: " + path) }
	w.status = widget.NewLabel("")
	w.message = widget.NewLabel("")
	w.message.Wrapping = fyne.TextWrapWord
	w.message.Importance = widget.DangerImportance
	w.message.Hide()
	w.gen = widget.NewButtonWithIcon("Generate   "+shortcutText("Enter"), theme.MediaPlayIcon(), w.Generate)
	w.gen.Importance = widget.HighImportance

	form := container.NewVScroll(container.NewVBox(w.source.Content(), w.endFrame.Content(), widget.NewSeparator(), w.presets.Content(), w.params.Content()))
	w.ring = newFocusRing(w.win, form)
	left := container.NewBorder(nil, container.NewVBox(w.message, w.gen), nil, nil, form)
	w.showEndFrame(w.params.ChosenModel())
	right := container.NewVSplit(w.gallery.Content(), w.details.Content())
	right.SetOffset(0.36) // the video gets the larger part
	split := container.NewHSplit(left, right)
	split.SetOffset(0.36)
	w.balance = widget.NewLabel("")
	w.keys = NewKeySettings(deps, func(b string) { w.balance.SetText(b) })
	w.keys.OnCheckFailed = func(text string) {
		w.balance.SetText("Key not checked")
		w.notice(text + " Open Settings to check it again.")
	}
	w.keys.OnChecked = func() { w.notice("") }
	w.banner = widget.NewLabelWithStyle("Practice mode: videos are simulated on this computer and cost nothing.",
		fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	w.banner.Importance = widget.WarningImportance
	w.credits = widget.NewLabel("Real videos use credits")
	w.credits.Importance = widget.LowImportance
	w.noticeLine = widget.NewLabel("")
	w.noticeLine.Importance = widget.WarningImportance
	w.noticeLine.Truncation = fyne.TextTruncateEllipsis
	w.noticeLine.Hide()
	w.status.Truncation = fyne.TextTruncateEllipsis
	settings := widget.NewButtonWithIcon("Settings", theme.SettingsIcon(), w.ShowSettings)
	top := container.NewBorder(nil, nil, nil, container.NewHBox(w.credits, w.balance, settings), w.banner)
	bottom := container.NewVBox(w.noticeLine, w.status)
	w.win.SetContent(container.NewStack(container.NewBorder(top, bottom, nil, nil, split), w.ring.Layer()))
	deps.Engine.SetPractice(deps.Practice)
	w.showMode()
	w.win.Resize(fyne.NewSize(1200, 760))
	w.win.SetOnDropped(func(pos fyne.Position, uris []fyne.URI) {
		// A picture dropped on the last-frame slot goes there.
		if end := w.endFrame.Content(); end.Visible() && len(uris) == 1 && client.IsImageFile(uris[0].Path()) {
			at := fyne.CurrentApp().Driver().AbsolutePositionForObject(end)
			sz := end.Size()
			if pos.X >= at.X && pos.Y >= at.Y && pos.X < at.X+sz.Width && pos.Y < at.Y+sz.Height {
				w.endFrame.SetFile(uris[0].Path())
				return
			}
		}
		w.dropped(uris)
	})
	for _, k := range []fyne.KeyName{fyne.KeyReturn, fyne.KeyEnter} { // Ctrl+Enter (Cmd+Enter on macOS)
		w.win.Canvas().AddShortcut(&desktop.CustomShortcut{KeyName: k, Modifier: fyne.KeyModifierShortcutDefault},
			func(fyne.Shortcut) { w.Generate() })
	}
	// Quit: Ctrl+Q (Cmd+Q on macOS), as everywhere, text fields included.
	quit := func(fyne.Shortcut) { w.close() }
	w.win.Canvas().AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyQ, Modifier: fyne.KeyModifierShortcutDefault}, quit)
	for _, e := range []*SubmitEntry{w.source.URL, w.endFrame.URL, w.params.Prompt, w.params.NegativePrompt, w.params.Webhook, w.params.TrackID} {
		e.onWindowShortcut = quit
	}
	// Escape closes the dialog on top (a text field in a dialog passes it on).
	w.win.Canvas().SetOnTypedKey(func(k *fyne.KeyEvent) {
		if k.Name == fyne.KeyEscape {
			deps.dialogs.Escape()
		}
	})

	deps.Engine.Subscribe(func(e jobs.Event) {
		deps.RunOnUI(func() {
			w.gallery.Apply(e)
			w.details.Apply(e)
			w.updateStatus()
			w.notify(e)
			if e.Kind == jobs.JobChanged && e.Job.State == jobs.Done && e.Job.Cost != nil {
				w.params.RefreshCost() // the model's line says what it last cost
			}
		})
	})
	app.Lifecycle().SetOnEnteredForeground(func() { w.focused = true })
	app.Lifecycle().SetOnExitedForeground(func() { w.focused = false })
	w.restore(app.Preferences())
	w.win.SetCloseIntercept(w.close)
	w.gallery.Load(deps.Engine.Jobs())
	if len(w.gallery.Shown()) > 0 {
		w.gallery.grid.Select(0) // the newest job, in the details
	}
	w.updateStatus()
	return w
}

// close is the window's end, from the title bar's button or Quit: what
// must be kept is saved before the window goes.
func (w *Window) close() {
	w.remember(w.app.Preferences())
	if w.deps.OnQuit != nil {
		w.deps.OnQuit()
	}
	w.win.Close()
}

// showEndFrame shows the last-frame slot for a model that takes one.
func (w *Window) showEndFrame(m client.Model) {
	had := w.details.OnUseAsLastFrame != nil
	if m.EndFrame {
		w.endFrame.Content().Show()
		w.details.OnUseAsLastFrame = w.endFrame.SetFile
	} else {
		w.endFrame.Content().Hide()
		w.details.OnUseAsLastFrame = nil
	}
	if had != m.EndFrame {
		w.details.Refresh() // "Use as last frame" comes or goes
	}
}

// EndFrame is the last-frame slot.
func (w *Window) EndFrame() *SourcePanel { return w.endFrame }

// onlyEndImage reports whether a validation error is about the last frame
// alone: the form does not hold it; the slot beside the picture does.
func onlyEndImage(err error) bool {
	var e *client.Error
	if !errors.As(err, &e) || len(e.Fields) == 0 {
		return false
	}
	for _, f := range e.Fields {
		if f.Field != "end_image" {
			return false
		}
	}
	return true
}

// costNote is the last cost seen for a model, with its date, or "".
func (w *Window) costNote(m client.Model) string {
	if w.deps.Engine == nil {
		return ""
	}
	c, ok := w.deps.Engine.LastCost(m.Family, m.ID)
	if !ok {
		return ""
	}
	unit := "credits"
	if w.deps.Practice || c.Practice {
		unit = "practice credits"
	}
	return fmt.Sprintf("Last video: %s %s (%s).", strconv.FormatFloat(c.Amount, 'f', -1, 64), unit, c.At.Format("2 Jan 2006"))
}

func (w *Window) Fyne() fyne.Window    { return w.win }
func (w *Window) Params() *ParamsForm  { return w.params }
func (w *Window) Source() *SourcePanel { return w.source }
func (w *Window) Gallery() *Gallery    { return w.gallery }
func (w *Window) Details() *Details    { return w.details }
func (w *Window) Message() string      { return w.message.Text }

// Notice is the status line's news ("" when there is none).
func (w *Window) Notice() string {
	if !w.noticeLine.Visible() {
		return ""
	}
	return w.noticeLine.Text
}

// Start does what waits until the window is up: decoding thumbnails, the
// once-a-second tick of the gallery's time left, and looking for a kept key
// (the keychain may start a service over D-Bus, which should not hold up
// the first paint) and, with none, offering one or practice.
func (w *Window) Start() {
	w.gallery.Resume()
	go func() { // the gallery's time left counts down between the engine's news
		for range time.Tick(time.Second) {
			if w.deps.Engine.InFlight() > 0 {
				w.deps.RunOnUI(w.gallery.Tick)
			}
		}
	}()
	go func() { // the focus ring follows the keyboard
		for range time.Tick(150 * time.Millisecond) {
			w.deps.RunOnUI(func() {
				if w.focused {
					w.ring.follow()
				}
			})
		}
	}()
	if w.deps.Practice {
		w.keys.Load(func(bool) {}) // for Settings, and a switch to real videos
		return
	}
	w.keys.Load(func(found bool) {
		switch {
		case w.deps.Practice: // practice was chosen meanwhile
		case !found:
			w.welcome()
		default:
			w.keys.check()
		}
	})
}

// notify tells the desktop when a job the user started ends while Vivify is
// in the background.
func (w *Window) notify(e jobs.Event) {
	j := e.Job
	if e.Kind == jobs.JobRemoved {
		delete(w.running, j.ID)
		return
	}
	if j.State.Active() {
		w.running[j.ID] = true
		return
	}
	if !w.running[j.ID] {
		return
	}
	delete(w.running, j.ID)
	if w.focused {
		return
	}
	n := fyne.NewNotification("Vivify", "The video from "+j.Source.Name+" is ready.")
	switch j.State {
	case jobs.Failed, jobs.Interrupted:
		n.Content = "The video from " + j.Source.Name + " could not be made."
		if j.Failure != nil {
			n.Content += " " + j.Failure.Message
		}
	case jobs.Cancelled:
		return
	}
	fyne.CurrentApp().SendNotification(n)
}

// Preference names of the window.
const (
	prefWidth  = "window.width"
	prefHeight = "window.height"
	prefParams = "params"
)

// savedState is what remember keeps of the window for next time.
type savedState struct {
	Width  float32          `json:"width"`
	Height float32          `json:"height"`
	Params *json.RawMessage `json:"params,omitempty"`
}

// stateFile is where remember keeps savedState, in the app's own storage:
// written whole and synced before the window goes, so closing saves it
// whatever the toolkit's teardown does next. (Fyne's preferences save a
// burst of changes a moment later, from the event loop, which a closing
// app may no longer run.)
func stateFile(app fyne.App) string {
	root := app.Storage().RootURI()
	if root == nil || root.Scheme() != "file" {
		return ""
	}
	return filepath.Join(root.Path(), "window.json")
}

// remember keeps the window's size and the last parameters for next time.
func (w *Window) remember(p fyne.Preferences) {
	size := w.win.Canvas().Size()
	st := savedState{Width: size.Width, Height: size.Height}
	if data, err := json.Marshal(w.params.read()); err == nil {
		raw := json.RawMessage(data)
		st.Params = &raw
		p.SetString(prefParams, string(data))
	}
	p.SetFloat(prefWidth, float64(size.Width))
	p.SetFloat(prefHeight, float64(size.Height))
	if path := stateFile(w.app); path != "" {
		data, _ := json.Marshal(st)
		os.MkdirAll(filepath.Dir(path), 0o700)
		if err := atomicfile.Write(path, data, 0o600); err != nil {
			log.Printf("the window's size and settings could not be kept: %v", err)
		}
	}
}

// restore brings back what remember kept.
func (w *Window) restore(p fyne.Preferences) {
	st := savedState{Width: float32(p.Float(prefWidth)), Height: float32(p.Float(prefHeight))}
	if params := p.String(prefParams); params != "" {
		raw := json.RawMessage(params)
		st.Params = &raw
	}
	if path := stateFile(w.app); path != "" {
		if data, err := os.ReadFile(path); err == nil && len(data) < 1<<20 {
			var saved savedState
			if json.Unmarshal(data, &saved) == nil {
				st = saved
			}
		}
	}
	if st.Width >= 640 && st.Height >= 480 {
		w.win.Resize(fyne.NewSize(st.Width, st.Height))
	}
	if st.Params == nil {
		return
	}
	r := client.NewRequest("")
	if json.Unmarshal(*st.Params, &r) != nil {
		return // nothing kept, or not readable
	}
	check := r
	check.InitImage = "https://example.com/a.png" // the form holds no picture
	if check.Validate() == nil {
		w.params.SetRequest(r)
	}
}

// welcome is shown at the first start, when no key is kept: enter one, or
// practise with simulated results.
func (w *Window) welcome() {
	msg := widget.NewLabel("To make videos, Vivify needs your ModelsLab API key. " +
		"You can also practise first: the built-in sandbox makes simulated videos on this computer, for free.")
	msg.Wrapping = fyne.TextWrapWord
	var d dialog.Dialog
	key := widget.NewButtonWithIcon("Enter my key", theme.AccountIcon(), func() { d.Hide(); w.ShowSettings() })
	key.Importance = widget.HighImportance
	practice := widget.NewButtonWithIcon("Practise for free", theme.MediaPlayIcon(), func() { d.Hide(); w.EnterPractice() })
	body := container.NewVBox(msg, container.NewCenter(container.NewHBox(key, practice)))
	d = dialog.NewCustomWithoutButtons("Welcome to Vivify", body, w.win)
	d.Resize(fyne.NewSize(480, 200))
	d.Show()
}

// Practice reports whether new videos are simulated.
func (w *Window) Practice() bool { return w.deps.Practice }

// EnterPractice switches to practice mode (the welcome's "Practise for
// free").
func (w *Window) EnterPractice() { w.SetPractice(true) }

// Keys is the key panel of the settings.
func (w *Window) Keys() *KeySettings { return w.keys }

// Presets is the preset row.
func (w *Window) Presets() *Presets { return w.presets }

func (w *Window) updateStatus() {
	text := beingMade(w.deps.Engine.InFlight())
	if w.deps.Practice {
		text += " · practice mode"
	}
	w.status.SetText(text + " · library: " + w.deps.Engine.Library())
}

// beingMade says in words how many videos the server is making.
func beingMade(n int) string {
	switch n {
	case 0:
		return "No videos being made"
	case 1:
		return "1 video being made"
	}
	return fmt.Sprintf("%d videos being made", n)
}

// Generate queues a job with the chosen image and the form's settings; the
// job appears in the gallery at once.
func (w *Window) Generate() {
	file, link, err := w.source.Chosen()
	if err != nil {
		w.say(err.Error())
		return
	}
	req, err := w.params.Request(firstNonEmpty(link, "https://upload.invalid/"))
	if err != nil && !onlyEndImage(err) {
		w.say("Some settings need attention; see the notes beside them.")
		return
	}
	spec := jobs.Spec{Request: req, File: file, URL: link}
	if m := w.params.ChosenModel(); m.EndFrame {
		endFile, endLink, err := w.endFrame.Chosen()
		if err != nil {
			w.say(m.Name + " needs the last frame too: choose the picture the video should end on.")
			return
		}
		spec.EndFile, spec.Request.EndImage = endFile, endLink
		if endFile != "" {
			spec.Request.EndImage = ""
		}
	}
	w.say("")
	w.gen.Disable()
	go func() {
		j, err := w.deps.Engine.Add(spec) // disk work: not on the UI goroutine
		w.deps.RunOnUI(func() {
			w.gen.Enable()
			if err != nil {
				w.say(err.Error())
				return
			}
			w.gallery.SelectJob(j.ID) // its progress, then its video, in the details
		})
	}()
}

func (w *Window) say(msg string) {
	w.message.SetText(msg)
	if msg == "" {
		w.message.Hide()
	} else {
		w.message.Show()
	}
}

// dropped takes files dropped anywhere on the window: one becomes the
// source; several each get a job with the current settings.
func (w *Window) dropped(uris []fyne.URI) {
	var files []string
	for _, u := range uris {
		if u.Scheme() == "file" && client.IsImageFile(u.Path()) {
			files = append(files, u.Path())
		}
	}
	switch {
	case len(files) == 0:
		w.say("Only pictures can be dropped here (PNG, JPEG, GIF or WebP).")
	case len(files) == 1:
		w.source.SetFile(files[0])
	default:
		req, err := w.params.Request("https://upload.invalid/")
		if err != nil {
			w.say("Some settings need attention; see the notes beside them.")
			return
		}
		go func() {
			var failed []string
			for _, f := range files {
				if _, err := w.deps.Engine.Add(jobs.Spec{Request: req, File: f}); err != nil {
					failed = append(failed, filepath.Base(f))
				}
			}
			w.deps.RunOnUI(func() {
				if len(failed) > 0 {
					w.say("These could not be added: " + strings.Join(failed, ", "))
				} else {
					w.say("")
				}
			})
		}()
	}
}

// shortcutText is how the system writes the shortcut of key with Ctrl
// (Cmd on macOS).
func shortcutText(key string) string {
	if runtime.GOOS == "darwin" {
		if key == "Enter" {
			key = "Return"
		}
		return "⌘+" + key
	}
	return "Ctrl+" + key
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// SourcePanel is where the image comes from: a link checked as it is typed,
// Browse, Paste, or a file dropped on the window.
type SourcePanel struct {
	win     fyne.Window
	dialogs *Dialogs
	runOnUI func(func())
	aspect  func(float64)
	URL     *SubmitEntry
	file    string
	// OnSubmit is called for Ctrl+Enter in the link field.
	OnSubmit func()
	preview  *canvas.Image
	empty    fyne.CanvasObject // "Drop a picture here", while there is none
	info     *widget.Label
	title    *widget.Label
	content  fyne.CanvasObject
}

// NewEndFramePanel is a second picture slot, for the models that are given
// the last frame too: the same ways in as the first.
func NewEndFramePanel(win fyne.Window, dialogs *Dialogs, runOnUI func(func())) *SourcePanel {
	s := NewSourcePanel(win, dialogs, runOnUI, func(float64) {})
	s.title.SetText("Last frame")
	s.info.SetText("The picture the video ends on: type a link, browse, paste, or drop a file here.")
	return s
}

// NewSourcePanel builds the panel; aspect is told the chosen image's shape.
func NewSourcePanel(win fyne.Window, dialogs *Dialogs, runOnUI func(func()), aspect func(float64)) *SourcePanel {
	s := &SourcePanel{win: win, dialogs: dialogs, runOnUI: runOnUI, aspect: aspect}
	s.URL = newSubmitEntry(false, &s.OnSubmit)
	s.URL.SetPlaceHolder("https://… a link to a picture")
	s.URL.Validator = func(text string) error {
		if strings.TrimSpace(text) == "" {
			return nil
		}
		u, err := url.Parse(strings.TrimSpace(text))
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return errors.New("a link starts with http:// or https://")
		}
		return nil
	}
	s.URL.OnChanged = func(text string) {
		if strings.TrimSpace(text) != "" {
			s.file = ""
			s.preview.Image, s.preview.File = nil, ""
			s.previewChanged()
			s.info.SetText("The server fetches this picture itself when the job starts.")
			aspect(0)
		}
	}
	browse := widget.NewButtonWithIcon("Browse…", theme.FolderOpenIcon(), s.browse)
	paste := widget.NewButtonWithIcon("Paste", theme.ContentPasteIcon(), s.paste)
	s.preview = canvas.NewImageFromImage(nil)
	s.preview.FillMode = canvas.ImageFillContain
	s.preview.SetMinSize(fyne.NewSize(200, 140))
	// Until a picture is chosen, its place says how to give one.
	frame := canvas.NewRectangle(color.Transparent)
	frame.StrokeColor = theme.Color(theme.ColorNameDisabled)
	frame.StrokeWidth = 1
	frame.CornerRadius = theme.InputRadiusSize()
	hint := widget.NewLabelWithStyle("Drop a picture here", fyne.TextAlignCenter, fyne.TextStyle{})
	hint.Importance = widget.LowImportance
	s.empty = container.NewStack(frame, container.NewCenter(hint))
	s.info = widget.NewLabel("Choose a picture: type a link, browse, paste, or drop a file on the window.")
	s.info.Wrapping = fyne.TextWrapWord
	s.title = widget.NewLabelWithStyle("Picture", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title := s.title
	// The link on a line of its own and the buttons under it: side by side
	// they made the column wider than a 1200-pixel window leaves it.
	s.content = container.NewVBox(title, s.URL, container.NewGridWithColumns(2, browse, paste),
		container.NewStack(s.preview, s.empty), s.info)
	return s
}

// previewChanged redraws the preview, and the hint in its place while
// there is no picture.
func (s *SourcePanel) previewChanged() {
	s.preview.Refresh()
	if s.preview.Image == nil {
		s.empty.Show()
	} else {
		s.empty.Hide()
	}
}

// Content is the panel's widgets.
func (s *SourcePanel) Content() fyne.CanvasObject { return s.content }

// Chosen is the chosen image: a file or a link.
func (s *SourcePanel) Chosen() (file, link string, err error) {
	if s.file != "" {
		return s.file, "", nil
	}
	text := strings.TrimSpace(s.URL.Text)
	if text == "" {
		return "", "", errors.New("Choose a picture first: type a link, browse, paste, or drop a file on the window.")
	}
	if err := s.URL.Validator(text); err != nil {
		return "", "", fmt.Errorf("The picture's link is not valid: %v.", err)
	}
	return "", text, nil
}

// SetFile chooses a local image: it is shown with its size, and its shape
// goes to the form's aspect lock. Reading it happens off the UI goroutine.
func (s *SourcePanel) SetFile(path string) {
	s.URL.SetText("")
	s.file = path
	s.info.SetText("Reading " + filepath.Base(path) + "…")
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
				s.info.SetText(pictureProblem(filepath.Base(path), err))
				return
			}
			s.preview.Image = img
			s.previewChanged()
			s.info.SetText(fmt.Sprintf("%s, %d × %d pixels. It is scaled to fit 512 pixels and uploaded; the uploaded copy is kept 24 hours.",
				filepath.Base(path), info.Width, info.Height))
			s.aspect(float64(info.Width) / float64(info.Height))
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
		return name + " is not an ordinary file (it may be a pipe or a device), so Vivify cannot read a picture from it. Choose a picture file."
	case errors.Is(err, picture.ErrTooLarge):
		return name + " is too large to open safely (" + strings.TrimPrefix(err.Error(), picture.ErrTooLarge.Error()+": ") +
			"). Make a smaller copy of it in an image editor, or choose another picture."
	case errors.Is(err, os.ErrNotExist):
		return name + " is no longer there. It may have been moved or deleted; choose it again."
	case errors.Is(err, os.ErrPermission):
		return "Vivify is not allowed to read " + name + ". Choose a picture from a folder you can open."
	case errors.Is(err, picture.ErrDamaged):
		return name + " looks like a picture but is damaged. Open it in an image editor and save it again, or choose another."
	}
	return name + " is not a picture Vivify can read. Choose a PNG, JPEG, GIF or WebP picture."
}

func (s *SourcePanel) browse() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		r.Close()
		s.SetFile(r.URI().Path())
	}, s.win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".png", ".jpg", ".jpeg", ".gif", ".webp"}))
	s.dialogs.Show(d)
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
		s.info.SetText("The clipboard holds no link or picture file.")
	}
}

// timeLeft is the gallery's words for a running job's progress.
func timeLeft(eng *jobs.Engine, j jobs.Job) string {
	switch j.State {
	case jobs.Preparing:
		return fmt.Sprintf("uploading %d%%", int(j.Progress*100))
	case jobs.Downloading:
		return fmt.Sprintf("saving %d%%", int(j.Progress*100))
	case jobs.Processing, jobs.Submitting:
		if est, ok := eng.Remaining(j.ID); ok {
			if est.Overdue {
				return "any moment now"
			}
			return "about " + est.Left.Round(time.Second).String() + " left"
		}
		return "being made"
	case jobs.Queued:
		if j.Note != "" {
			return "waiting"
		}
		return "queued"
	case jobs.Failed, jobs.Interrupted:
		if j.Failure != nil {
			return j.Failure.Message
		}
	}
	return string(j.State)
}
