package gui

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"encoding/json"
	"errors"
	"hash/crc32"
	"image"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"vivify/client"
	"vivify/jobs"
)

// texts gathers every label's and button's text under o.
func texts(o fyne.CanvasObject) string {
	var b strings.Builder
	var walk func(fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch w := o.(type) {
		case *widget.Label:
			b.WriteString(w.Text + "\n")
		case *widget.Button:
			b.WriteString("[" + w.Text + "]\n")
		case *fyne.Container:
			for _, c := range w.Objects {
				walk(c)
			}
		case *tapArea:
			walk(w.content)
		}
	}
	walk(o)
	return b.String()
}

// A library that cannot be opened gets a window that says why and offers
// another folder; choosing one that works opens Vivify there, and keeps it.
func TestLibraryThatCannotOpen(t *testing.T) {
	a := test.NewTempApp(t)
	blocker := filepath.Join(t.TempDir(), "videos")
	os.WriteFile(blocker, []byte("a file, not a folder"), 0o644)
	bad := filepath.Join(blocker, "Vivify")
	_, err := jobs.Open(jobs.Options{Library: bad})
	if err == nil {
		t.Fatal("the library opened through a file")
	}
	var exits atomic.Int32
	s := &starter{a: a, o: StartOptions{Library: bad, Exit: func(int) { exits.Add(1) }}}
	s.win = a.NewWindow(Title)
	s.showLibraryProblem(err)
	got := texts(s.win.Content())
	for _, want := range []string{"cannot open its library", bad, "not a folder", "[Choose another folder…]", "[Try again]", "[Quit]"} {
		if !strings.Contains(got, want) {
			t.Errorf("the window does not say %q:\n%s", want, got)
		}
	}
	good := filepath.Join(t.TempDir(), "Videos", "Vivify")
	opened := make(chan struct{})
	s.onMain = func() { close(opened) }
	s.tryLibrary(good)
	select {
	case <-opened:
	case <-time.After(10 * time.Second):
		t.Fatal("Vivify did not open on the other folder")
	}
	if p := a.Preferences().String(PrefLibrary); p != good {
		t.Fatalf("the library kept for next time is %q, want %q", p, good)
	}
	s.shutdown()
}

func TestLibraryProblemWords(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{&os.PathError{Op: "mkdir", Path: "/x", Err: syscall.EACCES}, "not allowed"},
		{&os.PathError{Op: "mkdir", Path: "/x", Err: syscall.ENOENT}, "missing"},
		{&os.PathError{Op: "mkdir", Path: "/x", Err: syscall.ENOTDIR}, "not a folder"},
		{errors.New("disk on fire"), "disk on fire"},
	} {
		got := LibraryProblemText("/media/ana/Videos/Vivify", tc.err)
		if !strings.Contains(got, tc.want) || !strings.Contains(got, "/media/ana/Videos/Vivify") || strings.Contains(got, "mkdir") {
			t.Errorf("%v: %q", tc.err, got)
		}
	}
}

