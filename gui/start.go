package gui

import (
	"context"
	"errors"
	"io/fs"
	"log"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"vivify/client"
	"vivify/internal/instance"
	"vivify/internal/picker"
	"vivify/internal/update"
	"vivify/jobs"
	"vivify/keychain"
	"vivify/preview"
)

// StartOptions are what main learned from the command line.
type StartOptions struct {
	Practice bool   // start in practice mode, whatever was chosen last time
	Library  string // "" for the one chosen in Settings, or the default
	Picture  string // a picture the app was opened with, or ""
	// StartPractice starts the built-in practice server (once), keeping
	// its jobs in stateDir so that they outlive a restart, and returns a
	// client for it; StopPractice stops it if it was started.
	StartPractice func(stateDir string) (*client.Client, error)
	StopPractice  func()
	// Exit ends the process; os.Exit in the app.
	Exit func(code int)
	// Notice is what was found before the app was made (a settings file
	// moved aside, prefsfile.Check), for the window to list.
	Notice string
	// Pick shows the system's file chooser (picker.Pick when nil).
	Pick func(context.Context, picker.Request) (string, error)
}

// windowUp, in the app, is closed once the window is up: work that can
// wait (opening the video shown last time) waits for it, rather than
// take a core from the window's first drawing. nil in tests.
var windowUp atomic.Pointer[chan struct{}]

// afterWindowUp waits until the window is up, for at most a second.
func afterWindowUp() {
	if up := windowUp.Load(); up != nil {
		select {
		case <-*up:
		case <-time.After(time.Second):
		}
	}
}

// quitGrace is how long quitting may take once the window is closed: what
// must be saved is saved before the window goes, and if the toolkit's
// teardown has not ended the process by then, it is ended.
var quitGrace = 2 * time.Second

// Run starts Vivify: it opens the library (handing the picture to a copy
// that already has it open), shows the window, and returns once the app
// has quit. A library that cannot be opened gets a window that says why
// and offers another folder.
func Run(a fyne.App, o StartOptions) {
	if o.Library == "" {
		o.Library = a.Preferences().String(PrefLibrary)
	}
	if o.Library == "" {
		o.Library = jobs.DefaultLibrary()
	}
	if o.Exit == nil {
		o.Exit = os.Exit
	}
	// Every word is made in the language chosen in Settings, else the
	// system's; so it is chosen before any widget is.
	applyLanguage(a.Preferences().String(PrefLanguage))
	// And the look chosen there, before anything is drawn.
	applySavedTheme(a)
	lookKnown := systemLookKnown(a, time.Second)
	// The mode is the one chosen last time, unless the command line asks
	// for practice.
	o.Practice = o.Practice || a.Preferences().Bool(prefPractice)
	s := &starter{a: a, o: o}
	up := make(chan struct{})
	windowUp.Store(&up)
	// The window comes first, as a native app's does: the library is read
	// and the fonts are loaded while the display is connected and the
	// window made, and Vivify fills the window once they are ready. (Reading
	// 1,000 jobs and building the window before showing it made the window
	// come 1.4 times as late as a hello-world's.)
	loaded := make(chan opened, 1)
	locked := make(chan struct{})
	opts := s.options(o.Library)
	opts.Locked = func() { close(locked) }
	opts.Readers = max(1, runtime.NumCPU()-1) // a core for the window
	go func() {
		e, err := jobs.Open(opts)
		loaded <- opened{e, err}
	}()
	fonts := make(chan struct{})
	go func() { <-lookKnown; PrepareFonts(); close(fonts) }()
	s.win = a.NewWindow(Title)
	// Whether another copy has the library open is known before the window
	// shows: then this start's picture is handed to that copy, and no window
	// flashes.
	select {
	case <-locked:
	case lib := <-loaded:
		if errors.Is(lib.err, jobs.ErrLibraryInUse) {
			if err := instance.Hand(o.Library, o.Picture, 5*time.Second); err == nil {
				return
			}
		}
		loaded <- lib // for fill, below
	}
	size := fyne.NewSize(1200, 760)
	if kept, ok := readWindowState(a).size(); ok {
		size = kept
	}
	s.win.SetContent(container.NewCenter())
	s.win.Resize(size)
	a.Lifecycle().SetOnStarted(func() {
		close(up)
		s.startedUp = true // showMain starts the window it fills
		go s.fillWhenRead(loaded, fonts, openingSlow)
		// Starting leaves garbage behind (the library's job files, the
		// fonts' tables): once the window has settled, give it back to the
		// system rather than hold it until the runtime gets round to it.
		//
		// From then on the heap is mostly frames (pointer-free, cheap to
		// collect) held for as long as a video is shown: collecting at half
		// again the live heap rather than twice it keeps the peak of a 1080p
		// video in Finish 44 MB lower (measured: 477 MB rather than 521), at
		// little cost. While starting it would only collect more often (22
		// times in the first half second). GOGC, when set, still decides.
		time.AfterFunc(2*time.Second, func() {
			if os.Getenv("GOGC") == "" {
				debug.SetGCPercent(50)
			}
			debug.FreeOSMemory()
		})
	})
	s.win.ShowAndRun()
	s.stopping.Store(true) // a library read after the window closed is not shown
	s.shutdown()
}

