// Vivify turns a still image into a short video with the ModelsLab
// image-to-video API. See README.md.
package main

import (
	"flag"
	"log"
	"runtime/debug"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"

	"vivify/client"
	"vivify/client/sandbox"
	"vivify/gui"
	"vivify/icons"
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
	if lib.err != nil {
		log.Fatal(lib.err)
	}
	eng := lib.eng
	<-fonts
	w := gui.NewWindow(a, gui.Deps{Engine: eng, Practice: *practice, RunOnUI: fyne.Do, Keys: keychain.OS{},
		NewClient: func(key string) (*client.Client, error) { return client.New(key) }, StartPractice: startPractice,
		Window: win})
	if flag.NArg() > 0 { // opened with a picture
		w.Source().SetFile(flag.Arg(0))
	}
	a.Lifecycle().SetOnStarted(func() {
		w.Start()
		// Starting leaves garbage behind (the library's job files, the
		// fonts' tables): once the window has settled, give it back to the
		// system rather than hold it until the runtime gets round to it.
		time.AfterFunc(2*time.Second, debug.FreeOSMemory)
	})
	w.Fyne().ShowAndRun()
	eng.Close()
	if srv != nil {
		srv.Close()
	}
}
