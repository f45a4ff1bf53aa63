package finish

import (
	"context"
	"path/filepath"
	"strings"

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
	const reading = 0.25 // of the progress bar: reading is quicker than encoding
	sp, err := spillVideo(ctx, src, dir, info, spillFormat(info, p), func(f float64) { progress(f * reading) })
	if err != nil {
		return Result{}, err
	}
	defer sp.Close()
	return exportReel(ctx, sp, r, p, dest, dir, func(f float64) { progress(reading + f*(1-reading)) })
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
// most: its frames spilled raw, the smoother's frames too for a GIF, and
// the file (its limit, or as much as the raw frames for a GIF, a tenth of
// them for a video codec).
func roomNeeded(info preview.VideoInfo, r Recipe, p Preset) uint64 {
	frame := uint64(rawBytes(spillFormat(info, p), info.Width, info.Height))
	frames := uint64(max(info.Frames, 1))
	need := frame * frames
	if r.FPS > 0 && !p.NeedsFFmpeg() && info.FPS > 0 {
		need += frame * uint64(float64(frames)*float64(r.FPS)/info.FPS+1) * 2 // a boomerang doubles it
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
