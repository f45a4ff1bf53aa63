package client_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"image"
	"image/color"
	"image/draw"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"

	"vivify/client"
	"vivify/client/sandbox"
)

func jpegBytes(t testing.TB, img image.Image, q int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: q}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// withOrientation inserts an Exif APP1 segment holding one orientation tag
// right after the JPEG's SOI marker, in the given byte order.
func withOrientation(jpg []byte, o uint16, bigEndian bool) []byte {
	var bo binary.AppendByteOrder = binary.LittleEndian
	tiff := []byte("II")
	if bigEndian {
		bo, tiff = binary.BigEndian, []byte("MM")
	}
	tiff = bo.AppendUint16(tiff, 42)
	tiff = bo.AppendUint32(tiff, 8)
	tiff = bo.AppendUint16(tiff, 1)      // one entry
	tiff = bo.AppendUint16(tiff, 0x0112) // orientation
	tiff = bo.AppendUint16(tiff, 3)      // SHORT
	tiff = bo.AppendUint32(tiff, 1)
	tiff = bo.AppendUint16(tiff, o)
	tiff = bo.AppendUint16(tiff, 0)
	tiff = bo.AppendUint32(tiff, 0) // no next IFD
	seg := append([]byte("Exif\x00\x00"), tiff...)
	app1 := []byte{0xFF, 0xE1}
	app1 = binary.BigEndian.AppendUint16(app1, uint16(len(seg)+2))
	app1 = append(app1, seg...)
	out := append([]byte{}, jpg[:2]...)
	out = append(out, app1...)
	return append(out, jpg[2:]...)
}

func decodePrepared(t *testing.T, p *client.PreparedImage) image.Image {
	t.Helper()
	img, _, err := image.Decode(bytes.NewReader(p.Data))
	if err != nil {
		t.Fatalf("prepared data does not decode: %v", err)
	}
	return img
}

// near reports whether two colours are within tol on each channel (JPEG is
// lossy).
func near(a color.Color, b color.NRGBA, tol int) bool {
	r, g, bl, _ := a.RGBA()
	d := func(x uint32, y uint8) bool { v := int(x>>8) - int(y); return v <= tol && v >= -tol }
	return d(r, b.R) && d(g, b.G) && d(bl, b.B)
}

var (
	red    = color.NRGBA{200, 30, 30, 255}
	green  = color.NRGBA{30, 200, 30, 255}
	blue   = color.NRGBA{30, 30, 200, 255}
	yellow = color.NRGBA{230, 230, 30, 255}
)

// checkQuarters checks the colours at the centres of the four quarters:
// top left, top right, bottom left, bottom right.
func checkQuarters(t *testing.T, img image.Image, want [4]color.NRGBA) {
	t.Helper()
	b := img.Bounds()
	pts := [4]image.Point{
		{b.Dx() / 4, b.Dy() / 4}, {3 * b.Dx() / 4, b.Dy() / 4},
		{b.Dx() / 4, 3 * b.Dy() / 4}, {3 * b.Dx() / 4, 3 * b.Dy() / 4},
	}
	for i, p := range pts {
		if c := img.At(b.Min.X+p.X, b.Min.Y+p.Y); !near(c, want[i], 40) {
			t.Errorf("quarter %d at %v is %v, want %v", i, p, color.NRGBAModel.Convert(c), want[i])
		}
	}
}

func TestPrepareEveryFormat(t *testing.T) {
	src := testImage(80, 40)
	// The four colours exactly: the default Plan 9 palette would shift them.
	pal := image.NewPaletted(src.Rect, color.Palette{red, green, blue, yellow})
	draw.Draw(pal, pal.Rect, src, image.Point{}, draw.Src)
	var gifBuf bytes.Buffer
	if err := gif.Encode(&gifBuf, pal, nil); err != nil {
		t.Fatal(err)
	}
	webp, err := os.ReadFile("testdata/quarters.webp")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, format string
		data         []byte
	}{
		{"png", "png", pngBytes(t, src)},
		{"jpeg", "jpeg", jpegBytes(t, src, 95)},
		{"gif", "gif", gifBuf.Bytes()},
		{"webp", "webp", webp},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := client.PrepareImage(bytes.NewReader(tc.data))
			if err != nil {
				t.Fatal(err)
			}
			if p.SourceFormat != tc.format || p.Width != 80 || p.Height != 40 || p.MIME != "image/jpeg" {
				t.Fatalf("%+v", p)
			}
			checkQuarters(t, decodePrepared(t, p), [4]color.NRGBA{red, green, blue, yellow})
			if !strings.HasPrefix(p.DataURI(), "data:image/jpeg;base64,") {
				t.Errorf("data URI %q", p.DataURI()[:30])
			}
		})
	}
}

