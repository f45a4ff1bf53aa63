package finish

import (
	"context"
	"encoding/binary"
	"errors"
	"image"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"vivify/preview"
)

func needFFmpeg(t testing.TB) {
	t.Helper()
	if preview.FFmpeg == "" || preview.FFprobe == "" {
		t.Skip("ffmpeg is not installed")
	}
}

// barAt is the middle of the bright bar of a clip() frame, in pixels from
// the left, or -1 when no pixel is the bar's yellow.
func barAt(im *image.RGBA) float64 {
	var sum, n float64
	y := im.Rect.Dy() / 2
	for x := 0; x < im.Rect.Dx(); x++ {
		p := im.PixOffset(x, y)
		if im.Pix[p] > 200 && im.Pix[p+1] > 190 && im.Pix[p+2] < 110 {
			sum += float64(x)
			n++
		}
	}
	if n == 0 {
		return -1
	}
	return sum / n
}

// Smoother triples an 8 fps clip's frames, keeps its length, and makes the
// in-between frames by following the bar: it is between where it was and
// where it goes, not two faded bars.
func TestInterpolateFollowsTheMotion(t *testing.T) {
	needFFmpeg(t)
	in := clip(16, 160, 96, 125*time.Millisecond, false)
	out, err := Interpolate(context.Background(), in, 24, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := Duration(out), Duration(in); got != want {
		t.Errorf("%v long, the original %v", got, want)
	}
	if len(out) < 3*len(in)-3 || len(out) > 3*len(in) {
		t.Errorf("%d frames from %d at 8 fps to 24 fps", len(out), len(in))
	}
	for i := 1; i+1 < len(in) && 3*i+1 < len(out); i += 4 {
		before, after, mid := barAt(in[i].Image), barAt(in[i+1].Image), barAt(out[3*i+1].Image)
		if mid < 0 || mid <= before || mid >= after {
			t.Errorf("between frames %d and %d the bar is at %.1f; it moves from %.1f to %.1f", i, i+1, mid, before, after)
		}
	}
}

// probe is what ffprobe reads of a video file.
type probed struct {
	codec, pixFmt string
	w, h          int
	seconds       float64
}

func probe(t *testing.T, path string) probed {
	t.Helper()
	out, err := exec.Command(preview.FFprobe, "-v", "error", "-select_streams", "v:0",
		"-show_entries", "stream=codec_name,pix_fmt,width,height:format=duration", "-of", "default=nw=1", path).Output()
	if err != nil {
		t.Fatalf("ffprobe %s: %v", path, err)
	}
	var p probed
	for _, line := range strings.Split(string(out), "\n") {
		k, v, _ := strings.Cut(strings.TrimSpace(line), "=")
		switch k {
		case "codec_name":
			p.codec = v
		case "pix_fmt":
			p.pixFmt = v
		case "width":
			p.w, _ = strconv.Atoi(v)
		case "height":
			p.h, _ = strconv.Atoi(v)
		case "duration":
			p.seconds, _ = strconv.ParseFloat(v, 64)
		}
	}
	return p
}

// fastStart reports whether an MP4's index (moov) comes before its data
// (mdat), so it plays while it downloads.
func fastStart(t *testing.T, path string) bool {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for p := 0; p+8 <= len(data); {
		size := int(binary.BigEndian.Uint32(data[p:]))
		switch string(data[p+4 : p+8]) {
		case "moov":
			return true
		case "mdat":
			return false
		}
		if size < 8 {
			return false
		}
		p += size
	}
	return false
}

// Every preset writes what it says: the kind of file, its codec and pixel
// format, its shape, its length; the MP4s start fast.
func TestExportPresets(t *testing.T) {
	needFFmpeg(t)
	in := clip(24, 160, 96, 62500*time.Microsecond, false) // 16 fps, 1.5 s
	dir := t.TempDir()
	r := Recipe{Loop: LoopBoomerang}
	applied, _ := Apply(in, r)
	seconds := Duration(applied).Seconds()
	for _, p := range append([]Preset{Original(".gif"), Original(".mp4")}, Presets...) {
		t.Run(p.Name, func(t *testing.T) {
			dest := filepath.Join(dir, "clip "+p.Suffix+p.Ext)
			plan, err := PlanFor(in, 160, 96, r, p)
			if err != nil {
				t.Fatal(err)
			}
			res, err := Export(context.Background(), in, r, p, dest, nil)
			if err != nil {
				t.Fatal(err)
			}
			st, err := os.Stat(dest)
			if err != nil || st.Size() != res.Bytes || (p.Limit > 0 && res.Bytes > p.Limit) {
				t.Fatalf("%v: %d bytes, said %d, limit %d", err, st.Size(), res.Bytes, p.Limit)
			}
			if res.Width != plan.Width || res.Height != plan.Height {
				t.Errorf("planned %d×%d, made %d×%d", plan.Width, plan.Height, res.Width, res.Height)
			}
			if p.Ext == ".gif" {
				f, _ := os.Open(dest)
				defer f.Close()
				a, err := preview.DecodeGIF(f, 0, 0)
				if err != nil {
					t.Fatal(err)
				}
				if a.Width != res.Width || len(a.Frames) != len(applied) || a.Duration.Seconds()-seconds > 0.05 || seconds-a.Duration.Seconds() > 0.05 {
					t.Errorf("the GIF: %d×%d, %d frames, %v; want %d×%d, %d frames, %.2f s",
						a.Width, a.Height, len(a.Frames), a.Duration, res.Width, res.Height, len(applied), seconds)
				}
				return
			}
			got := probe(t, dest)
			want := map[string]string{".mp4": "h264", ".webm": "vp9"}[p.Ext]
			if got.codec != want || got.pixFmt != "yuv420p" || got.w != res.Width || got.h != res.Height {
				t.Errorf("%+v; want %s yuv420p %d×%d", got, want, res.Width, res.Height)
			}
			if got.seconds < seconds-0.07 || got.seconds > seconds+0.07 {
				t.Errorf("%.3f s long, want %.3f", got.seconds, seconds)
			}
			if p.Aspect != [2]int{} && (got.w*p.Aspect[1] != got.h*p.Aspect[0] || min(got.w, got.h) != 720) {
				t.Errorf("%d×%d is not %d:%d with 720 on its shorter side", got.w, got.h, p.Aspect[0], p.Aspect[1])
			}
			if p.Ext == ".mp4" && !fastStart(t, dest) {
				t.Error("the MP4's index is after its data: it would not start until it is all downloaded")
			}
		})
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("left behind: %s", e.Name())
		}
	}
}

