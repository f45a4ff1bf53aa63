package finish

import (
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"math"
	"os"
	"runtime"
	"strconv"
	"sync"
	"time"

	"vivify/internal/bundled"
	"vivify/internal/memwatch"
	"vivify/preview"
)

// Smoother side by side. ffmpeg's motion interpolation works on one core:
// a 10-second 1080p video takes minutes, with the other cores idle. So a
// long clip is cut in parts, each smoothed by an ffmpeg of its own at the
// same time, into a spill of its own, and the encoder reads the parts one
// after the other as they are made. Each part but the first is given the
// frames before it too (smoothContext), and what they make is passed over:
// the motion search each frame starts from is then the one the whole clip
// would have given it, so the frames are those one ffmpeg makes (tested
// frame for frame). Each ffmpeg holds its own tables (about 400 bytes a
// pixel: 340 MB at 720p, 690 MB at 1080p), so there are no more parts than
// the memory free holds, beside the cores.

// smoothPart is one part: the frames from..to of the clip's constant-rate
// order go to one ffmpeg, which makes skip frames to pass over (the
// context) and then the keep frames of the part. The last part ends the
// clip as smoothed does.
type smoothPart struct {
	from, to, skip, keep int
	last                 bool
}

const (
	// smoothContext is how many frames before its part a part is given.
	smoothContext = 12
	// smoothMinPart is the fewest frames a part has: a shorter one costs
	// more in ffmpegs started than it saves.
	smoothMinPart = 48
	// smoothBytesPerPixel is what one ffmpeg smoothing a frame of a pixel
	// holds, measured at 720p and 1080p, with room to spare.
	smoothBytesPerPixel = 400
)

// smoothParts cuts n frames at inRate a second, smoothed to want frames
// at fps, in at most parts parts. A part starts at a frame whose time is
// a whole number of output frames, so each part's frames fall where the
// whole clip's do; a rate that is not a whole number gets one part.
func smoothParts(n, want int, inRate float64, fps, parts int) []smoothPart {
	whole := []smoothPart{{from: 0, to: n, keep: want, last: true}}
	r := int(math.Round(inRate))
	if r <= 0 || math.Abs(inRate-float64(r)) > 1e-4 || fps <= 0 {
		return whole
	}
	g := r
	for b := fps; b != 0; g, b = b, g%b {
	}
	unit := r / g // input frames a whole number of output frames long
	out := func(i int) int { return i / unit * (fps / g) }
	context := (smoothContext + unit - 1) / unit * unit
	parts = min(parts, n/smoothMinPart)
	var cuts []int
	for k := 1; k < parts; k++ {
		s := int(math.Round(float64(k*n)/float64(parts)/float64(unit))) * unit
		if (len(cuts) == 0 || s > cuts[len(cuts)-1]) && s > 0 && s < n {
			cuts = append(cuts, s)
		}
	}
	if len(cuts) == 0 {
		return whole
	}
	var ps []smoothPart
	start := 0
	for k := 0; k <= len(cuts); k++ {
		p := smoothPart{from: max(0, start-context)}
		p.skip = out(start) - out(p.from)
		if k < len(cuts) {
			p.to = min(n, cuts[k]+3) // smoother looks two frames ahead
			p.keep = out(cuts[k]) - out(start)
			start = cuts[k]
		} else {
			p.to, p.keep, p.last = n, want-out(start), true
		}
		ps = append(ps, p)
	}
	return ps
}

// smoothPartsFor are the parts frames are smoothed to fps in, side by
// side, for an export of res: as many as sideBySide allows here.
func smoothPartsFor(frames reel, res Result, fps int) []smoothPart {
	_, in := constantSteps(frames)
	b := frames.Bounds()
	want := int(math.Round(res.Seconds * float64(fps)))
	return smoothParts(len(in), want, clipRate(frames), fps, sideBySide(b.Dx(), b.Dy()))
}

// sideBySide is how many parts a clip of w × h is smoothed in (tests
// choose).
var sideBySide = smoothingParts

// smoothingParts is how many ffmpegs may smooth frames of w × h side by
// side here: one a core, as many as the memory free holds beside the
// encoder's needs; one when the free memory cannot be told.
func smoothingParts(w, h int) int {
	free := memwatch.Available()
	each := uint64(w) * uint64(h) * smoothBytesPerPixel
	if free == 0 || each == 0 {
		return 1
	}
	reserve := 2 * each // the encoder, and the rest of the system
	if free <= reserve {
		return 1
	}
	return max(1, min(runtime.NumCPU(), int((free-reserve)/each)))
}

// smoothWhole is smoothSideBySide waited for: it returns once every part
// is made, telling progress the share made as they go.
func smoothWhole(ctx context.Context, c reel, fps int, parts []smoothPart, dir string, progress func(float64)) (reel, func(), error) {
	clip, end, err := smoothSideBySide(ctx, c, fps, parts, dir)
	if err != nil {
		return nil, nil, err
	}
	// Its length is the original's: the last frame holds what is left
	// of it, as when one ffmpeg smooths it.
	want := clip.Len()
	clip.tail = max(0, clipDuration(c)-time.Duration(want)*(time.Second/time.Duration(fps)))
	done := make(chan error, 1)
	go func() {
		var first error
		for _, part := range clip.clips {
			if _, err := part.spill.whole(); err != nil && first == nil {
				first = err
				end() // the others are not wanted
			}
		}
		done <- first
	}()
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case err := <-done:
			if err != nil {
				end()
				return nil, nil, err
			}
			progress(1)
			return clip, end, nil
		case <-tick.C:
			made := 0
			for _, part := range clip.clips {
				made += part.spill.Len()
			}
			progress(min(1, float64(made)/float64(max(want, 1))))
		}
	}
}

