package client

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"image"
	"image/color"
	_ "image/gif" // the first frame of a GIF is a still image
	"image/jpeg"
	"image/png"
	"io"
	"net/http"
	"path/filepath"
	"strings"

	"golang.org/x/image/draw"

	"vivify/internal/picture"
)

// Limits of upload preparation.
const (
	// UploadSide is the longest side the endpoint takes; larger images are
	// scaled down to fit before upload.
	UploadSide = 512
	// MaxUploadBytes bounds the base64 data URI sent to base64_to_url (the
	// service takes at most 5 MB).
	MaxUploadBytes = 5_000_000
	// MaxSourceBytes, MaxSourcePixels and MaxSourceSide bound what Vivify
	// agrees to decode, so a hostile or absurd file cannot exhaust memory.
	MaxSourceBytes  = picture.MaxFileBytes
	MaxSourcePixels = picture.MaxPixels
	MaxSourceSide   = picture.MaxSide
)

// PreparedImage is a local image made ready for upload: upright, scaled to fit
// UploadSide, re-encoded (which also drops its metadata, GPS included).
type PreparedImage struct {
	Data         []byte
	MIME         string // image/jpeg, or image/png when it has transparency
	Width        int    // as uploaded
	Height       int
	SourceWidth  int // as the user sees the original (after EXIF orientation)
	SourceHeight int
	SourceFormat string // png, jpeg, gif or webp
}

// DataURI is the image as base64_to_url takes it.
func (p *PreparedImage) DataURI() string {
	return "data:" + p.MIME + ";base64," + base64.StdEncoding.EncodeToString(p.Data)
}

// PrepareImageFile reads and prepares the image at path.
func PrepareImageFile(path string) (*PreparedImage, error) {
	f, _, err := picture.OpenFile(path)
	if err != nil {
		if errors.Is(err, picture.ErrNotRegular) {
			return nil, &Error{Kind: ErrNotImage, Op: "read " + filepath.Base(path),
				Message: "it is not an ordinary file (a pipe, device or folder), so it cannot be a picture"}
		}
		return nil, &Error{Kind: ErrNotImage, Op: "read " + filepath.Base(path), Message: "the file could not be opened", Err: err}
	}
	defer f.Close()
	p, err := PrepareImage(f)
	var e *Error
	if errors.As(err, &e) {
		e.Op = "read " + filepath.Base(path)
	}
	return p, err
}

// PrepareImage decodes a PNG, JPEG, GIF (first frame) or WebP image, turns it
// upright by its EXIF orientation, scales it to fit UploadSide keeping its
// aspect ratio, and encodes it under MaxUploadBytes. A file that is not an
// image gets ErrNotImage, and one too large to decode safely gets
// ErrImageTooLarge, before its pixels are decoded.
func PrepareImage(r io.Reader) (*PreparedImage, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxSourceBytes+1))
	if err != nil {
		return nil, &Error{Kind: ErrNotImage, Op: "read the image", Message: "the file could not be read", Err: err}
	}
	if len(data) > MaxSourceBytes {
		return nil, &Error{Kind: ErrImageTooLarge, Op: "read the image",
			Message: fmt.Sprintf("the file is larger than %d MB", MaxSourceBytes>>20)}
	}
	var scaled *image.RGBA
	_, info, err := picture.DecodeWith(context.Background(), data, func(img image.Image) image.Image {
		scaled = fitWithin(img, UploadSide)
		return scaled
	})
	switch {
	case errors.Is(err, picture.ErrNotPicture):
		return nil, &Error{Kind: ErrNotImage, Op: "read the image",
			Message: "this file is not a picture Vivify can read (PNG, JPEG, GIF or WebP)"}
	case errors.Is(err, picture.ErrTooLarge):
		return nil, &Error{Kind: ErrImageTooLarge, Op: "read the image", Message: strings.TrimPrefix(err.Error(), picture.ErrTooLarge.Error()+": "), Err: err}
	case err != nil && info.Width <= 0:
		return nil, &Error{Kind: ErrNotImage, Op: "read the image", Message: "the picture has no pixels"}
	case err != nil:
		return nil, &Error{Kind: ErrNotImage, Op: "read the image",
			Message: "the picture is damaged and could not be decoded", Err: err}
	}
	cfg, format := image.Config{Width: info.Width, Height: info.Height}, info.Format
	orientation := 1
	if format == "jpeg" {
		orientation = exifOrientation(data)
	}
	upright := orient(scaled, orientation)

	p := &PreparedImage{
		Width:        upright.Bounds().Dx(),
		Height:       upright.Bounds().Dy(),
		SourceWidth:  cfg.Width,
		SourceHeight: cfg.Height,
		SourceFormat: format,
	}
	if orientation >= 5 {
		p.SourceWidth, p.SourceHeight = cfg.Height, cfg.Width
	}
	if err := p.encode(upright); err != nil {
		return nil, err
	}
	return p, nil
}

