package finish

import (
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"vivify/internal/atomicfile"
	"vivify/internal/bundled"
	"vivify/preview"
)

// SpillPrefix starts the name of the hidden folder an export at full size
// keeps its frames in, beside the file it writes. The folder is removed
// when the export ends, fails or is cancelled; one a killed process left
// is removed at the next start (the library's tidy-up knows the prefix).
const SpillPrefix = atomicfile.SpillPrefix

// spill is a video's frames kept raw on disk, each at its full size, read
// back one at a time and in any order: an export holds a few frames, not
// the clip. Raw, because reading a frame back must cost no more than
// copying it: a 1080p frame is 8 MB, and a boomerang reads each twice.
//
// A spill may be read while it is still being written (a video decoded
// while it is encoded): a frame not yet written is waited for.
type spill struct {
	dir        string
	f          *os.File
	rect       image.Rectangle
	pixFmt     string
	frameBytes int64

	mu      sync.Mutex
	grown   *sync.Cond // told when a frame is added or the writing ends
	delays  []time.Duration
	ended   bool  // no frame is to come
	endedBy error // why, when not at the video's end
}

// newSpill makes an empty spill in a new hidden folder in dir, for RGBA
// frames of w × h.
func newSpill(dir string, w, h int) (*spill, error) { return newSpillOf(dir, w, h, "rgba") }

// newSpillOf makes an empty spill of frames of w × h in pixFmt ("rgba" or
// "yuv420p").
func newSpillOf(dir string, w, h int, pixFmt string) (*spill, error) {
	folder, err := os.MkdirTemp(dir, SpillPrefix)
	if err != nil {
		return nil, fmt.Errorf("no room for the frames could be made beside the video: %w", err)
	}
	f, err := os.Create(filepath.Join(folder, "frames.rgba"))
	if err != nil {
		atomicfile.RemoveAll(folder)
		return nil, err
	}
	sp := &spill{dir: folder, f: f, rect: image.Rect(0, 0, w, h), pixFmt: pixFmt, frameBytes: int64(rawBytes(pixFmt, w, h))}
	sp.grown = sync.NewCond(&sp.mu)
	return sp, nil
}

// end says no frame is to come: err is why, nil at the video's end.
func (s *spill) end(err error) {
	s.mu.Lock()
	s.ended, s.endedBy = true, err
	s.mu.Unlock()
	s.grown.Broadcast()
}

// errNoSuchFrame is a frame asked of a spill that ended before it.
var errNoSuchFrame = errors.New("the video has fewer frames than its header said")

// wait waits until frame i is written, or the writing ended without it.
func (s *spill) wait(i int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for len(s.delays) <= i && !s.ended {
		s.grown.Wait()
	}
	switch {
	case len(s.delays) > i:
		return nil
	case s.endedBy != nil:
		return s.endedBy
	}
	return errNoSuchFrame
}

// whole waits until the writing ends, and says how many frames there are
// and why it ended (nil at the video's end).
func (s *spill) whole() (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for !s.ended {
		s.grown.Wait()
	}
	return len(s.delays), s.endedBy
}

// add writes the next frame (of the spill's size), shown for delay.
func (s *spill) add(pix []byte, delay time.Duration) error {
	if int64(len(pix)) != s.frameBytes {
		return fmt.Errorf("a frame of %d bytes in a spill of %d-byte frames", len(pix), s.frameBytes)
	}
	if _, err := s.f.WriteAt(pix, int64(s.Len())*s.frameBytes); err != nil {
		return fmt.Errorf("the frames could not be kept on the disk: %w", err)
	}
	s.written(delay)
	return nil
}

// written counts the next frame in, its bytes written in place.
func (s *spill) written(delay time.Duration) {
	s.mu.Lock()
	s.delays = append(s.delays, delay)
	s.mu.Unlock()
	s.grown.Broadcast()
}

func (s *spill) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.delays)
}
func (s *spill) Bounds() image.Rectangle { return s.rect }
func (s *spill) Delay(i int) time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.delays[i]
}

func (s *spill) PixFmt() string { return s.pixFmt }

// Raw reads frame i's bytes into buf (a new slice when it is not of a
// frame's size).
func (s *spill) Raw(i int, buf []byte) ([]byte, error) {
	if err := s.wait(i); err != nil {
		return nil, err
	}
	if int64(len(buf)) != s.frameBytes {
		buf = make([]byte, s.frameBytes)
	}
	if _, err := s.f.ReadAt(buf, int64(i)*s.frameBytes); err != nil {
		return nil, fmt.Errorf("frame %d could not be read back from the disk: %w", i, err)
	}
	return buf, nil
}

// Frame reads frame i into buf (a new frame when buf is nil). Only an
// RGBA spill has frames as pictures.
func (s *spill) Frame(i int, buf *image.RGBA) (*image.RGBA, error) {
	if s.pixFmt != "rgba" {
		return nil, fmt.Errorf("a %s spill read as pictures", s.pixFmt)
	}
	if err := s.wait(i); err != nil {
		return nil, err
	}
	if buf == nil || buf.Rect != s.rect {
		buf = image.NewRGBA(s.rect)
	}
	if _, err := s.f.ReadAt(buf.Pix, int64(i)*s.frameBytes); err != nil {
		return nil, fmt.Errorf("frame %d could not be read back from the disk: %w", i, err)
	}
	return buf, nil
}

