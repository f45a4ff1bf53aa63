// Vivify turns a still image into a short video with the ModelsLab
// image-to-video API. See README.md.
package main

import (
	"flag"
	"path/filepath"
	"sync"
	"time"

	"fyne.io/fyne/v2/app"

	"vivify/client"
	"vivify/client/sandbox"
	"vivify/gui"
	"vivify/icons"
	"vivify/internal/prefsfile"
)

func main() {
	practice := flag.Bool("practice", false, "practise with a simulated service on this computer: no key, no cost")
	library := flag.String("library", "", "the library folder (default: the one chosen in Settings, or Vivify in your Videos folder)")
	flag.Parse()

	const id = "io.vivify.app" // as in FyneApp.toml
	// Fyne reads its preferences as the app is made: a pipe or a huge
	// file there must be moved aside first, or the window never appears.
	notice := prefsfile.Check(prefsfile.Path(id))
	a := app.NewWithID(id)
	a.SetIcon(icons.App)
	var picture string // opened with a picture, as a file manager does
	if flag.NArg() > 0 {
		picture, _ = filepath.Abs(flag.Arg(0))
	}
	var mu sync.Mutex // the practice server, started on first use
	var srv *sandbox.Server
	var startErr error
	gui.Run(a, gui.StartOptions{
		Practice: *practice,
		Library:  *library,
		Picture:  picture,
		Notice:   notice,
		StartPractice: func(stateDir string) (*client.Client, error) {
			mu.Lock()
			defer mu.Unlock()
			if srv == nil && startErr == nil {
				srv, startErr = sandbox.Start(sandbox.WithJobDuration(6*time.Second), sandbox.WithPremiumJobDuration(90*time.Second),
					sandbox.WithStateDir(stateDir))
			}
			if startErr != nil { // every call says so, not only the first
				return nil, startErr
			}
			return client.New(sandbox.PracticeKey, client.WithBaseURL(srv.URL))
		},
		StopPractice: func() {
			mu.Lock()
			defer mu.Unlock()
			if srv != nil {
				srv.Close()
			}
		},
	})
}
