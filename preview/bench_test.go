package preview

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/gif"
	"math/rand/v2"
	"testing"
	"time"

	"context"
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"os"
	"os/exec"
	"path/filepath"
	"vivify/internal/memwatch"
)

// encodeClip512 is a 512×512, 25-frame GIF whose palette indexes come from
// pixel(frame, x, y), each frame shown 70 ms and drawn over the last.
func encodeClip512(tb testing.TB, pal color.Palette, pixel func(f, x, y int) uint8) []byte {
	tb.Helper()
	g := &gif.GIF{Config: image.Config{Width: 512, Height: 512, ColorModel: pal}}
	for f := range 25 {
		m := image.NewPaletted(image.Rect(0, 0, 512, 512), pal)
		for y := 0; y < 512; y++ {
			for x := 0; x < 512; x++ {
				m.Pix[y*512+x] = pixel(f, x, y)
			}
		}
		g.Image = append(g.Image, m)
		g.Delay = append(g.Delay, 7)
		g.Disposal = append(g.Disposal, gif.DisposalNone)
	}
	var buf bytes.Buffer
	if err := gif.EncodeAll(&buf, g); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// clip512 is a 512×512, 25-frame GIF like a result: a full 256-colour
// palette, smooth gradients that move, and grain.
func clip512(tb testing.TB) []byte {
	pal := make(color.Palette, 256)
	for i := range pal {
		pal[i] = color.RGBA{uint8(i), uint8(255 - i), uint8(i * 7), 255}
	}
	rng := rand.New(rand.NewPCG(3, 4))
	return encodeClip512(tb, pal, func(f, x, y int) uint8 { return uint8((x+y+f*6)/4 + rng.IntN(6)) })
}

// BenchmarkDecodeGIF512x25 decodes and composes a 512×512, 25-frame GIF
// of grainy content: the worst case for LZW, every string short.
func BenchmarkDecodeGIF512x25(b *testing.B) {
	data := clip512(b)
	b.ReportMetric(float64(len(data))/1e6, "file-MB")
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		a, err := DecodeGIF(bytes.NewReader(data), 512, 512)
		if err != nil || len(a.Frames) != 25 {
			b.Fatal(err)
		}
	}
}

// clip512Dithered is a 512×512, 25-frame GIF as GIF encoders make from
// video: smooth, slowly moving content, quantised with a 4×4 ordered dither.
func clip512Dithered(tb testing.TB) []byte {
	pal := make(color.Palette, 0, 256)
	for r := 0; r < 6; r++ {
		for g := 0; g < 7; g++ {
			for b := 0; b < 6; b++ {
				pal = append(pal, color.RGBA{uint8(r * 51), uint8(g * 42), uint8(b * 51), 255})
			}
		}
	}
	bayer := [16]int{0, 8, 2, 10, 12, 4, 14, 6, 3, 11, 1, 9, 15, 7, 13, 5}
	level := func(v, steps, d int) int { return min(steps-1, (v*(steps-1)*32+(2*d+1)*255)/(255*32)) }
	return encodeClip512(tb, pal, func(f, x, y int) uint8 {
		d := bayer[(y&3)*4+(x&3)]
		r := level((x+f*3)*255/540, 6, d)
		g := level((y+f*2)*255/530, 7, d)
		b := level(((x+y)/2+f)*255/540, 6, d)
		return uint8(r*42 + g*6 + b)
	})
}

// BenchmarkDecodeGIF512x25Dithered decodes the typical clip.
func BenchmarkDecodeGIF512x25Dithered(b *testing.B) {
	data := clip512Dithered(b)
	b.ReportMetric(float64(len(data))/1e6, "file-MB")
	b.ReportAllocs()
	for b.Loop() {
		a, err := DecodeGIF(bytes.NewReader(data), 512, 512)
		if err != nil || len(a.Frames) != 25 {
			b.Fatal(err)
		}
	}
}

// BenchmarkNextFrame moves a player in a window to its next frame: the work
// of one tick that changes the frame. Target: no allocation.
func BenchmarkNextFrame(b *testing.B) {
	test.NewTempApp(b)
	a, err := DecodeGIF(bytes.NewReader(clip512Dithered(b)), 384, 384)
	if err != nil {
		b.Fatal(err)
	}
	p := NewPlayer()
	p.SetAnimation(a)
	w := test.NewWindow(p)
	defer w.Close()
	w.Resize(fyne.NewSize(500, 500))
	p.showFrame(1)
	p.showFrame(2)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i = (i + 1) % len(a.Frames)
		p.showFrame(i)
	}
}