func TestPrepareScalesToFitKeepingAspect(t *testing.T) {
	for _, tc := range []struct{ w, h, ww, wh int }{
		{2000, 1000, 512, 256}, {1000, 3000, 171, 512}, {600, 600, 512, 512},
		{513, 200, 512, 200}, {300, 200, 300, 200}, {5000, 7, 512, 1},
	} {
		p, err := client.PrepareImage(bytes.NewReader(pngBytes(t, testImage(tc.w, tc.h))))
		if err != nil {
			t.Fatal(err)
		}
		if p.Width != tc.ww || p.Height != tc.wh {
			t.Errorf("%dx%d became %dx%d, want %dx%d", tc.w, tc.h, p.Width, p.Height, tc.ww, tc.wh)
		}
		img := decodePrepared(t, p)
		if img.Bounds().Dx() != tc.ww || img.Bounds().Dy() != tc.wh {
			t.Errorf("encoded size %v", img.Bounds())
		}
		if tc.h >= 40 {
			checkQuarters(t, img, [4]color.NRGBA{red, green, blue, yellow})
		}
	}
}

// A large JPEG takes the fast block-average path for its YCbCr planes.
func TestPrepareLargeJPEG(t *testing.T) {
	p, err := client.PrepareImage(bytes.NewReader(jpegBytes(t, testImage(3000, 1500), 90)))
	if err != nil {
		t.Fatal(err)
	}
	if p.Width != 512 || p.Height != 256 {
		t.Fatalf("%dx%d", p.Width, p.Height)
	}
	checkQuarters(t, decodePrepared(t, p), [4]color.NRGBA{red, green, blue, yellow})
}

// Each EXIF orientation turns the picture upright: what the camera stored
// sideways or mirrored comes out as the photographer saw it.
func TestPrepareAppliesEXIFOrientation(t *testing.T) {
	src := jpegBytes(t, testImage(800, 400), 95) // R G / B Y, wider than tall
	want := map[uint16][4]color.NRGBA{
		1: {red, green, blue, yellow},
		2: {green, red, yellow, blue}, // mirrored
		3: {yellow, blue, green, red}, // upside down
		4: {blue, yellow, red, green}, // mirrored upside down
		5: {red, blue, green, yellow}, // transposed
		6: {blue, red, yellow, green}, // a quarter turn clockwise
		7: {yellow, green, blue, red}, // transversed
		8: {green, yellow, red, blue}, // a quarter turn anticlockwise
	}
	for o := uint16(1); o <= 8; o++ {
		for _, big := range []bool{false, true} {
			p, err := client.PrepareImage(bytes.NewReader(withOrientation(src, o, big)))
			if err != nil {
				t.Fatal(err)
			}
			wantW, wantH := 512, 256
			if o >= 5 {
				wantW, wantH = 256, 512
			}
			if p.Width != wantW || p.Height != wantH || p.SourceWidth != wantW*800/512 {
				t.Errorf("orientation %d: %dx%d (source %dx%d)", o, p.Width, p.Height, p.SourceWidth, p.SourceHeight)
				continue
			}
			t.Run(string(rune('0'+o)), func(t *testing.T) { checkQuarters(t, decodePrepared(t, p), want[o]) })
		}
	}
}

func TestPrepareKeepsTransparencyAsPNG(t *testing.T) {
	img := image.NewNRGBA(image.Rect(0, 0, 1000, 600))
	for i := range img.Pix {
		if i%4 == 3 {
			img.Pix[i] = 128
		} else {
			img.Pix[i] = 200
		}
	}
	p, err := client.PrepareImage(bytes.NewReader(pngBytes(t, img)))
	if err != nil {
		t.Fatal(err)
	}
	if p.MIME != "image/png" || p.Width != 512 || p.Height != 307 {
		t.Fatalf("%s %dx%d", p.MIME, p.Width, p.Height)
	}
	if _, _, _, a := decodePrepared(t, p).At(100, 100).RGBA(); a>>8 < 120 || a>>8 > 136 {
		t.Errorf("alpha %d, want about 128", a>>8)
	}
}