func (p *PreparedImage) encode(img *image.RGBA) error {
	var buf bytes.Buffer
	limit := (MaxUploadBytes - 64) / 4 * 3 // bytes whose base64 fits the limit
	if !opaque(img) {
		if err := png.Encode(&buf, img); err == nil && buf.Len() <= limit {
			p.Data, p.MIME = buf.Bytes(), "image/png"
			return nil
		}
	}
	for _, q := range []int{90, 80, 65, 50} {
		buf.Reset()
		if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: q}); err != nil {
			return &Error{Kind: ErrNotImage, Op: "prepare the image", Message: "the picture could not be encoded", Err: err}
		}
		if buf.Len() <= limit {
			p.Data, p.MIME = buf.Bytes(), "image/jpeg"
			return nil
		}
	}
	return &Error{Kind: ErrImageTooLarge, Op: "prepare the image", Message: "the picture stays over 5 MB even when compressed"}
}

func opaque(img *image.RGBA) bool {
	for i := 3; i < len(img.Pix); i += 4 {
		if img.Pix[i] != 0xff {
			return false
		}
	}
	return true
}

// fitWithin returns img scaled so that its longer side is at most side. Large
// reductions first average whole blocks of pixels (fast, and free of the
// aliasing a plain resampler shows at 10:1), then a Catmull-Rom pass reaches
// the exact size.
func fitWithin(img image.Image, side int) *image.RGBA {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	long := max(w, h)
	dw, dh := w, h
	if long > side {
		dw = max(1, (w*side+long/2)/long)
		dh = max(1, (h*side+long/2)/long)
	}
	src := img
	if k := long / side; k >= 2 {
		src = boxReduce(img, k)
	}
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	if src.Bounds().Dx() == dw && src.Bounds().Dy() == dh {
		draw.Draw(dst, dst.Rect, src, src.Bounds().Min, draw.Src)
		return dst
	}
	draw.CatmullRom.Scale(dst, dst.Rect, src, src.Bounds(), draw.Src, nil)
	return dst
}

// boxReduce averages each k×k block of img into one pixel (premultiplied, so
// transparent pixels do not darken their neighbours). Pixels past the last
// whole block are dropped: fewer than k of them, at the right and bottom edge.
func boxReduce(img image.Image, k int) *image.RGBA {
	b := img.Bounds()
	dw, dh := max(1, b.Dx()/k), max(1, b.Dy()/k)
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	sums := make([]uint32, dw*4)
	n := uint32(k * k)
	if b.Dx() < k || b.Dy() < k {
		draw.Draw(dst, dst.Rect, img, b.Min, draw.Src)
		return dst
	}
	if m, ok := img.(*image.YCbCr); ok {
		boxReduceYCbCr(dst, m, k)
		return dst
	}
	for dy := 0; dy < dh; dy++ {
		clear(sums)
		for sy := b.Min.Y + dy*k; sy < b.Min.Y+(dy+1)*k; sy++ {
			addRow(sums, img, sy, b.Min.X, dw, k)
		}
		row := dst.Pix[dy*dst.Stride:]
		for i, s := range sums {
			row[i] = uint8((s + n/2) / n)
		}
	}
	return dst
}

