// Command sandbox runs Vivify's local stand-in for the ModelsLab service.
//
//	go run ./cmd/sandbox                 # serve on 127.0.0.1:8123
//	MODELSLAB_BASE_URL=http://127.0.0.1:8123 ...   # point a client at it
//	go run ./cmd/sandbox --demo out/     # make one practice video and exit
package main

import (
	"context"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"log/slog"
	"math"
	"os"
	"os/signal"
	"path/filepath"
	"time"

	"vivify/client"
	"vivify/client/sandbox"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8123", "where to listen")
	demo := flag.String("demo", "", "make one practice video into this folder, then exit")
	jobTime := flag.Duration("job-time", 4*time.Second, "how long a job takes")
	flag.Parse()
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))

	if *demo != "" {
		*addr = "127.0.0.1:0"
	}
	srv, err := sandbox.Start(sandbox.WithAddr(*addr), sandbox.WithJobDuration(*jobTime), sandbox.WithLogger(log))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer srv.Close()
	if *demo != "" {
		if err := runDemo(srv.URL, *demo); err != nil {
			fmt.Fprintln(os.Stderr, "demo:", err)
			os.Exit(1)
		}
		return
	}
	fmt.Printf("Vivify sandbox at %s (simulated results, any key works). Ctrl+C stops it.\n", srv.URL)
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt)
	<-stop
}

// runDemo makes a sample picture, and takes it through the whole path:
// prepare, upload, submit, await, download.
func runDemo(base, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	src := filepath.Join(dir, "sample.png")
	if err := writeSample(src); err != nil {
		return err
	}
	c, err := client.New(sandbox.PracticeKey, client.WithBaseURL(base))
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	fmt.Println("Uploading", src)
	link, _, err := c.Upload(ctx, src)
	if err != nil {
		return err
	}
	req := client.NewRequest(link)
	req.Prompt = "a sunrise over the sea"
	req.InstantResponse = true
	resp, err := c.Submit(ctx, req)
	if err != nil {
		return err
	}
	fmt.Printf("Job %s submitted; the server says about %s.\n", resp.ID, resp.ETA.Round(time.Second))
	done, err := c.Await(ctx, resp.ID, client.AwaitOptions{ETA: resp.ETA})
	if err != nil {
		return err
	}
	out := filepath.Join(dir, "practice-"+resp.ID+".gif")
	if _, err := c.Download(ctx, done.Links(), out, client.DownloadOptions{}); err != nil {
		return err
	}
	fmt.Println("Saved", out)
	return nil
}

func writeSample(path string) error {
	const w, h = 768, 512
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			sky := float64(y) / h
			c := color.NRGBA{uint8(255 - 120*sky), uint8(150 + 60*sky), uint8(90 + 150*sky), 255}
			if y > h*3/5 { // the sea
				c = color.NRGBA{20, uint8(70 + 40*math.Sin(float64(x)/9+float64(y)/3)), 140, 255}
			}
			if dx, dy := float64(x-w/2), float64(y-h*3/5); dx*dx+dy*dy < 70*70 && y <= h*3/5 { // the sun
				c = color.NRGBA{255, 220, 90, 255}
			}
			img.SetNRGBA(x, y, c)
		}
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
