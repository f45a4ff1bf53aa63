package finish

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"

	"vivify/client"
	"vivify/internal/atomicfile"
	"vivify/internal/diskspace"
	"vivify/preview"
)

// makeVideo encodes a w×h clip of frames frames at fps with ffmpeg's test
// pattern (moving, with detail: a fair stand-in for a model's video), as
// an H.264 MP4 at path.
func makeVideo(t testing.TB, path string, w, h, frames, fps int) {
	t.Helper()
	out, err := exec.Command(preview.FFmpeg, "-v", "error", "-y", "-f", "lavfi",
		"-i", fmt.Sprintf("testsrc2=size=%dx%d:rate=%d", w, h, fps), "-frames:v", strconv.Itoa(frames),
		"-c:v", "libx264", "-preset", "ultrafast", "-crf", "28", "-pix_fmt", "yuv420p", path).CombinedOutput()
	if err != nil {
		t.Fatalf("making the test video: %v\n%s", err, out)
	}
}

// probed is what ffprobe says of a file: width, height, frames, seconds.
func probeFile(t testing.TB, path string) (w, h, frames int, seconds float64) {
	t.Helper()
	out, err := exec.Command(preview.FFprobe, "-v", "error", "-count_frames", "-select_streams", "v:0",
		"-show_entries", "stream=width,height,nb_read_frames:format=duration", "-of", "default=nw=1", path).Output()
	if err != nil {
		t.Fatalf("ffprobe %s: %v", path, err)
	}
	for _, line := range strings.Split(string(out), "\n") {
		k, v, _ := strings.Cut(strings.TrimSpace(line), "=")
		switch k {
		case "width":
			w, _ = strconv.Atoi(v)
		case "height":
			h, _ = strconv.Atoi(v)
		case "nb_read_frames":
			frames, _ = strconv.Atoi(v)
		case "duration":
			seconds, _ = strconv.ParseFloat(v, 64)
		}
	}
	return
}

// peakRSS is the process's peak resident memory so far (Linux), in bytes.
func peakRSS(t testing.TB) int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		t.Skip("no /proc: the peak memory is read on Linux")
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	t.Skip("no VmHWM")
	return 0
}

// largestVideos are the largest videos the catalogue's models make: for
// each size, the longest, as width × height × frames at fps.
func largestVideos() map[[2]int][2]int {
	out := map[[2]int][2]int{} // size → frames, fps
	for _, m := range client.Catalogue {
		r := client.NewRequestFor(m, "")
		if len(m.Durations) > 0 {
			r.Duration = m.Durations[len(m.Durations)-1]
		}
		w, h := m.Size(r)
		fps := m.Video.FPS
		if fps == 0 {
			fps = r.FPS
		}
		n := m.Frames(r)
		if k := [2]int{w, h}; n > out[k][0] {
			out[k] = [2]int{n, fps}
		}
	}
	return out
}

// Every export preset and every Finish operation works on the largest
// videos the catalogue's models make, at their full size: ffprobe finds
// the size, frames and length each should have. It takes minutes
// (VIVIFY_FULL_SIZE=1 runs it; make test runs the 1080p part of it in
// TestFullSize1080pInBoundedMemory).
func TestEveryPresetAtFullSize(t *testing.T) {
	needFFmpeg(t)
	if os.Getenv("VIVIFY_FULL_SIZE") == "" {
		t.Skip("minutes of encoding: set VIVIFY_FULL_SIZE=1 (make full-size)")
	}
	recipes := []Recipe{{Loop: LoopBoomerang}, {Loop: LoopCrossfade}, {Speed: 1.5}, {From: 10, To: 60}, {Double: true}, {FPS: 30}}
	k := 0
	for size, shape := range largestVideos() {
		w, h, n, fps := size[0], size[1], shape[0], shape[1]
		dir := t.TempDir()
		src := filepath.Join(dir, fmt.Sprintf("%dx%d.mp4", w, h))
		makeVideo(t, src, w, h, n, fps)
		for _, p := range append([]Preset{Original(".mp4")}, Presets...) {
			r := recipes[k%len(recipes)]
			k++
			if r.FPS > 0 && w*h > 1280*720 {
				r = Recipe{Loop: LoopBoomerang} // the smoother at 1080p takes minutes of its own: the 720p clips have it
			}
			t.Run(fmt.Sprintf("%dx%d %d frames, %s, %s", w, h, n, p.Name, r.Words(n)), func(t *testing.T) {
				checkExport(t, src, dir, w, h, n, fps, r, p)
			})
		}
	}
}

