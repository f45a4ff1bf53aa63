package finish

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/draw"
	"image/gif"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"vivify/preview"
)

// clip is n frames of w×h: a bright bar that moves across a gradient, with
// grain (a hard clip for a GIF) when grain is set.
func clip(n, w, h int, delay time.Duration, grain bool) []preview.Frame {
	rng := rand.New(rand.NewPCG(1, 2))
	out := make([]preview.Frame, n)
	for i := range out {
		im := image.NewRGBA(image.Rect(0, 0, w, h))
		bar := i * w / n
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				p := im.PixOffset(x, y)
				r, g, b := x*255/w, y*255/h, 120
				if x >= bar && x < bar+w/10 {
					r, g, b = 250, 240, 40
				}
				if grain {
					d := rng.IntN(61) - 30
					r, g, b = clamp(r+d), clamp(g+d), clamp(b+d)
				}
				im.Pix[p], im.Pix[p+1], im.Pix[p+2], im.Pix[p+3] = uint8(r), uint8(g), uint8(b), 255
			}
		}
		out[i] = preview.Frame{Image: im, Delay: delay}
	}
	return out
}

func clamp(v int) int { return min(max(v, 0), 255) }

// diff is the mean absolute difference of two frames' pixels.
func diff(a, b *image.RGBA) float64 {
	var s int
	for i := range a.Pix {
		d := int(a.Pix[i]) - int(b.Pix[i])
		s += max(d, -d)
	}
	return float64(s) / float64(len(a.Pix))
}

func TestBoomerang(t *testing.T) {
	in := clip(10, 64, 48, 100*time.Millisecond, false)
	out, err := Boomerang(in)
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 18 || out[0].Image != in[0].Image || out[9].Image != in[9].Image {
		t.Fatalf("%d frames", len(out))
	}
	// The last frame is the second: the loop goes on without a jump.
	if diff(out[len(out)-1].Image, out[1].Image) != 0 {
		t.Fatal("the boomerang's last frame is not its second")
	}
	if in[1].Image == nil || len(in) != 10 {
		t.Fatal("the input was changed")
	}
}

func TestCrossfadeLoopsWithoutAJump(t *testing.T) {
	in := clip(24, 64, 48, 50*time.Millisecond, false)
	out, err := Crossfade(in, 6)
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 18 {
		t.Fatalf("%d frames", len(out))
	}
	// The seam (last frame to first) is no larger than a step between
	// two frames of the original, where it was the whole way back.
	step := diff(in[1].Image, in[0].Image)
	before := diff(in[len(in)-1].Image, in[0].Image)
	seam := diff(out[len(out)-1].Image, out[0].Image)
	if seam > step*1.5 {
		t.Fatalf("seam %.2f; a step %.2f; the jump before %.2f", seam, step, before)
	}
}

func TestTrimSpeedDouble(t *testing.T) {
	in := clip(16, 40, 30, 60*time.Millisecond, false)
	trimmed, err := Trim(in, 3, 11)
	if err != nil || len(trimmed) != 8 || trimmed[0].Image != in[3].Image {
		t.Fatalf("trim: %d frames, %v", len(trimmed), err)
	}
	if _, err := Trim(in, 9, 9); !errors.Is(err, ErrNoFrames) {
		t.Fatalf("an empty trim: %v", err)
	}
	for _, rate := range []float64{0.5, 1.5, 2} {
		fast, err := Speed(in, rate)
		if err != nil {
			t.Fatal(err)
		}
		want := time.Duration(float64(Duration(in)) / rate)
		if got := Duration(fast); got-want > 60*time.Millisecond || want-got > 60*time.Millisecond {
			t.Errorf("at %gx: %v long, want %v", rate, got, want)
		}
		for _, f := range fast[1:] {
			if f.Delay < minDelay {
				t.Errorf("at %gx a frame lasts %v, shorter than players show", rate, f.Delay)
			}
		}
	}
	// 2x is done as the GIF is written (each frame scaled just before it
	// is dithered), so it is measured on the file.
	dest := filepath.Join(t.TempDir(), "2x.gif")
	if _, err := Export(context.Background(), in, Recipe{Double: true}, Original(".gif"), dest, nil); err != nil {
		t.Fatal(err)
	}
	f, _ := os.Open(dest)
	defer f.Close()
	big, err := preview.DecodeGIF(f, 0, 0)
	if err != nil || big.Width != 80 || big.Height != 60 || len(big.Frames) != 16 {
		t.Fatalf("2x: %v", err)
	}
}

