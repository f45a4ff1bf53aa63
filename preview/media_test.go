package preview

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"

	"vivify/internal/picture"
)

func needFFmpeg(t *testing.T) {
	t.Helper()
	if !HasFFmpeg() {
		if os.Getenv("CI") != "" {
			t.Fatal("ffmpeg is missing in CI: make test should have installed it")
		}
		t.Skip("ffmpeg is not installed (make test installs it)")
	}
}

// rgbGIF writes the four-colour clip (red, green, blue, yellow; 40×40).
func rgbGIF(t *testing.T) string {
	t.Helper()
	rows := func(c byte) []string {
		r := make([]string, 40)
		for i := range r {
			r[i] = string(bytes.Repeat([]byte{c}, 40))
		}
		return r
	}
	p := filepath.Join(t.TempDir(), "clip.gif")
	data := encode(t, 40, 40, []*image.Paletted{frame(0, 0, rows('R')...), frame(0, 0, rows('G')...),
		frame(0, 0, rows('B')...), frame(0, 0, rows('Y')...)}, nil, nil)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func readPNG(t *testing.T, p string) image.Image {
	t.Helper()
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func closeTo(c color.Color, want color.RGBA, tol int) bool {
	r, g, b, _ := c.RGBA()
	d := func(x uint32, y uint8) bool { v := int(x>>8) - int(y); return v <= tol && v >= -tol }
	return d(r, want.R) && d(g, want.G) && d(b, want.B)
}

func TestThumbnailOfAGIF(t *testing.T) {
	dest := filepath.Join(t.TempDir(), "thumb.png")
	if err := Thumbnail(rgbGIF(t), "", dest); err != nil {
		t.Fatal(err)
	}
	img := readPNG(t, dest)
	// A third of the way in: the second of four frames, green.
	if c := img.At(20, 20); !closeTo(c, letters['G'], 2) || img.Bounds().Dx() != 40 {
		t.Fatalf("thumbnail %v at %v", c, img.Bounds())
	}
}

func TestThumbnailFallsBackToTheSource(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "source.png")
	big := image.NewRGBA(image.Rect(0, 0, 1000, 500))
	for i := range big.Pix {
		big.Pix[i] = 200
	}
	var buf bytes.Buffer
	png.Encode(&buf, big)
	os.WriteFile(src, buf.Bytes(), 0o644)
	broken := filepath.Join(dir, "video.gif")
	os.WriteFile(broken, []byte("not a gif"), 0o644)
	dest := filepath.Join(dir, "thumb.png")
	if err := Thumbnail(broken, src, dest); err != nil {
		t.Fatal(err)
	}
	if b := readPNG(t, dest).Bounds(); b.Dx() != ThumbnailSide || b.Dy() != ThumbnailSide/2 {
		t.Fatalf("size %v", b)
	}
	if err := Thumbnail(broken, "", dest); err == nil {
		t.Fatal("no error with nothing to show")
	}
}

func TestExportFrames(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "frames")
	paths, err := ExportFrames(context.Background(), rgbGIF(t), dir)
	if err != nil {
		t.Fatal(err)
	}
	want := []color.RGBA{letters['R'], letters['G'], letters['B'], letters['Y']}
	if len(paths) != 4 || filepath.Base(paths[0]) != "frame-0001.png" || filepath.Base(paths[3]) != "frame-0004.png" {
		t.Fatalf("%v", paths)
	}
	for i, p := range paths {
		if c := readPNG(t, p).At(5, 5); !closeTo(c, want[i], 0) {
			t.Errorf("%s is %v", p, c)
		}
	}
}

func TestMP4ThroughFFmpeg(t *testing.T) {
	needFFmpeg(t)
	ctx := context.Background()
	mp4 := filepath.Join(t.TempDir(), "clip.mp4")
	if err := ExportMP4(ctx, rgbGIF(t), mp4); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(mp4)
	if len(data) < 12 || string(data[4:8]) != "ftyp" {
		t.Fatal("not an MP4")
	}
	a, err := Open(ctx, mp4, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Frames) < 4 || a.Width != 40 || a.Duration < 300e6 || a.Duration > 600e6 {
		t.Fatalf("%d frames of %dx%d over %v", len(a.Frames), a.Width, a.Height, a.Duration)
	}
	// The colours survive the lossy encoding: first red, last yellow.
	if c := a.Frames[0].Image.At(20, 20); !closeTo(c, letters['R'], 40) {
		t.Errorf("first frame %v", c)
	}
	if c := a.Frames[len(a.Frames)-1].Image.At(20, 20); !closeTo(c, letters['Y'], 40) {
		t.Errorf("last frame %v", c)
	}
	dest := filepath.Join(t.TempDir(), "thumb.png")
	if err := Thumbnail(mp4, "", dest); err != nil {
		t.Fatalf("MP4 thumbnail: %v", err)
	}
	small, err := Open(ctx, mp4, 20, 20)
	if err != nil || small.Frames[0].Image.Rect.Dx() != 20 {
		t.Fatalf("scaled: %v", err)
	}
}

