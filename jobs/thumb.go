package jobs

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/draw"
	"image/png"
	"path/filepath"
	"strings"
	"time"

	"vivify/internal/picture"
)

// ThumbnailSide is the longest side of a thumbnail, in pixels.
const ThumbnailSide = 256

// FirstFrameThumbnail is the default Thumbnailer: the first frame of a GIF
// video, or the source image (an MP4 needs ffmpeg, which the preview package
// brings), scaled to ThumbnailSide and written as PNG.
func FirstFrameThumbnail(video, source, dest string) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var img image.Image
	if strings.EqualFold(filepath.Ext(video), ".gif") {
		img, _, _ = picture.DecodeFile(ctx, video, ThumbnailSide, ThumbnailSide) // the first frame only
	}
	if img == nil && source != "" {
		img, _, _ = picture.DecodeFile(ctx, source, ThumbnailSide, ThumbnailSide)
	}
	if img == nil {
		return errors.New("neither the video nor the source image could be read")
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, shrink(img, ThumbnailSide)); err != nil {
		return err
	}
	return writeAtomic(dest, buf.Bytes(), 0o644)
}

// shrink scales img down to fit side × side by averaging, or copies it.
func shrink(img image.Image, side int) *image.RGBA {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	long := max(w, h)
	if long <= side {
		dst := image.NewRGBA(image.Rect(0, 0, w, h))
		draw.Draw(dst, dst.Rect, img, b.Min, draw.Src)
		return dst
	}
	dw, dh := max(1, w*side/long), max(1, h*side/long)
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	for dy := 0; dy < dh; dy++ {
		y0, y1 := b.Min.Y+dy*h/dh, b.Min.Y+(dy+1)*h/dh
		for dx := 0; dx < dw; dx++ {
			x0, x1 := b.Min.X+dx*w/dw, b.Min.X+(dx+1)*w/dw
			var r, g, bl, a, n uint32
			for y := y0; y < y1; y++ {
				for x := x0; x < x1; x++ {
					cr, cg, cb, ca := img.At(x, y).RGBA()
					r, g, bl, a, n = r+cr, g+cg, bl+cb, a+ca, n+1
				}
			}
			i := dst.PixOffset(dx, dy)
			dst.Pix[i], dst.Pix[i+1], dst.Pix[i+2], dst.Pix[i+3] = uint8(r/n>>8), uint8(g/n>>8), uint8(bl/n>>8), uint8(a/n>>8)
		}
	}
	return dst
}