// opened is the library jobs.Open gave, or why it could not.
type opened struct {
	eng *jobs.Engine
	err error
}

// openingSlow is how long the window stays empty before it says that the
// library is being read.
const openingSlow = 500 * time.Millisecond

// fillWhenRead fills the window once the library is read and the fonts are
// loaded. Until then the window is its background; if that takes longer
// than slow (a slow disk, a huge library), it says why. A library read
// after the window has closed is closed unseen.
func (s *starter) fillWhenRead(loaded <-chan opened, fonts <-chan struct{}, slow time.Duration) {
	filled := false // on the UI goroutine
	say := time.AfterFunc(slow, func() {
		s.runOnUI(func() {
			if !filled {
				s.win.SetContent(container.NewCenter(widget.NewLabel(T("Opening the library…"))))
			}
		})
	})
	lib := <-loaded
	say.Stop()
	if s.stopping.Load() {
		if lib.eng != nil {
			lib.eng.Close()
		}
		return
	}
	<-fonts
	s.runOnUI(func() {
		filled = true
		switch {
		case errors.Is(lib.err, jobs.ErrLibraryInUse):
			s.showInUse()
		case lib.err != nil:
			s.showLibraryProblem(lib.err)
		default:
			s.showMain(lib.eng)
		}
	})
}

type starter struct {
	a    fyne.App
	o    StartOptions
	win  fyne.Window
	main *Window // once the library is open
	// startedUp is set when the app has started (UI goroutine only).
	startedUp bool
	stopping  atomic.Bool
	onMain    func()       // for tests: called once the main window is filled
	ui        func(func()) // for tests: where UI work goes, else fyne.Do
	dialogs   *Dialogs

	mu          sync.Mutex
	eng         *jobs.Engine
	stopServing func()
	ended       sync.Once
}

func (s *starter) options(library string) jobs.Options {
	o := jobs.Options{Library: library, Thumbnailer: preview.Thumbnail, InPractice: s.o.Practice}
	if s.o.StartPractice != nil {
		o.Practice = func() (*client.Client, error) { return s.o.StartPractice(PracticeDir(library)) }
	}
	return o
}

// updateURL is where the update check reads the latest release:
// VIVIFY_UPDATE_URL when set (a stand-in, to look at the notice), else the
// project's releases.
func updateURL() string {
	if u := strings.TrimSpace(os.Getenv("VIVIFY_UPDATE_URL")); u != "" {
		return u
	}
	return update.DefaultURL
}

// PracticeDir is where the practice server of the library keeps its jobs:
// a hidden folder in the library, which the library's reader passes over.
func PracticeDir(library string) string { return filepath.Join(library, ".practice") }

// showMain fills the window with Vivify itself, on the library eng has.
func (s *starter) showMain(eng *jobs.Engine) {
	s.mu.Lock()
	s.eng = eng
	s.mu.Unlock()
	w := NewWindow(s.a, Deps{Engine: eng, Practice: s.o.Practice, RunOnUI: s.runOnUI, Keys: keychain.OS{}, Pick: s.o.Pick,
		NewClient: func(key string) (*client.Client, error) { return client.New(key) },
		UpdateURL: updateURL(), Window: s.win, OnQuit: s.quit, StartNotice: s.o.Notice})
	s.main = w
	if s.o.Picture != "" {
		w.Source().SetFile(s.o.Picture)
	}
	stop, err := instance.Serve(eng.Library(), func(p string) bool {
		return s.comeForward(w, p)
	})
	if err != nil {
		log.Printf("a second start will not find this window: %v", err)
		stop = func() {}
	}
	s.mu.Lock()
	s.stopServing = stop
	s.mu.Unlock()
	if s.startedUp {
		w.AfterDrawn(w.Start)
	}
	if s.onMain != nil {
		s.onMain()
	}
}

// comeForward brings the window to the front with a later start's picture,
// and reports whether it did: a window that is closing, or a UI that no
// longer runs, says no, and the later start does not give its picture away.
func (s *starter) comeForward(w *Window, picture string) bool {
	if s.stopping.Load() {
		return false
	}
	done := make(chan struct{})
	s.runOnUI(func() {
		if picture != "" {
			w.Source().SetFile(picture)
		}
		w.Fyne().Show()
		w.Fyne().RequestFocus()
		close(done)
	})
	select {
	case <-done:
		return true
	case <-time.After(3 * time.Second):
		return false
	}
}

// runOnUI hands f to the UI goroutine, unless the app is quitting: work
// that ends after the window has gone is dropped, rather than sent to an
// event queue the toolkit may have closed.
func (s *starter) runOnUI(f func()) {
	if s.stopping.Load() {
		return
	}
	if s.ui != nil {
		s.ui(f)
		return
	}
	defer func() {
		if r := recover(); r != nil && !s.stopping.Load() {
			panic(r)
		}
	}()
	fyne.Do(f)
}

