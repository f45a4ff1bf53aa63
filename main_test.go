//go:build unix

package main

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// windowEnv is set by make test, which runs this test under Xvfb.
const windowEnv = "VIVIFY_WINDOW_TEST"

// The real binary starts in practice mode with a picture, its window
// appears, Ctrl+Enter makes a video that lands in the library, and a
// screenshot shows more than a blank screen. Fyne's thread checks are on in
// this build, and it is built with the race detector: a widget touched off
// the UI goroutine is reported in the app's output, and fails the test.
func TestRealWindowUnderXvfb(t *testing.T) {
	if os.Getenv(windowEnv) != "1" {
		if os.Getenv("CI") != "" {
			t.Fatal("in CI this test runs under Xvfb: run it through make test")
		}
		t.Skip("needs a display: make test runs this under Xvfb")
	}
	for _, tool := range []string{"xdotool", "import"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is missing (make test installs it)", tool)
		}
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "vivify")
	// With the race detector: a widget touched off the UI goroutine races
	// with the painting of the window, and is reported.
	if out, err := exec.Command("go", "build", "-race", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	picture := filepath.Join(dir, "harbour.png")
	writeTestPicture(t, picture)
	library := filepath.Join(dir, "library")
	app := exec.Command(bin, "--practice", "--library", library, picture)
	app.Env = append(os.Environ(), "HOME="+dir)
	var logs bytes.Buffer
	app.Stdout, app.Stderr = &logs, &logs
	if err := app.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { app.Process.Kill(); app.Wait() }()

	start := time.Now()
	var win string
	for {
		out, _ := exec.Command("xdotool", "search", "--name", "^Vivify$").Output()
		if ids := strings.Fields(string(out)); len(ids) > 0 {
			win = ids[0]
			break
		}
		if time.Since(start) > 30*time.Second {
			t.Fatalf("no window after 30 s; the app said:\n%s", logs.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Logf("window shown %v after start", time.Since(start).Round(time.Millisecond))
	time.Sleep(2 * time.Second) // drawn, and the picture read

	// Generate with the keyboard, and wait for the video in the library.
	if out, err := exec.Command("xdotool", "windowfocus", "--sync", win).CombinedOutput(); err != nil {
		t.Fatalf("focus: %v\n%s", err, out)
	}
	if out, err := exec.Command("xdotool", "key", "--clearmodifiers", "ctrl+Return").CombinedOutput(); err != nil {
		t.Fatalf("Ctrl+Enter: %v\n%s", err, out)
	}
	var video string
	for video == "" {
		found, _ := filepath.Glob(filepath.Join(library, "*", "*.gif"))
		if len(found) > 0 {
			video = found[0]
			break
		}
		if time.Since(start) > 90*time.Second {
			t.Fatalf("no video in the library after 90 s; the app said:\n%s", logs.String())
		}
		time.Sleep(250 * time.Millisecond)
	}
	t.Logf("video made: %s", filepath.Base(video))
	time.Sleep(5 * time.Second) // decoded (slower with the race detector) and playing
	shot := filepath.Join(dir, "shot.png")
	if out, err := exec.Command("import", "-window", "root", shot).CombinedOutput(); err != nil {
		t.Fatalf("screenshot: %v\n%s", err, out)
	}
	f, err := os.Open(shot)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	if colours := distinct(img, 50); colours < 20 {
		t.Fatalf("the screenshot has %d colours: the window is not drawn", colours)
	}
	if keep := os.Getenv("VIVIFY_SCREENSHOT"); keep != "" {
		data, _ := os.ReadFile(shot)
		os.WriteFile(keep, data, 0o644)
	}
	if strings.Contains(logs.String(), "panic") {
		t.Fatalf("the app panicked:\n%s", logs.String())
	}
	if strings.Contains(logs.String(), "Fyne call thread") || strings.Contains(logs.String(), "DATA RACE") {
		t.Fatalf("a widget was touched off the UI goroutine:\n%s", logs.String())
	}
}

func writeTestPicture(t *testing.T, path string) {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, 320, 240))
	for y := 0; y < 240; y++ {
		for x := 0; x < 320; x++ {
			img.Pix[img.PixOffset(x, y)+0] = uint8(x * 255 / 320)
			img.Pix[img.PixOffset(x, y)+1] = uint8(y * 255 / 240)
			img.Pix[img.PixOffset(x, y)+2] = 160
			img.Pix[img.PixOffset(x, y)+3] = 255
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// distinct counts the colours of img, up to limit.
func distinct(img image.Image, limit int) int {
	seen := map[uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 3 {
		for x := b.Min.X; x < b.Max.X; x += 3 {
			r, g, bl, _ := img.At(x, y).RGBA()
			seen[r>>8<<16|g>>8<<8|bl>>8] = true
			if len(seen) >= limit {
				return len(seen)
			}
		}
	}
	return len(seen)
}