// addRow adds row y of img, from x0, into sums (premultiplied RGBA per
// destination pixel, k source pixels each), with fast paths for the decoders'
// usual types.
func addRow(sums []uint32, img image.Image, y, x0, dw, k int) {
	switch m := img.(type) {
	case *image.RGBA:
		pix := m.Pix[m.PixOffset(x0, y):]
		for dx := 0; dx < dw; dx++ {
			s := sums[dx*4 : dx*4+4 : dx*4+4]
			for i := dx * k * 4; i < (dx+1)*k*4; i += 4 {
				s[0] += uint32(pix[i])
				s[1] += uint32(pix[i+1])
				s[2] += uint32(pix[i+2])
				s[3] += uint32(pix[i+3])
			}
		}
	case *image.NRGBA:
		pix := m.Pix[m.PixOffset(x0, y):]
		for dx := 0; dx < dw; dx++ {
			s := sums[dx*4 : dx*4+4 : dx*4+4]
			for i := dx * k * 4; i < (dx+1)*k*4; i += 4 {
				a := uint32(pix[i+3])
				s[0] += (uint32(pix[i])*a + 127) / 255
				s[1] += (uint32(pix[i+1])*a + 127) / 255
				s[2] += (uint32(pix[i+2])*a + 127) / 255
				s[3] += a
			}
		}
	default:
		for dx := 0; dx < dw; dx++ {
			s := sums[dx*4 : dx*4+4 : dx*4+4]
			for x := x0 + dx*k; x < x0+(dx+1)*k; x++ {
				r, g, bl, a := img.At(x, y).RGBA()
				s[0] += r >> 8
				s[1] += g >> 8
				s[2] += bl >> 8
				s[3] += a >> 8
			}
		}
	}
}

// boxReduceYCbCr is boxReduce for a JPEG's planes. Averaging is linear and
// the YCbCr to RGB conversion affine, so the planes are averaged as they are
// and only the averages converted: a few additions a source pixel.
func boxReduceYCbCr(dst *image.RGBA, m *image.YCbCr, k int) {
	hs, vs := 1, 1 // chroma subsampling, horizontal and vertical
	switch m.SubsampleRatio {
	case image.YCbCrSubsampleRatio422:
		hs = 2
	case image.YCbCrSubsampleRatio420:
		hs, vs = 2, 2
	case image.YCbCrSubsampleRatio440:
		vs = 2
	case image.YCbCrSubsampleRatio411:
		hs = 4
	case image.YCbCrSubsampleRatio410:
		hs, vs = 4, 2
	}
	b := m.Rect
	dw, dh := dst.Rect.Dx(), dst.Rect.Dy()
	// The chroma column of each source column in a block row, from the left.
	ccol := make([]int, dw*k)
	for i := range ccol {
		ccol[i] = (b.Min.X+i)/hs - b.Min.X/hs
	}
	ys := make([]uint32, dw)
	cbs := make([]uint32, dw)
	crs := make([]uint32, dw)
	n := uint32(k * k)
	for dy := 0; dy < dh; dy++ {
		clear(ys)
		clear(cbs)
		clear(crs)
		for sy := b.Min.Y + dy*k; sy < b.Min.Y+(dy+1)*k; sy++ {
			yrow := m.Y[(sy-b.Min.Y)*m.YStride:]
			crow := (sy/vs - b.Min.Y/vs) * m.CStride
			cb, cr := m.Cb[crow:], m.Cr[crow:]
			for dx := 0; dx < dw; dx++ {
				var sy, sb, sr uint32
				for i := dx * k; i < (dx+1)*k; i++ {
					c := ccol[i]
					sy += uint32(yrow[i])
					sb += uint32(cb[c])
					sr += uint32(cr[c])
				}
				ys[dx] += sy
				cbs[dx] += sb
				crs[dx] += sr
			}
		}
		row := dst.Pix[dy*dst.Stride:]
		for dx := 0; dx < dw; dx++ {
			r, g, bl := color.YCbCrToRGB(uint8((ys[dx]+n/2)/n), uint8((cbs[dx]+n/2)/n), uint8((crs[dx]+n/2)/n))
			row[dx*4], row[dx*4+1], row[dx*4+2], row[dx*4+3] = r, g, bl, 0xff
		}
	}
}