// BenchmarkPlayerMemory reports what one player holds for a 512×512,
// 25-frame result shown at 384 × 384 (the details pane) and at full size.
func BenchmarkPlayerMemory(b *testing.B) {
	data := clip512Dithered(b)
	for b.Loop() {
		shown, _ := DecodeGIF(bytes.NewReader(data), 384, 384)
		full, _ := DecodeGIF(bytes.NewReader(data), 0, 0)
		b.ReportMetric(float64(shown.Bytes())/1e6, "MB-at-384px")
		b.ReportMetric(float64(full.Bytes())/1e6, "MB-at-512px")
	}
}

// clip720p is a 1280×720, 81-frame MP4 like an HD result, made by ffmpeg
// from its own test pattern with noise of the given strength: 6 gives a
// file of a real result's size (a few MB), 30 a grainy worst case (30 MB,
// 48 Mbit/s), whose decoding is bound by the bitstream.
func clip720p(b *testing.B, noise int) string {
	if !HasFFmpeg() {
		b.Skip("ffmpeg is not installed")
	}
	path := filepath.Join(b.TempDir(), "hd.mp4")
	out, err := exec.Command(FFmpeg, "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=16",
		"-vf", fmt.Sprintf("noise=alls=%d:allf=t", noise), "-frames:v", "81", "-c:v", "libx264", "-pix_fmt", "yuv420p", path).CombinedOutput()
	if err != nil {
		b.Fatalf("ffmpeg: %v %s", err, out)
	}
	return path
}

// BenchmarkOpenHD720p81 opens a 1280×720, 81-frame MP4 for the details
// pane (480 × 480 at most), as the player does, and reports what the
// player keeps and the heap's peak while it opens. Beside it,
// BenchmarkOpen512x25 does the same for today's 512×512 GIF clip.
func BenchmarkOpenHD720p81(b *testing.B) {
	benchOpen(b, clip720p(b, 6), 81)
}

func BenchmarkOpenHD720p81Grainy(b *testing.B) {
	benchOpen(b, clip720p(b, 30), 81)
}

func BenchmarkOpen512x25(b *testing.B) {
	path := filepath.Join(b.TempDir(), "clip.gif")
	os.WriteFile(path, clip512Dithered(b), 0o644)
	benchOpen(b, path, 25)
}

func benchOpen(b *testing.B, path string, frames int) {
	var kept int
	var peak uint64
	for b.Loop() {
		p := memwatch.Peak(func() {
			a, err := Open(context.Background(), path, 480, 480)
			if err != nil || len(a.Frames) != frames {
				b.Fatalf("%v, %d frames", err, len(a.Frames))
			}
			kept = a.Bytes()
		})
		peak = max(peak, p)
	}
	if st, err := os.Stat(path); err == nil {
		b.ReportMetric(float64(st.Size())/1e6, "file-MB")
	}
	b.ReportMetric(float64(kept)/1e6, "MB-kept")
	b.ReportMetric(float64(peak)/1e6, "MB-peak")
}

// BenchmarkOpen1080p240 opens the largest premium video, 1920×1080 for 10
// seconds (240 frames), for the details pane, as the player does (kept
// frames reported), beside ffmpeg alone decoding and scaling it to the same
// size into nothing (s-ffmpeg-alone): the goal is its time plus 10%.
func BenchmarkOpen1080p240(b *testing.B) {
	if !HasFFmpeg() {
		b.Skip("no ffmpeg")
	}
	path := filepath.Join(b.TempDir(), "kling.mp4")
	out, err := exec.Command(FFmpeg, "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=1920x1080:rate=24",
		"-frames:v", "240", "-c:v", "libx264", "-preset", "ultrafast", "-crf", "28", "-pix_fmt", "yuv420p", path).CombinedOutput()
	if err != nil {
		b.Fatalf("ffmpeg: %v %s", err, out)
	}
	var alone time.Duration
	for range 3 {
		start := time.Now()
		if out, err := exec.Command(FFmpeg, "-v", "error", "-i", path, "-vf", "scale=480:270",
			"-f", "rawvideo", "-pix_fmt", "rgba", "-y", os.DevNull).CombinedOutput(); err != nil {
			b.Fatalf("ffmpeg: %v %s", err, out)
		}
		alone += time.Since(start)
	}
	benchOpen(b, path, 240)
	b.ReportMetric(alone.Seconds()/3, "s-ffmpeg-alone")
}