// Smoother and 2x through a video codec: the frame rate and size asked for.
func TestExportSmootherAndBigger(t *testing.T) {
	needFFmpeg(t)
	in := clip(16, 128, 80, 125*time.Millisecond, false) // 8 fps, 2 s
	dest := filepath.Join(t.TempDir(), "v.mp4")
	res, err := Export(context.Background(), in, Recipe{FPS: 24, Double: true}, Original(".mp4"), dest, nil)
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(preview.FFprobe, "-v", "error", "-count_frames", "-select_streams", "v:0",
		"-show_entries", "stream=nb_read_frames,width,height", "-of", "csv=p=0", dest).Output()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(string(out)); got != "256,160,48" && got != "256,160,47" {
		t.Errorf("width, height, frames: %s; want 256,160,48 (%+v)", got, res)
	}
}

// A cancelled export, and one whose limit cannot be met, leave no file.
func TestFailedExportsLeaveNothing(t *testing.T) {
	needFFmpeg(t)
	in := clip(40, 320, 192, 40*time.Millisecond, true)
	dir := t.TempDir()
	for _, p := range []Preset{Original(".gif"), Presets[1]} {
		ctx, cancel := context.WithCancel(context.Background())
		var seen atomic.Bool
		_, err := Export(ctx, in, Recipe{}, p, filepath.Join(dir, "c"+p.Ext), func(f float64) {
			if f > 0.2 && !seen.Swap(true) {
				cancel()
			}
		})
		cancel()
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%s cancelled: %v", p.Name, err)
		}
	}
	for _, p := range []Preset{{Name: "tiny GIF", Ext: ".gif", Limit: 300}, {Name: "tiny MP4", Ext: ".mp4", Limit: 300}} {
		if _, err := Export(context.Background(), in, Recipe{}, p, filepath.Join(dir, "t"+p.Ext), nil); !errors.Is(err, ErrCannotFit) {
			t.Errorf("%s: %v", p.Name, err)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) > 0 {
		t.Errorf("left behind: %v", entries)
	}
}

