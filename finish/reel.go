package finish

import (
	"image"
	"image/draw"
	"math"
	"os"
	"time"

	"vivify/preview"
)

// reel is a video's frames as the exports read them: one at a time, by
// index, all of one size. A clip in memory (the player's frames) hands out
// its own; a clip spilled to disk (a video at its full size) reads each
// into a buffer the caller owns, so that what is held is a few frames,
// whatever the video's length.
type reel interface {
	Len() int
	Bounds() image.Rectangle
	Delay(i int) time.Duration
	// Frame is frame i. buf, when it is not nil, is a frame of Bounds'
	// size that the clip may fill and return; the result is the caller's
	// to read until it passes buf again. Frame is safe to call from
	// several goroutines, each with a buffer of its own.
	Frame(i int, buf *image.RGBA) (*image.RGBA, error)
	// PixFmt is how Raw lays a frame's bytes out, as ffmpeg names it:
	// "rgba", or "yuv420p" for a video spilled for a video codec (a
	// third of the bytes, and no conversion either way).
	PixFmt() string
	// Raw is frame i's bytes in PixFmt, in buf when it is the right size.
	Raw(i int, buf []byte) ([]byte, error)
}

// rawBytes is the size of a frame of w × h in pixFmt.
func rawBytes(pixFmt string, w, h int) int {
	if pixFmt == "yuv420p" {
		return w*h + 2*((w+1)/2)*((h+1)/2)
	}
	return w * h * 4
}

// memClip is frames held in memory.
type memClip []preview.Frame

func (m memClip) Len() int                  { return len(m) }
func (m memClip) Bounds() image.Rectangle   { return m[0].Image.Rect }
func (m memClip) Delay(i int) time.Duration { return m[i].Delay }
func (m memClip) Frame(i int, _ *image.RGBA) (*image.RGBA, error) {
	return m[i].Image, nil
}
func (m memClip) PixFmt() string { return "rgba" }
func (m memClip) Raw(i int, _ []byte) ([]byte, error) {
	img := m[i].Image
	if img.Stride == 4*img.Rect.Dx() && len(img.Pix) == 4*img.Rect.Dx()*img.Rect.Dy() {
		return img.Pix, nil
	}
	out := image.NewRGBA(image.Rect(0, 0, img.Rect.Dx(), img.Rect.Dy()))
	draw.Draw(out, out.Rect, img, img.Rect.Min, draw.Src)
	return out.Pix, nil
}

// step is one frame of a finished clip: frame src of its source, shown for
// delay; in a crossfade, frame from shows through it, src making up fade
// of the mix (fade > 0).
type step struct {
	src   int
	delay time.Duration
	from  int     // the frame showing through, when fade > 0
	fade  float64 // the share of src: 0 is src alone
}

// stepsOf is the recipe's trim, speed and loop as steps over a source of
// these frame times: which frame shows when, and which are blended. It is
// the one place the recipe is worked out; Apply makes frames of it, and an
// export at full size reads it.
func stepsOf(delays []time.Duration, r Recipe) ([]step, error) {
	to := r.To
	if to <= 0 {
		to = len(delays)
	}
	from, to := max(r.From, 0), min(to, len(delays))
	if from >= to {
		return nil, ErrNoFrames
	}
	var out []step
	for i := from; i < to; i++ {
		out = append(out, step{src: i, delay: delays[i]})
	}
	if r.Speed != 0 && r.Speed != 1 {
		out = speedSteps(out, r.Speed)
	}
	switch r.Loop {
	case LoopBoomerang:
		out = boomerangSteps(out)
	case LoopCrossfade:
		// A third of a second of dissolve, at most a third of the clip.
		overlap := max(2, int(math.Round(float64(time.Second/3)/float64(max(out[0].delay, time.Millisecond)))))
		out = crossfadeSteps(out, overlap)
	}
	return out, nil
}

