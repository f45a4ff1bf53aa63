package preview

import (
	"bytes"
	"image"
	"image/color"
	"image/gif"
	"math/rand/v2"
	"testing"
)

// clip512 is a 512×512, 25-frame GIF like a result: a full 256-colour
// palette, smooth gradients that move, and grain.
func clip512(tb testing.TB) []byte {
	tb.Helper()
	pal := make(color.Palette, 256)
	for i := range pal {
		pal[i] = color.RGBA{uint8(i), uint8(255 - i), uint8(i * 7), 255}
	}
	rng := rand.New(rand.NewPCG(3, 4))
	g := &gif.GIF{Config: image.Config{Width: 512, Height: 512, ColorModel: pal}}
	for f := range 25 {
		m := image.NewPaletted(image.Rect(0, 0, 512, 512), pal)
		for y := 0; y < 512; y++ {
			for x := 0; x < 512; x++ {
				m.Pix[y*512+x] = uint8((x+y+f*6)/4 + rng.IntN(6))
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

// BenchmarkDecodeGIF512x25 decodes and composes a 512×512, 25-frame GIF.
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
