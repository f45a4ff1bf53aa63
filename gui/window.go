package gui

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"log"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"vivify/client"
	"vivify/internal/atomicfile"
	"vivify/internal/picker"
	"vivify/internal/picture"
	"vivify/internal/plain"
	"vivify/jobs"
	"vivify/keychain"
)

// Deps is what the window works with.
type Deps struct {
	Engine *jobs.Engine
	// Practice starts the window in practice mode: new videos are
	// simulated by the built-in practice server (the engine's), for free.
	// SetPractice changes it; the engine keeps it (Window.Practice).
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
	// UpdateURL is where the latest release is described, for the daily
	// update check the creator may allow; "" never checks (tests).
	UpdateURL string
	// StartNotice is what the start has to say before the window was
	// made (a settings file moved aside); it is listed with the library's
	// problems.
	StartNotice string
	// Pick shows the system's file chooser: picker.Pick when nil. Tests
	// give a stand-in, or one that says there is none.
	Pick func(context.Context, picker.Request) (string, error)

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
	practiceSwitch *widget.Check     // in Settings, once opened
	updateLink     *widget.Hyperlink // "Vivify 1.2 is out", in the status line
	problemsButton *widget.Button    // "3 things in the library need a look"
	keys           *KeySettings
	presets        *Presets
	gen            *widget.Button
	message        *widget.Label
	ring           *focusRing
	focused        atomic.Bool      // the app is in the foreground (read by the focus ring's ticker too)
	running        map[string]bool  // jobs seen active: their end is news
	picW, picH     int              // the chosen picture's size, 0 for none
	aboutPicture   bool             // the message is about the picture chosen
	right          *container.Split // the gallery over the details
	takes          *takes           // how many takes, which models, and the price
	undo           *widget.Button   // Undo, in the status line, after a removal
	cmp            *Compare         // the videos compared, while Compare is open
	compareHolder  *fyne.Container  // where Compare shows, over the gallery and details
	afterDrawn     func()           // called when the content is first drawn (drawnMark)
	drawn          bool             // the content has been drawn
}

