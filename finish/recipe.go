package finish

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"math"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"vivify/internal/bundled"
	"vivify/preview"
)

// Loop is how a video is made to loop without a jump.
type Loop int

const (
	LoopNone      Loop = iota // as made
	LoopBoomerang             // forwards, then backwards
	LoopCrossfade             // the end dissolves into the start
)

// Recipe is everything the Finish panel does to a video, in the order it
// is done: trim, speed, loop, smoother; then the size (Double) as it is
// written.
type Recipe struct {
	// From and To are the frames kept, From included, To not; To 0 keeps
	// them to the end.
	From, To int
	Speed    float64 // 0.5 to 2; 0 or 1 plays as made
	Loop     Loop
	// FPS is the frame rate to reach by motion interpolation (Smoother);
	// 0 keeps the video's own. It needs ffmpeg.
	FPS    int
	Double bool // twice as wide and high
}

// Words names what the recipe does, as a version's file is named: "trimmed
// boomerang 24fps 2x", "" for a plain one.
func (r Recipe) Words(frames int) string {
	var w []string
	if r.From > 0 || (r.To > 0 && r.To < frames) {
		w = append(w, "trimmed")
	}
	if r.Speed != 0 && r.Speed != 1 {
		w = append(w, strconv.FormatFloat(r.Speed, 'f', -1, 64)+"x speed")
	}
	switch r.Loop {
	case LoopBoomerang:
		w = append(w, "boomerang")
	case LoopCrossfade:
		w = append(w, "loop")
	}
	if r.FPS > 0 {
		w = append(w, strconv.Itoa(r.FPS)+"fps")
	}
	if r.Double {
		w = append(w, "2x")
	}
	return strings.Join(w, " ")
}

// Apply does the recipe's work on the frames but for Smoother and Double,
// which are done as the video is written (Interpolate, and the scale of the
// encoder): trim, speed, then loop. It is quick (frames are shared, not
// copied, but for a crossfade's few) and is what the player previews.
func Apply(frames []preview.Frame, r Recipe) ([]preview.Frame, error) {
	if len(frames) == 0 {
		return nil, ErrNoFrames
	}
	c := memClip(frames)
	steps, err := stepsOf(delaysOf(c), r)
	if err != nil {
		return nil, err
	}
	return framesOf(stepClip{c, steps}), nil
}

// FrameRate is the frames' rate: one over the most common frame time.
func FrameRate(frames []preview.Frame) float64 {
	if len(frames) == 0 {
		return 0
	}
	return clipRate(memClip(frames))
}

// ErrNoFFmpeg is the error of work that needs ffmpeg where there is none.
var ErrNoFFmpeg = errors.New("this needs ffmpeg, which is not installed")

// Interpolate raises the frames' rate to fps by motion interpolation
// (ffmpeg's minterpolate), keeping their length: the in-between frames are
// made by following what moves, not by blending. progress, if set, is told
// the share done.
func Interpolate(ctx context.Context, frames []preview.Frame, fps int, progress func(float64)) ([]preview.Frame, error) {
	if len(frames) == 0 {
		return nil, ErrNoFrames
	}
	return interpolateInMemory(ctx, memClip(frames), fps, progress)
}

// interpolateInMemory is Interpolate of a reel, its frames kept in memory
// (the player's preview, at the size it is shown at).
func interpolateInMemory(ctx context.Context, c reel, fps int, progress func(float64)) ([]preview.Frame, error) {
	b := c.Bounds()
	want := int(math.Round(clipDuration(c).Seconds() * float64(fps)))
	// Past what the frames' memory may take, stop rather than fill it.
	if int64(want)*int64(b.Dx()*b.Dy()*4) > preview.DefaultLimits.MaxKeptBytes {
		return nil, fmt.Errorf("%w: %d frames of %d×%d", preview.ErrTooLarge, want, b.Dx(), b.Dy())
	}
	out := &memFrames{rect: image.Rect(0, 0, b.Dx(), b.Dy())}
	if err := interpolate(ctx, c, fps, progress, out); err != nil {
		return nil, err
	}
	return out.frames, nil
}

// frameSink takes the frames interpolate makes, in order.
type frameSink interface {
	add(pix []byte, delay time.Duration) error
	Len() int
	// stretchLast adds d to the last frame's time.
	stretchLast(d time.Duration)
}

// memFrames keeps frames in memory, each a copy.
type memFrames struct {
	frames []preview.Frame
	rect   image.Rectangle
}

func (m *memFrames) add(pix []byte, delay time.Duration) error {
	img := image.NewRGBA(m.rect)
	copy(img.Pix, pix)
	m.frames = append(m.frames, preview.Frame{Image: img, Delay: delay})
	return nil
}
func (m *memFrames) Len() int                    { return len(m.frames) }
func (m *memFrames) stretchLast(d time.Duration) { m.frames[len(m.frames)-1].Delay += d }

func (s *spill) stretchLast(d time.Duration) {
	s.mu.Lock()
	s.delays[len(s.delays)-1] += d
	s.mu.Unlock()
}