// quit is called once what must be saved is saved and the window is about
// to close: if the toolkit does not end the process within quitGrace, it
// is ended here, after the same clean-up as a normal end.
func (s *starter) quit() {
	s.stopping.Store(true)
	time.AfterFunc(quitGrace, func() {
		// The clean-up gets a moment of its own; the system releases the
		// library's lock and the listening socket with the process anyway,
		// and every job is on disk as it goes.
		cleaned := make(chan struct{})
		go func() { s.shutdown(); close(cleaned) }()
		select {
		case <-cleaned:
		case <-time.After(time.Second):
		}
		s.o.Exit(0)
	})
}

// shutdown releases the library and the practice server, once.
func (s *starter) shutdown() {
	s.ended.Do(func() {
		s.mu.Lock()
		eng, stop := s.eng, s.stopServing
		s.mu.Unlock()
		if stop != nil {
			stop()
		}
		if eng != nil {
			eng.Close()
		}
		if s.o.StopPractice != nil {
			s.o.StopPractice()
		}
	})
}

// showInUse says the library is open in another copy that did not answer.
func (s *starter) showInUse() {
	s.showProblem(Tf("Vivify is already open with the library in %s, but that copy did not answer. If it is still starting, wait a moment and open Vivify again; if its window is stuck or gone, end it (or restart the computer) first. Two copies never work on one library at once, so no video is made twice.", s.o.Library), false)
}

// showLibraryProblem says why the library cannot be opened and offers
// another folder, or to try again.
func (s *starter) showLibraryProblem(err error) {
	s.showProblem(LibraryProblemText(s.o.Library, err), true)
}

// showProblem fills the window with msg and buttons: Quit, and with
// chooseFolder, "Choose another folder…" and "Try again".
func (s *starter) showProblem(msg string, chooseFolder bool) {
	text := widget.NewLabel(msg)
	text.Wrapping = wordWrap()
	title := widget.NewLabelWithStyle(T("Vivify cannot start"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	if chooseFolder {
		title.SetText(T("Vivify cannot open its library"))
	}
	quit := widget.NewButton(T("Quit"), func() { s.win.Close() })
	buttons := container.NewHBox(quit)
	if chooseFolder {
		retry := widget.NewButtonWithIcon(T("Try again"), theme.ViewRefreshIcon(), func() { s.tryLibrary(s.o.Library) })
		choose := widget.NewButtonWithIcon(T("Choose another folder…"), theme.FolderOpenIcon(), func() {
			r := picker.Request{Kind: picker.Folder, Title: T("Choose the folder for Vivify's videos"), Start: picker.InVideos}
			if s.dialogs == nil {
				s.dialogs = &Dialogs{pick: s.o.Pick}
			}
			s.dialogs.choose(s.win, r, s.tryLibrary)
		})
		choose.Importance = widget.HighImportance
		buttons = container.NewHBox(choose, retry, quit)
	}
	icon := widget.NewIcon(theme.WarningIcon())
	body := container.NewBorder(container.NewHBox(icon, title), container.NewHBox(layout.NewSpacer(), buttons), nil, nil, text)
	s.win.SetContent(container.NewPadded(body))
	s.win.Resize(fyne.NewSize(560, 240))
	s.win.CenterOnScreen()
}

// tryLibrary opens dir off the UI goroutine; on success the window becomes
// Vivify's, and dir is kept as the library for next time.
func (s *starter) tryLibrary(dir string) {
	go func() {
		eng, err := jobs.Open(s.options(dir))
		fyne.Do(func() {
			if err != nil {
				s.o.Library = dir
				if errors.Is(err, jobs.ErrLibraryInUse) {
					s.showInUse()
					return
				}
				s.showLibraryProblem(err)
				return
			}
			s.a.Preferences().SetString(PrefLibrary, dir)
			s.o.Library = dir
			s.showMain(eng)
			s.win.CenterOnScreen()
		})
	}()
}

// LibraryProblemText says, for a creator, why the library folder dir could
// not be opened, and what to do.
func LibraryProblemText(dir string, err error) string {
	var why string
	switch {
	case errors.Is(err, fs.ErrPermission):
		why = T("Vivify is not allowed to write there.")
	case errors.Is(err, fs.ErrExist), errors.Is(err, syscall.ENOTDIR):
		why = T("Something that is not a folder is in the way.")
	case errors.Is(err, fs.ErrNotExist):
		why = T("The folder, or a folder above it, is missing: a disk may have been unplugged.")
	default:
		why = Tf("The system said: %s.", plainError(err))
	}
	return Tf("Your videos are kept in %s, and that folder cannot be used. %s\n\nChoose another folder for your videos, or fix this one and try again. Nothing in it has been changed.", filepath.Clean(dir), why)
}

// ProblemText is a sentence for what failed, from the operation and its
// error.
func ProblemText(op string, err error) string {
	return Tf("Vivify could not %s. %s.", op, capitalise(plainError(err)))
}

// plainError is err's text without Go's "open /x/y:" prefixes.
func plainError(err error) string {
	return problemWords(err)
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
