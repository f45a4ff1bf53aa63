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

// The real binary starts in practice mode, its window appears, and a
// screenshot of it shows more than a blank screen.
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
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	app := exec.Command(bin, "--practice", "--library", filepath.Join(dir, "library"))
	app.Env = append(os.Environ(), "HOME="+dir)
	var logs bytes.Buffer
	app.Stdout, app.Stderr = &logs, &logs
	if err := app.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { app.Process.Kill(); app.Wait() }()

	start := time.Now()
	for {
		out, _ := exec.Command("xdotool", "search", "--name", "^Vivify$").Output()
		if len(bytes.TrimSpace(out)) > 0 {
			break
		}
		if time.Since(start) > 30*time.Second {
			t.Fatalf("no window after 30 s; the app said:\n%s", logs.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Logf("window shown %v after start", time.Since(start).Round(time.Millisecond))
	time.Sleep(2 * time.Second) // drawn
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