// A GIF export fits its limit by giving up colours, then size, then
// frames; one that cannot fit says so and returns nothing. The result
// decodes as the same length of video.
func TestFitGIF(t *testing.T) {
	in := clip(16, 200, 112, 40*time.Millisecond, true)
	full, err := EncodeGIF(context.Background(), in, 256)
	if err != nil {
		t.Fatal(err)
	}
	limit := len(full) / 3
	got, err := FitGIF(context.Background(), in, limit)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Data) > limit {
		t.Fatalf("%d bytes for a limit of %d", len(got.Data), limit)
	}
	a, err := preview.DecodeGIF(bytes.NewReader(got.Data), 1000, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if d := a.Duration - Duration(in); d > 50*time.Millisecond || d < -50*time.Millisecond {
		t.Fatalf("the fitted GIF lasts %v, the clip %v", a.Duration, Duration(in))
	}
	t.Logf("full %d bytes; fitted %d (limit %d) with %d colours, scale %.2f, every %d frame(s)",
		len(full), len(got.Data), limit, got.Colours, got.Scale, got.Every)
	if _, err := FitGIF(context.Background(), in, 200); !errors.Is(err, ErrCannotFit) {
		t.Fatalf("an impossible limit: %v", err)
	}
}

// BenchmarkBoomerangGIF is the GIF boomerang of a 512×512, 25-frame clip,
// made and written in Go.
func BenchmarkBoomerangGIF(b *testing.B) {
	in := clip(25, 512, 512, 40*time.Millisecond, false)
	b.ReportAllocs()
	for b.Loop() {
		out, _ := Boomerang(in)
		if _, err := EncodeGIF(context.Background(), out, 256); err != nil {
			b.Fatal(err)
		}
	}
}

// Framed puts a landscape clip inside a 9:16 picture: the clip whole in
// the middle, a darker blur of it above and below.
func TestFramed(t *testing.T) {
	in := clip(4, 160, 90, 100*time.Millisecond, false)
	out, err := Framed(in, [2]int{9, 16}, 320)
	if err != nil || len(out) != 4 {
		t.Fatal(err)
	}
	im := out[2].Image
	if im.Rect.Dx() != 180 || im.Rect.Dy() != 320 {
		t.Fatalf("framed: %v", im.Rect)
	}
	// The middle row of the picture is the clip's middle row, scaled.
	src := in[2].Image
	for _, x := range []int{10, 90, 170} {
		got := im.RGBAAt(x, 160)
		want := src.RGBAAt(x*160/180, 45)
		if d := int(got.R) - int(want.R); d > 12 || d < -12 {
			t.Errorf("at x=%d the middle reads %v; the clip there is %v", x, got, want)
		}
	}
	// Above it, the blur of the clip's top, three quarters as bright; below
	// it, of its bottom.
	first, firstSrc := out[0].Image, in[0].Image // its bar is at the left, out of the way
	for _, at := range []struct{ y, srcY int }{{10, 2}, {310, 87}} {
		got := first.RGBAAt(90, at.y)
		want := firstSrc.RGBAAt(80, at.srcY)
		for c, v := range []uint8{got.R, got.G, got.B} {
			w := int([]uint8{want.R, want.G, want.B}[c]) * 3 / 4
			if d := int(v) - w; got.A != 255 || d > 25 || d < -25 {
				t.Errorf("the blur at y=%d reads %v; three quarters of the clip's %v", at.y, got, want)
				break
			}
		}
	}
	if same, _ := Framed(in, [2]int{}, 320); &same[0] != &in[0] {
		t.Error("no shape should leave the frames as they are")
	}
}

// The GIF Vivify writes is read by Go's own decoder too: its frames, their
// times, its loop, and pictures close to the clip's.
func TestGIFReadsElsewhere(t *testing.T) {
	in := clip(12, 120, 68, 62500*time.Microsecond, false)
	for _, colours := range []int{2, 5, 64, 256} {
		data, err := EncodeGIF(context.Background(), in, colours)
		if err != nil {
			t.Fatal(err)
		}
		g, err := gif.DecodeAll(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%d colours: %v", colours, err)
		}
		total := 0
		for _, d := range g.Delay {
			total += d
		}
		if len(g.Image) != 12 || g.LoopCount != 0 || g.Config.Width != 120 || g.Config.Height != 68 || total != 75 {
			t.Fatalf("%d colours: %d frames, loop %d, %d×%d, %d hundredths", colours, len(g.Image), g.LoopCount, g.Config.Width, g.Config.Height, total)
		}
		if colours < 64 {
			continue
		}
		got := image.NewRGBA(g.Image[5].Rect)
		draw.Draw(got, got.Rect, g.Image[5], image.Point{}, draw.Src)
		if d := diff(got, in[5].Image); d > 12 {
			t.Errorf("%d colours: frame 5 is %.1f levels from the clip's on average", colours, d)
		}
	}
}
