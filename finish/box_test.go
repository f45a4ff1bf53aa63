package finish

import (
	"image"
	"testing"
)

// boxDown's pixels are the means of their blocks.
func TestBoxDown(t *testing.T) {
	src := image.NewRGBA(image.Rect(0, 0, 6, 6))
	for i := range src.Pix {
		src.Pix[i] = uint8(i % 251)
	}
	for _, k := range []int{2, 3} {
		dst := image.NewRGBA(image.Rect(0, 0, 6/k, 6/k))
		boxDown(dst, src, k)
		for y := range dst.Rect.Dy() {
			for x := range dst.Rect.Dx() {
				for c := range 4 {
					sum := 0
					for dy := range k {
						for dx := range k {
							sum += int(src.Pix[src.PixOffset(x*k+dx, y*k+dy)+c])
						}
					}
					if want := uint8((sum + k*k/2) / (k * k)); dst.Pix[dst.PixOffset(x, y)+c] != want {
						t.Fatalf("k %d (%d,%d) channel %d: %d, want %d", k, x, y, c, dst.Pix[dst.PixOffset(x, y)+c], want)
					}
				}
			}
		}
	}
}
