// Package finish is the work done on a finished video to make it ready to
// post: loops without a jump (boomerang, crossfade), trimming, speed,
// doubling the size, and exports for where it is going (Export). It works
// on decoded frames (preview.Frame): the GIF work in Go, with no outside
// program; motion interpolation and the MP4 and WebM exports through
// ffmpeg.
//
// Every operation returns new frames and leaves its input as it was: the
// original video is never changed.
package finish

import (
	"errors"
	"image"
	"time"

	"golang.org/x/image/draw"

	"vivify/preview"
)

// ErrNoFrames is the error of an operation given no frames to work on.
var ErrNoFrames = errors.New("the video has no frames")

// Boomerang plays the frames forwards then backwards, without repeating
// either end, so that it loops without a jump: its last frame is the
// second, which leads back into the first.
func Boomerang(frames []preview.Frame) ([]preview.Frame, error) {
	return onFrames(frames, boomerangSteps)
}

// Crossfade blends the last overlap frames into the first ones, so the end
// dissolves into the start and the loop has no jump. The result is overlap
// frames shorter. overlap is clamped to a third of the frames.
func Crossfade(frames []preview.Frame, overlap int) ([]preview.Frame, error) {
	return onFrames(frames, func(s []step) []step { return crossfadeSteps(s, overlap) })
}

// onFrames does the steps' work on frames in memory: the operations
// below are the recipe's steps (stepsOf), one algorithm for the player's
// frames and an export's.
func onFrames(frames []preview.Frame, do func([]step) []step) ([]preview.Frame, error) {
	if len(frames) == 0 {
		return nil, ErrNoFrames
	}
	c := memClip(frames)
	steps := make([]step, len(frames))
	for i := range steps {
		steps[i] = step{src: i, delay: frames[i].Delay}
	}
	return framesOf(stepClip{c, do(steps)}), nil
}

// mix is a*(1-t) + b*t, pixel by pixel, on a's bounds.
func mix(a, b *image.RGBA, t float64) *image.RGBA {
	out := image.NewRGBA(a.Rect)
	out.Pix = mixBytes(a.Pix, b.Pix, t)
	return out
}

// mixBytes is a*(1-t) + b*t, byte by byte, on a's length.
func mixBytes(a, b []byte, t float64) []byte {
	out := make([]byte, len(a))
	wb := int(t*256 + 0.5)
	wa := 256 - wb
	for i := range out {
		var bv int
		if i < len(b) {
			bv = int(b[i])
		}
		out[i] = uint8((int(a[i])*wa + bv*wb + 128) >> 8)
	}
	return out
}

// Trim keeps frames from (included) to to (excluded).
func Trim(frames []preview.Frame, from, to int) ([]preview.Frame, error) {
	from, to = max(from, 0), min(to, len(frames))
	if from >= to {
		return nil, ErrNoFrames
	}
	return onFrames(frames, func(s []step) []step { return s[from:to] })
}

// minDelay is the shortest frame time players honour: shorter GIF delays
// are shown at 100 ms by most browsers and chat apps.
const minDelay = 20 * time.Millisecond

// Speed plays the frames rate times as fast (0.5 to 2): frame times are
// divided by rate; where a frame would be shorter than players honour,
// frames are dropped instead, so the length is what was asked.
func Speed(frames []preview.Frame, rate float64) ([]preview.Frame, error) {
	return onFrames(frames, func(s []step) []step { return speedSteps(s, rate) })
}

// Duration is the frames' total time.
func Duration(frames []preview.Frame) time.Duration {
	var d time.Duration
	for _, f := range frames {
		d += f.Delay
	}
	return d
}

// Framed puts every frame inside a picture of the shape aspect (width to
// height), as the vertical and square exports do: the frame fitted inside,
// over a blurred copy of itself that fills the rest. The picture's longer
// side is long pixels. It is for the player's preview; the exports do the
// same through ffmpeg at their own size.
func Framed(frames []preview.Frame, aspect [2]int, long int) ([]preview.Frame, error) {
	if len(frames) == 0 {
		return nil, ErrNoFrames
	}
	if aspect[0] <= 0 || aspect[1] <= 0 {
		return frames, nil
	}
	cw, ch := long, long*aspect[1]/aspect[0]
	if aspect[1] > aspect[0] {
		cw, ch = long*aspect[0]/aspect[1], long
	}
	out := make([]preview.Frame, len(frames))
	// A frame shown twice (a boomerang shows each but the ends twice) is
	// framed once: the preview of a long video holds half as much.
	done := map[*image.RGBA]*image.RGBA{}
	for i, f := range frames {
		if d, ok := done[f.Image]; ok {
			out[i] = preview.Frame{Image: d, Delay: f.Delay}
			continue
		}
		src := f.Image
		sw, sh := src.Rect.Dx(), src.Rect.Dy()
		// The blur: the frame filling the picture, made tiny and drawn
		// back large.
		fill := max(float64(cw)/float64(sw), float64(ch)/float64(sh))
		tiny := image.NewRGBA(image.Rect(0, 0, max(1, int(float64(sw)*fill)/24), max(1, int(float64(sh)*fill)/24)))
		draw.ApproxBiLinear.Scale(tiny, tiny.Rect, src, src.Rect, draw.Src, nil)
		dst := image.NewRGBA(image.Rect(0, 0, cw, ch))
		bw, bh := int(float64(sw)*fill), int(float64(sh)*fill)
		bg := image.Rect((cw-bw)/2, (ch-bh)/2, (cw-bw)/2+bw, (ch-bh)/2+bh)
		draw.BiLinear.Scale(dst, bg, tiny, tiny.Rect, draw.Src, nil)
		for p := 0; p < len(dst.Pix); p += 4 { // darker, so the video stands out
			for c := p; c < p+3; c++ {
				dst.Pix[c] = uint8(int(dst.Pix[c]) * 3 / 4)
			}
		}
		fit := min(float64(cw)/float64(sw), float64(ch)/float64(sh))
		fw, fh := int(float64(sw)*fit), int(float64(sh)*fit)
		fg := image.Rect((cw-fw)/2, (ch-fh)/2, (cw-fw)/2+fw, (ch-fh)/2+fh)
		draw.ApproxBiLinear.Scale(dst, fg, src, src.Rect, draw.Src, nil)
		done[f.Image] = dst
		out[i] = preview.Frame{Image: dst, Delay: f.Delay}
	}
	return out, nil
}
