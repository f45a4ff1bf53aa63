// Vivify turns a still image into a short video with the ModelsLab
// image-to-video API. See README.md.
package main

import (
	"errors"
	"flag"
	"log"
	"path/filepath"
	"runtime/debug"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"vivify/client"
	"vivify/client/sandbox"
	"vivify/gui"
	"vivify/icons"
	"vivify/internal/instance"
	"vivify/jobs"
	"vivify/keychain"
	"vivify/preview"
)

func main() {
	practice := flag.Bool("practice", false, "practise with a simulated service on this computer: no key, no cost")
	library := flag.String("library", "", "the library folder (default: the one chosen in Settings, or Vivify in your Videos folder)")
	flag.Parse()

	a := app.NewWithID("io.vivify.app") // as in FyneApp.toml
	a.SetIcon(icons.App)
	if *library == "" {
		*library = a.Preferences().String(gui.PrefLibrary)
	}
	var srv *sandbox.Server
	var startErr error
	var once sync.Once
	startPractice := func() (*client.Client, error) {
		once.Do(func() { srv, startErr = sandbox.Start(sandbox.WithJobDuration(6 * time.Second)) })
		if startErr != nil { // every call says so, not only the first
			return nil, startErr
		}
		return client.New("practice", client.WithBaseURL(srv.URL))
	}
	if *library == "" {
		*library = jobs.DefaultLibrary()
	}
	var picture string // opened with a picture, as a file manager does
	if flag.NArg() > 0 {
		picture, _ = filepath.Abs(flag.Arg(0))
	}
	opts := jobs.Options{Library: *library, Thumbnailer: preview.Thumbnail}
	if *practice {
		c, err := startPractice()
		if err != nil {
			log.Fatal(err)
		}
		opts.Client = c
	}
	// Three things overlap at start: reading the library, loading the fonts,
	// and connecting to the display (the first window does that).
	type opened struct {
		eng *jobs.Engine
		err error
	}
	loaded := make(chan opened, 1)
	go func() { e, err := jobs.Open(opts); loaded <- opened{e, err} }()
	fonts := make(chan struct{})
	go func() { gui.PrepareFonts(); close(fonts) }()
	win := a.NewWindow(gui.Title)
	lib := <-loaded
	if errors.Is(lib.err, jobs.ErrLibraryInUse) {
		// Opened a second time: the copy that has the library comes to the
		// front, with this start's picture.
		if err := instance.Hand(*library, picture, 5*time.Second); err == nil {
			return
		}
		showInUse(win, *library)
		return
	}
	if lib.err != nil {
		log.Fatal(lib.err)
	}
	eng := lib.eng
	<-fonts
	w := gui.NewWindow(a, gui.Deps{Engine: eng, Practice: *practice, RunOnUI: fyne.Do, Keys: keychain.OS{},
		NewClient: func(key string) (*client.Client, error) { return client.New(key) }, StartPractice: startPractice,
		Window: win})
	if picture != "" {
		w.Source().SetFile(picture)
	}
	stopServing, err := instance.Serve(*library, func(p string) {
		fyne.Do(func() {
			if p != "" {
				w.Source().SetFile(p)
			}
			w.Fyne().Show()
			w.Fyne().RequestFocus()
		})
	})
	if err != nil {
		log.Printf("a second start will not find this window: %v", err)
		stopServing = func() {}
	}
	a.Lifecycle().SetOnStarted(func() {
		w.Start()
		// Starting leaves garbage behind (the library's job files, the
		// fonts' tables): once the window has settled, give it back to the
		// system rather than hold it until the runtime gets round to it.
		time.AfterFunc(2*time.Second, debug.FreeOSMemory)
	})
	w.Fyne().ShowAndRun()
	stopServing()
	eng.Close()
	if srv != nil {
		srv.Close()
	}
}

// showInUse says the library is open in another copy that did not answer.
func showInUse(win fyne.Window, library string) {
	msg := widget.NewLabel("Vivify is already open with the library in " + library +
		", but that copy did not answer. If it is still starting, wait a moment and open Vivify again; " +
		"if its window is stuck, close it first. Two copies never work on one library at once, so no video is made twice.")
	msg.Wrapping = fyne.TextWrapWord
	win.SetContent(container.NewBorder(nil, container.NewCenter(widget.NewButton("Close", win.Close)), nil, nil, msg))
	win.Resize(fyne.NewSize(460, 200))
	win.CenterOnScreen()
	win.ShowAndRun()
}