// NewWindow builds the window in app and follows the engine's events.
func NewWindow(app fyne.App, deps Deps) *Window {
	win := deps.Window
	if win == nil {
		win = app.NewWindow(Title)
	}
	deps.dialogs = &Dialogs{pick: deps.Pick, runOnUI: deps.RunOnUI}
	w := &Window{app: app, deps: deps, win: win, running: map[string]bool{}}
	w.focused.Store(true)
	deps.Engine.SetPractice(deps.Practice) // the engine keeps the mode from here on
	w.params = NewParamsForm()
	w.source = NewSourcePanel(w.win, deps.dialogs, deps.RunOnUI, w.pictureChosen)
	w.source.CheckLink = deps.Engine.CheckLink
	w.params.OnChanged = func(client.Request) {
		w.videoNote()
		if w.takes != nil {
			w.takes.updatePrice()
		}
		if w.message != nil && strings.HasPrefix(w.message.Text, T(settingsNeedAttention)) {
			if _, err := w.params.Request("https://upload.invalid/"); err == nil || onlyEndImage(err) {
				w.say("") // corrected: the message is no longer true
			}
		}
	}
	w.endFrame = NewEndFramePanel(w.win, deps.dialogs, deps.RunOnUI)
	w.endFrame.CheckLink = deps.Engine.CheckLink
	w.endFrame.OnSubmit = w.Generate
	w.params.OnModelChanged = func(m client.Model) {
		w.showEndFrame(m)
		if w.presets != nil { // nil while the presets apply the one chosen last time
			w.presets.FamilyChanged()
		}
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
	w.details.OnStar = w.toggleStar
	w.gallery.OnStar = w.toggleStar
	w.gallery.OnSetOpened = w.setOpened
	w.gallery.OnCompare = func(ids []string) {
		var list []jobs.Job
		for _, id := range ids {
			if j, ok := deps.Engine.Job(id); ok && j.State == jobs.Done {
				list = append(list, j)
			}
		}
		w.compareJobs(list)
	}
	w.details.OnSaved = func(path string) { w.inform(Tf("Saved: %s", path)) }
	w.details.OnSay = w.inform
	w.status = widget.NewLabel("")
	w.message = widget.NewLabel("")
	w.message.Wrapping = wordWrap()
	w.message.Importance = widget.DangerImportance
	w.message.Hide()
	w.gen = widget.NewButtonWithIcon(Tf("Generate   %s", shortcutText()), theme.MediaPlayIcon(), w.Generate)
	w.gen.Importance = widget.HighImportance

	form := container.NewVScroll(container.NewVBox(w.source.Content(), w.endFrame.Content(), widget.NewSeparator(), w.presets.Content(), w.params.Content()))
	w.ring = newFocusRing(w.win, form, w.details.finish.content)
	w.params.Wheel.target, w.source.Wheel.target, w.endFrame.Wheel.target = form, form, form
	w.takes = newTakes(w)
	left := container.NewBorder(nil, container.NewVBox(w.message, w.takes.row, w.gen), nil, nil, form)
	w.showEndFrame(w.params.ChosenModel())
	right := container.NewVSplit(w.gallery.Content(), w.details.Content())
	w.right = right
	right.SetOffset(0.3) // the video gets the larger part
	w.compareHolder = container.NewStack()
	w.compareHolder.Hide()
	split := container.NewHSplit(left, container.NewStack(right, w.compareHolder))
	split.SetOffset(0.36)
	// While a video is finished, the gallery and the form give their room
	// to the video and the Finish panel: on a small screen the panel
	// showed one of its choices at a time.
	var galleryOffset, formOffset float64
	w.details.OnFinishing = func(open bool) {
		if open {
			galleryOffset, formOffset = right.Offset, split.Offset
			right.SetOffset(0) // each keeps its smallest size
			split.SetOffset(0)
		} else {
			right.SetOffset(galleryOffset)
			split.SetOffset(formOffset)
		}
	}
	w.balance = widget.NewLabel("")
	w.keys = NewKeySettings(deps, func(b string) { w.balance.SetText(b) })
	w.keys.OnCheckFailed = func(text string) {
		w.balance.SetText(T("Key not checked"))
		if !strings.Contains(text, "Settings") {
			text += T(" Open Settings to check it again.")
		}
		w.notice(text)
	}
	w.keys.OnChecked = func() { w.notice("") }
	w.banner = widget.NewLabelWithStyle(T("Practice mode: videos are simulated on this computer and cost nothing."),
		fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	w.banner.Importance = widget.WarningImportance
	w.credits = widget.NewLabel(T("Real videos use credits"))
	w.credits.Importance = widget.LowImportance
	w.noticeLine = widget.NewLabel("")
	w.noticeLine.Importance = widget.WarningImportance
	w.noticeLine.Truncation = fyne.TextTruncateEllipsis
	w.noticeLine.Hide()
	w.status.Truncation = fyne.TextTruncateEllipsis
	settings := widget.NewButtonWithIcon(T("Settings"), theme.SettingsIcon(), w.ShowSettings)
	about := widget.NewButtonWithIcon("", theme.InfoIcon(), w.ShowAbout)
	top := container.NewBorder(nil, nil, nil, container.NewHBox(w.credits, w.balance, settings, about), w.banner)
	w.updateLink = widget.NewHyperlink("", nil)
	w.updateLink.Hide()
	w.problemsButton = widget.NewButtonWithIcon("", theme.WarningIcon(), w.ShowProblems)
	w.problemsButton.Importance = widget.LowImportance
	w.problemsButton.Hide()
	// News ("Saved: …") and warnings take the status line's place while
	// they show, rather than a line of their own: the window above does
	// not jump when they come and go.
	w.undo = widget.NewButtonWithIcon(T("Undo"), theme.ContentUndoIcon(), nil)
	w.undo.Hide()
	bottom := container.NewBorder(nil, nil, nil, container.NewHBox(w.undo, w.problemsButton, w.updateLink), container.NewStack(w.status, w.noticeLine))
	w.win.SetContent(container.NewStack(container.NewBorder(top, bottom, nil, nil, split), w.ring.Layer(), w.drawnMark()))
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
	// Settings: Ctrl+, (Cmd+, on macOS), as in most desktop apps.
	openSettings := func(fyne.Shortcut) { w.ShowSettings() }
	w.win.Canvas().AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyComma, Modifier: fyne.KeyModifierShortcutDefault}, openSettings)
	// Quit: Ctrl+Q (Cmd+Q on macOS), as everywhere, text fields included.
	quit := func(fyne.Shortcut) { w.close() }
	w.win.Canvas().AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyQ, Modifier: fyne.KeyModifierShortcutDefault}, quit)
	for _, e := range []*SubmitEntry{w.source.URL, w.endFrame.URL, w.params.Prompt, w.params.NegativePrompt, w.params.Webhook, w.params.TrackID} {
		e.onWindowShortcut = func(s fyne.Shortcut) {
			if c, ok := s.(*desktop.CustomShortcut); ok && c.KeyName == fyne.KeyComma {
				openSettings(s)
			} else {
				quit(s)
			}
		}
	}
	// Escape closes the dialog on top (a text field in a dialog passes it
	// on), or else leaves the Finish panel.
	w.win.Canvas().SetOnTypedKey(func(k *fyne.KeyEvent) {
		if w.cmp != nil && deps.dialogs.Open() == 0 {
			if k.Name == fyne.KeyEscape {
				w.closeCompare()
				return
			}
			if w.cmp.typedKey(k) {
				return
			}
		}
		if k.Name == fyne.KeyEscape && !deps.dialogs.Escape() {
			w.details.closeFinish()
		}
	})

	deps.Engine.Subscribe(func(e jobs.Event) {
		deps.RunOnUI(func() {
			w.gallery.Apply(e)
			w.details.Apply(e)
			if e.Kind != jobs.JobProgress {
				// Progress changes neither the count on the server nor
				// what was spent: the status line (which sums today's
				// costs over the whole library) is not redone for it.
				w.updateStatus()
			}
			w.notify(e)
			if e.Kind == jobs.JobChanged && e.Job.State == jobs.Done {
				if e.Job.Cost != nil {
					w.params.RefreshCost() // the model's line says what it last cost
					w.takes.updatePrice()
				}
				w.takes.readBalance() // "the balance after" starts from the balance now
			}
		})
	})
	app.Lifecycle().SetOnEnteredForeground(func() { w.focused.Store(true) })
	app.Lifecycle().SetOnExitedForeground(func() { w.focused.Store(false) })
	w.restore()
	w.win.SetCloseIntercept(w.close)
	w.gallery.Load(deps.Engine.Jobs())
	if len(w.gallery.Shown()) > 0 {
		if set, stack := w.gallery.stacks[0]; stack {
			// The newest is a set: its first take in the details, the
			// gallery showing every video still.
			if takes := w.gallery.takes(set); len(takes) > 0 {
				w.details.Show(takes[0])
			}
		} else {
			w.gallery.grid.Select(0) // the newest job, in the details
		}
	}
	w.updateStatus()
	return w
}

