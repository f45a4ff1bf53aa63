package finish

import (
	"bufio"
	"context"
	"fmt"
	"math"
	"os"
	"strings"

	"vivify/internal/atomicfile"
	"vivify/internal/bundled"
	"vivify/preview"
)

// Preset is a kind of file made for where it is going, as a creator knows
// it ("GIF for chat"), with the limit that place sets.
type Preset struct {
	Name string // "GIF for chat"
	For  string // where it goes: "Discord, Slack, Teams"
	Ext  string // ".gif", ".mp4", ".webm"
	// Limit is the file's largest size in bytes; 0 sets none.
	Limit int64
	// Aspect is the shape of the picture, width to height ({9, 16}); the
	// video is fitted inside it over a blurred copy of itself. Zero keeps
	// the video's shape.
	Aspect [2]int
	// Suffix ends the version's file name ("chat"), "" for none.
	Suffix string
}

// NeedsFFmpeg reports whether the preset needs a video codec: every one
// but GIF does.
func (p Preset) NeedsFFmpeg() bool { return p.Ext != ".gif" }

// ChatLimit is the chat GIF's limit: Discord's for a file sent without a
// subscription, which Slack and Teams also take.
const ChatLimit = 10_000_000

// Presets are the exports offered for a video, besides Original. The MP4s
// for the short-video apps keep under 250 MB, below what those apps take
// for an upload; a clip of a few seconds is far smaller.
var Presets = []Preset{
	{Name: "GIF for chat", For: "Discord, Slack, Teams", Ext: ".gif", Limit: ChatLimit, Suffix: "chat"},
	{Name: "Vertical MP4 (9:16)", For: "TikTok, Reels, Shorts", Ext: ".mp4", Aspect: [2]int{9, 16}, Limit: 250_000_000, Suffix: "vertical"},
	{Name: "Square MP4 (1:1)", For: "Instagram and other feeds", Ext: ".mp4", Aspect: [2]int{1, 1}, Limit: 250_000_000, Suffix: "square"},
	{Name: "MP4 for chat", For: "Discord, WhatsApp, Telegram", Ext: ".mp4", Limit: ChatLimit, Suffix: "chat"},
	{Name: "WebM for the web", For: "web pages: small, plays in every browser", Ext: ".webm", Suffix: "web"},
}

// Original is the preset of the video's own kind of file (ext, as
// ".gif"), with no limit.
func Original(ext string) Preset {
	ext = strings.ToLower(ext)
	return Preset{Name: "Same kind as made (" + strings.ToUpper(strings.TrimPrefix(ext, ".")) + ")", For: "keeps the file as the service made it", Ext: ext}
}

// Plan is what a file will be, said before it is written.
type Plan struct {
	Width, Height int
	Seconds       float64
	FPS           float64
	Frames        int
}

// PlanFor says what exporting frames (of a video of width × height: the
// frames may be a preview's smaller ones) through r and p makes.
func PlanFor(frames []preview.Frame, width, height int, r Recipe, p Preset) (Plan, error) {
	applied, err := Apply(frames, r)
	if err != nil {
		return Plan{}, err
	}
	pl := Plan{Seconds: Duration(applied).Seconds(), FPS: FrameRate(applied), Frames: len(applied)}
	if r.FPS > 0 {
		pl.FPS = float64(r.FPS)
		pl.Frames = int(math.Round(pl.Seconds * pl.FPS))
	}
	pl.Width, pl.Height = outputSize(width, height, r, p)
	return pl, nil
}