// Closing saves the window's size and settings before the window goes,
// and the process is ended within the grace time even if the toolkit's
// teardown never returns.
func TestQuitSavesThenEndsTheProcess(t *testing.T) {
	a := test.NewTempApp(t)
	eng, err := jobs.Open(jobs.Options{Library: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	old := quitGrace
	quitGrace = 200 * time.Millisecond
	t.Cleanup(func() { quitGrace = old })
	exited := make(chan int, 1)
	s := &starter{a: a, o: StartOptions{Library: eng.Library(), Exit: func(code int) { exited <- code }}}
	s.win = a.NewWindow(Title)
	s.showMain(eng)
	s.win.Resize(fyne.NewSize(1111, 777))
	s.main.Params().Prompt.SetText("waves at dusk")
	s.main.close() // what the title bar's button calls
	data, err := os.ReadFile(stateFile(a))
	if err != nil {
		t.Fatalf("nothing saved at close: %v", err)
	}
	var st savedState
	json.Unmarshal(data, &st)
	if st.Width != 1111 || st.Height != 777 || st.Params == nil || !strings.Contains(string(*st.Params), "waves at dusk") {
		t.Fatalf("saved %s", data)
	}
	select {
	case code := <-exited:
		if code != 0 {
			t.Fatalf("exit code %d", code)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the process was not ended after the window closed")
	}
	if _, err := eng.Add(jobs.Spec{Request: client.NewRequest("https://example.com/a.png")}); !errors.Is(err, jobs.ErrClosed) {
		t.Fatalf("the library was not released before the end: %v", err)
	}
	// Work that ends after quitting is dropped, not sent to a closed queue.
	ran := false
	s.runOnUI(func() { ran = true })
	if ran {
		t.Fatal("UI work ran after quitting")
	}
	// The next window starts at the size kept.
	w2 := NewWindow(a, Deps{Engine: mustOpen(t), RunOnUI: func(f func()) { f() }})
	if sz := w2.Fyne().Canvas().Size(); sz.Width != 1111 || sz.Height != 777 {
		t.Fatalf("restored at %v", sz)
	}
	if w2.Params().Prompt.Text != "waves at dusk" {
		t.Fatalf("prompt %q", w2.Params().Prompt.Text)
	}
}

func mustOpen(t *testing.T) *jobs.Engine {
	t.Helper()
	eng, err := jobs.Open(jobs.Options{Library: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(eng.Close)
	return eng
}

// bombPNG is a file of a few hundred bytes whose header claims
// 100000 × 100000 pixels.
func bombPNG(t *testing.T) string {
	chunk := func(out []byte, kind string, data []byte) []byte {
		out = binary.BigEndian.AppendUint32(out, uint32(len(data)))
		start := len(out)
		out = append(out, kind...)
		out = append(out, data...)
		return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(out[start:]))
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr, 100_000)
	binary.BigEndian.PutUint32(ihdr[4:], 100_000)
	ihdr[8], ihdr[9] = 8, 6
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write(make([]byte, 1000))
	zw.Close()
	out := chunk([]byte("\x89PNG\r\n\x1a\n"), "IHDR", ihdr)
	out = chunk(out, "IDAT", z.Bytes())
	out = chunk(out, "IEND", nil)
	p := filepath.Join(t.TempDir(), "bomb.png")
	os.WriteFile(p, out, 0o644)
	return p
}

// A tiny PNG claiming 100000 × 100000 pixels, chosen as the picture, is
// refused in words: before, decoding its preview ended the app with "out
// of memory". The gallery's thumbnail of it is refused the same way.
func TestHostilePicturesRefusedInWords(t *testing.T) {
	w, q, _ := practiceWindow(t)
	bomb := bombPNG(t)
	w.Source().SetFile(bomb)
	q.until(t, 10*time.Second, "the picture to be read", func() bool { return !strings.HasPrefix(w.Source().info.Text, "Reading") })
	if got := w.Source().info.Text; !strings.Contains(got, "too large") || !strings.Contains(got, "100000×100000") {
		t.Fatalf("says %q", got)
	}
	if w.Source().preview.Image != nil {
		t.Fatal("a preview is shown")
	}
	if runtime.GOOS != "windows" {
		pipe := filepath.Join(t.TempDir(), "pipe.png")
		if mkfifo(pipe) == nil {
			w.Source().SetFile(pipe)
			q.until(t, 5*time.Second, "the pipe to be refused", func() bool { return !strings.HasPrefix(w.Source().info.Text, "Reading") })
			if got := w.Source().info.Text; !strings.Contains(got, "not an ordinary file") {
				t.Fatalf("a FIFO: %q", got)
			}
		}
	}
	c := newThumbCache(func(f func()) { f() }, 4, false)
	got := make(chan bool, 1)
	c.get(bomb, image.Pt(100, 100), func(img image.Image) { got <- img != nil })
	select {
	case ok := <-got:
		if ok {
			t.Fatal("a thumbnail of the bomb")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no answer from the thumbnail cache")
	}
}

// TestMain gives the package's tests a temporary folder of their own: the
// test driver keeps app storage in it, and the window keeps its state there.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "vivify-gui-test-")
	if err != nil {
		panic(err)
	}
	os.Setenv("TMPDIR", dir)
	// No test opens the system's file chooser on the desktop it runs on:
	// those that choose give a stand-in, the rest get Fyne's dialog.
	os.Setenv("VIVIFY_PICKER", "none")
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// "Show in folder" and "Open" on Windows give links Explorer accepts.
func TestFileURL(t *testing.T) {
	for _, tc := range []struct {
		path    string
		windows bool
		want    string
	}{
		{`C:\Users\Ana Lima\Videos\Vivify\2026-11-21 18-32 beach`, true, "file:///C:/Users/Ana%20Lima/Videos/Vivify/2026-11-21%2018-32%20beach"},
		{`D:\v.gif`, true, "file:///D:/v.gif"},
		{`\\nas\share\Vivify\v.gif`, true, "file://nas/share/Vivify/v.gif"},
		{"/home/ana/Videos/Vivify/a b.gif", false, "file:///home/ana/Videos/Vivify/a%20b.gif"},
	} {
		if got := FileURL(tc.path, tc.windows).String(); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.path, got, tc.want)
		}
	}
}

// The window shows before the library is read: empty at first, saying that
// the library is being opened once that takes a while, and filled with
// Vivify when the jobs are in.
func TestWindowFilledOnceTheLibraryIsRead(t *testing.T) {
	a := test.NewTempApp(t)
	lib := t.TempDir()
	q := make(uiQueue, 1024)
	s := &starter{a: a, o: StartOptions{Library: lib, Practice: true}, ui: q.post}
	s.win = a.NewWindow(Title)
	s.win.SetContent(container.NewCenter())
	loaded := make(chan opened, 1)
	fonts := make(chan struct{})
	close(fonts)
	main := make(chan struct{})
	s.onMain = func() { close(main) }
	go s.fillWhenRead(loaded, fonts, 20*time.Millisecond)
	q.until(t, 5*time.Second, "the words for a slow library", func() bool {
		return strings.Contains(texts(s.win.Content()), "Opening the library…")
	})
	eng, err := jobs.Open(jobs.Options{Library: lib})
	if err != nil {
		t.Fatal(err)
	}
	loaded <- opened{eng: eng}
	q.until(t, 10*time.Second, "the window filled", func() bool {
		select {
		case <-main:
			return true
		default:
			return false
		}
	})
	got := texts(s.win.Content())
	if strings.Contains(got, "Opening the library") || !strings.Contains(got, "No videos being made") {
		t.Fatalf("the window holds %q", got)
	}
	s.shutdown()
}

// A library read after the window has closed is closed, not shown: its
// lock is free for the next start.
func TestLibraryReadAfterCloseIsReleased(t *testing.T) {
	a := test.NewTempApp(t)
	lib := t.TempDir()
	s := &starter{a: a, o: StartOptions{Library: lib}}
	s.win = a.NewWindow(Title)
	s.onMain = func() { t.Error("a closed window was filled") }
	eng, err := jobs.Open(jobs.Options{Library: lib})
	if err != nil {
		t.Fatal(err)
	}
	s.stopping.Store(true)
	loaded := make(chan opened, 1)
	loaded <- opened{eng: eng}
	fonts := make(chan struct{})
	close(fonts)
	s.fillWhenRead(loaded, fonts, time.Hour)
	again, err := jobs.Open(jobs.Options{Library: lib})
	if err != nil {
		t.Fatalf("the library is still held: %v", err)
	}
	again.Close()
}
