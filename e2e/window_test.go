//go:build unix

// Package e2e tests the real program from outside: the binary make package
// ships, started under Xvfb, driven with the keyboard, and looked at. It
// imports nothing of Vivify's, so `go test -race ./...` does not build the
// window driver's C code once more for it.
package e2e

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// raceWindowEnv asks for TestRaceBuiltWindow (make test-window-race).
const raceWindowEnv = "VIVIFY_WINDOW_RACE"

// The app built with the race detector makes a video in practice mode.
// Fyne's own thread checks miss a label changed off the UI goroutine; the
// race detector catches it (tried: it reported the painter reading what the
// goroutine wrote), so a clean run here backs fyneDo = true in FyneApp.toml.
// It builds Fyne's C code once more, race-instrumented, which costs CI
// minutes; make test-window-race runs it.
func TestRaceBuiltWindow(t *testing.T) {
	if os.Getenv(raceWindowEnv) != "1" {
		t.Skip("make test-window-race runs this, under Xvfb")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "vivify")
	if out, err := exec.Command("go", "build", "-race", "-o", bin, "vivify").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	logs := practiceRun(t, bin, dir)
	if strings.Contains(logs, "DATA RACE") {
		t.Fatalf("a data race:\n%s", logs)
	}
}

// practiceRun starts bin in practice mode with a picture, waits for its
// window, presses Ctrl+Enter, waits for the video in the library, and
// checks a screenshot shows a drawn window. It returns what the app said.
func practiceRun(t *testing.T, bin, dir string) string {
	t.Helper()
	if os.Getenv("DISPLAY") == "" {
		t.Fatal("no display: make test runs this under Xvfb")
	}
	for _, tool := range []string{"xdotool", "import"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is missing (make test installs it)", tool)
		}
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
		if ids := vivifyWindows(); len(ids) > 0 {
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

	// Opened again, with another picture: the second start hands it to the
	// window that is open and ends, so the video below is of that picture.
	lighthouse := filepath.Join(dir, "lighthouse.png")
	writeTestPicture(t, lighthouse)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	again := exec.CommandContext(ctx, bin, "--practice", "--library", library, lighthouse)
	again.Env = app.Env
	if out, err := again.CombinedOutput(); err != nil {
		t.Fatalf("the second start: %v\n%s", err, out)
	}
	time.Sleep(time.Second)
	if ids := vivifyWindows(); len(ids) != 1 {
		t.Fatalf("windows after the second start: %q", ids)
	}

	// Generate with the keyboard, and wait for the video in the library.
	if out, err := exec.Command("xdotool", "windowfocus", "--sync", win).CombinedOutput(); err != nil {
		t.Fatalf("focus: %v\n%s", err, out)
	}
	if out, err := exec.Command("xdotool", "key", "--clearmodifiers", "ctrl+Return").CombinedOutput(); err != nil {
		t.Fatalf("Ctrl+Enter: %v\n%s", err, out)
	}
	for {
		found, _ := filepath.Glob(filepath.Join(library, "*", "*.gif"))
		if len(found) > 0 {
			t.Logf("video made: %s", filepath.Base(found[0]))
			if !strings.HasSuffix(filepath.Dir(found[0]), "lighthouse") {
				t.Fatalf("the video is not of the picture the second start handed over: %s", found[0])
			}
			break
		}
		if time.Since(start) > 90*time.Second {
			t.Fatalf("no video in the library after 90 s; the app said:\n%s", logs.String())
		}
		time.Sleep(250 * time.Millisecond)
	}
	time.Sleep(5 * time.Second) // decoded (slower with the race detector) and playing
	shot := filepath.Join(dir, "shot.png")
	if out, err := exec.Command("import", "-window", "root", shot).CombinedOutput(); err != nil {
		t.Fatalf("screenshot: %v\n%s", err, out)
	}
	img := readPNG(t, shot)
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
	if strings.Contains(logs.String(), "Fyne call thread") {
		t.Fatalf("a widget was touched off the UI goroutine:\n%s", logs.String())
	}
	return logs.String()
}

// practiceSurvivesKill starts bin in practice mode with a picture, starts a
// video with Ctrl+Enter, kills the program (SIGKILL: no clean-up at all)
// while the practice server is making it, starts the program again, and
// waits for the video to arrive: the practice server, like the real
// service, still has the job after a restart.
func practiceSurvivesKill(t *testing.T, bin, dir string) {
	t.Helper()
	picture := filepath.Join(dir, "portrait.png")
	writeTestPicture(t, picture)
	library := filepath.Join(dir, "library")
	start := func(args ...string) (*exec.Cmd, *bytes.Buffer) {
		app := exec.Command(bin, append([]string{"--practice", "--library", library}, args...)...)
		app.Env = append(os.Environ(), "HOME="+dir)
		var logs bytes.Buffer
		app.Stdout, app.Stderr = &logs, &logs
		if err := app.Start(); err != nil {
			t.Fatal(err)
		}
		return app, &logs
	}
	app, _ := start(picture)
	defer func() { app.Process.Kill(); app.Wait() }()
	win, _ := waitForWindow(t, "the window", 30*time.Second)
	time.Sleep(2 * time.Second) // drawn, and the picture read
	exec.Command("xdotool", "windowfocus", "--sync", win).Run()
	if out, err := exec.Command("xdotool", "key", "--clearmodifiers", "ctrl+Return").CombinedOutput(); err != nil {
		t.Fatalf("Ctrl+Enter: %v\n%s", err, out)
	}
	// Killed once the server has the job and is making it.
	var record string
	waitFor(t, "the job on the practice server", 20*time.Second, func() bool {
		found, _ := filepath.Glob(filepath.Join(library, "*", "job.json"))
		for _, f := range found {
			data, _ := os.ReadFile(f)
			if strings.Contains(string(data), `"state": "processing"`) && strings.Contains(string(data), `"server_id"`) {
				record = f
				return true
			}
		}
		return false
	})
	app.Process.Kill()
	app.Wait()
	if videos, _ := filepath.Glob(filepath.Join(library, "*", "*.gif")); len(videos) > 0 {
		t.Fatalf("the video was made before the kill (%s): the test proves nothing", videos[0])
	}
	t.Logf("killed with %s processing", filepath.Base(filepath.Dir(record)))

	app, logs := start()
	waitFor(t, "the video after the restart", 60*time.Second, func() bool {
		videos, _ := filepath.Glob(filepath.Join(filepath.Dir(record), "*.gif"))
		return len(videos) > 0
	})
	waitFor(t, "the job recorded done", 10*time.Second, func() bool {
		data, _ := os.ReadFile(record)
		return strings.Contains(string(data), `"state": "done"`)
	})
	if strings.Contains(logs.String(), "panic") {
		t.Fatalf("the app panicked:\n%s", logs.String())
	}
}

// vivifyWindows are the ids of the visible windows titled Vivify.
func vivifyWindows() []string {
	out, _ := exec.Command("xdotool", "search", "--onlyvisible", "--name", "^Vivify$").Output()
	return strings.Fields(string(out))
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

// readPNG decodes the PNG at path.
func readPNG(t *testing.T, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return img
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
