//go:build unix

package e2e

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// systemChoosers uses Browse in the real window with each of the system's
// choosers Linux desktops have: the desktop portal (xdg-desktop-portal,
// with its GTK chooser, on a D-Bus session of its own whose desktop is
// GNOME) and zenity. The chooser's own window appears, titled as Vivify
// asked; a picture is chosen in it with the keyboard, as a creator would;
// and the video Generate makes is of that picture. zenity starts in the
// creator's Pictures folder, so only the file's name is typed there (the
// portal of Debian 12 does not yet take a folder to start in for Open).
func systemChoosers(t *testing.T, bin, shots string) {
	t.Helper()
	for _, tool := range []string{"dbus-run-session", "xdotool", "zenity", "/usr/libexec/xdg-desktop-portal", "/usr/libexec/xdg-desktop-portal-gtk"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is missing (make test installs it)", tool)
		}
	}
	for _, c := range []struct {
		chooser, typed string
	}{
		{"portal", ""}, // the full path
		{"zenity", "coast.png"},
	} {
		t.Run(c.chooser, func(t *testing.T) {
			home := t.TempDir()
			pictures := filepath.Join(home, "Pictures")
			os.MkdirAll(pictures, 0o755)
			picture := filepath.Join(pictures, "coast.png")
			writeTestPicture(t, picture)
			library := filepath.Join(home, "library")
			app := exec.Command("dbus-run-session", "--", bin, "--practice", "--library", library)
			app.Env = append(os.Environ(), "HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, ".config"),
				"XDG_CURRENT_DESKTOP=GNOME", "GTK_USE_PORTAL=0", "VIVIFY_PICKER="+c.chooser)
			var logs bytes.Buffer
			app.Stdout, app.Stderr = &logs, &logs
			app.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // the session's bus and portals end with it
			if err := app.Start(); err != nil {
				t.Fatal(err)
			}
			defer func() {
				syscall.Kill(-app.Process.Pid, syscall.SIGKILL)
				app.Wait()
				unmountUnder(home) // the document portal's FUSE folder, which outlives it
			}()
			win, _ := waitForWindow(t, "the window", 30*time.Second)
			time.Sleep(2 * time.Second) // drawn
			exec.Command("xdotool", "windowfocus", "--sync", win).Run()
			// Browse… sits under the link field, at the left of the form.
			exec.Command("xdotool", "mousemove", "--window", win, "110", "140", "click", "1").Run()
			var chooser []string
			waitFor(t, "the "+c.chooser+" chooser", 30*time.Second, func() bool {
				chooser = windowsWithName("Choose a picture")
				return len(chooser) > 0
			})
			time.Sleep(2 * time.Second) // its folder listed
			if shots != "" {
				exec.Command("import", "-window", "root", filepath.Join(shots, "chooser-"+c.chooser+".png")).Run()
			}
			typed := c.typed
			if typed == "" {
				typed = picture
			}
			exec.Command("xdotool", "windowfocus", "--sync", chooser[0]).Run() // no window manager gives it focus
			exec.Command("xdotool", "type", "--delay", "100", typed).Run()
			time.Sleep(500 * time.Millisecond)
			exec.Command("xdotool", "key", "Return").Run()
			waitFor(t, "the chooser to close", 20*time.Second, func() bool { return len(windowsWithName("Choose a picture")) == 0 })
			time.Sleep(time.Second) // the picture read
			exec.Command("xdotool", "windowfocus", "--sync", win).Run()
			exec.Command("xdotool", "key", "--clearmodifiers", "ctrl+Return").Run()
			waitFor(t, "a video of the picture chosen", 60*time.Second, func() bool {
				found, _ := filepath.Glob(filepath.Join(library, "*", "*.gif"))
				return len(found) == 1 && strings.Contains(filepath.Base(filepath.Dir(found[0])), "coast")
			})
			if strings.Contains(logs.String(), "panic") {
				t.Fatalf("the app panicked:\n%s", logs.String())
			}
		})
	}
}

// The choosers by hand: VIVIFY_BIN=./vivify go test -run TestSystemChoosers ./e2e
// (under Xvfb, as make test runs it inside TestLinuxPackage).
func TestSystemChoosers(t *testing.T) {
	bin := os.Getenv("VIVIFY_BIN")
	if bin == "" {
		t.Skip("set VIVIFY_BIN to a built vivify (make test runs this inside TestLinuxPackage)")
	}
	if os.Getenv("DISPLAY") == "" {
		t.Fatal("no display: run this under Xvfb")
	}
	systemChoosers(t, bin, os.Getenv("VIVIFY_SHOTS"))
}

// unmountUnder lazily unmounts every FUSE mount under dir (the document
// portal mounts one in $XDG_RUNTIME_DIR/doc, or ~/.cache/doc without it).
func unmountUnder(dir string) {
	data, _ := os.ReadFile("/proc/mounts")
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) > 1 && strings.HasPrefix(f[1], dir+"/") {
			exec.Command("fusermount3", "-uz", f[1]).Run()
			exec.Command("fusermount", "-uz", f[1]).Run()
		}
	}
}