// boomerangSteps plays the steps forwards then backwards, without
// repeating either end.
func boomerangSteps(in []step) []step {
	out := in[:len(in):len(in)] // appending never writes into the caller's array
	for i := len(in) - 2; i >= 1; i-- {
		out = append(out, in[i])
	}
	return out
}

// speedSteps plays the steps rate times as fast (0.5 to 2): frame times
// are divided by rate; where a frame would be shorter than players honour,
// frames are dropped instead, so the length is what was asked.
func speedSteps(in []step, rate float64) []step {
	rate = min(max(rate, 0.5), 2)
	var out []step
	var owed time.Duration // time of dropped frames, given to the next kept one
	for _, s := range in {
		d := time.Duration(float64(s.delay)/rate) + owed
		if d < minDelay && len(out) > 0 {
			owed = d
			continue
		}
		owed = 0
		s.delay = d
		out = append(out, s)
	}
	if owed > 0 {
		out[len(out)-1].delay += owed
	}
	return out
}

// crossfadeSteps blends the last overlap steps into the first ones, so the
// end dissolves into the start: the result is overlap steps shorter.
// overlap is clamped to a third of the steps.
func crossfadeSteps(in []step, overlap int) []step {
	n := len(in)
	overlap = min(max(overlap, 1), n/3)
	if overlap < 1 {
		return in
	}
	out := make([]step, 0, n-overlap)
	for i := 0; i < n-overlap; i++ {
		s := in[i]
		if i < overlap {
			// Early in the loop the end's frames show through, fading.
			s.from, s.fade = in[n-overlap+i].src, float64(i+1)/float64(overlap+1)
		}
		out = append(out, s)
	}
	return out
}

// stepClip is a source clip read through steps.
type stepClip struct {
	src   reel
	steps []step
}

func (c stepClip) Len() int                  { return len(c.steps) }
func (c stepClip) Bounds() image.Rectangle   { return c.src.Bounds() }
func (c stepClip) Delay(i int) time.Duration { return c.steps[i].delay }
func (c stepClip) Frame(i int, buf *image.RGBA) (*image.RGBA, error) {
	s := c.steps[i]
	if s.fade <= 0 {
		return c.src.Frame(s.src, buf)
	}
	// A dissolve: the end's frame mixed into this one, in a frame of its
	// own (a crossfade has a few).
	var scratch *image.RGBA
	if _, mem := c.src.(memClip); !mem {
		scratch = image.NewRGBA(c.Bounds())
	}
	end, err := c.src.Frame(s.from, scratch)
	if err != nil {
		return nil, err
	}
	start, err := c.src.Frame(s.src, buf)
	if err != nil {
		return nil, err
	}
	return mix(end, start, s.fade), nil
}

func (c stepClip) PixFmt() string { return c.src.PixFmt() }

// Raw is step i's bytes: its frame's, or the dissolve's, mixed byte by
// byte (a linear mix is the same in RGBA and in YUV).
func (c stepClip) Raw(i int, buf []byte) ([]byte, error) {
	s := c.steps[i]
	if s.fade <= 0 {
		return c.src.Raw(s.src, buf)
	}
	end, err := c.src.Raw(s.from, nil)
	if err != nil {
		return nil, err
	}
	end = append([]byte(nil), end...) // the source's own, for a clip in memory
	start, err := c.src.Raw(s.src, buf)
	if err != nil {
		return nil, err
	}
	return mixBytes(end, start, s.fade), nil
}

// framesOf makes the frames of a clip in memory: Apply's result.
func framesOf(c stepClip) []preview.Frame {
	out := make([]preview.Frame, c.Len())
	for i := range out {
		img, _ := c.Frame(i, nil)
		out[i] = preview.Frame{Image: img, Delay: c.Delay(i)}
	}
	return out
}

// delaysOf are a clip's frame times.
func delaysOf(c reel) []time.Duration {
	out := make([]time.Duration, c.Len())
	for i := range out {
		out[i] = c.Delay(i)
	}
	return out
}

// clipDuration is a clip's length.
func clipDuration(c reel) time.Duration {
	var d time.Duration
	for i := range c.Len() {
		d += c.Delay(i)
	}
	return d
}