// outputSize is the size of the picture written: the video's (doubled),
// or the canvas of the preset's shape, even for a video codec.
func outputSize(w, h int, r Recipe, p Preset) (int, int) {
	if r.Double {
		w, h = 2*w, 2*h
	}
	if p.Aspect != [2]int{} {
		// The shape's shorter side is 720, or 1080 for a video that large:
		// 720 × 1280 or 1080 × 1920 upright, 720 or 1080 square.
		short := 720
		if max(w, h) >= 1080 {
			short = 1080
		}
		if p.Aspect[0] >= p.Aspect[1] {
			return short * p.Aspect[0] / p.Aspect[1] &^ 1, short
		}
		return short, short * p.Aspect[1] / p.Aspect[0] &^ 1
	}
	if p.NeedsFFmpeg() {
		w, h = w&^1, h&^1
	}
	return max(w, 2), max(h, 2)
}

// Result is a file written, and what was given up to meet the limit.
type Result struct {
	Bytes         int64
	Width, Height int
	Seconds       float64
	// GaveUp says what a GIF gave up to fit ("128 colours, half the size"),
	// "" when nothing was.
	GaveUp string
	// Fit is what the GIF kept (its Data left out), when it had a limit;
	// LowerQuality that an MP4 was made again at a lower bitrate. The
	// window says GaveUp from these, in its language.
	Fit          Fitted
	LowerQuality bool
}

// Export writes frames (the video at its own size), finished by r, as the
// preset p at dest. It writes to a hidden file beside dest and renames it
// into place when whole: a failed or cancelled export leaves nothing. A
// limit no file meets is ErrCannotFit. progress is told the share done.
// ExportFile does the same from a video file, at any length, in bounded
// memory.
func Export(ctx context.Context, frames []preview.Frame, r Recipe, p Preset, dest string, progress func(float64)) (Result, error) {
	if len(frames) == 0 {
		return Result{}, ErrNoFrames
	}
	return exportReel(ctx, memClip(frames), r, p, dest, "", progress)
}

// exportReel is Export of a reel. spillDir, when set, is where work that
// makes frames (Smoother, for a GIF) keeps them: on disk, not in memory.
func exportReel(ctx context.Context, src reel, r Recipe, p Preset, dest, spillDir string, progress func(float64)) (Result, error) {
	if progress == nil {
		progress = func(float64) {}
	}
	if p.NeedsFFmpeg() && preview.FFmpeg == "" {
		return Result{}, ErrNoFFmpeg
	}
	steps, err := stepsOf(delaysOf(src), r)
	if err != nil {
		return Result{}, err
	}
	applied := stepClip{src, steps}
	res := Result{Seconds: clipDuration(applied).Seconds()}
	b := applied.Bounds()
	res.Width, res.Height = outputSize(b.Dx(), b.Dy(), r, p)
	if !p.NeedsFFmpeg() {
		return exportGIF(ctx, applied, r, p, dest, spillDir, res, progress)
	}
	if r.FPS > 0 && spillDir != "" {
		// A long clip is smoothed in parts side by side (smooth.go), and
		// the encoder reads what they make.
		if parts := smoothPartsFor(applied, res, r.FPS); len(parts) > 1 {
			smooth, end, err := smoothSideBySide(ctx, applied, r.FPS, parts, spillDir)
			if err != nil {
				return Result{}, err
			}
			defer end()
			made := r
			made.FPS = 0 // made already
			return exportVideo(ctx, smooth, made, p, dest, res, progress)
		}
	}
	return exportVideo(ctx, applied, r, p, dest, res, progress)
}