// checkExport exports src (w×h, n frames at fps) through r and p, and
// checks the file against the plan.
func checkExport(t *testing.T, src, dir string, w, h, n, fps int, r Recipe, p Preset) {
	t.Helper()
	dest := filepath.Join(dir, "out "+p.Suffix+p.Ext)
	start := time.Now()
	res, err := ExportFile(context.Background(), src, r, p, dest, nil)
	if err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	delays := make([]time.Duration, n)
	for i := range delays {
		delays[i] = time.Second / time.Duration(fps)
	}
	steps, _ := stepsOf(delays, r)
	var length time.Duration
	for _, s := range steps {
		length += s.delay
	}
	gw, gh, frames, seconds := probeFile(t, dest)
	ww, wh := outputSize(w, h, r, p)
	if res.GaveUp != "" && p.Ext == ".gif" {
		ww, wh = res.Width, res.Height
	}
	if gw != ww || gh != wh {
		t.Errorf("%d×%d, want %d×%d", gw, gh, ww, wh)
	}
	if d := seconds - length.Seconds(); d < -0.15 || d > 0.15 {
		t.Errorf("%.2f s, want %.2f", seconds, length.Seconds())
	}
	if frames < 2 {
		t.Errorf("%d frames", frames)
	}
	if st, err := os.Stat(dest); err != nil || (p.Limit > 0 && st.Size() > p.Limit) {
		t.Errorf("the file: %v, limit %d", err, p.Limit)
	}
	if spills, _ := filepath.Glob(filepath.Join(dir, SpillPrefix+"*")); len(spills) > 0 {
		t.Errorf("spills left: %v", spills)
	}
	t.Logf("%d×%d, %d frames, %.2f s, %s, in %v", gw, gh, frames, seconds, res.GaveUp, took.Round(time.Millisecond))
}

// The 1080p, 10-second clip (240 frames, 2 GB of frames) through the two
// heaviest exports at full size, a boomerang vertical MP4 (480 frames) and
// the chat GIF fitted under 10 MB: the files are right, and the peak
// memory of the whole process stays under 400 MB. make test runs it alone
// in its process, without the race detector, so the peak is this work's.
func TestFullSize1080pInBoundedMemory(t *testing.T) {
	needFFmpeg(t)
	if raceOn || os.Getenv("VIVIFY_MEMORY_CEILING") == "" {
		t.Skip("run alone, without -race: make test does (VIVIFY_MEMORY_CEILING=1)")
	}
	debug.SetGCPercent(50)
	dir := t.TempDir()
	src := filepath.Join(dir, "kling 10s.mp4")
	makeVideo(t, src, 1920, 1080, 240, 24)
	before := peakRSS(t)
	for _, c := range []struct {
		r Recipe
		p Preset
	}{
		{Recipe{Loop: LoopBoomerang}, Presets[1]},
		{Recipe{}, Presets[0]},
	} {
		t.Run(c.p.Name, func(t *testing.T) { checkExport(t, src, dir, 1920, 1080, 240, 24, c.r, c.p) })
	}
	peak := peakRSS(t)
	t.Logf("peak resident memory: %d MB (%d MB before the exports)", peak>>20, before>>20)
	if peak > 400<<20 {
		t.Fatalf("the process peaked at %d MB, over 400 MB", peak>>20)
	}
}

