package preview

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/png"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"golang.org/x/image/draw"

	"vivify/internal/atomicfile"
	"vivify/internal/bundled"
	"vivify/internal/picture"
)

// ErrNoFFmpeg is returned for MP4 work when ffmpeg is not installed.
var ErrNoFFmpeg = errors.New("ffmpeg is not installed, so MP4 videos cannot be read here")

// FFmpeg is the ffmpeg program, the one Vivify carries before the PATH's;
// "" when there is none.
var FFmpeg, FFprobe = bundled.Program("ffmpeg"), bundled.Program("ffprobe")

// HasFFmpeg reports whether MP4 videos can be played and made.
func HasFFmpeg() bool { return FFmpeg != "" && FFprobe != "" }

// Open decodes a video file for playing: GIF in Go, MP4 and WebM through
// ffmpeg.
func Open(ctx context.Context, path string, maxW, maxH int) (*Animation, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".mp4", ".webm":
		return DecodeMP4(ctx, path, maxW, maxH)
	}
	f, _, err := picture.OpenFile(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return DecodeGIF(f, maxW, maxH)
}

// probeTime bounds ffprobe: reading a video's header takes a moment.
const probeTime = 30 * time.Second

// probe asks ffprobe, once, for what a video's header says of its
// picture: its size and rate, which it must have, and its frames and
// length, 0 when not said (its frames worked out from its length when only
// that is).
func probe(ctx context.Context, path string) (VideoInfo, error) {
	ctx, cancel := context.WithTimeout(ctx, probeTime)
	defer cancel()
	out, err := bundled.Output(bundled.Command(ctx, FFprobe, "-v", "error", "-select_streams", "v:0",
		"-show_entries", "stream=width,height,r_frame_rate,nb_frames:format=duration", "-of", "default=nw=1", path))
	if err != nil {
		return VideoInfo{}, fmt.Errorf("%w: ffprobe could not read it", ErrDamaged)
	}
	var v VideoInfo
	var rate bool
	for _, line := range strings.Split(string(out), "\n") {
		k, val, _ := strings.Cut(strings.TrimSpace(line), "=")
		switch k {
		case "width":
			v.Width, _ = strconv.Atoi(val)
		case "height":
			v.Height, _ = strconv.Atoi(val)
		case "r_frame_rate":
			rate = true
			num, den, _ := strings.Cut(val, "/")
			n, _ := strconv.ParseFloat(num, 64)
			d, _ := strconv.ParseFloat(den, 64)
			if d == 0 {
				d = 1
			}
			v.FPS = n / d
		case "nb_frames":
			v.Frames, _ = strconv.Atoi(val)
		case "duration":
			v.Seconds, _ = strconv.ParseFloat(val, 64)
		}
	}
	if !rate {
		return VideoInfo{}, fmt.Errorf("%w: it has no video stream", ErrDamaged)
	}
	if v.Width <= 0 || v.Height <= 0 || v.FPS <= 0 || v.FPS > 240 {
		return VideoInfo{}, fmt.Errorf("%w: ffprobe reports %dx%d at %.1f fps", ErrDamaged, v.Width, v.Height, v.FPS)
	}
	if v.Frames < 0 || math.IsNaN(v.Seconds) || v.Seconds < 0 {
		v.Frames, v.Seconds = 0, 0
	}
	if v.Frames == 0 && v.Seconds > 0 {
		v.Frames = int(v.Seconds*v.FPS + 0.5)
	}
	return v, nil
}

// VideoInfo is what a video file's header says of its picture.
type VideoInfo struct {
	Width, Height int
	FPS           float64
	Seconds       float64 // its length, 0 when not said
	Frames        int     // its frames, from the length when not said
}

// FrameTime is how long each of the video's frames shows.
func (v VideoInfo) FrameTime() time.Duration { return time.Duration(float64(time.Second) / v.FPS) }

// ProbeVideo reads a video file's size, rate and length (through ffprobe),
// refusing what is not a regular file before ffprobe sees it.
func ProbeVideo(ctx context.Context, path string) (VideoInfo, error) {
	if !HasFFmpeg() {
		return VideoInfo{}, ErrNoFFmpeg
	}
	f, _, err := picture.OpenFile(path)
	if err != nil {
		return VideoInfo{}, err
	}
	f.Close()
	return probe(ctx, path) // one ffprobe, not two: each costs 70 ms before an export starts
}