// clipRate is a clip's frame rate: one over its most common frame time.
// Frame times are grouped by the millisecond, and the group's own mean is
// the time: a 24 fps video's frames last 41.67 ms, and 42 would make it
// 23.8 fps, a long video ending short.
func clipRate(c reel) float64 {
	count := map[time.Duration]int{}
	sum := map[time.Duration]time.Duration{}
	var base time.Duration
	for i := range c.Len() {
		d := c.Delay(i).Round(time.Millisecond)
		count[d]++
		sum[d] += c.Delay(i)
		if count[d] > count[base] || count[d] == count[base] && d < base {
			base = d
		}
	}
	if base <= 0 {
		return 0
	}
	mean := float64(sum[base]) / float64(count[base])
	return float64(time.Second) / mean
}

// constantSteps is a clip at one frame rate, as a video codec wants it: the
// indices of its frames, a frame that lasts several of the common frame
// times repeated.
func constantSteps(c reel) (float64, []int) {
	fps := clipRate(c)
	if fps <= 0 {
		fps = 10
	}
	base := time.Duration(float64(time.Second) / fps)
	var out []int
	for i := range c.Len() {
		for range max(1, int(math.Round(float64(c.Delay(i))/float64(base)))) {
			out = append(out, i)
		}
	}
	return fps, out
}

// pickClip is some of a clip's frames, each lasting as given: a sample,
// or every nth frame.
type pickClip struct {
	src    reel
	idx    []int
	delays []time.Duration
}

func (p pickClip) Len() int                  { return len(p.idx) }
func (p pickClip) Bounds() image.Rectangle   { return p.src.Bounds() }
func (p pickClip) Delay(i int) time.Duration { return p.delays[i] }
func (p pickClip) Frame(i int, buf *image.RGBA) (*image.RGBA, error) {
	return p.src.Frame(p.idx[i], buf)
}
func (p pickClip) PixFmt() string                        { return p.src.PixFmt() }
func (p pickClip) Raw(i int, buf []byte) ([]byte, error) { return p.src.Raw(p.idx[i], buf) }

// everyClip keeps every nth frame of c, each lasting as long as those it
// stands for: the length stays.
func everyClip(c reel, n int) reel {
	var p pickClip
	p.src = c
	for i := 0; i < c.Len(); i += n {
		d := c.Delay(i)
		for j := i + 1; j < min(i+n, c.Len()); j++ {
			d += c.Delay(j)
		}
		p.idx, p.delays = append(p.idx, i), append(p.delays, d)
	}
	return p
}

// sampleClip is about n frames of c, evenly spread.
func sampleClip(c reel, n int) reel {
	var p pickClip
	p.src = c
	step := max(1, c.Len()/n)
	for i := 0; i < c.Len(); i += step {
		p.idx, p.delays = append(p.idx, i), append(p.delays, c.Delay(i))
	}
	return p
}

// keptFrame is a reel whose frames may lie whole in a spill's file: where
// frame i's bytes are, ok false when they are not kept as such (a
// dissolve, a clip in memory). A frame not yet written is waited for.
type keptFrame interface {
	kept(i int) (f *os.File, off, n int64, ok bool, err error)
}

func (s *spill) kept(i int) (*os.File, int64, int64, bool, error) {
	if err := s.wait(i); err != nil {
		return nil, 0, 0, false, err
	}
	return s.f, int64(i) * s.frameBytes, s.frameBytes, true, nil
}

func (c stepClip) kept(i int) (*os.File, int64, int64, bool, error) {
	k, ok := c.src.(keptFrame)
	if !ok || c.steps[i].fade > 0 {
		return nil, 0, 0, false, nil
	}
	return k.kept(c.steps[i].src)
}

func (p pickClip) kept(i int) (*os.File, int64, int64, bool, error) {
	if k, ok := p.src.(keptFrame); ok {
		return k.kept(p.idx[i])
	}
	return nil, 0, 0, false, nil
}
