package finish

import (
	"context"
	"errors"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"vivify/internal/diskspace"
	"vivify/preview"
)

// ExportFile writes the video at src, finished by r, as the preset p at
// dest, at the video's full size and whatever its length, in bounded
// memory: an MP4 or WebM is decoded a frame at a time into a spill on the
// disk beside dest, and the recipe and the encoder read the frames back
// from there one at a time (a 10-second 1080p video costs a few frames of
// memory, not the clip). Before it starts, the room it needs (the spill
// and the file) is compared with what the disk has: a *diskspace.Short
// says how much is needed, and where, and nothing is written. A GIF is
// decoded as the player decodes it, within its limits. progress is told
// the share done: reading the video, then writing the file.
func ExportFile(ctx context.Context, src string, r Recipe, p Preset, dest string, progress func(float64)) (Result, error) {
	if progress == nil {
		progress = func(float64) {}
	}
	if strings.EqualFold(filepath.Ext(src), ".gif") {
		a, err := preview.Open(ctx, src, 0, 0)
		if err != nil && (a == nil || len(a.Frames) == 0) {
			return Result{}, err
		}
		return Export(ctx, a.Frames, r, p, dest, progress)
	}
	info, err := preview.ProbeVideo(ctx, src)
	if err != nil {
		return Result{}, err
	}
	dir := filepath.Dir(dest)
	if err := diskspace.Check(dir, roomNeeded(info, r, p)); err != nil {
		return Result{}, err
	}
	if !p.NeedsFFmpeg() && p.Limit > 0 && r.FPS == 0 {
		return exportVideoGIF(ctx, src, info, r, p, dest, progress)
	}
	return exportDecoding(ctx, src, info, r, p, dest, progress)
}

// exportDecoding is ExportFile of a video that a video codec is to
// encode, or a GIF Smoother makes frames for, described by info.
func exportDecoding(ctx context.Context, src string, info preview.VideoInfo, r Recipe, p Preset, dest string, progress func(float64)) (Result, error) {
	if progress == nil {
		progress = func(float64) {}
	}
	dir := filepath.Dir(dest)
	// The video is decoded into the spill while the recipe and the encoder
	// read it: a frame not yet decoded is waited for, so a recipe that
	// plays forwards is encoded as it is decoded, as ffmpeg's command line
	// does, and one that needs the end (a boomerang's way back) waits for
	// it. The recipe is worked out from the frames the header says the
	// video has; a video that has another number is made again from its
	// frames, once they are all read.
	sp, err := newSpillOf(dir, info.Width, info.Height, spillFormat(info, p))
	if err != nil {
		return Result{}, err
	}
	defer sp.Close()
	var mu sync.Mutex
	var read, made float64
	tell := func(r, m float64) { // from both, one at a time
		mu.Lock()
		defer mu.Unlock()
		read, made = max(read, r), max(made, m)
		// Reading is far quicker than encoding, and goes on beside it:
		// reading's share is small, or the time left is said too short.
		progress(0.05*read + 0.95*made)
	}
	readCtx, stop := context.WithCancel(ctx)
	decoded := make(chan error, 1)
	go func() { decoded <- fillSpill(readCtx, sp, src, info, nil, func(f float64) { tell(f, 0) }) }()
	defer func() { stop(); <-decoded }()

	var res Result
	if info.Frames > 0 {
		res, err = exportReel(ctx, plannedClip{sp, info.Frames, info.FrameTime()}, r, p, dest, dir, func(f float64) { tell(0, f) })
		if !errors.Is(err, errNotAsPlanned) {
			if err != nil {
				stop() // the rest of the video is not wanted
				if _, derr := sp.whole(); derr != nil && !errors.Is(derr, context.Canceled) {
					return Result{}, derr // the video's fault, not the export's
				}
			}
			return res, err
		}
	}
	if _, err := sp.whole(); err != nil {
		return Result{}, err
	}
	return exportReel(ctx, sp, r, p, dest, dir, func(f float64) { tell(1, f) })
}

// errNotAsPlanned is an export begun from the frames a video's header
// said it has, when it has another number.
var errNotAsPlanned = errors.New("the video has another number of frames than its header says")

// plannedClip is a spill being written, read as the clip its video's
// header says it is: n frames of one frame time. Its last frame is given
// only once the spill is whole and has n frames.
type plannedClip struct {
	*spill
	n     int
	delay time.Duration
}

func (c plannedClip) Len() int                { return c.n }
func (c plannedClip) Delay(int) time.Duration { return c.delay }
func (c plannedClip) check(i int) error {
	if i < c.n-1 {
		if err := c.spill.wait(i); errors.Is(err, errNoSuchFrame) {
			return errNotAsPlanned
		}
		return nil // the read says any other error
	}
	n, err := c.spill.whole()
	if err == nil && n != c.n {
		return errNotAsPlanned
	}
	return nil
}
func (c plannedClip) kept(i int) (*os.File, int64, int64, bool, error) {
	if err := c.check(i); err != nil {
		return nil, 0, 0, false, err
	}
	return c.spill.kept(i)
}
func (c plannedClip) Frame(i int, buf *image.RGBA) (*image.RGBA, error) {
	if err := c.check(i); err != nil {
		return nil, err
	}
	return c.spill.Frame(i, buf)
}
func (c plannedClip) Raw(i int, buf []byte) ([]byte, error) {
	if err := c.check(i); err != nil {
		return nil, err
	}
	return c.spill.Raw(i, buf)
}