// Not enough room on the disk: the export says how much it needs and
// where, and writes nothing.
func TestExportFileSaysWhenTheDiskIsFull(t *testing.T) {
	needFFmpeg(t)
	if runtime.GOOS != "linux" {
		t.Skip("a small disk is a tmpfs, on Linux")
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "clip.mp4")
	makeVideo(t, src, 640, 360, 48, 24)
	small := filepath.Join(dir, "small")
	os.MkdirAll(small, 0o755)
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", small).CombinedOutput(); err != nil {
		t.Skipf("no tmpfs can be mounted here: %v %s", err, out)
	}
	defer exec.Command("umount", small).Run()
	dest := filepath.Join(small, "out.mp4")
	_, err := ExportFile(context.Background(), src, Recipe{Loop: LoopBoomerang}, Presets[1], dest, nil)
	var short *diskspace.Short
	if !errors.Is(err, diskspace.ErrNoRoom) || !errors.As(err, &short) || !strings.Contains(err.Error(), small) {
		t.Fatalf("%v", err)
	}
	if entries, _ := os.ReadDir(small); len(entries) != 0 {
		t.Fatalf("written: %v", entries)
	}
}

// A cancelled export leaves no spill, and a spill a killed export left is
// removed the way the library's tidy-up at the next start removes it
// (jobs' tidyDone; jobs/version_test.go tests that one).
func TestCancelledExportLeavesNoSpill(t *testing.T) {
	needFFmpeg(t)
	dir := t.TempDir()
	src := filepath.Join(dir, "clip.mp4")
	makeVideo(t, src, 640, 360, 96, 24)
	ctx, cancel := context.WithCancel(context.Background())
	dest := filepath.Join(dir, "out.mp4")
	started := make(chan struct{}, 1)
	go func() {
		<-started
		cancel()
	}()
	_, err := ExportFile(ctx, src, Recipe{Loop: LoopBoomerang}, Presets[1], dest, func(f float64) {
		if f > 0.3 {
			select {
			case started <- struct{}{}:
			default:
			}
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("%v", err)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.Name() != "clip.mp4" {
			t.Errorf("left behind: %s", e.Name())
		}
	}
	os.MkdirAll(filepath.Join(dir, SpillPrefix+"killed", "x"), 0o755)
	atomicfile.RemoveFolders(dir, SpillPrefix)
	if _, err := os.Stat(filepath.Join(dir, SpillPrefix+"killed")); !os.IsNotExist(err) {
		t.Fatal("a killed export's spill stays")
	}
}

// The same small clip exported from memory (Export) and from its file
// (ExportFile) makes the same: the spill changes where frames are, not
// what is made.
func TestExportFileMatchesExport(t *testing.T) {
	needFFmpeg(t)
	dir := t.TempDir()
	src := filepath.Join(dir, "clip.mp4")
	makeVideo(t, src, 320, 180, 48, 24)
	a, err := preview.Open(context.Background(), src, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []Recipe{{Loop: LoopBoomerang}, {Loop: LoopCrossfade, Speed: 0.5}} {
		for _, p := range []Preset{Presets[0], Presets[1]} {
			one, two := filepath.Join(dir, "mem"+p.Ext), filepath.Join(dir, "file"+p.Ext)
			r1, err1 := Export(context.Background(), a.Frames, r, p, one, nil)
			r2, err2 := ExportFile(context.Background(), src, r, p, two, nil)
			if err1 != nil || err2 != nil {
				t.Fatal(err1, err2)
			}
			w1, h1, n1, s1 := probeFile(t, one)
			w2, h2, n2, s2 := probeFile(t, two)
			if w1 != w2 || h1 != h2 || n1 != n2 || s1 != s2 || r1.Width != r2.Width || r1.GaveUp != r2.GaveUp {
				t.Errorf("%s %s: from memory %d×%d %d frames %.2f s, from the file %d×%d %d frames %.2f s",
					p.Name, r.Words(48), w1, h1, n1, s1, w2, h2, n2, s2)
			}
			if p.Ext == ".gif" {
				d1, _ := os.ReadFile(one)
				d2, _ := os.ReadFile(two)
				if string(d1) != string(d2) {
					t.Errorf("%s: the GIFs differ", r.Words(48))
				}
			}
		}
	}
}

// A spill of some of a video's frames holds those frames, byte for byte
// as a spill of them all has them; one at another size has every frame.
func TestSpillOfChosenFrames(t *testing.T) {
	needFFmpeg(t)
	dir := t.TempDir()
	src := filepath.Join(dir, "clip.mp4")
	makeVideo(t, src, 320, 180, 48, 24)
	ctx := context.Background()
	info, err := preview.ProbeVideo(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	all, err := spillVideo(ctx, src, dir, info, "rgba", func(float64) {})
	if err != nil {
		t.Fatal(err)
	}
	defer all.Close()
	keep := []int{0, 7, 8, 30, 47}
	some, err := spillVideoAt(ctx, src, dir, info, 320, 180, "rgba", keep, func(float64) {})
	if err != nil {
		t.Fatal(err)
	}
	defer some.Close()
	if some.Len() != len(keep) {
		t.Fatalf("%d frames kept, want %d", some.Len(), len(keep))
	}
	for i, n := range keep {
		a, _ := all.Raw(n, nil)
		b, _ := some.Raw(i, nil)
		if !bytes.Equal(a, b) {
			t.Errorf("kept frame %d is not frame %d", i, n)
		}
	}
	half, err := spillVideoAt(ctx, src, dir, info, 160, 90, "rgba", nil, func(float64) {})
	if err != nil {
		t.Fatal(err)
	}
	defer half.Close()
	if half.Len() != all.Len() || half.Bounds() != image.Rect(0, 0, 160, 90) {
		t.Fatalf("at half the size: %d frames of %v, want %d of 160×90", half.Len(), half.Bounds(), all.Len())
	}
}

// A video whose header says another number of frames than it has is
// made from the frames it has: the export begun from the header's number
// is made again once they are all read, or is right as it is when the
// recipe stops before the difference.
func TestExportWhenTheHeaderMiscounts(t *testing.T) {
	needFFmpeg(t)
	dir := t.TempDir()
	src := filepath.Join(dir, "clip.mp4")
	makeVideo(t, src, 320, 180, 48, 24)
	ctx := context.Background()
	info, err := preview.ProbeVideo(ctx, src)
	if err != nil || info.Frames != 48 {
		t.Fatalf("%+v %v", info, err)
	}
	for _, c := range []struct {
		said   int
		r      Recipe
		frames int
	}{
		{48, Recipe{}, 48},
		{40, Recipe{}, 48},
		{60, Recipe{}, 48},
		{60, Recipe{Loop: LoopBoomerang}, 94},
		{30, Recipe{Loop: LoopBoomerang}, 94},
		{60, Recipe{From: 4, To: 20}, 16},
	} {
		wrong := info
		wrong.Frames = c.said
		dest := filepath.Join(dir, fmt.Sprintf("out %d %s.mp4", c.said, c.r.Words(48)))
		if _, err := exportDecoding(ctx, src, wrong, c.r, Original(".mp4"), dest, nil); err != nil {
			t.Fatalf("said %d, %s: %v", c.said, c.r.Words(48), err)
		}
		if _, _, n, _ := probeFile(t, dest); n != c.frames {
			t.Errorf("said %d, %s: %d frames, want %d", c.said, c.r.Words(48), n, c.frames)
		}
	}
	if spills, _ := filepath.Glob(filepath.Join(dir, SpillPrefix+"*")); len(spills) > 0 {
		t.Errorf("spills left: %v", spills)
	}
}
