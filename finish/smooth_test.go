package finish

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"
)

// The parts a clip is smoothed in start where the whole clip's frames
// fall, give each part the frames before it, and add up to the clip.
func TestSmoothParts(t *testing.T) {
	for _, tc := range []struct {
		n, in, fps, parts, want int
	}{{240, 24, 30, 2, 2}, {240, 24, 30, 4, 4}, {120, 24, 60, 8, 2}, {300, 25, 30, 3, 3}, {95, 24, 30, 2, 1}, {240, 24, 30, 1, 1}} {
		want := int(math.Round(float64(tc.n) / float64(tc.in) * float64(tc.fps)))
		ps := smoothParts(tc.n, want, float64(tc.in), tc.fps, tc.parts)
		if len(ps) != tc.want {
			t.Errorf("%+v: %d parts", tc, len(ps))
			continue
		}
		total := 0
		for k, p := range ps {
			total += p.keep
			if p.last != (k == len(ps)-1) || p.from < 0 || p.to > tc.n || p.from >= p.to {
				t.Errorf("%+v: part %d %+v", tc, k, p)
			}
			if k > 0 && (p.skip*tc.in)%tc.fps != 0 || (k > 0 && p.skip == 0) {
				t.Errorf("%+v: part %d passes over %d frames, not whole input frames of context", tc, k, p.skip)
			}
		}
		if total != want {
			t.Errorf("%+v: %d frames in all, want %d", tc, total, want)
		}
	}
	if ps := smoothParts(240, 300, 23.976, 30, 4); len(ps) != 1 {
		t.Errorf("a rate of 23.976 cut in %d parts", len(ps))
	}
}

// Smoothed in parts side by side, a clip's frames are those one ffmpeg
// makes of it, byte for byte, in two parts and in three.
func TestSmoothSideBySideIsTheWholeClip(t *testing.T) {
	needFFmpeg(t)
	frames := clip(150, 160, 96, time.Second/24, true)
	whole, err := interpolateInMemory(context.Background(), memClip(frames), 30, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{2, 3} {
		dir := t.TempDir()
		parts := smoothParts(len(frames), len(whole), 24, 30, n)
		if len(parts) != n {
			t.Fatalf("%d parts, want %d", len(parts), n)
		}
		c, end, err := smoothSideBySide(context.Background(), memClip(frames), 30, parts, dir)
		if err != nil {
			t.Fatal(err)
		}
		if c.Len() != len(whole) {
			t.Fatalf("%d parts: %d frames, one ffmpeg makes %d", n, c.Len(), len(whole))
		}
		same := 0
		for i := range c.Len() {
			raw, err := c.Raw(i, nil)
			if err != nil {
				t.Fatalf("frame %d: %v", i, err)
			}
			if bytes.Equal(raw, whole[i].Image.Pix) {
				same++
			}
			if c.Delay(i) != whole[i].Delay && i < c.Len()-1 {
				t.Fatalf("frame %d shows for %v, not %v", i, c.Delay(i), whole[i].Delay)
			}
		}
		if same != len(whole) {
			t.Errorf("%d parts: %d of %d frames as one ffmpeg makes them", n, same, len(whole))
		}
		end()
		if left, _ := os.ReadDir(dir); len(left) != 0 {
			t.Errorf("%d parts left %d things behind", n, len(left))
		}
	}
}

// A video made Smoother through ExportFile in three parts side by side has
// its length in frames at the new rate, and leaves no spill behind; one
// cancelled while the parts run leaves none either.
func TestExportFileSmoothedSideBySide(t *testing.T) {
	needFFmpeg(t)
	old := sideBySide
	t.Cleanup(func() { sideBySide = old })
	var asked atomic.Int32
	sideBySide = func(int, int) int { asked.Add(1); return 3 }
	dir := t.TempDir()
	src := filepath.Join(dir, "clip.mp4")
	makeVideo(t, src, 320, 180, 144, 24) // 6 seconds
	dest := filepath.Join(dir, "smooth.mp4")
	if _, err := ExportFile(context.Background(), src, Recipe{FPS: 30}, Original(".mp4"), dest, nil); err != nil {
		t.Fatal(err)
	}
	if asked.Load() == 0 {
		t.Fatal("the export did not ask how many parts to smooth in")
	}
	w, h, frames, seconds := probeFile(t, dest)
	if w != 320 || h != 180 || frames != 180 || seconds < 5.95 || seconds > 6.05 {
		t.Fatalf("%d×%d, %d frames, %.2f s; want 320×180, 180 frames, 6 s", w, h, frames, seconds)
	}
	if spills, _ := filepath.Glob(filepath.Join(dir, SpillPrefix+"*")); len(spills) > 0 {
		t.Fatalf("spills left: %v", spills)
	}
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(300*time.Millisecond, cancel)
	if _, err := ExportFile(ctx, src, Recipe{FPS: 30}, Original(".mp4"), filepath.Join(dir, "cancelled.mp4"), nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: %v", err)
	}
	if spills, _ := filepath.Glob(filepath.Join(dir, SpillPrefix+"*")); len(spills) > 0 {
		t.Fatalf("spills left after a cancel: %v", spills)
	}
	if _, err := os.Stat(filepath.Join(dir, "cancelled.mp4")); err == nil {
		t.Fatal("a cancelled export left its file")
	}
}

// A GIF made Smoother in parts side by side is the GIF one ffmpeg's frames
// make, byte for byte: the same frames, each as long.
func TestSmootherGIFSideBySideIsTheSame(t *testing.T) {
	needFFmpeg(t)
	old := sideBySide
	t.Cleanup(func() { sideBySide = old })
	dir := t.TempDir()
	src := filepath.Join(dir, "clip.mp4")
	makeVideo(t, src, 160, 96, 150, 24)
	var gifs [][]byte
	for _, parts := range []int{1, 3} {
		sideBySide = func(int, int) int { return parts }
		dest := filepath.Join(dir, fmt.Sprintf("smooth %d.gif", parts))
		var last float64
		if _, err := ExportFile(context.Background(), src, Recipe{FPS: 30}, Original(".gif"), dest, func(f float64) { last = f }); err != nil {
			t.Fatalf("%d parts: %v", parts, err)
		}
		if last != 1 {
			t.Errorf("%d parts: progress ended at %v", parts, last)
		}
		data, err := os.ReadFile(dest)
		if err != nil {
			t.Fatal(err)
		}
		gifs = append(gifs, data)
	}
	if !bytes.Equal(gifs[0], gifs[1]) {
		t.Fatalf("in three parts the GIF is %d bytes, in one %d, and not the same", len(gifs[1]), len(gifs[0]))
	}
	if spills, _ := filepath.Glob(filepath.Join(dir, SpillPrefix+"*")); len(spills) > 0 {
		t.Fatalf("spills left: %v", spills)
	}
}