func TestWithoutFFmpegMP4SaysSo(t *testing.T) {
	saved := FFmpeg
	FFmpeg = ""
	defer func() { FFmpeg = saved }()
	if _, err := DecodeMP4(context.Background(), "x.mp4", 0, 0); !errors.Is(err, ErrNoFFmpeg) {
		t.Fatalf("got %v", err)
	}
	if err := ExportMP4(context.Background(), "x.gif", "x.mp4"); !errors.Is(err, ErrNoFFmpeg) {
		t.Fatalf("got %v", err)
	}
}

// ffmpeg fits a video's frames in the box by FitSize's own sums, before
// the header has been read: for sizes of every shape and boxes of every
// kind, the frames are FitSize's size and all there (a frame of another
// size would make the count come out wrong), and the pixels are the
// video's (a mid-grey picture stays mid-grey).
func TestOpenFitsAsFitSize(t *testing.T) {
	if !HasFFmpeg() {
		t.Skip("no ffmpeg")
	}
	dir := t.TempDir()
	for _, size := range [][2]int{{1001, 667}, {640, 360}, {202, 1000}, {300, 300}, {1920, 1080}, {97, 55}} {
		path := filepath.Join(dir, fmt.Sprintf("%dx%d.mp4", size[0], size[1]))
		out, err := exec.Command(FFmpeg, "-v", "error", "-y", "-f", "lavfi", "-i", fmt.Sprintf("color=c=0x808080:size=%dx%d:rate=24", size[0], size[1]),
			"-frames:v", "12", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv444p", path).CombinedOutput()
		if err != nil {
			t.Fatalf("ffmpeg: %v %s", err, out)
		}
		for _, box := range [][2]int{{480, 480}, {128, 128}, {0, 0}, {333, 0}, {0, 77}, {2000, 2000}} {
			a, err := Open(context.Background(), path, box[0], box[1])
			if err != nil {
				t.Fatalf("%v in %v: %v", size, box, err)
			}
			// (H.264 keeps even sides: 1001 × 667 is made 1000 × 666.)
			w, h := picture.FitSize(a.Width, a.Height, box[0], box[1])
			if len(a.Frames) != 12 || a.Frames[0].Image.Rect != image.Rect(0, 0, w, h) || a.Width != size[0]&^1 || a.Height != size[1]&^1 {
				t.Fatalf("%v in %v: %d frames of %v (a video of %d×%d), want 12 of %d×%d", size, box, len(a.Frames), a.Frames[0].Image.Rect, a.Width, a.Height, w, h)
			}
			c := a.Frames[11].Image.RGBAAt(w/2, h/2)
			if c.R < 120 || c.R > 136 || c.G < 120 || c.G > 136 || c.A != 255 {
				t.Errorf("%v in %v: the middle is %v, not mid-grey", size, box, c)
			}
		}
	}
}

// ProbeVideo reads a video's size, rate, frames and length in one ffprobe,
// and a file with no video stream (sound only) is said to be damaged.
func TestProbeVideo(t *testing.T) {
	needFFmpeg(t)
	dir := t.TempDir()
	clip := filepath.Join(dir, "clip.mp4")
	if out, err := exec.Command(FFmpeg, "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=24",
		"-frames:v", "36", "-pix_fmt", "yuv420p", clip).CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg: %v %s", err, out)
	}
	v, err := ProbeVideo(context.Background(), clip)
	if err != nil {
		t.Fatal(err)
	}
	if v.Width != 320 || v.Height != 180 || v.FPS != 24 || v.Frames != 36 || v.Seconds < 1.49 || v.Seconds > 1.51 {
		t.Fatalf("%+v", v)
	}
	sound := filepath.Join(dir, "sound.mp4")
	if out, err := exec.Command(FFmpeg, "-v", "error", "-f", "lavfi", "-i", "sine=duration=1", sound).CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg: %v %s", err, out)
	}
	if _, err := ProbeVideo(context.Background(), sound); !errors.Is(err, ErrDamaged) {
		t.Fatalf("a file of sound only: %v", err)
	}
}

// The frames are read into one block of the size the header promises; a
// video cut short (its header promising 400 frames, its data holding a
// quarter) keeps the frames it has in a block their size, not the
// promised one.
func TestCutShortVideoKeepsWhatItHas(t *testing.T) {
	needFFmpeg(t)
	path := filepath.Join(t.TempDir(), "cut.mp4")
	if out, err := exec.Command(FFmpeg, "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=24",
		"-frames:v", "400", "-pix_fmt", "yuv420p", "-g", "12", "-movflags", "+faststart", path).CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg: %v %s", err, out)
	}
	st, _ := os.Stat(path)
	os.Truncate(path, st.Size()/4)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	a, err := Open(context.Background(), path, 0, 0)
	if a == nil {
		t.Fatalf("nothing opened: %v", err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	n := len(a.Frames)
	if n == 0 || n >= 300 {
		t.Fatalf("%d frames of a video cut to a quarter (%v)", n, err)
	}
	frame := 320 * 180 * 4
	held := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	if held > int64(n*frame)*3/2 {
		t.Fatalf("%d frames (%d MB) hold %d MB", n, n*frame>>20, held>>20)
	}
	runtime.KeepAlive(a)
}
