package client

import (
	"image"
	"math/rand/v2"
	"testing"
)

// The fast YCbCr block average matches the general path (which converts
// every pixel to RGB first) within rounding, for every chroma subsampling.
func TestBoxReduceYCbCrMatchesGeneralPath(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, ratio := range []image.YCbCrSubsampleRatio{
		image.YCbCrSubsampleRatio444, image.YCbCrSubsampleRatio422, image.YCbCrSubsampleRatio420,
		image.YCbCrSubsampleRatio440, image.YCbCrSubsampleRatio411, image.YCbCrSubsampleRatio410,
	} {
		m := image.NewYCbCr(image.Rect(0, 0, 203, 151), ratio)
		// Edges and noise, with every colour inside the RGB cube (Y in
		// 60..190, chroma within 128±20), so no conversion clamps and only
		// rounding can tell the two paths apart.
		for i := range m.Y {
			m.Y[i] = uint8(60 + (i*7)%120 + rng.IntN(10))
		}
		for i := range m.Cb {
			m.Cb[i] = uint8(108 + (i/7)%30 + rng.IntN(10))
			m.Cr[i] = uint8(148 - (i/5)%30 - rng.IntN(10))
		}
		for _, k := range []int{2, 3, 5} {
			fast := boxReduce(m, k)
			general := boxReduce(struct{ image.Image }{m}, k) // hides the type: the At path
			if fast.Rect != general.Rect {
				t.Fatalf("%v k=%d: %v vs %v", ratio, k, fast.Rect, general.Rect)
			}
			worst := 0
			for i := range fast.Pix {
				d := int(fast.Pix[i]) - int(general.Pix[i])
				worst = max(worst, d, -d)
			}
			// Averaging before or after the conversion differs only by
			// rounding (the general path also truncates 16-bit colour).
			if worst > 2 {
				t.Errorf("%v k=%d: differs by up to %d", ratio, k, worst)
			}
		}
	}
}