// spillFormat is how the frames are kept for preset p: as the video
// codec takes them (YUV 4:2:0, a third of RGBA's bytes, and no conversion
// on the way in or out) for a video of even sides, else RGBA, which a GIF
// is made from.
func spillFormat(info preview.VideoInfo, p Preset) string {
	if p.NeedsFFmpeg() && info.Width%2 == 0 && info.Height%2 == 0 {
		return "yuv420p"
	}
	return "rgba"
}

// roomNeeded is what an export of a video of info takes on the disk at
// most: its frames spilled raw (a fitted GIF's at a try's size, and a
// sample of them), the smoother's frames too, and
// the file (its limit, or as much as the raw frames for a GIF, a tenth of
// them for a video codec).
func roomNeeded(info preview.VideoInfo, r Recipe, p Preset) uint64 {
	frame := uint64(rawBytes(spillFormat(info, p), info.Width, info.Height))
	frames := uint64(max(info.Frames, 1))
	need := frame * frames
	if r.FPS > 0 && info.FPS > 0 { // the smoother's frames: a GIF's, or a video's parts
		need += frame * uint64(float64(frames)*float64(r.FPS)/info.FPS+1) * 2 // a boomerang doubles it
	}
	if !p.NeedsFFmpeg() && p.Limit > 0 && r.FPS == 0 {
		need += frame * 24 // the sample the tries are measured on
	}
	switch {
	case p.Limit > 0:
		need += uint64(p.Limit)
	case p.NeedsFFmpeg():
		need += frame * frames / 10
	default:
		need += frame * frames / 2
	}
	return need
}

// exportVideoGIF fits a GIF of the video at src under p's limit, reading
// the video no more than it must: once for a sample of its frames (kept
// on the disk: the tries are measured on it), then once at the size of
// each try that may fit, decoded and scaled by ffmpeg. Only that size's
// frames are ever spilled, not the video's at full size: a 1080p video's
// chat GIF is made at half its size, a quarter of the bytes.
func exportVideoGIF(ctx context.Context, src string, info preview.VideoInfo, r Recipe, p Preset, dest string, progress func(float64)) (Result, error) {
	dir := filepath.Dir(dest)
	// The recipe as the header says the video is, to choose the sample
	// by: the clip itself is worked out from the frames read.
	frameTime := info.FrameTime()
	planned := make([]time.Duration, max(info.Frames, 1))
	for i := range planned {
		planned[i] = frameTime
	}
	steps, err := stepsOf(planned, r)
	if err != nil {
		return Result{}, err
	}
	// About 24 frames, spread over the clip as the recipe plays it.
	var picked []int
	for i := 0; i < len(steps); i += max(1, len(steps)/24) {
		picked = append(picked, steps[i].src)
	}
	keep := slices.Clone(picked)
	slices.Sort(keep)
	keep = slices.Compact(keep)
	const sampling = 0.15 // of the progress bar
	sample, err := spillVideoAt(ctx, src, dir, info, info.Width, info.Height, "rgba", keep, func(f float64) { progress(f * sampling) })
	if err != nil {
		return Result{}, err
	}
	defer sample.Close()
	var big pickClip
	big.src = sample
	for _, n := range picked {
		if at, _ := slices.BinarySearch(keep, n); at < sample.Len() {
			big.idx, big.delays = append(big.idx, at), append(big.delays, frameTime)
		}
	}
	if big.Len() == 0 {
		return Result{}, fmt.Errorf("%w: ffmpeg found no frames in it", preview.ErrDamaged)
	}

	var sized *spill  // the video at the size of the try being made
	var made stepClip // the clip last made of it
	defer func() {
		if sized != nil {
			sized.Close()
		}
	}()
	whole := func(ctx context.Context, scale float64) (reel, float64, error) {
		s := min(scale, 1) // larger is scaled as it is encoded: a spill 4 times the video's is not wanted
		w, h := max(1, int(float64(info.Width)*s+0.5)), max(1, int(float64(info.Height)*s+0.5))
		if sized == nil || sized.rect.Dx() != w || sized.rect.Dy() != h {
			if sized != nil {
				sized.Close()
				sized = nil
			}
			sp, err := spillVideoAt(ctx, src, dir, info, w, h, "rgba", nil, func(float64) {})
			if err != nil {
				return nil, 0, err
			}
			sized = sp
		}
		steps, err := stepsOf(delaysOf(sized), r)
		if err != nil {
			return nil, 0, err
		}
		made = stepClip{sized, steps}
		return made, scale / s, nil
	}
	scale := 1.0
	if r.Double {
		scale = 2
	}
	res := Result{Seconds: float64(len(steps)) * frameTime.Seconds()}
	res.Width, res.Height = outputSize(info.Width, info.Height, r, p)
	fit, err := fitFrom(ctx, gifSource{small: sampleClip(big, 8), big: big, n: len(steps), whole: whole},
		int(p.Limit), scale, func(f float64) { progress(sampling + f*(1-sampling)) })
	if err != nil {
		return Result{}, err
	}
	if made.src != nil {
		res.Seconds = clipDuration(made).Seconds() // as read, not as the header said
	}
	return writeFitted(ctx, fit, dest, res, progress)
}
