//go:build unix

package e2e

import (
	"debug/pe"
	"encoding/binary"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// These check what make package built; make test runs them after it, under
// Xvfb, with the paths in these variables.
const (
	linuxPackageEnv = "VIVIFY_LINUX_PACKAGE" // the tar.xz
	windowsExeEnv   = "VIVIFY_WINDOWS_EXE"   // the .exe
)

func packaged(t *testing.T, env string) string {
	t.Helper()
	path := os.Getenv(env)
	if path == "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("in CI, make test sets %s after make package", env)
		}
		t.Skipf("set %s to a package made by make package (make test does)", env)
	}
	return path
}

// The Linux package unpacks into the usual tree, with a desktop entry that
// names the program and the icon, and its program starts under Xvfb and
// makes a video in practice mode, started with Ctrl+Enter.
func TestLinuxPackage(t *testing.T) {
	pkg := packaged(t, linuxPackageEnv)
	dir := t.TempDir()
	if out, err := exec.Command("tar", "-xJf", pkg, "-C", dir).CombinedOutput(); err != nil {
		t.Fatalf("unpack: %v\n%s", err, out)
	}
	bins, _ := filepath.Glob(filepath.Join(dir, "vivify", "usr", "*", "bin", "vivify"))
	desktops, _ := filepath.Glob(filepath.Join(dir, "vivify", "usr", "*", "share", "applications", "io.vivify.app.desktop"))
	icons, _ := filepath.Glob(filepath.Join(dir, "vivify", "usr", "*", "share", "pixmaps", "io.vivify.app.png"))
	if len(bins) != 1 || len(desktops) != 1 || len(icons) != 1 {
		out, _ := exec.Command("tar", "-tJf", pkg).Output()
		t.Fatalf("want the program, the desktop entry and the icon; the package holds:\n%s", out)
	}
	entry, _ := os.ReadFile(desktops[0])
	for _, want := range []string{"Name=Vivify", "Exec=vivify", "Icon=io.vivify.app", "Categories=AudioVideo;Video;Graphics;", "Comment=Turn a still picture into a short video"} {
		if !strings.Contains(string(entry), want+"\n") {
			t.Errorf("the desktop entry lacks %q:\n%s", want, entry)
		}
	}
	if f, err := os.Open(icons[0]); err != nil {
		t.Fatal(err)
	} else if _, err := png.DecodeConfig(f); err != nil {
		t.Fatalf("the icon: %v", err)
	}
	// Its make install (the README's way to install) puts all three in place.
	dest := t.TempDir()
	if out, err := exec.Command("make", "-C", filepath.Join(dir, "vivify"), "install", "DESTDIR="+dest, "PREFIX=/usr").CombinedOutput(); err != nil {
		t.Fatalf("make install: %v\n%s", err, out)
	}
	for _, f := range []string{"bin/vivify", "share/applications/io.vivify.app.desktop", "share/pixmaps/io.vivify.app.png"} {
		if _, err := os.Stat(filepath.Join(dest, "usr", f)); err != nil {
			t.Errorf("make install did not install %s: %v", f, err)
		}
	}

	// The packaged program, as a user starts it, makes a video.
	practiceRun(t, bins[0], dir)
	// A practice video being made when the program is killed is made
	// after the next start.
	practiceSurvivesKill(t, bins[0], t.TempDir())
	// A library of hostile job folders harms nothing.
	hostileLibrary(t, bins[0], os.Getenv("VIVIFY_SHOTS"))
	// Browse opens the desktop's own chooser (the portal's, zenity's).
	systemChoosers(t, bins[0], os.Getenv("VIVIFY_SHOTS"))
}

// The Windows program is a 64-bit (PE32+) GUI program, so no console window
// opens with it, and it carries the icon.
func TestWindowsProgram(t *testing.T) {
	f, err := pe.Open(packaged(t, windowsExeEnv))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	oh, ok := f.OptionalHeader.(*pe.OptionalHeader64)
	if !ok || f.Machine != pe.IMAGE_FILE_MACHINE_AMD64 {
		t.Fatalf("not a PE32+ amd64 program (machine %#x)", f.Machine)
	}
	if oh.Subsystem != pe.IMAGE_SUBSYSTEM_WINDOWS_GUI {
		t.Fatalf("subsystem %d: a console program (want %d, GUI)", oh.Subsystem, pe.IMAGE_SUBSYSTEM_WINDOWS_GUI)
	}
	rsrc := f.Section(".rsrc")
	if rsrc == nil {
		t.Fatal("no resources: no icon")
	}
	data, err := rsrc.Data()
	if err != nil {
		t.Fatal(err)
	}
	types := resourceTypes(t, data)
	const rtIcon, rtGroupIcon, rtManifest = 3, 14, 24
	for _, want := range []uint32{rtIcon, rtGroupIcon, rtManifest} {
		if types[want] == 0 {
			t.Fatalf("resource type %d missing (have %v): want an icon, its group and a manifest", want, types)
		}
	}
	t.Logf("resources: %d icon images, %d icon group", types[rtIcon], types[rtGroupIcon])
}

