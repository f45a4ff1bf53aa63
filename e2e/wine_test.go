//go:build unix

package e2e

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// wineTool finds a program of Debian's wine64 package, which keeps them
// out of the PATH.
func wineTool(t *testing.T, name string) string {
	t.Helper()
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	if p := filepath.Join("/usr/lib/wine", name); fileExists(p) {
		return p
	}
	t.Fatalf("%s is missing (make test installs wine64)", name)
	return ""
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

// standInPrng is the source of a stand-in for Windows' bcryptprimitives.dll:
// Go 1.26 asks it for ProcessPrng, which Wine 8 lacks. It gets its random
// bytes from advapi32's RtlGenRandom, which Wine has.
const standInPrng = `#include <windows.h>
BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);
BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T size) {
  while (size > 0) {
    ULONG n = size > 0x10000000 ? 0x10000000 : (ULONG)size;
    if (!SystemFunction036(data, n)) return FALSE;
    data += n; size -= n;
  }
  return TRUE;
}
`

// wine is a Wine prefix of the test's own, ready to run Go programs.
type wine struct {
	t      *testing.T
	prefix string
	env    []string
	wine64 string
	server string
}

func newWine(t *testing.T) *wine {
	t.Helper()
	w := &wine{t: t, prefix: filepath.Join(t.TempDir(), "prefix"), wine64: wineTool(t, "wine64"), server: wineTool(t, "wineserver")}
	w.env = append(os.Environ(), "WINEPREFIX="+w.prefix, "WINEDEBUG=-all", "WINEDLLOVERRIDES=bcryptprimitives=n;mscoree,mshtml=",
		"WINEARCH=win64", "HOME="+filepath.Dir(w.prefix))
	start := time.Now()
	if out, err := w.cmd("wineboot", "-i").CombinedOutput(); err != nil {
		t.Fatalf("wineboot: %v\n%s", err, out)
	}
	w.run(w.server, "-w")
	t.Logf("Wine prefix made in %v", time.Since(start).Round(time.Millisecond))
	src := filepath.Join(t.TempDir(), "prng.c")
	def := filepath.Join(filepath.Dir(src), "prng.def")
	os.WriteFile(src, []byte(standInPrng), 0o644)
	os.WriteFile(def, []byte("LIBRARY bcryptprimitives\nEXPORTS\n  ProcessPrng\n"), 0o644)
	dll := filepath.Join(w.prefix, "drive_c", "windows", "system32", "bcryptprimitives.dll")
	if out, err := exec.Command("x86_64-w64-mingw32-gcc", "-shared", "-O2", "-s", "-o", dll, src, def, "-ladvapi32").CombinedOutput(); err != nil {
		t.Fatalf("the stand-in DLL: %v\n%s", err, out)
	}
	t.Cleanup(func() { w.run(w.server, "-k") })
	return w
}

func (w *wine) cmd(args ...string) *exec.Cmd {
	c := exec.Command(w.wine64, args...)
	c.Env = w.env
	return c
}

func (w *wine) run(name string, args ...string) {
	c := exec.Command(name, args...)
	c.Env = w.env
	c.Run()
}

// drive is where C:\ of the prefix is on this computer.
func (w *wine) drive() string { return filepath.Join(w.prefix, "drive_c") }

// windowsWithName are the visible X windows titled name exactly.
func windowsWithName(name string) []string {
	out, _ := exec.Command("xdotool", "search", "--onlyvisible", "--name", "^"+regexpQuote(name)+"$").Output()
	return strings.Fields(string(out))
}

func regexpQuote(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`\.+*?()|[]{}^$`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

func waitFor(t *testing.T, what string, limit time.Duration, cond func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	for !cond() {
		if time.Since(start) > limit {
			t.Fatalf("%s: not after %v", what, limit)
		}
		time.Sleep(100 * time.Millisecond)
	}
	return time.Since(start)
}

// generateIn presses Ctrl+Enter in the window win once it has settled:
// Generate, with the picture it was opened with.
func generateIn(win string) {
	time.Sleep(2 * time.Second)
	exec.Command("xdotool", "windowfocus", "--sync", win).Run()
	exec.Command("xdotool", "key", "--clearmodifiers", "ctrl+Return").Run()
}

// waitForWindow waits for a visible window titled Vivify, and returns its
// id and how long it took.
func waitForWindow(t *testing.T, what string, limit time.Duration) (string, time.Duration) {
	t.Helper()
	var win string
	took := waitFor(t, what, limit, func() bool {
		if ids := vivifyWindows(); len(ids) > 0 {
			win = ids[0]
		}
		return win != ""
	})
	return win, took
}

// The Windows program, run under Wine: it opens, makes a practice video,
// the link "Show in folder" builds for it opens the folder in Wine's
// Explorer, and closing the window ends the process with the window's size
// and settings saved, ten times in a row.
func TestWindowsUnderWine(t *testing.T) {
	exe := packaged(t, windowsExeEnv)
	if os.Getenv("DISPLAY") == "" {
		t.Fatal("no display: make test runs this under Xvfb")
	}
	w := newWine(t)
	home := filepath.Join(w.drive(), "users", "vivify-test")
	os.MkdirAll(home, 0o755)
	library := filepath.Join(home, "Videos", "Vivify")
	winLibrary := `C:\users\vivify-test\Videos\Vivify`
	picture := filepath.Join(home, "harbour.png")
	writeTestPicture(t, picture)

	var logs bytes.Buffer
	start := func(args ...string) *exec.Cmd {
		c := w.cmd(append([]string{exe, "--practice", "--library", winLibrary}, args...)...)
		c.Stdout, c.Stderr = &logs, &logs
		c.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		return c
	}
	ended := func(c *exec.Cmd) chan error {
		done := make(chan error, 1)
		go func() { done <- c.Wait() }()
		return done
	}
	state := func() (float64, float64) {
		found, _ := filepath.Glob(filepath.Join(w.drive(), "users", "*", "AppData", "Roaming", "fyne", "io.vivify.app", "window.json"))
		if len(found) == 0 {
			return 0, 0
		}
		data, _ := os.ReadFile(found[0])
		var st struct{ Width, Height float64 }
		json.Unmarshal(data, &st)
		return st.Width, st.Height
	}

	// One run makes a video.
	app := start(`C:\users\vivify-test\harbour.png`)
	done := ended(app)
	win, took := waitForWindow(t, "the window", 60*time.Second)
	t.Logf("window after %v", took.Round(time.Millisecond))
	generateIn(win)
	var video string
	waitFor(t, "a video in the library", 90*time.Second, func() bool {
		found, _ := filepath.Glob(filepath.Join(library, "*", "*.gif"))
		if len(found) > 0 {
			video = found[0]
		}
		return video != ""
	})
	folder := filepath.Dir(video)
	t.Logf("video made: %s", strings.TrimPrefix(video, w.drive()))

	// Browse… opens the Windows file dialog (Wine's GetOpenFileNameW),
	// titled as Vivify asked; a picture typed into it, as a creator would,
	// makes the next video.
	writeTestPicture(t, filepath.Join(home, "lighthouse.png"))
	// The click is made again while no dialog has come: on a loaded
	// machine one was lost once (the window still taking the new video
	// in). A click while the dialog is on its way does nothing: Vivify
	// opens one chooser at a time.
	var chooser []string
	clicked := time.Time{}
	waitFor(t, "the Windows file dialog", 45*time.Second, func() bool {
		if time.Since(clicked) > 12*time.Second {
			exec.Command("xdotool", "windowfocus", "--sync", win).Run()
			exec.Command("xdotool", "mousemove", "--window", win, "110", "140", "click", "1").Run()
			clicked = time.Now()
		}
		chooser = windowsWithName("Choose a picture")
		return len(chooser) > 0
	})
	time.Sleep(time.Second)
	if shots := os.Getenv("VIVIFY_SHOTS"); shots != "" {
		exec.Command("import", "-window", "root", filepath.Join(shots, "chooser-windows.png")).Run()
	}
	exec.Command("xdotool", "windowfocus", "--sync", chooser[0]).Run()
	exec.Command("xdotool", "type", "--delay", "50", `C:\users\vivify-test\lighthouse.png`).Run()
	exec.Command("xdotool", "key", "Return").Run()
	waitFor(t, "the file dialog to close", 20*time.Second, func() bool { return len(windowsWithName("Choose a picture")) == 0 })
	generateIn(win)
	waitFor(t, "a video of the picture chosen in the file dialog", 90*time.Second, func() bool {
		found, _ := filepath.Glob(filepath.Join(library, "*lighthouse*", "*.gif"))
		return len(found) > 0
	})
	closeAndCheck := func(run int, wantW, wantH float64) {
		t.Helper()
		exec.Command("xdotool", "windowfocus", "--sync", win).Run()
		exec.Command("xdotool", "key", "--clearmodifiers", "alt+F4").Run()
		t0 := time.Now()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			syscall.Kill(-app.Process.Pid, syscall.SIGKILL)
			t.Fatalf("run %d: the process did not end within 15 s of closing; it said:\n%s", run, logs.String())
		}
		gotW, gotH := state()
		t.Logf("run %d: ended %v after closing; saved %gx%g", run, time.Since(t0).Round(time.Millisecond), gotW, gotH)
		if gotW != wantW || gotH != wantH {
			t.Fatalf("run %d: saved %gx%g, want %gx%g", run, gotW, gotH, wantW, wantH)
		}
		if strings.Contains(logs.String(), "panic") {
			t.Fatalf("run %d: the program panicked:\n%s", run, logs.String())
		}
	}
	exec.Command("xdotool", "windowsize", "--sync", win, "1100", "760").Run()
	time.Sleep(500 * time.Millisecond)
	closeAndCheck(1, 1100, 760)

	// "Show in folder" hands the desktop file:///C:/... (FileURL, tested
	// in gui): Wine's Explorer opens the job's folder from that link, and
	// not from the form that was built before (file://C:%5C...).
	rel, _ := filepath.Rel(w.drive(), folder)
	winFolder := `C:\` + strings.ReplaceAll(rel, "/", `\`)
	good := "file:///" + strings.ReplaceAll(strings.ReplaceAll(winFolder, `\`, "/"), " ", "%20")
	bad := "file://" + strings.ReplaceAll(strings.ReplaceAll(winFolder, `\`, "%5C"), " ", "%20")
	name := filepath.Base(folder)
	for _, tc := range []struct {
		link  string
		opens bool
	}{{bad, false}, {good, true}} {
		opener := w.cmd("rundll32", "url.dll,FileProtocolHandler", tc.link)
		opener.Start()
		opened := false
		for i := 0; i < 60 && !opened; i++ {
			time.Sleep(200 * time.Millisecond)
			opened = len(windowsWithName(name)) > 0
		}
		if opened != tc.opens {
			t.Errorf("%s: Explorer opened the folder: %v, want %v", tc.link, opened, tc.opens)
		}
		for _, id := range windowsWithName(name) {
			exec.Command("xdotool", "windowclose", id).Run()
		}
		opener.Process.Kill()
		opener.Wait()
	}

	// Nine more starts and closes, each at another size.
	for run := 2; run <= 10; run++ {
		app = start()
		done = ended(app)
		win, _ = waitForWindow(t, fmt.Sprintf("run %d: the window", run), 60*time.Second)
		time.Sleep(1500 * time.Millisecond)
		wantW, wantH := 1000+float64(run)*20, 720+float64(run)*5
		exec.Command("xdotool", "windowsize", "--sync", win, fmt.Sprint(wantW), fmt.Sprint(wantH)).Run()
		time.Sleep(500 * time.Millisecond)
		closeAndCheck(run, wantW, wantH)
	}
}

// installerEnv names the Windows installer for TestWindowsInstallerUnderWine.
const installerEnv = "VIVIFY_WINDOWS_INSTALLER"

// The Windows installer, run under Wine as a creator runs it (here
// silently, /S): it installs for the user alone, with the program, the
// ffmpeg it carries and its licence, an uninstaller, a Start menu entry and
// "Open with Vivify" for pictures. The installed program makes an MP4
// practice video and plays it with the bundled ffmpeg (Wine has no other:
// its thumbnail, made by decoding the MP4, shows the video's progress bar,
// which the picture has not). The uninstaller removes the program and
// leaves the videos.
func TestWindowsInstallerUnderWine(t *testing.T) {
	installer := packaged(t, installerEnv)
	if os.Getenv("DISPLAY") == "" {
		t.Fatal("no display: make test runs this under Xvfb")
	}
	w := newWine(t)
	start := time.Now()
	if err := w.cmd(installer, "/S").Run(); err != nil {
		t.Fatalf("the installer: %v", err)
	}
	w.run(w.server, "-w")
	t.Logf("installed in %v", time.Since(start).Round(time.Millisecond))
	users, _ := filepath.Glob(filepath.Join(w.drive(), "users", "*", "AppData", "Local", "Programs", "Vivify"))
	if len(users) != 1 {
		t.Fatalf("no per-user install: %v", users)
	}
	dir := users[0]
	profile := filepath.Dir(filepath.Dir(filepath.Dir(filepath.Dir(dir))))
	for _, f := range []string{"Vivify.exe", "ffmpeg.exe", "ffprobe.exe", "LICENSE-ffmpeg.txt", "README-ffmpeg.txt", "Uninstall Vivify.exe",
		"../../../Roaming/Microsoft/Windows/Start Menu/Programs/Vivify.lnk"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("not installed: %s", f)
		}
	}
	if out, _ := w.cmd("reg", "query", `HKCU\Software\Classes\.png\OpenWithProgids`).CombinedOutput(); !strings.Contains(string(out), "Vivify.Picture") {
		t.Errorf("no Open with Vivify for PNG:\n%s", out)
	}
	if out, _ := w.cmd("reg", "query", `HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\Vivify`).CombinedOutput(); !strings.Contains(string(out), "Uninstall Vivify.exe") {
		t.Errorf("not listed in Apps & features:\n%s", out)
	}

	// The installed program: an MP4 practice video (the last settings,
	// as the window keeps them, ask for MP4).
	state := filepath.Join(profile, "AppData", "Roaming", "fyne", "io.vivify.app")
	os.MkdirAll(state, 0o755)
	os.WriteFile(filepath.Join(state, "window.json"), []byte(`{"width":1100,"height":760,"params":{"model_id":"svd","prompt":"","negative_prompt":"",`+
		`"enhance_prompt":false,"init_image":"","width":128,"height":96,"num_frames":6,"num_inference_steps":20,"min_guidance_scale":1,`+
		`"max_guidance_scale":3,"motion_bucket_id":127,"noise_aug_strength":0.02,"fps":7,"output_type":"mp4",`+
		`"latent_interpolation_method":"lerp","clip_skip":null,"instant_response":false,"temp":false,"webhook":"","track_id":null}}`), 0o644)
	picture := filepath.Join(profile, "harbour.png")
	writeTestPicture(t, picture)
	library := filepath.Join(profile, "Videos", "Vivify")
	winProfile := `C:\users\` + filepath.Base(profile)
	var logs bytes.Buffer
	app := w.cmd(filepath.Join(dir, "Vivify.exe"), "--practice", "--library", winProfile+`\Videos\Vivify`, winProfile+`\harbour.png`)
	app.Stdout, app.Stderr = &logs, &logs
	app.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := app.Start(); err != nil {
		t.Fatal(err)
	}
	defer syscall.Kill(-app.Process.Pid, syscall.SIGKILL)
	win, _ := waitForWindow(t, "the installed program's window", 60*time.Second)
	// ffmpeg runs to make the MP4 and to read it: it must do so unseen
	// (a console program started by a windowed one gets a console window
	// unless told not to, and Wine shows it as Windows does).
	consoles := make(chan string, 1)
	watching := make(chan struct{})
	go func() {
		defer close(consoles)
		for {
			out, _ := exec.Command("xdotool", "search", "--onlyvisible", "--class", "conhost").Output()
			if ids := strings.Fields(string(out)); len(ids) > 0 {
				name, _ := exec.Command("xdotool", "getwindowname", ids[0]).Output()
				consoles <- strings.TrimSpace(string(name))
				return
			}
			select {
			case <-watching:
				return
			case <-time.After(50 * time.Millisecond):
			}
		}
	}()
	generateIn(win)
	var thumb string
	waitFor(t, "an MP4 video and its thumbnail", 120*time.Second, func() bool {
		videos, _ := filepath.Glob(filepath.Join(library, "*", "*.mp4"))
		if len(videos) == 0 {
			return false
		}
		thumbs, _ := filepath.Glob(filepath.Join(filepath.Dir(videos[0]), "thumb*.png"))
		if len(thumbs) > 0 {
			thumb = thumbs[0]
		}
		return thumb != ""
	})
	img := readPNG(t, thumb)
	// The practice video's first frame ends in its progress bar, dark but
	// for its first sixth; the picture's last row is bright green all
	// along (writeTestPicture). A thumbnail of the picture would be that.
	b := img.Bounds()
	var green, n uint32
	for x := b.Min.X + b.Dx()/2; x < b.Max.X; x++ {
		_, g, _, _ := img.At(x, b.Max.Y-1).RGBA()
		green += g >> 8
		n++
	}
	if mean := green / max(n, 1); mean > 160 {
		t.Fatalf("the thumbnail is of the picture, not the MP4 (its last row's right half has green %d, the picture's 250): "+
			"the bundled ffmpeg did not decode it; the program said:\n%s", mean, logs.String())
	}
	t.Logf("an MP4 made and decoded by the installed program: %s", strings.TrimPrefix(thumb, w.drive()))
	close(watching)
	if name, seen := <-consoles; seen {
		t.Errorf("a console window (%q) opened over Vivify while ffmpeg ran", name)
	}
	// Ended before uninstalling. Closing is TestWindowsUnderWine's
	// subject; here, under Wine, a window playing an MP4 did not always see
	// its close (Alt+F4, Ctrl+Q or the window manager's), which is logged
	// for the record rather than tested twice.
	exec.Command("xdotool", "windowclose", win).Run()
	// The process, not its output: ffmpeg, which it ran, may hold that open.
	quit := make(chan error, 1)
	go func() { _, err := app.Process.Wait(); quit <- err }()
	select {
	case <-quit:
	case <-time.After(15 * time.Second):
		t.Logf("the window playing an MP4 did not close within 15 s under Wine; the program is ended")
		syscall.Kill(-app.Process.Pid, syscall.SIGKILL)
		<-quit
	}

	// The uninstaller runs a copy of itself, which removes the folder: its
	// output is not waited for (the copy keeps it open), the prefix is.
	uninstall := w.cmd(filepath.Join(dir, "Uninstall Vivify.exe"), "/S")
	if err := uninstall.Run(); err != nil {
		t.Fatalf("the uninstaller: %v", err)
	}
	// Not wineserver -w: once a Wine service lingered and it never
	// returned. What counts is that the program goes.
	waitFor(t, "the program removed by the uninstaller", 60*time.Second, func() bool {
		_, err := os.Stat(filepath.Join(dir, "Vivify.exe"))
		return errors.Is(err, os.ErrNotExist)
	})
	if videos, _ := filepath.Glob(filepath.Join(library, "*", "*.mp4")); len(videos) == 0 {
		t.Error("uninstalling removed the videos")
	}
}