// smoothSideBySide starts smoothing c to fps in the parts given, each into
// a spill in dir, and returns the clip they make: its frames are waited
// for as they are made. end stops what is still running and removes the
// spills; it is to be called once the clip has been read.
func smoothSideBySide(ctx context.Context, c reel, fps int, parts []smoothPart, dir string) (clip joinedClip, end func(), err error) {
	inRate, order := constantSteps(c)
	b := c.Bounds()
	ctx, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	var once sync.Once
	end = func() {
		once.Do(func() {
			stop()
			wg.Wait()
			for _, part := range clip.clips {
				part.spill.Close()
			}
		})
	}
	delay := time.Second / time.Duration(fps)
	for _, p := range parts {
		sp, err := newSpillOf(dir, b.Dx(), b.Dy(), c.PixFmt())
		if err != nil {
			end()
			return joinedClip{}, nil, err
		}
		clip.clips = append(clip.clips, plannedClip{sp, p.keep, delay})
		wg.Add(1)
		go func() {
			defer wg.Done()
			sp.end(smoothPartInto(ctx, c, order, inRate, fps, p, sp))
		}()
	}
	return clip, end, nil
}

// smoothPartInto makes part p of c's frames (in order, at inRate) smoothed
// to fps, and adds its keep frames to sink.
func smoothPartInto(ctx context.Context, c reel, order []int, inRate float64, fps int, p smoothPart, sink *spill) error {
	b := c.Bounds()
	graph := smoother(fps)
	if p.last {
		graph = smoothed(fps, p.to-p.from)
	}
	cmd := bundled.Command(ctx, preview.FFmpeg, "-v", "error", "-nostdin",
		"-f", "rawvideo", "-pix_fmt", c.PixFmt(), "-s", fmt.Sprintf("%dx%d", b.Dx(), b.Dy()), "-framerate", rate(inRate), "-i", "pipe:0",
		"-vf", graph, "-frames:v", strconv.Itoa(p.skip+p.keep),
		"-f", "rawvideo", "-pix_fmt", c.PixFmt(), "pipe:1")
	delay := time.Second / time.Duration(fps)
	err := pipeFrames(ctx, cmd, c, order[p.from:p.to], nil, func(r io.Reader) error {
		buf := make([]byte, sink.frameBytes)
		for i := 0; sink.Len() < p.keep; i++ {
			if _, err := io.ReadFull(r, buf); err != nil {
				return nil
			}
			if i < p.skip {
				continue
			}
			if err := sink.add(buf, delay); err != nil {
				return err
			}
		}
		return nil
	})
	// A part's ffmpeg may end once it has made the part's frames, before it
	// has read the frames it was given past them (Windows' small pipes say
	// so as an error): the part is whole all the same.
	if err != nil && (sink.Len() < p.keep || ctx.Err() != nil) {
		return err
	}
	if sink.Len() == 0 {
		return errors.New("ffmpeg made no frames")
	}
	// Should ffmpeg make fewer than the part's frames, the last is held
	// for the rest: the clip is its length, as one ffmpeg makes it.
	for sink.Len() < p.keep {
		last, err := sink.Raw(sink.Len()-1, nil)
		if err != nil {
			return err
		}
		if err := sink.add(last, delay); err != nil {
			return err
		}
	}
	return nil
}

// joinedClip is clips read one after the other, the last frame shown for
// tail longer.
type joinedClip struct {
	clips []plannedClip
	tail  time.Duration
}

// at is the clip frame i is in, and its index there.
func (j joinedClip) at(i int) (plannedClip, int) {
	for _, c := range j.clips {
		if i < c.n {
			return c, i
		}
		i -= c.n
	}
	last := j.clips[len(j.clips)-1]
	return last, last.n + i // past the end: the clip says so
}

func (j joinedClip) Len() int {
	n := 0
	for _, c := range j.clips {
		n += c.n
	}
	return n
}
func (j joinedClip) Bounds() image.Rectangle { return j.clips[0].Bounds() }
func (j joinedClip) PixFmt() string          { return j.clips[0].PixFmt() }
func (j joinedClip) Delay(i int) time.Duration {
	if i == j.Len()-1 {
		return j.clips[0].delay + j.tail
	}
	return j.clips[0].delay
}
func (j joinedClip) Frame(i int, buf *image.RGBA) (*image.RGBA, error) {
	c, k := j.at(i)
	return c.Frame(k, buf)
}
func (j joinedClip) Raw(i int, buf []byte) ([]byte, error) {
	c, k := j.at(i)
	return c.Raw(k, buf)
}
func (j joinedClip) kept(i int) (*os.File, int64, int64, bool, error) {
	c, k := j.at(i)
	return c.kept(k)
}