// DecodeMP4 reads an MP4's frames through ffmpeg, at the size they are shown
// at, within DefaultLimits.
func DecodeMP4(ctx context.Context, path string, maxW, maxH int) (*Animation, error) {
	if !HasFFmpeg() {
		return nil, ErrNoFFmpeg
	}
	// A regular file only, looked at without blocking: ffprobe given a
	// pipe would wait for a writer for ever.
	f, _, err := picture.OpenFile(path)
	if err != nil {
		return nil, err
	}
	f.Close()
	// ffmpeg starts at once, told to fit the frames in maxW × maxH by the
	// sum FitSize does (so its size is known without waiting for the
	// header), while ffprobe reads the header beside it: opening a video
	// costs what ffmpeg alone takes to decode it.
	args := []string{"-v", "error", "-nostdin", "-i", path}
	if fit := fitExpr(maxW, maxH); fit != "" {
		args = append(args, "-vf", fmt.Sprintf("scale=w='max(1,trunc(iw*%[1]s+0.5))':h='max(1,trunc(ih*%[1]s+0.5))'", fit))
	}
	cmd := bundled.Command(ctx, FFmpeg, append(args, "-f", "rawvideo", "-pix_fmt", "rgba", "-")...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, pw, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	defer out.Close()
	cmd.Stdout = pw
	err = bundled.Start(cmd)
	pw.Close() // ffmpeg's now
	if err != nil {
		return nil, err
	}
	bundled.WidenPipe(out)
	stop := func() {
		cmd.Process.Kill()
		cmd.Wait()
	}
	v, err := probe(ctx, path)
	if err != nil {
		stop()
		return nil, err
	}
	lim := DefaultLimits
	if v.Width > lim.MaxSide || v.Height > lim.MaxSide || v.Width*v.Height > lim.MaxCanvasPixels {
		stop()
		return nil, fmt.Errorf("%w: it is %d×%d pixels", ErrTooLarge, v.Width, v.Height)
	}
	dw, dh := picture.FitSize(v.Width, v.Height, maxW, maxH)
	a := &Animation{Width: v.Width, Height: v.Height}
	delay := v.FrameTime()
	size := dw * dh * 4
	// The frames the header says the video has are read into one block
	// rather than 240 of their own (a 10-second 1080p video opens 4% sooner).
	var slab []byte
	planned := min(v.Frames, lim.MaxFrames, int(lim.MaxKeptBytes/int64(size)))
	if planned > 0 {
		slab = make([]byte, planned*size)
	}
	for {
		if len(a.Frames) >= lim.MaxFrames || int64(len(a.Frames)+1)*int64(v.Width*v.Height) > lim.MaxTotalPixels ||
			int64(len(a.Frames)+1)*int64(size) > lim.MaxKeptBytes {
			stop()
			return nil, fmt.Errorf("%w: it has too many frames", ErrTooLarge)
		}
		if len(slab) < size {
			slab = make([]byte, size)
		}
		img := &image.RGBA{Pix: slab[:size:size], Stride: dw * 4, Rect: image.Rect(0, 0, dw, dh)}
		slab = slab[size:]
		if _, err := io.ReadFull(out, img.Pix); err != nil {
			break
		}
		a.Frames = append(a.Frames, Frame{Image: img, Delay: delay})
	}
	if n := len(a.Frames); n < planned*3/4 {
		// A header that promised more frames than came: the frames are
		// moved to a block their size, not kept in one that size.
		fit := make([]byte, n*size)
		for i := range a.Frames {
			pix := fit[i*size : (i+1)*size : (i+1)*size]
			copy(pix, a.Frames[i].Image.Pix)
			a.Frames[i].Image.Pix = pix
		}
	}
	if err := bundled.Wait(cmd); err != nil || len(a.Frames) == 0 {
		if len(a.Frames) == 0 {
			return nil, fmt.Errorf("%w: ffmpeg read no frames (%s)", ErrDamaged, strings.TrimSpace(stderr.String()))
		}
		a.Incomplete = true // it played what could be read
	}
	a.index()
	if a.Incomplete {
		return a, ErrIncomplete
	}
	return a, nil
}

// fitExpr is FitSize's scale for a box of maxW × maxH as an ffmpeg
// expression of the input's size (iw, ih), the same sums in the same
// floating point: "" when there is no box.
func fitExpr(maxW, maxH int) string {
	var terms []string
	if maxW > 0 {
		terms = append(terms, fmt.Sprintf("%d/iw", maxW))
	}
	if maxH > 0 {
		terms = append(terms, fmt.Sprintf("%d/ih", maxH))
	}
	switch len(terms) {
	case 0:
		return ""
	case 1:
		return "min(1," + terms[0] + ")"
	}
	return "min(1,min(" + terms[0] + "," + terms[1] + "))"
}

// Thumbnail makes a PNG still of a finished video at dest, at most
// ThumbnailSide pixels on its longer side: a frame a third of the way into
// a GIF (the first is often the untouched source), a frame of an MP4 through
// ffmpeg, or else the source image. Its signature is jobs.Thumbnailer's.
func Thumbnail(video, source, dest string) error {
	img := videoStill(video)
	if img == nil && source != "" {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		img, _, _ = picture.DecodeFile(ctx, source, ThumbnailSide, ThumbnailSide)
		cancel()
	}
	if img == nil {
		return errors.New("neither the video nor the source image could be read")
	}
	return writePNG(dest, fitImage(img, ThumbnailSide))
}

// ThumbnailSide is the longer side of a thumbnail.
const ThumbnailSide = 256

func videoStill(video string) image.Image {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if strings.EqualFold(filepath.Ext(video), ".mp4") {
		if !HasFFmpeg() {
			return nil
		}
		out, err := bundled.Output(bundled.Command(ctx, FFmpeg, "-v", "error", "-ss", "0.5", "-i", video,
			"-frames:v", "1", "-f", "image2pipe", "-vcodec", "png", "-"))
		if err != nil || len(out) == 0 {
			out, err = bundled.Output(bundled.Command(ctx, FFmpeg, "-v", "error", "-i", video,
				"-frames:v", "1", "-f", "image2pipe", "-vcodec", "png", "-"))
			if err != nil {
				return nil
			}
		}
		img, _, err := picture.Decode(ctx, out, ThumbnailSide, ThumbnailSide)
		if err != nil {
			return nil
		}
		return img
	}
	f, _, err := picture.OpenFile(video)
	if err != nil {
		return nil
	}
	defer f.Close()
	a, err := DecodeGIF(f, ThumbnailSide, ThumbnailSide)
	if a == nil || err != nil && !errors.Is(err, ErrIncomplete) {
		return nil
	}
	return a.Frames[len(a.Frames)/3].Image
}

// fitImage scales img to fit side × side, never enlarging it, with the
// sharper Catmull-Rom filter: for thumbnails kept on disk.
func fitImage(img image.Image, side int) image.Image {
	b := img.Bounds()
	w, h := picture.FitSize(b.Dx(), b.Dy(), side, side)
	if w == b.Dx() && h == b.Dy() {
		return img
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.CatmullRom.Scale(dst, dst.Rect, img, b, draw.Src, nil)
	return dst
}

// writePNG writes img to path through a temporary file and a rename.
func writePNG(path string, img image.Image) error {
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return err
	}
	return atomicfile.Write(path, buf.Bytes(), 0o644)
}

// ExportFrames writes every frame of a video as numbered PNG files
// (frame-0001.png, ...) into dir, at the video's own size, and returns their
// paths.
func ExportFrames(ctx context.Context, video, dir string) ([]string, error) {
	a, err := Open(ctx, video, 0, 0)
	if a == nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	digits := max(4, len(strconv.Itoa(len(a.Frames))))
	var paths []string
	for i, f := range a.Frames {
		if err := ctx.Err(); err != nil {
			return paths, err
		}
		p := filepath.Join(dir, fmt.Sprintf("frame-%0*d.png", digits, i+1))
		if err := writePNG(p, f.Image); err != nil {
			return paths, err
		}
		paths = append(paths, p)
	}
	return paths, nil
}

// ExportMP4 converts a GIF result to an H.264 MP4 at dest with ffmpeg,
// keeping its timing. It is written beside dest and renamed when whole.
func ExportMP4(ctx context.Context, gifPath, dest string) error {
	if FFmpeg == "" {
		return ErrNoFFmpeg
	}
	return atomicfile.Produce(dest, 0o644, func(tmp string) error {
		var stderr bytes.Buffer
		cmd := bundled.Command(ctx, FFmpeg, "-v", "error", "-y", "-i", gifPath, "-movflags", "+faststart",
			"-pix_fmt", "yuv420p", "-vf", "scale=trunc(iw/2)*2:trunc(ih/2)*2", "-f", "mp4", tmp)
		cmd.Stderr = &stderr
		if err := bundled.Run(cmd); err != nil {
			return fmt.Errorf("ffmpeg could not make the MP4: %s", strings.TrimSpace(stderr.String()))
		}
		return nil
	})
}