// An MP4 over its limit at its quality is made again at the bit rate that
// fits, and says so.
func TestMP4MeetsItsLimit(t *testing.T) {
	needFFmpeg(t)
	in := clip(40, 320, 192, 40*time.Millisecond, true)
	dest := filepath.Join(t.TempDir(), "c.mp4")
	limit := int64(150_000)
	res, err := Export(context.Background(), in, Recipe{}, Preset{Name: "small", Ext: ".mp4", Limit: limit}, dest, nil)
	if err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(dest); st.Size() > limit || res.GaveUp == "" {
		t.Errorf("%d bytes for a limit of %d; gave up %q", st.Size(), limit, res.GaveUp)
	}
}

// Without ffmpeg, the GIF work is done and the rest says why it cannot be.
func TestWithoutFFmpeg(t *testing.T) {
	defer func(f string) { preview.FFmpeg = f }(preview.FFmpeg)
	preview.FFmpeg = ""
	in := clip(8, 64, 48, 100*time.Millisecond, false)
	dir := t.TempDir()
	if _, err := Export(context.Background(), in, Recipe{Loop: LoopBoomerang, Speed: 2}, Presets[0], filepath.Join(dir, "a.gif"), nil); err != nil {
		t.Errorf("a GIF without ffmpeg: %v", err)
	}
	for _, p := range Presets[1:] {
		if _, err := Export(context.Background(), in, Recipe{}, p, filepath.Join(dir, "b"+p.Ext), nil); !errors.Is(err, ErrNoFFmpeg) {
			t.Errorf("%s without ffmpeg: %v", p.Name, err)
		}
	}
	if _, err := Export(context.Background(), in, Recipe{FPS: 24}, Presets[0], filepath.Join(dir, "c.gif"), nil); !errors.Is(err, ErrNoFFmpeg) {
		t.Errorf("smoother without ffmpeg: %v", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("files: %v", entries)
	}
}

// smoothed makes, frame for frame, what smoother makes given two copies of
// the last frame (as Vivify did before), with one motion search less: at 8
// and 24 fps in, to 24, 30 and 60 fps out.
func TestSmoothedIsSmootherToTheEnd(t *testing.T) {
	needFFmpeg(t)
	for _, tc := range []struct{ in, out, n int }{{8, 24, 16}, {24, 30, 12}, {24, 60, 7}} {
		frames := clip(tc.n, 160, 96, time.Second/time.Duration(tc.in), false)
		raw := filepath.Join(t.TempDir(), "clip.rgba")
		var all []byte
		for _, f := range frames {
			all = append(all, f.Image.Pix...)
		}
		os.WriteFile(raw, all, 0o644)
		want := strconv.Itoa(tc.n * tc.out / tc.in)
		run := func(graph string) []byte {
			out, err := exec.Command(preview.FFmpeg, "-v", "error", "-f", "rawvideo", "-pix_fmt", "rgba", "-s", "160x96",
				"-framerate", strconv.Itoa(tc.in), "-i", raw, "-vf", graph, "-frames:v", want,
				"-f", "rawvideo", "-pix_fmt", "rgba", "pipe:1").Output()
			if err != nil {
				t.Fatalf("ffmpeg %s: %v", graph, err)
			}
			return out
		}
		before := run("tpad=stop_mode=clone:stop=2," + smoother(tc.out))
		now := run(smoothed(tc.out, tc.n))
		if n, _ := strconv.Atoi(want); len(now) != n*160*96*4 {
			t.Errorf("%d→%d fps: %d bytes, want %s frames", tc.in, tc.out, len(now), want)
		}
		if string(before) != string(now) {
			t.Errorf("%d→%d fps: the frames are not those two copies of the last made", tc.in, tc.out)
		}
	}
}