func exportGIF(ctx context.Context, frames reel, r Recipe, p Preset, dest, spillDir string, res Result, progress func(float64)) (Result, error) {
	encodeFrom := 0.0
	if r.FPS > 0 {
		half := func(f float64) { progress(f / 2) }
		if spillDir == "" {
			smooth, err := interpolateInMemory(ctx, frames, r.FPS, half)
			if err != nil {
				return Result{}, err
			}
			frames = memClip(smooth)
		} else if parts := smoothPartsFor(frames, res, r.FPS); len(parts) > 1 {
			smooth, end, err := smoothWhole(ctx, frames, r.FPS, parts, spillDir, half)
			if err != nil {
				return Result{}, err
			}
			defer end()
			frames = smooth
		} else {
			sp, err := newSpill(spillDir, frames.Bounds().Dx(), frames.Bounds().Dy())
			if err != nil {
				return Result{}, err
			}
			defer sp.Close()
			err = interpolate(ctx, frames, r.FPS, half, sp)
			sp.end(err)
			if err != nil {
				return Result{}, err
			}
			frames = sp
		}
		encodeFrom = 0.5
	}
	sub := func(f float64) { progress(encodeFrom + f*(1-encodeFrom)) }
	scale := 1.0
	if r.Double {
		scale = 2
	}
	if p.Limit > 0 {
		fit, err := fitGIF(ctx, frames, int(p.Limit), scale, sub)
		if err != nil {
			return Result{}, err
		}
		return writeFitted(ctx, fit, dest, res, progress)
	}
	// No limit: written to the file as it is encoded, a frame at a time.
	var made error
	err := atomicfile.Produce(dest, 0o644, func(tmp string) error {
		f, err := os.Create(tmp)
		if err != nil {
			made = err
			return err
		}
		w := bufio.NewWriterSize(f, 1<<20)
		made = encodeGIF(ctx, frames, 256, scale, nil, sub, w)
		if made == nil {
			made = w.Flush()
		}
		if cerr := f.Close(); made == nil {
			made = cerr
		}
		if made == nil {
			made = ctx.Err()
		}
		if made == nil {
			if st, err := os.Stat(tmp); err == nil {
				res.Bytes = st.Size()
			}
		}
		return made
	})
	if made != nil {
		return Result{}, made
	} else if err != nil {
		return Result{}, fmt.Errorf("the file could not be written: %w", err)
	}
	progress(1)
	return res, nil
}

// writeFitted writes a fitted GIF at dest, and says what it is.
func writeFitted(ctx context.Context, fit Fitted, dest string, res Result, progress func(float64)) (Result, error) {
	res.GaveUp = fit.gaveUp()
	res.Fit = Fitted{Colours: fit.Colours, Scale: fit.Scale, Every: fit.Every}
	res.Width = int(float64(res.Width)*fit.Scale + 0.5)
	res.Height = int(float64(res.Height)*fit.Scale + 0.5)
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}
	if err := atomicfile.Write(dest, fit.Data, 0o644); err != nil {
		return Result{}, fmt.Errorf("the file could not be written: %w", err)
	}
	res.Bytes = int64(len(fit.Data))
	progress(1)
	return res, nil
}

// gaveUp says in words what a fitted GIF gave up.
func (f Fitted) gaveUp() string {
	var w []string
	if f.Colours < 256 {
		w = append(w, fmt.Sprintf("%d colours", f.Colours))
	}
	switch {
	case f.Scale == 0.75:
		w = append(w, "three quarters of the size")
	case f.Scale == 0.5:
		w = append(w, "half the size")
	case f.Scale < 0.5:
		w = append(w, "a third of the size")
	}
	if f.Every > 1 {
		w = append(w, fmt.Sprintf("one frame in %d", f.Every))
	}
	return strings.Join(w, ", ")
}

