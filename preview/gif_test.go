package preview

import (
	"bytes"
	"compress/lzw"
	"encoding/binary"
	"errors"
	"image"
	"image/color"
	"image/gif"
	"strings"
	"testing"
	"time"
)

// Colours by letter, for frames written as grids; '.' is transparent.
var letters = map[byte]color.RGBA{
	'R': {255, 0, 0, 255}, 'G': {0, 255, 0, 255}, 'B': {0, 0, 255, 255},
	'Y': {255, 255, 0, 255}, 'W': {255, 255, 255, 255}, 'K': {0, 0, 0, 255}, '.': {},
}

// palette: the letters' colours, transparent first.
var palette = color.Palette{letters['.'], letters['R'], letters['G'], letters['B'], letters['Y'], letters['W'], letters['K']}

// frame is a paletted frame at (x, y) drawn from rows of letters.
func frame(x, y int, rows ...string) *image.Paletted {
	m := image.NewPaletted(image.Rect(x, y, x+len(rows[0]), y+len(rows)), palette)
	for j, row := range rows {
		for i := range len(row) {
			m.SetColorIndex(x+i, y+j, uint8(palette.Index(letters[row[i]])))
		}
	}
	return m
}

func encode(t testing.TB, w, h int, frames []*image.Paletted, disposal []byte, delays []int) []byte {
	t.Helper()
	g := &gif.GIF{Image: frames, Disposal: disposal, Delay: delays, Config: image.Config{Width: w, Height: h}}
	if g.Delay == nil {
		g.Delay = make([]int, len(frames))
		for i := range g.Delay {
			g.Delay[i] = 10
		}
	}
	if g.Disposal == nil {
		g.Disposal = make([]byte, len(frames))
	}
	var buf bytes.Buffer
	if err := gif.EncodeAll(&buf, g); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// checkFrame compares a composed frame with rows of letters, pixel for pixel.
func checkFrame(t *testing.T, name string, got *image.RGBA, rows ...string) {
	t.Helper()
	if got.Rect.Dx() != len(rows[0]) || got.Rect.Dy() != len(rows) {
		t.Fatalf("%s: size %v", name, got.Rect)
	}
	var want, have strings.Builder
	bad := false
	for y, row := range rows {
		for x := range len(row) {
			c := got.RGBAAt(x, y)
			letter := byte('?')
			for l, lc := range letters {
				if lc == c {
					letter = l
				}
			}
			have.WriteByte(letter)
			want.WriteByte(row[x])
			bad = bad || letter != row[x]
		}
		have.WriteByte('\n')
		want.WriteByte('\n')
	}
	if bad {
		t.Errorf("%s:\ngot\n%swant\n%s", name, have.String(), want.String())
	}
}

func decode(t *testing.T, data []byte) *Animation {
	t.Helper()
	a, err := DecodeGIF(bytes.NewReader(data), 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestComposeOffsetFrames(t *testing.T) {
	a := decode(t, encode(t, 4, 4, []*image.Paletted{
		frame(1, 1, "RR", "RR"), // smaller than the canvas, on transparency
		frame(0, 0, "GGGG", "GGGG", "GGGG", "GGGG"),
		frame(2, 1, "BB", "BB"),
	}, nil, nil))
	checkFrame(t, "first", a.Frames[0].Image, "....", ".RR.", ".RR.", "....")
	checkFrame(t, "second", a.Frames[1].Image, "GGGG", "GGGG", "GGGG", "GGGG")
	checkFrame(t, "third", a.Frames[2].Image, "GGGG", "GGBB", "GGBB", "GGGG")
}

func TestComposeTransparency(t *testing.T) {
	a := decode(t, encode(t, 3, 3, []*image.Paletted{
		frame(0, 0, "RRR", "RRR", "RRR"),
		frame(0, 0, "B.B", ".B.", "B.B"),
	}, nil, nil))
	checkFrame(t, "over red", a.Frames[1].Image, "BRB", "RBR", "BRB")
}

func TestComposeDisposeToBackground(t *testing.T) {
	a := decode(t, encode(t, 4, 4, []*image.Paletted{
		frame(0, 0, "RRRR", "RRRR", "RRRR", "RRRR"),
		frame(2, 2, "GG", "GG"),
		frame(0, 0, "B"),
	}, []byte{gif.DisposalNone, gif.DisposalBackground, gif.DisposalNone}, nil))
	checkFrame(t, "green shown", a.Frames[1].Image, "RRRR", "RRRR", "RRGG", "RRGG")
	checkFrame(t, "green cleared", a.Frames[2].Image, "BRRR", "RRRR", "RR..", "RR..")
}

func TestComposeDisposeToPrevious(t *testing.T) {
	a := decode(t, encode(t, 4, 4, []*image.Paletted{
		frame(0, 0, "RRRR", "RRRR", "RRRR", "RRRR"),
		frame(1, 0, "YY", "YY"),
		frame(0, 0, "GG", "GG"),
		frame(3, 3, "B"),
	}, []byte{gif.DisposalNone, gif.DisposalNone, gif.DisposalPrevious, gif.DisposalNone}, nil))
	checkFrame(t, "yellow kept", a.Frames[1].Image, "RYYR", "RYYR", "RRRR", "RRRR")
	checkFrame(t, "green over", a.Frames[2].Image, "GGYR", "GGYR", "RRRR", "RRRR")
	checkFrame(t, "restored", a.Frames[3].Image, "RYYR", "RYYR", "RRRR", "RRRB")
}

func TestComposeLocalPalettes(t *testing.T) {
	other := color.Palette{letters['W'], letters['K']} // a palette of its own
	f := image.NewPaletted(image.Rect(0, 0, 2, 1), other)
	f.Pix = []uint8{1, 0}
	g := &gif.GIF{Image: []*image.Paletted{frame(0, 0, "RG"), f}, Delay: []int{10, 10},
		Config: image.Config{Width: 2, Height: 1, ColorModel: palette}}
	var buf bytes.Buffer
	if err := gif.EncodeAll(&buf, g); err != nil {
		t.Fatal(err)
	}
	a := decode(t, buf.Bytes())
	checkFrame(t, "global", a.Frames[0].Image, "RG")
	checkFrame(t, "local", a.Frames[1].Image, "KW")
}

// interlaced writes a one-frame GIF whose rows are stored interlaced, as
// the standard encoder never does.
func interlaced(m *image.Paletted) []byte {
	w, h := m.Rect.Dx(), m.Rect.Dy()
	var b bytes.Buffer
	b.WriteString("GIF89a")
	binary.Write(&b, binary.LittleEndian, [2]uint16{uint16(w), uint16(h)})
	b.Write([]byte{0, 0, 0}) // no global palette
	b.WriteByte(0x2C)
	binary.Write(&b, binary.LittleEndian, [4]uint16{0, 0, uint16(w), uint16(h)})
	b.WriteByte(0x80 | 0x40 | 7) // local palette of 256, interlaced
	for i := range 256 {
		c := color.RGBA{}
		if i < len(m.Palette) {
			c = m.Palette[i].(color.RGBA)
		}
		b.Write([]byte{c.R, c.G, c.B})
	}
	b.WriteByte(8)
	var rows bytes.Buffer
	for _, pass := range [][2]int{{0, 8}, {4, 8}, {2, 4}, {1, 2}} {
		for y := pass[0]; y < h; y += pass[1] {
			rows.Write(m.Pix[y*m.Stride : y*m.Stride+w])
		}
	}
	var z bytes.Buffer
	lw := lzw.NewWriter(&z, lzw.LSB, 8)
	lw.Write(rows.Bytes())
	lw.Close()
	data := z.Bytes()
	for len(data) > 0 {
		n := min(255, len(data))
		b.WriteByte(byte(n))
		b.Write(data[:n])
		data = data[n:]
	}
	b.Write([]byte{0, 0x3B})
	return b.Bytes()
}

func TestInterlacedFrame(t *testing.T) {
	rows := []string{"RRR", "GGG", "BBB", "YYY", "WWW", "KKK", "RGB", "BGR", "YKW", "WKY"}
	m := frame(0, 0, rows...)
	a := decode(t, interlaced(m))
	checkFrame(t, "deinterlaced", a.Frames[0].Image, rows...)
}

func TestDelays(t *testing.T) {
	a := decode(t, encode(t, 1, 1, []*image.Paletted{frame(0, 0, "R"), frame(0, 0, "G"), frame(0, 0, "B"), frame(0, 0, "Y")},
		nil, []int{0, 1, 5, 250}))
	want := []time.Duration{100 * time.Millisecond, 100 * time.Millisecond, 50 * time.Millisecond, 2500 * time.Millisecond}
	for i, f := range a.Frames {
		if f.Delay != want[i] {
			t.Errorf("frame %d: %v, want %v", i, f.Delay, want[i])
		}
	}
	if a.Duration != 2750*time.Millisecond {
		t.Errorf("duration %v", a.Duration)
	}
	for at, want := range map[time.Duration]int{0: 0, 99 * time.Millisecond: 0, 100 * time.Millisecond: 1,
		249 * time.Millisecond: 2, 250 * time.Millisecond: 3, 2749 * time.Millisecond: 3, 2750 * time.Millisecond: 0} {
		if got := a.FrameAt(at); got != want {
			t.Errorf("FrameAt(%v) = %d, want %d", at, got, want)
		}
	}
}

func TestScaledToFit(t *testing.T) {
	rows := []string{"RRRRGGGG", "RRRRGGGG", "RRRRGGGG", "RRRRGGGG", "BBBBYYYY", "BBBBYYYY", "BBBBYYYY", "BBBBYYYY"}
	a, err := DecodeGIF(bytes.NewReader(encode(t, 8, 8, []*image.Paletted{frame(0, 0, rows...)}, nil, nil)), 4, 2)
	if err != nil {
		t.Fatal(err)
	}
	if a.Width != 8 || a.Frames[0].Image.Rect.Dx() != 2 || a.Frames[0].Image.Rect.Dy() != 2 {
		t.Fatalf("%dx%d → %v", a.Width, a.Height, a.Frames[0].Image.Rect)
	}
	checkFrame(t, "halved twice", a.Frames[0].Image, "RG", "BY")
	if a.Bytes() != 2*2*4 {
		t.Errorf("holds %d bytes", a.Bytes())
	}
}

func TestTruncatedPlaysWhatArrived(t *testing.T) {
	full := encode(t, 4, 4, []*image.Paletted{
		frame(0, 0, "RRRR", "RRRR", "RRRR", "RRRR"),
		frame(0, 0, "GGGG", "GGGG", "GGGG", "GGGG"),
		frame(0, 0, "BBBB", "BBBB", "BBBB", "BBBB"),
	}, nil, nil)
	for cut := len(full) - 2; cut > 30; cut-- {
		a, err := DecodeGIF(bytes.NewReader(full[:cut]), 0, 0)
		if err == nil {
			t.Fatalf("cut at %d of %d: no error", cut, len(full))
		}
		if errors.Is(err, ErrDamaged) {
			break // not one whole frame left
		}
		if !errors.Is(err, ErrIncomplete) || !a.Incomplete || len(a.Frames) < 1 || len(a.Frames) > 2 {
			t.Fatalf("cut at %d: %v, %d frames", cut, err, len(a.Frames))
		}
		checkFrame(t, "first", a.Frames[0].Image, "RRRR", "RRRR", "RRRR", "RRRR")
	}
	a, err := DecodeGIF(bytes.NewReader(full[:len(full)-1]), 0, 0) // only the trailer lost
	if !errors.Is(err, ErrIncomplete) || len(a.Frames) != 3 {
		t.Errorf("without trailer: %v, %d frames", err, len(a.Frames))
	}
}

func TestHostileFilesRefusedBeforeAllocating(t *testing.T) {
	header := func(w, h uint16) []byte {
		b := []byte("GIF89a")
		b = binary.LittleEndian.AppendUint16(b, w)
		b = binary.LittleEndian.AppendUint16(b, h)
		return append(b, 0, 0, 0)
	}
	many := func(n int) []byte {
		fs := make([]*image.Paletted, n)
		for i := range fs {
			fs[i] = frame(0, 0, "R")
		}
		return encode(t, 1, 1, fs, nil, nil)
	}
	small := Limits{MaxBytes: 1 << 20, MaxSide: 1000, MaxCanvasPixels: 500_000, MaxFrames: 10, MaxTotalPixels: 1_000_000}
	for _, tc := range []struct {
		name string
		data []byte
		want error
		text string
	}{
		{"not a gif", []byte("\x89PNG\r\n\x1a\n...."), ErrNotGIF, ""},
		{"empty", nil, ErrNotGIF, ""},
		{"huge canvas", header(60000, 60000), ErrTooLarge, "60000×60000"},
		{"canvas area", header(999, 999), ErrTooLarge, "999×999"},
		{"no pixels", header(0, 5), ErrDamaged, "no pixels"},
		{"too many frames", many(11), ErrTooLarge, "more than 10 frames"},
		{"frames × canvas", encode(t, 400, 400, []*image.Paletted{frame(0, 0, "R"), frame(0, 0, "G"), frame(0, 0, "B"),
			frame(0, 0, "R"), frame(0, 0, "G"), frame(0, 0, "B"), frame(0, 0, "R")}, nil, nil), ErrTooLarge, "too much memory"},
		{"no frames", append(header(4, 4), 0x3B), ErrDamaged, "no frames"},
		{"too big a file", append(header(4, 4), make([]byte, 2<<20)...), ErrTooLarge, "MB"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, err := DecodeGIFLimits(bytes.NewReader(tc.data), 0, 0, small)
			if !errors.Is(err, tc.want) || a != nil {
				t.Fatalf("got %v (%v), want %v", err, a != nil, tc.want)
			}
			if !strings.Contains(err.Error(), tc.text) {
				t.Errorf("%q does not say %q", err, tc.text)
			}
		})
	}
	if _, err := DecodeGIFLimits(bytes.NewReader(many(10)), 0, 0, small); err != nil {
		t.Errorf("ten frames are within the limit: %v", err)
	}
}

func FuzzDecodeGIF(f *testing.F) {
	seed := func(frames []*image.Paletted, disposal []byte) []byte {
		g := &gif.GIF{Image: frames, Disposal: disposal, Delay: make([]int, len(frames)),
			Config: image.Config{Width: 4, Height: 4}}
		var buf bytes.Buffer
		gif.EncodeAll(&buf, g)
		return buf.Bytes()
	}
	f.Add(seed([]*image.Paletted{frame(0, 0, "RG", "BY"), frame(2, 2, "B.", ".B")}, []byte{gif.DisposalPrevious, gif.DisposalBackground}))
	f.Add(seed([]*image.Paletted{frame(1, 1, "RRR", "GGG", "BBB")}, []byte{0}))
	f.Add(interlaced(frame(0, 0, "RGB", "BGR", "YKW")))
	lim := Limits{MaxBytes: 1 << 16, MaxSide: 256, MaxCanvasPixels: 1 << 14, MaxFrames: 64, MaxTotalPixels: 1 << 16}
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := DecodeGIFLimits(bytes.NewReader(data), 64, 64, lim)
		if a == nil {
			if err == nil {
				t.Fatal("no animation and no error")
			}
			return
		}
		if len(a.Frames) == 0 || len(a.Frames) > lim.MaxFrames {
			t.Fatalf("%d frames", len(a.Frames))
		}
		// Nothing beyond the limits is held: frames at most 64 × 64.
		if a.Bytes() > len(a.Frames)*64*64*4 || int64(len(a.Frames))*int64(a.Width*a.Height) > lim.MaxTotalPixels {
			t.Fatalf("%d bytes held for %d frames of %dx%d", a.Bytes(), len(a.Frames), a.Width, a.Height)
		}
		for _, fr := range a.Frames {
			if fr.Delay < MinDelay {
				t.Fatalf("delay %v", fr.Delay)
			}
		}
		_ = a.FrameAt(a.Duration / 2)
	})
}