// orient returns img turned upright by an EXIF orientation (1 to 8).
func orient(img *image.RGBA, o int) *image.RGBA {
	if o < 2 || o > 8 {
		return img
	}
	w, h := img.Rect.Dx(), img.Rect.Dy()
	dw, dh := w, h
	if o >= 5 {
		dw, dh = h, w
	}
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	for dy := 0; dy < dh; dy++ {
		for dx := 0; dx < dw; dx++ {
			var sx, sy int
			switch o {
			case 2: // mirrored
				sx, sy = w-1-dx, dy
			case 3: // upside down
				sx, sy = w-1-dx, h-1-dy
			case 4: // mirrored upside down
				sx, sy = dx, h-1-dy
			case 5: // transposed
				sx, sy = dy, dx
			case 6: // to be turned a quarter clockwise
				sx, sy = dy, h-1-dx
			case 7: // transversed
				sx, sy = w-1-dy, h-1-dx
			case 8: // to be turned a quarter anticlockwise
				sx, sy = w-1-dy, dx
			}
			copy(dst.Pix[dy*dst.Stride+dx*4:dy*dst.Stride+dx*4+4], img.Pix[sy*img.Stride+sx*4:])
		}
	}
	return dst
}

// UploadImage sends a prepared image to base64_to_url and returns its link,
// which the service keeps for 24 hours.
func (c *Client) UploadImage(ctx context.Context, p *PreparedImage) (string, error) {
	uri := p.DataURI()
	if len(uri) > MaxUploadBytes {
		return "", &Error{Kind: ErrImageTooLarge, Op: "upload the image", Message: "the prepared picture is over 5 MB"}
	}
	resp, err := c.call(ctx, "upload the image", "/api/v6/base64_to_url", func(key string) any {
		return map[string]string{"key": key, "base64_string": uri}
	})
	if err != nil {
		return "", err
	}
	for _, l := range resp.Links() {
		if checkWebURL(l) == "" {
			return l, nil
		}
	}
	return "", &Error{Kind: ErrNoOutput, Op: "upload the image", Status: resp.Status,
		Message: "the server accepted the picture but gave no link to it"}
}

// Upload prepares the image at path and uploads it.
func (c *Client) Upload(ctx context.Context, path string) (string, *PreparedImage, error) {
	p, err := PrepareImageFile(path)
	if err != nil {
		return "", nil, err
	}
	link, err := c.UploadImage(ctx, p)
	return link, p, err
}

// IsImageFile reports, from its name alone, whether path looks like an image
// Vivify can read. The contents decide; this is for file pickers.
func IsImageFile(path string) bool {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".png", ".jpg", ".jpeg", ".gif", ".webp":
		return true
	}
	return false
}

// FetchImage downloads the image at link (no key is sent) and prepares it as
// PrepareImage does, to keep a copy of a job's source. It reads at most
// MaxSourceBytes.
func (c *Client) FetchImage(ctx context.Context, link string) (*PreparedImage, error) {
	op := "fetch the image from " + hostOf(link)
	if msg := checkWebURL(link); msg != "" {
		return nil, &Error{Kind: ErrNotImage, Op: op, Message: "the link " + msg}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, link, nil)
	if err != nil {
		return nil, &Error{Kind: ErrNotImage, Op: op, Message: "the link is not valid", Err: err}
	}
	req.Header.Set("User-Agent", c.ua)
	// The download client: for a service on the internet it does not
	// connect to this computer or its network, whatever the name says.
	resp, err := c.downloadClient().Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, &Error{Kind: ErrTransient, Op: op, Message: "could not reach the image's server", Err: scrubbed{err.Error()}}
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, &Error{Kind: ErrNotFound, Op: op, HTTPStatus: resp.StatusCode, Message: "the image's server did not give it"}
	}
	p, err := PrepareImage(resp.Body)
	var e *Error
	if errors.As(err, &e) {
		e.Op = op
	}
	return p, err
}
