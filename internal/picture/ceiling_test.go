package picture

import (
	"bytes"
	"context"
	"os"
	"sync"
	"testing"

	"vivify/internal/memwatch"
)

// pictureCeiling is the most heap that decoding the worst picture within
// the limits may hold, all at once. The worst is a 100-megapixel 8-bit RGBA
// PNG (its decoded pixels are 400 MB, just within MaxDecodeBytes' 512 MB at
// five bytes a pixel); the ceiling adds its file and the decoder's rows.
// 600 MB is enough: it is a third of a small 2 GB laptop's memory, and a
// decode that needs more is refused before it starts.
const pictureCeiling = 600 << 20

// TestPictureMemoryCeiling decodes the worst picture three times at once
// and checks the peak: the shared budget makes them take turns. It runs
// without the race detector (make test runs it so), which would inflate
// and slow every allocation.
func TestPictureMemoryCeiling(t *testing.T) {
	if os.Getenv("VIVIFY_MEMORY_CEILING") == "" {
		t.Skip("set VIVIFY_MEMORY_CEILING=1 (make test does) to decode 100-megapixel pictures")
	}
	var b bytes.Buffer
	bigPNG(t, &b, 10_000, 10_000, 10_000, true)
	data := b.Bytes()
	info, err := Check(data)
	if err != nil {
		t.Fatalf("the worst picture within the limits is refused: %v", err)
	}
	t.Logf("worst picture: %d×%d, %d KB file, %d MB counted", info.Width, info.Height, len(data)>>10, info.DecodeBytes>>20)
	peak := memwatch.Peak(func() {
		var wg sync.WaitGroup
		for range 3 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				img, _, err := Decode(context.Background(), data, 1024, 1024)
				if err != nil || img.Bounds().Dx() != 1024 {
					t.Errorf("decode: %v", err)
				}
			}()
		}
		wg.Wait()
	})
	t.Logf("peak heap: %d MB (ceiling %d MB)", peak>>20, pictureCeiling>>20)
	if peak > pictureCeiling {
		t.Fatalf("peak heap %d MB is over the %d MB ceiling", peak>>20, pictureCeiling>>20)
	}
}
