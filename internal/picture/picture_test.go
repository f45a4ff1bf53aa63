package picture

import (
	"bytes"
	"compress/zlib"
	"context"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"
)

// pngChunk appends one chunk of a PNG file.
func pngChunk(out []byte, kind string, data []byte) []byte {
	out = binary.BigEndian.AppendUint32(out, uint32(len(data)))
	start := len(out)
	out = append(out, kind...)
	out = append(out, data...)
	return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(out[start:]))
}

// bigPNG writes a w × h PNG of one colour (8-bit RGBA when alpha, else
// 8-bit RGB) to wr without holding its pixels: rows are compressed as they
// are made. With rows < h the file stops early, as a hostile one may.
func bigPNG(t testing.TB, wr io.Writer, w, h, rows int, alpha bool) {
	t.Helper()
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr, uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	ihdr[8] = 8
	ihdr[9] = 2
	bpp := 3
	if alpha {
		ihdr[9], bpp = 6, 4
	}
	out := append([]byte("\x89PNG\r\n\x1a\n"), nil...)
	out = pngChunk(out, "IHDR", ihdr)
	var z bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&z, zlib.BestSpeed)
	row := make([]byte, 1+w*bpp)
	for i := 1; i < len(row); i++ {
		row[i] = byte(i * 7)
	}
	for range rows {
		zw.Write(row)
	}
	zw.Close()
	out = pngChunk(out, "IDAT", z.Bytes())
	out = pngChunk(out, "IEND", nil)
	if _, err := wr.Write(out); err != nil {
		t.Fatal(err)
	}
}

func smallPNG(t testing.TB, w, h int) []byte {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = byte(i)
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// A tiny file that claims 100000 × 100000 pixels is refused from its
// header; decoding it would ask for 40 GB.
func TestHeaderBombRefused(t *testing.T) {
	var b bytes.Buffer
	bigPNG(t, &b, 100_000, 100_000, 1, true)
	if b.Len() > 8<<10 {
		t.Fatalf("the bomb is %d bytes; want a small file", b.Len())
	}
	_, _, err := Decode(context.Background(), b.Bytes(), 512, 512)
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("Decode: %v, want ErrTooLarge", err)
	}
	path := filepath.Join(t.TempDir(), "bomb.png")
	os.WriteFile(path, b.Bytes(), 0o644)
	if _, err := CheckFile(path); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("CheckFile: %v, want ErrTooLarge", err)
	}
	if _, _, err := DecodeFile(context.Background(), path, 0, 0); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("DecodeFile: %v, want ErrTooLarge", err)
	}
}

// A whole 16000 × 16000 PNG (256 megapixels) is over the limit too.
func TestLargeCompletePictureRefused(t *testing.T) {
	var b bytes.Buffer
	bigPNG(t, &b, 16000, 16000, 16000, false)
	if _, err := Check(b.Bytes()); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("Check: %v, want ErrTooLarge", err)
	}
}

// A picture within the limits is decoded at the size it is shown at, with
// its own size reported.
func TestDecodeScalesToShownSize(t *testing.T) {
	img, info, err := Decode(context.Background(), smallPNG(t, 1200, 800), 300, 300)
	if err != nil {
		t.Fatal(err)
	}
	if info.Width != 1200 || info.Height != 800 || info.Format != "png" {
		t.Fatalf("info %+v", info)
	}
	if b := img.Bounds(); b.Dx() != 300 || b.Dy() != 200 {
		t.Fatalf("decoded at %v, want 300×200", b)
	}
	img, _, err = Decode(context.Background(), smallPNG(t, 40, 30), 300, 300)
	if err != nil || img.Bounds().Dx() != 40 {
		t.Fatalf("a small picture is enlarged or refused: %v %v", img.Bounds(), err)
	}
}

func TestNotAPicture(t *testing.T) {
	for _, data := range [][]byte{nil, []byte("<html>hello</html>"), []byte("GIF89a")} {
		if _, _, err := Decode(context.Background(), data, 10, 10); !errors.Is(err, ErrNotPicture) {
			t.Errorf("%q: %v, want ErrNotPicture", data, err)
		}
	}
}

// A FIFO is refused at once: opening it for reading would wait for ever
// for a writer.
func TestFIFORefusedWithoutBlocking(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no FIFOs")
	}
	path := filepath.Join(t.TempDir(), "pipe.png")
	if err := mkfifo(path); err != nil {
		t.Skip(err)
	}
	done := make(chan error, 3)
	go func() { _, err := CheckFile(path); done <- err }()
	go func() { _, _, err := DecodeFile(context.Background(), path, 10, 10); done <- err }()
	go func() { _, _, err := OpenFile(path); done <- err }()
	for range 3 {
		select {
		case err := <-done:
			if !errors.Is(err, ErrNotRegular) {
				t.Errorf("got %v, want ErrNotRegular", err)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("reading a FIFO blocked")
		}
	}
	// A folder is not a picture either.
	if _, err := CheckFile(t.TempDir()); !errors.Is(err, ErrNotRegular) {
		t.Errorf("a folder: %v, want ErrNotRegular", err)
	}
}

// A progressive JPEG keeps all its coefficients: its cost counts them.
func TestJPEGFrameHeader(t *testing.T) {
	// SOI, an APP0 of 4 bytes, then SOF2 with 3 components.
	d := []byte{0xFF, 0xD8, 0xFF, 0xE0, 0, 4, 1, 2, 0xFF, 0xC2, 0, 17, 8, 0, 16, 0, 16, 3}
	if c, p := jpegFrame(d); c != 3 || !p {
		t.Fatalf("progressive: %d %v", c, p)
	}
	d[9] = 0xC0
	if c, p := jpegFrame(d); c != 3 || p {
		t.Fatalf("baseline: %d %v", c, p)
	}
}

// Decodes at once share one budget: they wait their turn instead of adding
// up, and a cancelled wait gives up.
func TestBudgetIsShared(t *testing.T) {
	s := newSemaphore(100)
	if err := s.acquire(context.Background(), 80); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := s.acquire(ctx, 30); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("over budget: %v, want a wait cut off by the deadline", err)
	}
	var wg sync.WaitGroup
	wg.Add(1)
	got := make(chan struct{})
	go func() {
		defer wg.Done()
		s.acquire(context.Background(), 30)
		close(got)
	}()
	select {
	case <-got:
		t.Fatal("acquired past the budget")
	case <-time.After(20 * time.Millisecond):
	}
	s.release(80)
	wg.Wait()
	// A request larger than the whole budget still runs, alone.
	s.release(30)
	if err := s.acquire(context.Background(), 1000); err != nil {
		t.Fatal(err)
	}
}

func FuzzCheck(f *testing.F) {
	f.Add(smallPNG(f, 3, 2))
	var b bytes.Buffer
	bigPNG(f, &b, 100_000, 100_000, 1, true)
	f.Add(b.Bytes())
	f.Add([]byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"))
	f.Add([]byte{0xFF, 0xD8, 0xFF, 0xC2, 0, 17, 8, 0xFF, 0xFF, 0xFF, 0xFF, 3})
	f.Fuzz(func(t *testing.T, data []byte) {
		info, err := Check(data)
		if err != nil {
			return
		}
		if info.Width <= 0 || info.Height <= 0 || int64(info.Width)*int64(info.Height) > MaxPixels || info.DecodeBytes > MaxDecodeBytes {
			t.Fatalf("accepted %+v", info)
		}
		// What Check accepts decodes within its budget, or fails cleanly.
		if int64(info.Width)*int64(info.Height) <= 4<<20 {
			Decode(context.Background(), data, 64, 64)
		}
	})
}