// close is the window's end, from the title bar's button or Quit: what
// must be kept is saved before the window goes.
func (w *Window) close() {
	if w.details.finish.Exporting() {
		// A version half made is lost on quitting: ask first.
		d := dialog.NewConfirm(T("A version is still being made"),
			T("If Vivify quits now, the version being made is not kept (the video and its other versions are). Quit anyway?"),
			func(quit bool) {
				if quit {
					w.details.finish.cancelExport()
					w.quit()
				}
			}, w.win)
		d.SetConfirmText(T("Quit"))
		d.SetDismissText(T("Keep making it"))
		w.deps.dialogs.Show(d)
		return
	}
	w.quit()
}

// quit saves what must be kept and closes the window.
func (w *Window) quit() {
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

// pictureChosen takes the size of the picture chosen (0, 0 for none): its
// shape goes to the form, and what video it becomes is said beside it.
func (w *Window) pictureChosen(width, height int) {
	w.picW, w.picH = width, height
	if height > 0 {
		w.params.SetSourceAspect(float64(width) / float64(height))
	} else {
		w.params.SetSourceAspect(0)
	}
	if w.aboutPicture {
		w.say("") // about the picture before: no longer true
	}
	w.videoNote()
}

// videoNote says beside the picture what video it becomes, and warns when
// the picture is smaller than the model can use.
func (w *Window) videoNote() {
	if w.source == nil || w.picW == 0 {
		if w.source != nil {
			w.source.SetNote("", false)
		}
		return
	}
	m := w.params.ChosenModel()
	r := w.params.read()
	vw, vh := m.Size(r)
	text := Tf("The video: %d × %d pixels, %.1f seconds.", vw, vh, m.Seconds(r))
	long := max(w.picW, w.picH)
	want := max(vw, vh)
	if long*4 < want*3 { // under three quarters of the video's size
		text += Tf(" This picture is small (%d × %d): the video will look soft. A picture at least %d pixels on its long side looks best.", w.picW, w.picH, want)
		w.source.SetNote(text, true)
		return
	}
	w.source.SetNote(text, false)
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
	c.Before, c.After = 0, 0 // the balances are the video's story, told in its details
	return Tf("Last video: %s (%s).", costWords(c, w.Practice()), dateWords(c.At))
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
	w.takes.readBalance()
	w.showProblems()
	go func() { // the gallery's time left counts down between the engine's news
		for range time.Tick(time.Second) {
			if w.deps.Engine.InFlight() > 0 {
				w.deps.RunOnUI(w.gallery.Tick)
			}
		}
	}()
	go func() { // the focus ring follows the keyboard, while the app is in front
		for range time.Tick(150 * time.Millisecond) {
			if w.focused.Load() {
				w.deps.RunOnUI(w.ring.follow)
			}
		}
	}()
	w.checkForUpdate()
	if w.Practice() {
		w.keys.Load(func(bool) {}) // for Settings, and a switch to real videos
		return
	}
	w.keys.Load(func(found bool) {
		switch {
		case w.Practice(): // practice was chosen meanwhile
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
	if w.focused.Load() {
		return
	}
	n := fyne.NewNotification(T("Vivify"), Tf("The video from %s is ready.", j.Source.Name))
	switch j.State {
	case jobs.Failed, jobs.Interrupted:
		n.Content = Tf("The video from %s could not be made.", j.Source.Name)
		if j.Failure != nil {
			n.Content += " " + Tk(j.Failure.Message)
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

// savedState is what remember keeps of the window for next time: its
// size, the form's settings, and the pictures chosen (a file, or a link).
type savedState struct {
	Width      float32          `json:"width"`
	Height     float32          `json:"height"`
	Params     *json.RawMessage `json:"params,omitempty"`
	Picture    string           `json:"picture,omitempty"`
	Link       string           `json:"link,omitempty"`
	EndPicture string           `json:"end_picture,omitempty"`
	EndLink    string           `json:"end_link,omitempty"`
}

// maxStateFile bounds window.json: a size and a form's settings.
const maxStateFile = 64 << 10

// maxKeptPath bounds a picture's path or link kept in window.json.
const maxKeptPath = 4096

// decodeWindowState is the gate for window.json, read through
// picture.ReadOwnFile (a regular file of its own, bounded): a size that is
// a window's, settings that are at most a form's, pictures as absolute
// paths of plain text and links as web addresses. The settings are mended
// as a request before the form takes them (keptRequest), and a picture is
// read through the same checks as one chosen by hand.
func decodeWindowState(data []byte) (savedState, bool) {
	var st savedState
	if json.Unmarshal(data, &st) != nil {
		return savedState{}, false
	}
	ok := func(v float32) bool { return v >= 0 && v <= 100_000 } // NaN fails too
	if !ok(st.Width) || !ok(st.Height) {
		st.Width, st.Height = 0, 0
	}
	if st.Params != nil && (len(*st.Params) > maxStateFile/2 || len(*st.Params) == 0 || (*st.Params)[0] != '{') {
		st.Params = nil
	}
	for _, p := range []*string{&st.Picture, &st.EndPicture} {
		if !plain.Is(*p, maxKeptPath) || !filepath.IsAbs(*p) || !client.IsImageFile(*p) {
			*p = ""
		}
	}
	for _, l := range []*string{&st.Link, &st.EndLink} {
		if len(*l) > maxKeptPath || !plain.WebURL(*l, false) {
			*l = ""
		}
	}
	return st, true
}

// keptRequest is the form's settings as kept last time, mended: a setting
// the model does not take as it is goes back to the model's default, and
// the rest (the kind, the model, the prompt) stays. An incomplete form is
// kept as it was left: a premium model's missing prompt or last frame is
// the creator's to give, not a reason to forget the rest.
func keptRequest(data []byte) (client.Request, bool) {
	r := client.NewRequest("")
	if json.Unmarshal(data, &r) != nil {
		return r, false
	}
	r.InitImage, r.EndImage = "", ""
	m, known := r.Model()
	if !known && r.Family.Or() != client.FamilySeed {
		def := client.NewRequest("")
		def.Prompt, def.NegativePrompt = r.Prompt, r.NegativePrompt
		r = def
		m, known = r.Model()
	}
	def := client.NewRequest("")
	if known {
		def = client.NewRequestFor(m, "")
	}
	check := func(r client.Request) []client.FieldError {
		r.InitImage = "https://example.com/a.png" // the pictures are not the form's
		if m.EndFrame {
			r.EndImage = "https://example.com/b.png"
		}
		var e *client.Error
		if err := r.Validate(); errors.As(err, &e) {
			return e.Fields
		}
		return nil
	}
	bad := check(r)
	if len(bad) == 0 {
		return r, true
	}
	// Field by field, by the API's names for them.
	var have, defaults map[string]json.RawMessage
	a, _ := json.Marshal(r)
	b, _ := json.Marshal(def)
	if json.Unmarshal(a, &have) != nil || json.Unmarshal(b, &defaults) != nil {
		return def, true
	}
	for _, f := range bad {
		if f.Field == "prompt" && strings.TrimSpace(r.Prompt) == "" {
			continue // the model asks for one: the creator's to type
		}
		if v, ok := defaults[f.Field]; ok {
			have[f.Field] = v
		} else {
			delete(have, f.Field)
		}
	}
	mended := client.NewRequest("")
	c, _ := json.Marshal(have)
	if json.Unmarshal(c, &mended) != nil {
		return def, true
	}
	for _, f := range check(mended) {
		if f.Field != "prompt" || strings.TrimSpace(mended.Prompt) != "" {
			return def, true // still not a form Vivify would make: the model's defaults
		}
	}
	return mended, true
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

// remember keeps the window's size, the form and the pictures chosen for
// next time.
func (w *Window) remember(p fyne.Preferences) {
	size := w.win.Canvas().Size()
	st := savedState{Width: size.Width, Height: size.Height}
	if data, err := json.Marshal(w.params.read()); err == nil {
		raw := json.RawMessage(data)
		st.Params = &raw
		p.SetString(prefParams, string(data))
	}
	st.Picture, st.Link = w.source.kept()
	if w.endFrame.Content().Visible() {
		st.EndPicture, st.EndLink = w.endFrame.kept()
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

// restore brings back what remember kept: the size, the form, and the
// pictures that are still there.
func (w *Window) restore() {
	st := readWindowState(w.app)
	if size, ok := st.size(); ok {
		w.win.Resize(size)
	}
	if st.Params != nil {
		if r, ok := keptRequest(*st.Params); ok {
			w.params.SetRequest(r)
		}
	}
	w.source.restore(st.Picture, st.Link)
	if w.endFrame.Content().Visible() {
		w.endFrame.restore(st.EndPicture, st.EndLink)
	}
}

// drawnMark is an invisible pixel over the window whose drawing calls
// AfterDrawn's function, once: work that can wait (decoding thumbnails,
// asking the keychain) then starts after the window's first drawing
// rather than beside it.
func (w *Window) drawnMark() fyne.CanvasObject {
	mark := canvas.NewRaster(func(int, int) image.Image {
		if !w.drawn { // drawing is on the UI goroutine
			w.drawn = true
			if f := w.afterDrawn; f != nil {
				w.afterDrawn = nil
				go w.deps.RunOnUI(f) // after the drawing, not inside it
			}
		}
		return image.NewNRGBA(image.Rect(0, 0, 1, 1))
	})
	mark.Resize(fyne.NewSize(1, 1)) // one pixel, not a layer the window's size
	return container.NewWithoutLayout(mark)
}

// AfterDrawn calls f on the UI goroutine once the window's content has
// first been drawn (at once if it has been).
func (w *Window) AfterDrawn(f func()) {
	if w.drawn {
		f()
		return
	}
	w.afterDrawn = f
}

// readWindowState is what was kept at the last close: the window's
// state file, else (from earlier versions) the preferences.
func readWindowState(app fyne.App) savedState {
	p := app.Preferences()
	st := savedState{Width: float32(p.Float(prefWidth)), Height: float32(p.Float(prefHeight))}
	if params := p.String(prefParams); params != "" {
		raw := json.RawMessage(params)
		st.Params = &raw
	}
	if path := stateFile(app); path != "" {
		if data, err := picture.ReadOwnFile(path, maxStateFile); err == nil {
			if saved, ok := decodeWindowState(data); ok {
				st = saved
			}
		}
	}
	return st
}

// size is the window's kept size, if one was kept and is not too small.
func (st savedState) size() (fyne.Size, bool) {
	return fyne.NewSize(st.Width, st.Height), st.Width >= 640 && st.Height >= 480
}

// welcome is shown at the first start, when no key is kept: enter one, or
// practise with simulated results.
func (w *Window) welcome() {
	msg := widget.NewLabel(T("To make videos, Vivify needs your ModelsLab API key. You can also practise first: the built-in sandbox makes simulated videos on this computer, for free."))
	msg.Wrapping = wordWrap()
	var d dialog.Dialog
	key := widget.NewButtonWithIcon(T("Enter my key"), theme.AccountIcon(), func() {
		d.Hide()
		w.ShowSettings()
		w.win.Canvas().Focus(w.keys.Entry) // ready for the key to be pasted
	})
	key.Importance = widget.HighImportance
	practice := widget.NewButtonWithIcon(T("Practise for free"), theme.MediaPlayIcon(), func() { d.Hide(); w.EnterPractice() })
	body := container.NewVBox(msg, container.NewCenter(container.NewHBox(key, practice)), widget.NewSeparator(), w.newUpdateSwitch())
	fyne.CurrentApp().Preferences().SetBool(prefUpdatesAsked, true)
	d = dialog.NewCustomWithoutButtons(T("Welcome to Vivify"), body, w.win)
	d.Resize(fyne.NewSize(520, 240))
	w.deps.dialogs.Show(d)
}

// Practice reports whether new videos are simulated.
func (w *Window) Practice() bool { return w.deps.Engine.InPractice() }

// EnterPractice switches to practice mode (the welcome's "Practise for
// free").
func (w *Window) EnterPractice() { w.SetPractice(true) }

// Keys is the key panel of the settings.
func (w *Window) Keys() *KeySettings { return w.keys }

// Presets is the preset row.
func (w *Window) Presets() *Presets { return w.presets }

func (w *Window) updateStatus() {
	text := beingMade(w.deps.Engine.InFlight())
	if w.Practice() {
		text += T(" · practice mode")
	}
	if spent := w.deps.Engine.SpentToday(w.Practice()); spent > 0 {
		text += Tf(" · spent today: %s", costWords(jobs.Cost{Amount: spent}, w.Practice()))
	}
	w.status.SetText(Tf("%s · library: %s", text, w.deps.Engine.Library()))
}

// beingMade says in words how many videos the server is making.
func beingMade(n int) string {
	switch n {
	case 0:
		return T("No videos being made")
	}
	return Tn("%d videos being made", n, n)
}

// Generate queues a job with the chosen image and the form's settings; the
// job appears in the gallery at once.
func (w *Window) Generate() {
	if w.win.Canvas().Overlays().Top() != nil {
		return // Ctrl+Enter behind a dialog or a menu: that has the keyboard
	}
	if !w.deps.Engine.HasClient() {
		w.say(T("Real videos need your ModelsLab API key: enter it in Settings. Or turn on practice mode there to try Vivify for free."))
		return
	}
	file, link, err := w.source.Chosen()
	if err != nil {
		w.say(errorText(err))
		w.aboutPicture = true
		return
	}
	req, err := w.params.Request(firstNonEmpty(link, "https://upload.invalid/"))
	if err != nil && !onlyEndImage(err) {
		w.say(attentionWords(err))
		return
	}
	spec := jobs.Spec{Request: req, File: file, URL: link}
	if m := w.params.ChosenModel(); m.EndFrame {
		endFile, endLink, err := w.endFrame.Chosen()
		if err != nil {
			w.say(Tf("%s needs the last frame too: choose the picture the video should end on.", m.Name))
			return
		}
		spec.EndFile, spec.Request.EndImage = endFile, endLink
		if endFile != "" {
			spec.Request.EndImage = ""
		}
	}
	if link != "" {
		// The link is checked before it is sent: a link to no picture is
		// said now, in words, not by the server a while later.
		w.gen.Disable()
		w.say(T("Checking the link…"))
		w.message.Importance = widget.MediumImportance
		w.source.WhenLinkChecked(func(_ client.LinkInfo, err error, ok bool) {
			w.gen.Enable()
			w.message.Importance = widget.DangerImportance
			switch {
			case !ok:
				w.say("") // the link changed meanwhile: nothing was sent
			case err != nil:
				// What is wrong, and what to do, is said under the link;
				// here, in short, that nothing was sent.
				w.say(Tf("Nothing was sent: %s", linkSummary(err)))
				w.aboutPicture = true
			default:
				w.say("") // checked: the question, if any, comes next
				w.send(spec)
			}
		})
		return
	}
	w.send(spec)
}

// send sends spec as Generate asked: one video, or a set of takes; its
// price is said first, and asked about above the creator's limit.
func (w *Window) send(spec jobs.Spec) {
	specs, err := w.takes.specs(spec)
	if err != nil {
		w.say(errorText(err))
		return
	}
	w.takes.confirm(specs, func() { w.addAll(specs) })
}

// settingsNeedAttention starts the message of a form with problems.
const settingsNeedAttention = "Some settings need attention:"

// attentionWords is the message above Generate for a form with problems:
// each problem in words, so none blocks Generate unseen (a note beside a
// row that is hidden, or folded away, would not be seen).
func attentionWords(err error) string {
	var e *client.Error
	if !errors.As(err, &e) || len(e.Fields) == 0 {
		return T(settingsNeedAttention) + " " + err.Error()
	}
	var msgs []string
	for _, f := range e.Fields {
		if f.Field == "end_image" || slices.Contains(msgs, fieldWords(f)) {
			continue // the last frame says so beside itself
		}
		msgs = append(msgs, fieldWords(f))
	}
	return T(settingsNeedAttention) + " " + strings.Join(msgs, " ")
}

// add queues the job of spec; the job appears in the gallery at once.
// addAll adds the jobs of specs (a set's takes, in order), off the UI
// goroutine; the first is shown, and a set's takes are opened.
func (w *Window) addAll(specs []jobs.Spec) {
	w.say("")
	w.gen.Disable()
	go func() {
		var first jobs.Job
		var err error
		for i, spec := range specs {
			var j jobs.Job
			j, err = w.deps.Engine.Add(spec) // disk work: not on the UI goroutine
			if err != nil {
				if i > 0 {
					err = fmt.Errorf("take %d of %d was not made: %w", i+1, len(specs), err)
				}
				break
			}
			if i == 0 {
				first = j
			}
		}
		w.deps.RunOnUI(func() {
			w.gen.Enable()
			if err != nil {
				w.say(errorText(err))
			}
			switch {
			case first.ID == "":
			case first.Set != "":
				w.gallery.OpenSet(first.Set)
			default:
				w.gallery.SelectJob(first.ID) // its progress, then its video, in the details
			}
		})
	}()
}

func (w *Window) say(msg string) {
	w.aboutPicture = false
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
		w.say(T("Only pictures can be dropped here (PNG, JPEG, GIF or WebP)."))
	case len(files) == 1:
		w.source.SetFile(files[0])
	default:
		req, err := w.params.Request("https://upload.invalid/")
		if err != nil {
			w.say(attentionWords(err))
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
					w.say(Tf("These could not be added: %s", strings.Join(failed, ", ")))
				} else {
					w.say("")
				}
			})
		}()
	}
}

// shortcutText is how the system writes Generate's shortcut: Ctrl+Enter
// (Cmd+Return on macOS), with the keys' names of the language.
func shortcutText() string {
	if runtime.GOOS == "darwin" {
		return "⌘+" + T("Return")
	}
	return Tf("Ctrl+%s", T("Enter"))
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// timeLeft is the gallery's words for a running job's progress.
func timeLeft(eng *jobs.Engine, j jobs.Job) string {
	switch j.State {
	case jobs.Preparing:
		return Tf("uploading %d%%", int(j.Progress*100))
	case jobs.Downloading:
		return Tf("saving %d%%", int(j.Progress*100))
	case jobs.Processing, jobs.Submitting:
		if est, ok := eng.Remaining(j.ID); ok {
			if est.Overdue {
				return T("any moment now")
			}
			if s := int(est.Left.Round(time.Second).Seconds()); s < 90 {
				return Tn("about %d seconds left", s, s)
			}
			m := int(est.Left.Minutes() + 0.5)
			return Tn("about %d min left", m, m)
		}
		return T("being made")
	case jobs.Queued:
		if j.Note != "" {
			return T("waiting")
		}
		return T("queued")
	case jobs.Failed, jobs.Interrupted:
		if j.Failure != nil {
			return Tk(j.Failure.Message)
		}
	}
	return stateWords(j)
}
