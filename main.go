// Vivify turns a still image into a short video with the ModelsLab
// image-to-video API. See README.md.
package main

import (
	"flag"
	"log"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"

	"vivify/client"
	"vivify/client/sandbox"
	"vivify/gui"
	"vivify/jobs"
	"vivify/keychain"
	"vivify/preview"
)

func main() {
	practice := flag.Bool("practice", false, "practise with a simulated service on this computer: no key, no cost")
	library := flag.String("library", "", "the library folder (default: Vivify in your Videos folder)")
	flag.Parse()

	a := app.NewWithID("io.vivify.app")
	opts := jobs.Options{Library: *library, Thumbnailer: preview.Thumbnail}
	if *practice {
		srv, err := sandbox.Start(sandbox.WithJobDuration(6 * time.Second))
		if err != nil {
			log.Fatal(err)
		}
		defer srv.Close()
		opts.Client, _ = client.New("practice", client.WithBaseURL(srv.URL))
	}
	eng, err := jobs.Open(opts)
	if err != nil {
		log.Fatal(err)
	}
	defer eng.Close()
	if !*practice {
		go func() { // the keychain may be slow or locked: never on the UI goroutine
			if key, err := (keychain.OS{}).Get(); err == nil {
				if c, err := client.New(key); err == nil {
					eng.SetClient(c)
				}
			}
		}()
	}
	w := gui.NewWindow(a, gui.Deps{Engine: eng, Practice: *practice, RunOnUI: fyne.Do})
	if flag.NArg() > 0 { // opened with a picture
		w.Source().SetFile(flag.Arg(0))
	}
	w.Fyne().ShowAndRun()
}