func exportVideo(ctx context.Context, frames reel, r Recipe, p Preset, dest string, res Result, progress func(float64)) (Result, error) {
	fps, in := constantSteps(frames)
	b := frames.Bounds()
	var vf []string
	var outFrames []string
	if r.FPS > 0 {
		vf = append(vf, smoothed(r.FPS, len(in)))
		outFrames = []string{"-frames:v", fmt.Sprint(int(math.Round(res.Seconds * float64(r.FPS))))}
	}
	w, h := res.Width, res.Height
	if p.Aspect != [2]int{} {
		// The video fitted inside the shape, over a blurred, filled copy
		// of itself, as short-video apps show a video of another shape.
		vf = append(vf, fmt.Sprintf("split[a][b];"+
			"[a]scale=%[1]d:%[2]d:force_original_aspect_ratio=increase,crop=%[1]d:%[2]d,boxblur=luma_radius=%[3]d:luma_power=2,colorchannelmixer=rr=0.75:gg=0.75:bb=0.75[bg];"+
			"[b]scale=%[1]d:%[2]d:force_original_aspect_ratio=decrease:flags=lanczos[fg];"+
			"[bg][fg]overlay=(W-w)/2:(H-h)/2", w, h, max(w, h)/40))
	} else if w != b.Dx() || h != b.Dy() {
		vf = append(vf, fmt.Sprintf("scale=%d:%d:flags=lanczos", w, h))
	}
	vf = append(vf, "setsar=1", "format=yuv420p")

	encode := func(tmp string, bitrate int64) error {
		args := []string{"-v", "error", "-nostdin", "-y",
			"-f", "rawvideo", "-pix_fmt", frames.PixFmt(), "-s", fmt.Sprintf("%dx%d", b.Dx(), b.Dy()), "-framerate", rate(fps), "-i", "pipe:0",
			"-vf", strings.Join(vf, ","), "-an"}
		args = append(args, outFrames...)
		switch p.Ext {
		case ".webm":
			args = append(args, "-c:v", "libvpx-vp9", "-row-mt", "1", "-deadline", "good", "-cpu-used", "4")
			if bitrate == 0 {
				args = append(args, "-crf", "33", "-b:v", "0")
			}
			args = append(args, "-f", "webm")
		default:
			args = append(args, "-c:v", "libx264", "-preset", "medium", "-profile:v", "high", "-movflags", "+faststart")
			// x264 looks 40 frames ahead at this preset, each kept at full
			// size several times over: 540 MB for a 1080 × 1920 video.
			// Looking 10 ahead (as its quicker presets do) holds 340 MB, is
			// quicker, and the file is within 2% of the size.
			switch px := w * h; {
			case px >= 2_000_000:
				args = append(args, "-rc-lookahead", "10")
			case px >= 1_000_000:
				args = append(args, "-rc-lookahead", "20")
			}
			if bitrate == 0 {
				args = append(args, "-crf", "20")
			}
			args = append(args, "-f", "mp4")
		}
		if bitrate > 0 {
			args = append(args, "-b:v", fmt.Sprint(bitrate), "-maxrate", fmt.Sprint(bitrate), "-bufsize", fmt.Sprint(bitrate))
		}
		progress(0)
		cmd := bundled.Command(ctx, preview.FFmpeg, append(args, tmp)...)
		return pipeFrames(ctx, cmd, frames, in, func(n int) { progress(float64(n) / float64(len(in))) }, nil)
	}
	fill := func(tmp string) error {
		if err := encode(tmp, 0); err != nil {
			return err
		}
		st, err := os.Stat(tmp)
		if err != nil {
			return err
		}
		// Too large at its quality: again at the bit rate that fits, with
		// room for the container, and lower while it still does not (a
		// grainy clip overshoots the rate asked for).
		bitrate := int64(float64(p.Limit*8) * 0.9 / math.Max(res.Seconds, 0.1))
		for try := 0; p.Limit > 0 && st.Size() > p.Limit; try++ {
			if try == 3 || bitrate < 20_000 {
				return ErrCannotFit
			}
			if try > 0 {
				bitrate = int64(float64(bitrate) * float64(p.Limit) / float64(st.Size()) * 0.9)
			}
			if err := encode(tmp, bitrate); err != nil {
				return err
			}
			if st, err = os.Stat(tmp); err != nil {
				return err
			}
			res.GaveUp, res.LowerQuality = "a lower quality", true
		}
		res.Bytes = st.Size()
		return ctx.Err()
	}
	var made error // ffmpeg's, the limit's or the cancel's, said as they are
	if err := atomicfile.Produce(dest, 0o644, func(tmp string) error { made = fill(tmp); return made }); made != nil {
		return Result{}, made
	} else if err != nil {
		return Result{}, fmt.Errorf("the file could not be written: %w", err)
	}
	progress(1)
	return res, nil
}
