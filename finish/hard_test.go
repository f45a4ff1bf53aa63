package finish

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"vivify/preview"
)

// hard720p is the hard clip for a GIF: 81 grainy 1280×720 frames at 16 a
// second, as the HD models make them (300 MB of frames).
func hard720p() []preview.Frame { return clip(81, 1280, 720, 62500*time.Microsecond, true) }

// The chat GIF of the hard clip lands under its limit, every time: as it
// is, and as a boomerang (twice the frames), and it plays as long as the
// clip. It runs without the race detector (make test runs it so), which
// would take minutes over it.
func TestChatGIFOfAHard720pClip(t *testing.T) {
	if raceOn || testing.Short() {
		t.Skip("run without -race and -short: make test does")
	}
	in := hard720p()
	for _, r := range []Recipe{{}, {Loop: LoopBoomerang}} {
		applied, _ := Apply(in, r)
		dest := filepath.Join(t.TempDir(), "chat.gif")
		start := time.Now()
		res, err := Export(context.Background(), in, r, Presets[0], dest, nil)
		if err != nil {
			t.Fatalf("%+v: %v", r, err)
		}
		st, err := os.Stat(dest)
		if err != nil || st.Size() > ChatLimit || st.Size() != res.Bytes {
			t.Fatalf("%+v: %d bytes, limit %d (%v)", r, st.Size(), ChatLimit, err)
		}
		f, _ := os.Open(dest)
		a, err := preview.DecodeGIF(f, 320, 320)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		if d := a.Duration - Duration(applied); d > 20*time.Millisecond || d < -20*time.Millisecond {
			t.Errorf("%+v: the GIF lasts %v, the clip %v", r, a.Duration, Duration(applied))
		}
		t.Logf("%s: %.2f MB of %.0f MB, %d×%d, gave up %q, in %v", r.Words(len(in))+" chat GIF",
			float64(res.Bytes)/1e6, float64(ChatLimit)/1e6, res.Width, res.Height, res.GaveUp, time.Since(start).Round(time.Millisecond))
	}
}

// BenchmarkChatGIF720p is the chat GIF fit of the hard 720p clip.
func BenchmarkChatGIF720p(b *testing.B) {
	in := hard720p()
	dest := filepath.Join(b.TempDir(), "chat.gif")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Export(context.Background(), in, Recipe{}, Presets[0], dest, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDouble512 is 2x of the 512×512, 25-frame clip, written as a
// GIF, in Go.
func BenchmarkDouble512GIF(b *testing.B) {
	in := clip(25, 512, 512, 40*time.Millisecond, false)
	dest := filepath.Join(b.TempDir(), "2x.gif")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Export(context.Background(), in, Recipe{Double: true}, Original(".gif"), dest, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDouble512MP4 is 2x of the 512×512 clip written as an MP4
// (the frames through ffmpeg's scaler and H.264).
func BenchmarkDouble512MP4(b *testing.B) {
	needFFmpeg(b)
	in := clip(25, 512, 512, 40*time.Millisecond, false)
	dest := filepath.Join(b.TempDir(), "2x.mp4")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Export(context.Background(), in, Recipe{Double: true}, Original(".mp4"), dest, nil); err != nil {
			b.Fatal(err)
		}
	}
}