// interpolate is Interpolate of a reel into sink, a frame at a time: ffmpeg
// reads the reel's frames and writes the new ones, and one buffer of each
// is held.
func interpolate(ctx context.Context, c reel, fps int, progress func(float64), sink frameSink) error {
	if c.Len() == 0 {
		return ErrNoFrames
	}
	if preview.FFmpeg == "" {
		return ErrNoFFmpeg
	}
	inRate, in := constantSteps(c)
	b := c.Bounds()
	w, h := b.Dx(), b.Dy()
	length := clipDuration(c)
	want := int(math.Round(length.Seconds() * float64(fps)))
	cmd := bundled.Command(ctx, preview.FFmpeg, "-v", "error", "-nostdin",
		"-f", "rawvideo", "-pix_fmt", c.PixFmt(), "-s", fmt.Sprintf("%dx%d", w, h), "-framerate", rate(inRate), "-i", "pipe:0",
		"-vf", smoothed(fps, len(in)), "-frames:v", strconv.Itoa(want),
		"-f", "rawvideo", "-pix_fmt", "rgba", "pipe:1")
	delay := time.Second / time.Duration(fps)
	var made time.Duration
	err := pipeFrames(ctx, cmd, c, in, nil, func(r io.Reader) error {
		buf := make([]byte, w*h*4)
		for {
			if _, err := io.ReadFull(r, buf); err != nil {
				return nil
			}
			if err := sink.add(buf, delay); err != nil {
				return err
			}
			made += delay
			if progress != nil {
				progress(min(1, float64(sink.Len())/float64(max(want, 1))))
			}
		}
	})
	if err != nil {
		return err
	}
	if sink.Len() == 0 {
		return errors.New("ffmpeg made no frames")
	}
	// ffmpeg stops at the last frame's start: the last frame holds the
	// rest, so the length is the original's.
	if rest := length - made; rest > 0 {
		sink.stretchLast(rest)
	}
	return nil
}

// smoother is ffmpeg's filter that raises the frame rate to fps by
// following the motion.
func smoother(fps int) string {
	return fmt.Sprintf("minterpolate=fps=%d:mi_mode=mci:mc_mode=aobmc:me_mode=bidir:vsbmc=1", fps)
}

// smoothed is the filter graph that makes a clip of n frames fps frames a
// second, to its full length: smoother stops at the last frame's start
// and holds back the frame it looks ahead for, so it is given one copy of
// the last frame to look at, and the frames due after the last one are
// that frame itself (what a second copy made smoother work out, at the
// cost of one more frame's motion search: 1.5% of a 720p clip's time,
// measured frame for frame the same). The frames are then timed fps a
// second (concat keeps no rate, and a raw output would be made at 25).
// Run with -frames:v to the length.
func smoothed(fps, n int) string {
	return fmt.Sprintf("split[sa][sb];[sa]tpad=stop_mode=clone:stop=1,%s[sm];"+
		"[sb]select='eq(n\\,%d)',tpad=stop_mode=clone:stop=-1[sl];"+
		"[sm][sl]concat=n=2:v=1,setpts=N/(%[3]d*TB),fps=%[3]d", smoother(fps), n-1, fps)
}

// rate is a frame rate as ffmpeg reads it.
func rate(fps float64) string { return strconv.FormatFloat(fps, 'f', 6, 64) }

// errPipe is ffmpeg no longer reading what is sent.
var errPipe = errors.New("ffmpeg stopped reading")

// pipeFrames runs cmd, writing the frames to its input as raw RGBA (and
// telling written how many are in) while read takes its output (if read is
// set), and waits for it. The error
// says what ffmpeg said; a cancelled ctx is its own error.
func pipeFrames(ctx context.Context, cmd *exec.Cmd, c reel, order []int, written func(n int), read func(io.Reader) error) error {
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	pr, stdin, err := os.Pipe()
	if err != nil {
		return err
	}
	cmd.Stdin = pr
	defer pr.Close()
	defer stdin.Close()
	var stdout io.ReadCloser
	if read != nil {
		if stdout, err = cmd.StdoutPipe(); err != nil {
			return err
		}
	}
	if err := bundled.Start(cmd); err != nil {
		return fmt.Errorf("ffmpeg could not be started: %w", err)
	}
	pr.Close() // ffmpeg's now
	bundled.WidenPipe(stdin)
	wrote := make(chan error, 1)
	var readErr error // a frame that could not be read, said as it is
	go func() {
		var err error
		var buf []byte
		for i, at := range order {
			// A frame kept as it is in a spill goes from the disk's cache
			// to ffmpeg without being copied here (Linux); others are read
			// and written.
			var sent bool
			if sent, err = sendFrame(c, at, stdin); err != nil {
				if !errors.Is(err, errPipe) {
					readErr = err
				}
				break
			}
			if !sent {
				var f []byte
				if f, err = c.Raw(at, buf); err != nil {
					readErr = err
					break
				}
				buf = f
				if _, err = stdin.Write(f); err != nil {
					break
				}
			}
			if written != nil {
				written(i + 1)
			}
		}
		stdin.Close()
		wrote <- err
	}()
	var rerr error
	if read != nil {
		rerr = read(stdout)
		io.Copy(io.Discard, stdout)
	}
	werr := <-wrote
	err = bundled.Wait(cmd)
	if ctx.Err() != nil {
		return ctx.Err()
	}
	switch {
	case readErr != nil:
		return readErr
	case err != nil:
		return fmt.Errorf("ffmpeg failed: %s", lastLine(stderr.String(), err))
	case werr != nil:
		return fmt.Errorf("ffmpeg stopped reading: %s", lastLine(stderr.String(), werr))
	}
	return rerr
}

// lastLine is the last line ffmpeg wrote, or err's text.
func lastLine(stderr string, err error) string {
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	if l := strings.TrimSpace(lines[len(lines)-1]); l != "" {
		return l
	}
	return err.Error()
}
