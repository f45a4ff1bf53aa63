//go:build unix

package e2e

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"image"
	"image/color"
	"image/gif"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// hostileLibrary starts the built program under Xvfb on a library that
// holds every hostile job folder of issue 20 at once, in a home folder of
// its own with a .profile and Vivify's own settings files made pipes: the
// window appears, no file of the home folder outside the library and
// Vivify's own settings changes, and the jobs that could be made safe are.
// shots, when set, is a folder for a screenshot of the window.
func hostileLibrary(t *testing.T, bin, shots string) {
	t.Helper()
	home := t.TempDir()
	library := filepath.Join(home, "Videos", "Vivify")
	os.MkdirAll(library, 0o755)
	os.WriteFile(filepath.Join(home, ".profile"), []byte("# the creator's own\nexport PATH=$HOME/bin:$PATH\n"), 0o644)
	os.MkdirAll(filepath.Join(home, "Pictures"), 0o755)
	writeTestPicture(t, filepath.Join(home, "Pictures", "private.png"))
	settings := filepath.Join(home, ".config", "fyne", "io.vivify.app")
	os.MkdirAll(settings, 0o700)
	for _, name := range []string{"preferences.json", "window.json"} {
		if err := syscall.Mkfifo(filepath.Join(settings, name), 0o600); err != nil {
			t.Fatal(err)
		}
	}

	// A video served without an extension in its link.
	var video bytes.Buffer
	pal := color.Palette{color.Black, color.White}
	anim := &gif.GIF{}
	for i := range 4 {
		img := image.NewPaletted(image.Rect(0, 0, 64, 48), pal)
		img.SetColorIndex(i*8, i*8, 1)
		anim.Image, anim.Delay = append(anim.Image, img), append(anim.Delay, 20)
	}
	gif.EncodeAll(&video, anim)
	files := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(video.Bytes()) }))
	defer files.Close()

	job := func(name string, rec map[string]any) string {
		dir := filepath.Join(library, name)
		os.MkdirAll(dir, 0o755)
		rec["practice"] = true // no key is needed: hostile folders need none either
		data, _ := json.Marshal(rec)
		os.WriteFile(filepath.Join(dir, "job.json"), data, 0o644)
		return dir
	}
	now := time.Now().UTC().Format(time.RFC3339)
	req := map[string]any{"model_id": "svd", "output_type": "/../../../.profile", "width": 64, "height": 48, "num_frames": 4, "fps": 4}
	job("2026-12-01 10-00 output type", map[string]any{"version": 1, "id": "outtype", "state": "downloading", "request": req,
		"links": []string{files.URL + "/video"}, "created": now})
	job("2026-12-01 10-01 no links", map[string]any{"version": 1, "id": "nolinks", "state": "downloading", "request": req,
		"links": []string{}, "created": now})
	job("2026-12-01 10-02 bad id", map[string]any{"version": 1, "id": "badid", "state": "processing", "request": req,
		"server_id": "../../../wallet_balance?x=", "created": now})
	versions := []map[string]any{{"file": "source.png"}, {"file": "../../../.profile"}, {"file": filepath.Join(home, ".profile")},
		{"file": "linked.gif"}, {"file": "a\u202egpj.gif"}}
	for i := range 2000 {
		versions = append(versions, map[string]any{"file": "take " + strings.Repeat("x", 3) + string(rune('a'+i%26)) + " " + strconv.Itoa(i) + ".gif",
			"label": strings.Repeat("a long label ", 20)})
	}
	for _, state := range []string{"done", "failed"} {
		dir := job("2026-12-01 10-03 versions "+state, map[string]any{"version": 1, "id": "versions-" + state, "state": state,
			"request": req, "output": "video.gif", "source_file": "source.png", "created": now, "versions": versions})
		writeTestPicture(t, filepath.Join(dir, "source.png"))
		os.WriteFile(filepath.Join(dir, "video.gif"), video.Bytes(), 0o644)
		os.Symlink(filepath.Join(home, "Pictures", "private.png"), filepath.Join(dir, "linked.gif"))
		os.Symlink(filepath.Join(home, "Pictures", "private.png"), filepath.Join(dir, "thumb.png"))
	}
	job("2026-12-01 10-04 queued elsewhere", map[string]any{"version": 1, "id": "foreign", "state": "queued", "request": req,
		"source": map[string]any{"url": files.URL + "/a.png", "name": "a"}, "created": now})
	job("2026-12-01 10-05 unknown state", map[string]any{"version": 1, "id": "warp", "state": "warp\u202e\u0007", "created": now})
	os.MkdirAll(filepath.Join(library, "holiday photos"), 0o755)
	// The practice server's state, tampered: a balance that is no amount,
	// an upload that is a link to a private picture.
	practice := filepath.Join(library, ".practice")
	os.MkdirAll(filepath.Join(practice, "uploads"), 0o700)
	os.Symlink(filepath.Join(home, "Pictures", "private.png"), filepath.Join(practice, "uploads", "1.png"))
	os.WriteFile(filepath.Join(practice, "state.json"), []byte(`{"balance":null,"uploads":["temp/1.png"],"next_id":-3}`), 0o600)
	// The hand-off file a pipe.
	syscall.Mkfifo(filepath.Join(library, ".vivify-instance"), 0o600)

	// Skipped: the library, Vivify's own settings, and the user's cache
	// folder, where the toolkit keeps its index of the system's fonts.
	cache := filepath.Join(home, ".cache")
	before := hashTree(t, home, library, settings, cache)
	app := exec.Command(bin, "--practice", "--library", library)
	app.Env = append(os.Environ(), "HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, ".config"))
	var logs bytes.Buffer
	app.Stdout, app.Stderr = &logs, &logs
	if err := app.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { app.Process.Kill(); app.Wait() }()
	_, took := waitForWindow(t, "the window on the hostile library", 30*time.Second)
	t.Logf("the window appeared %v after start", took.Round(time.Millisecond))
	deadline := time.Now().Add(30 * time.Second)
	for {
		data, _ := os.ReadFile(filepath.Join(library, "2026-12-01 10-00 output type", "job.json"))
		if strings.Contains(string(data), `"state": "done"`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the job with the hostile output type was not saved:\n%s\nthe app said:\n%s", data, logs.String())
		}
		time.Sleep(200 * time.Millisecond)
	}
	time.Sleep(3 * time.Second) // the rest settle, and are drawn
	if shots != "" {
		os.MkdirAll(shots, 0o755)
		exec.Command("import", "-window", "root", filepath.Join(shots, "hostile-library.png")).Run()
	}
	if hold, _ := time.ParseDuration(os.Getenv("VIVIFY_HOLD")); hold > 0 {
		time.Sleep(hold) // to look at it by hand
	}
	if strings.Contains(logs.String(), "panic") {
		t.Fatalf("the app panicked:\n%s", logs.String())
	}
	app.Process.Signal(syscall.SIGTERM)
	app.Wait()

	after := hashTree(t, home, library, settings, cache)
	for p, h := range before {
		if after[p] != h {
			t.Errorf("%s was changed or removed", p)
		}
	}
	for p := range after {
		if _, ok := before[p]; !ok {
			t.Errorf("%s was written, outside the library", p)
		}
	}
	out, _ := filepath.Glob(filepath.Join(library, "2026-12-01 10-00 output type", "*.gif"))
	if len(out) != 1 || filepath.Base(out[0]) != "2026-12-01 10-00 output type.gif" {
		t.Errorf("the video of the job with the hostile output type: %v", out)
	}
	for _, name := range []string{"2026-12-01 10-03 versions done", "2026-12-01 10-03 versions failed"} {
		if _, err := os.Stat(filepath.Join(library, name, "source.png")); err != nil {
			t.Errorf("%s: its picture is gone: %v", name, err)
		}
	}
	// A damaged job is left alone: its record is as it was.
	data, _ := os.ReadFile(filepath.Join(library, "2026-12-01 10-01 no links", "job.json"))
	if !strings.Contains(string(data), `"state":"downloading"`) {
		t.Errorf("the damaged job's record was changed:\n%s", data)
	}
	aside, _ := filepath.Glob(filepath.Join(settings, "preferences.json.set-aside-*"))
	if len(aside) != 1 {
		t.Errorf("the settings pipe was not moved aside: %v", aside)
	}
}

// hashTree is every file under root but those under skip, with a digest
// of its content (a link: of where it points; anything else: its type).
func hashTree(t *testing.T, root string, skip ...string) map[string]string {
	t.Helper()
	out := map[string]string{}
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		for _, s := range skip {
			if p == s {
				return filepath.SkipDir
			}
		}
		if d.IsDir() {
			return nil
		}
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			to, _ := os.Readlink(p)
			out[p] = "link to " + to
		case d.Type().IsRegular():
			data, _ := os.ReadFile(p)
			sum := sha256.Sum256(data)
			out[p] = hex.EncodeToString(sum[:])
		default:
			out[p] = d.Type().String()
		}
		return nil
	})
	return out
}

// TestHostileLibrary runs hostileLibrary on a program built by hand:
// VIVIFY_BIN=bin/vivify, under Xvfb (make test runs it on the Linux
// package's program, in TestLinuxPackage).
func TestHostileLibrary(t *testing.T) {
	bin := os.Getenv("VIVIFY_BIN")
	if bin == "" {
		t.Skip("set VIVIFY_BIN to a built program; make test runs this in TestLinuxPackage")
	}
	hostileLibrary(t, bin, os.Getenv("VIVIFY_SHOTS"))
}
