package sandbox

import (
	"image"
	"image/color"
	"testing"
)

// Practice takes with other seeds look different at a glance: another
// tint, and a zoom that goes elsewhere; the same seed gives the same video.
func TestSeedsGiveOtherPracticeVideos(t *testing.T) {
	src := image.NewRGBA(image.Rect(0, 0, 200, 100))
	for y := 0; y < 100; y++ {
		for x := 0; x < 200; x++ {
			src.SetRGBA(x, y, color.RGBA{uint8(x), uint8(y * 2), 128, 255})
		}
	}
	frames := func(seed int64) []*image.RGBA { return zoomFrames(src, 64, 32, 4, seed) }
	differ := func(a, b *image.RGBA) int {
		n := 0
		for i := range a.Pix {
			if d := int(a.Pix[i]) - int(b.Pix[i]); d > 12 || d < -12 {
				n++
			}
		}
		return n
	}
	one, again := frames(11), frames(11)
	if differ(one[3], again[3]) != 0 {
		t.Fatal("the same seed gave another video")
	}
	seen := 0
	for _, seed := range []int64{22, 33, 44} {
		if differ(one[3], frames(seed)[3]) > len(one[3].Pix)/10 {
			seen++
		}
	}
	if seen < 3 {
		t.Fatalf("only %d of 3 other seeds look different from seed 11", seen)
	}
}