func TestPrepareStripsMetadata(t *testing.T) {
	src := withOrientation(jpegBytes(t, testImage(100, 50), 90), 1, false)
	p, err := client.PrepareImage(bytes.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(p.Data, []byte("Exif")) {
		t.Error("the Exif block went along with the upload")
	}
}

// hugePNGHeader is the start of a PNG that claims w×h pixels.
func hugePNGHeader(w, h uint32) []byte {
	var ihdr bytes.Buffer
	binary.Write(&ihdr, binary.BigEndian, w)
	binary.Write(&ihdr, binary.BigEndian, h)
	ihdr.Write([]byte{8, 6, 0, 0, 0})
	b := []byte("\x89PNG\r\n\x1a\n")
	b = binary.BigEndian.AppendUint32(b, 13)
	chunk := append([]byte("IHDR"), ihdr.Bytes()...)
	b = append(b, chunk...)
	crc := crc32IEEE(chunk)
	return binary.BigEndian.AppendUint32(b, crc)
}

func crc32IEEE(b []byte) uint32 {
	crc := ^uint32(0)
	for _, x := range b {
		crc ^= uint32(x)
		for range 8 {
			if crc&1 != 0 {
				crc = crc>>1 ^ 0xEDB88320
			} else {
				crc >>= 1
			}
		}
	}
	return ^crc
}

func TestPrepareRefusesBadFilesBeforeSendingAnything(t *testing.T) {
	good := jpegBytes(t, testImage(200, 100), 90)
	cases := []struct {
		name string
		data []byte
		want error
		text string
	}{
		{"text file", []byte("hello, this is not a picture\n"), client.ErrNotImage, "not a picture"},
		{"empty file", nil, client.ErrNotImage, "not a picture"},
		{"html page", []byte("<!DOCTYPE html><html></html>"), client.ErrNotImage, "not a picture"},
		{"truncated jpeg", good[:len(good)/2], client.ErrNotImage, "damaged"},
		{"claims 50000x50000", hugePNGHeader(50000, 50000), client.ErrImageTooLarge, "50000×50000"},
		{"claims 20000x20000", hugePNGHeader(20000, 20000), client.ErrImageTooLarge, "megapixels"},
		{"claims 0 wide", hugePNGHeader(0, 10), client.ErrNotImage, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv, c := pair(t)
			path := writeFile(t, "input.png", tc.data)
			_, _, err := c.Upload(context.Background(), path)
			if !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
			if !strings.Contains(err.Error(), tc.text) || !strings.Contains(err.Error(), "input.png") {
				t.Errorf("message %q should name the file and say %q", err.Error(), tc.text)
			}
			if n := srv.Requests(sandbox.EndpointAny); n != 0 {
				t.Errorf("%d requests were sent", n)
			}
		})
	}
	t.Run("missing file", func(t *testing.T) {
		_, err := client.PrepareImageFile("/nonexistent/photo.jpg")
		if !errors.Is(err, client.ErrNotImage) || !strings.Contains(err.Error(), "photo.jpg") {
			t.Fatalf("got %v", err)
		}
	})
}

func TestUploadGivesALinkToTheImage(t *testing.T) {
	_, c := pair(t)
	path := writeFile(t, "photo.jpg", jpegBytes(t, testImage(640, 480), 90))
	link, p, err := c.Upload(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	got, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || !bytes.Equal(got, p.Data) {
		t.Fatalf("the link gave HTTP %d and %d bytes, want %d", resp.StatusCode, len(got), len(p.Data))
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(got))
	if err == nil {
		t.Fatalf("expected JPEG, got a PNG %v", cfg)
	}
}

func TestFetchImage(t *testing.T) {
	_, c := pair(t)
	host := imageServer(t)
	p, err := c.FetchImage(context.Background(), host)
	if err != nil || p.Width != 96 || p.Height != 64 {
		t.Fatalf("%+v %v", p, err)
	}
	if _, err := c.FetchImage(context.Background(), host+".missing"); !errors.Is(err, client.ErrNotFound) {
		t.Errorf("missing: %v", err)
	}
	if _, err := c.FetchImage(context.Background(), "file:///etc/passwd"); !errors.Is(err, client.ErrNotImage) {
		t.Errorf("file link: %v", err)
	}
}