// Close removes the spill and its folder.
func (s *spill) Close() {
	s.f.Close()
	atomicfile.RemoveAll(s.dir)
}

// spillVideo decodes the MP4 or WebM at path at its full size into a spill
// in dir, in pixFmt, a frame at a time: ffmpeg decodes, one frame's buffer
// is reused.
// progress is told the share decoded.
func spillVideo(ctx context.Context, path, dir string, info preview.VideoInfo, pixFmt string, progress func(float64)) (*spill, error) {
	return spillVideoAt(ctx, path, dir, info, info.Width, info.Height, pixFmt, nil, progress)
}

// spillVideoAt is spillVideo at w × h (scaled by ffmpeg, each pixel the
// mean of those it covers when smaller), keeping only the frames whose
// numbers keep lists, in order (all when keep is nil): ffmpeg passes the
// others over before they are converted or piped.
func spillVideoAt(ctx context.Context, path, dir string, info preview.VideoInfo, w, h int, pixFmt string, keep []int, progress func(float64)) (*spill, error) {
	sp, err := newSpillOf(dir, w, h, pixFmt)
	if err != nil {
		return nil, err
	}
	if err := fillSpill(ctx, sp, path, info, keep, progress); err != nil {
		sp.Close()
		return nil, err
	}
	return sp, nil
}

// fillSpill decodes the video at path into sp (of the size and format the
// frames are wanted in), and ends it: with nil at the video's end, with
// the error that stopped it otherwise.
func fillSpill(ctx context.Context, sp *spill, path string, info preview.VideoInfo, keep []int, progress func(float64)) (err error) {
	defer func() { sp.end(err) }()
	w, h, pixFmt := sp.rect.Dx(), sp.rect.Dy(), sp.pixFmt
	delay := info.FrameTime()
	args := []string{"-v", "error", "-nostdin", "-i", path}
	var vf []string
	if keep != nil {
		var eq []string
		for _, n := range keep {
			eq = append(eq, fmt.Sprintf("eq(n\\,%d)", n))
		}
		vf = append(vf, "select="+strings.Join(eq, "+"))
		// The frames passed over are not made up again. (-vsync, not the
		// newer -fps_mode: the ffmpeg Vivify carries for Windows lacks it.)
		args = append(args, "-vsync", "passthrough")
	}
	if w != info.Width || h != info.Height {
		flags := "area"
		if w > info.Width {
			flags = "lanczos"
		}
		vf = append(vf, fmt.Sprintf("scale=%d:%d:flags=%s", w, h, flags))
	}
	if len(vf) > 0 {
		args = append(args, "-vf", strings.Join(vf, ","))
	}
	cmd := bundled.Command(ctx, preview.FFmpeg, append(args, "-f", "rawvideo", "-pix_fmt", pixFmt, "pipe:1")...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, pw, err := os.Pipe()
	if err != nil {
		return err
	}
	defer out.Close()
	cmd.Stdout = pw
	// Decoding is far quicker than the work that reads the frames: behind
	// it, it runs on the cores the encoder leaves idle rather than taking
	// turns with it (the command line decodes on the encoder's own thread).
	err = bundled.StartBehind(cmd)
	pw.Close() // ffmpeg's now
	if err != nil {
		return fmt.Errorf("ffmpeg could not be started: %w", err)
	}
	bundled.WidenPipe(out)
	var buf []byte
	var rerr error
	for i := 0; ; i++ {
		// Straight from ffmpeg into the spill's file where the system can
		// (Linux), else through a buffer.
		got, err := receiveFrame(out, sp.f, int64(i)*sp.frameBytes, sp.frameBytes)
		switch {
		case err != nil:
		case got:
			sp.written(delay)
		default:
			if buf == nil {
				buf = make([]byte, sp.frameBytes)
			}
			if _, err = io.ReadFull(out, buf); err == nil {
				err = sp.add(buf, delay)
			}
		}
		if err != nil {
			if !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
				rerr = err
			}
			break
		}
		switch {
		case keep != nil:
			progress(min(1, float64(i+1)/float64(len(keep))))
		case info.Frames > 0:
			progress(min(1, float64(i+1)/float64(info.Frames)))
		}
	}
	io.Copy(io.Discard, out)
	werr := bundled.Wait(cmd)
	switch {
	case ctx.Err() != nil:
		return ctx.Err()
	case rerr != nil:
		return rerr
	case werr != nil:
		return fmt.Errorf("ffmpeg could not read the video: %s", lastLine(stderr.String(), werr))
	case sp.Len() == 0:
		return fmt.Errorf("%w: ffmpeg found no frames in it", preview.ErrDamaged)
	}
	return nil
}