// resourceTypes reads the top of a PE resource directory: for each
// resource type, how many resources it holds.
func resourceTypes(t *testing.T, data []byte) map[uint32]int {
	t.Helper()
	dir := func(off uint32) (ids []uint32, subs []uint32) {
		if int(off)+16 > len(data) {
			t.Fatalf("resource directory at %d is outside the section", off)
		}
		named := binary.LittleEndian.Uint16(data[off+12:])
		n := int(named) + int(binary.LittleEndian.Uint16(data[off+14:]))
		for i := range n {
			e := off + 16 + uint32(i)*8
			if int(e)+8 > len(data) {
				t.Fatal("a resource entry is outside the section")
			}
			ids = append(ids, binary.LittleEndian.Uint32(data[e:]))
			subs = append(subs, binary.LittleEndian.Uint32(data[e+4:]))
		}
		return ids, subs
	}
	out := map[uint32]int{}
	ids, subs := dir(0)
	for i, id := range ids {
		if subs[i]&0x80000000 == 0 { // a leaf at the top: not a type
			continue
		}
		names, _ := dir(subs[i] &^ 0x80000000)
		out[id] = len(names)
	}
	return out
}

// debPackageEnv names the .deb for TestDebPackage (make test sets it).
const debPackageEnv = "VIVIFY_DEB"

// The .deb installs with dpkg as a creator's software centre would: the
// program, the desktop entry with "Open with" for pictures, the icon at
// every size and the metainfo land where desktops look; the installed
// program starts under Xvfb and makes a practice video; and dpkg removes it
// all again.
func TestDebPackage(t *testing.T) {
	deb := packaged(t, debPackageEnv)
	if os.Geteuid() != 0 {
		t.Skip("installing a .deb needs root (make test runs this as root in CI)")
	}
	if out, err := exec.Command("dpkg", "-i", deb).CombinedOutput(); err != nil {
		t.Fatalf("dpkg -i: %v\n%s", err, out)
	}
	removed := false
	defer func() {
		if !removed {
			exec.Command("dpkg", "-r", "vivify").Run()
		}
	}()
	files := []string{"/usr/bin/vivify", "/usr/share/applications/io.vivify.app.desktop",
		"/usr/share/metainfo/io.vivify.app.metainfo.xml", "/usr/share/icons/hicolor/scalable/apps/io.vivify.app.svg"}
	for _, size := range []string{"16", "24", "32", "48", "64", "128", "256", "512"} {
		files = append(files, "/usr/share/icons/hicolor/"+size+"x"+size+"/apps/io.vivify.app.png")
	}
	for _, f := range files {
		if _, err := os.Stat(f); err != nil {
			t.Errorf("not installed: %s", f)
		}
	}
	entry, _ := os.ReadFile("/usr/share/applications/io.vivify.app.desktop")
	for _, want := range []string{"Exec=vivify %f", "MimeType=image/png;image/jpeg;image/gif;image/webp;", "Icon=io.vivify.app"} {
		if !strings.Contains(string(entry), want) {
			t.Errorf("the desktop entry lacks %q", want)
		}
	}
	for _, check := range [][]string{
		{"desktop-file-validate", "/usr/share/applications/io.vivify.app.desktop"},
		{"appstreamcli", "validate", "--no-net", "/usr/share/metainfo/io.vivify.app.metainfo.xml"},
	} {
		if out, err := exec.Command(check[0], check[1:]...).CombinedOutput(); err != nil {
			t.Errorf("%s: %v\n%s", check[0], err, out)
		}
	}
	if out, _ := exec.Command("dpkg-query", "-W", "-f=${Depends}", "vivify").Output(); !strings.Contains(string(out), "ffmpeg") {
		t.Errorf("the package does not depend on ffmpeg: %s", out)
	}

	practiceRun(t, "/usr/bin/vivify", t.TempDir())

	if out, err := exec.Command("dpkg", "-r", "vivify").CombinedOutput(); err != nil {
		t.Fatalf("dpkg -r: %v\n%s", err, out)
	}
	removed = true
	for _, f := range files {
		if _, err := os.Stat(f); err == nil {
			t.Errorf("left behind after removal: %s", f)
		}
	}
}
