// Command mkicon renders the app icon's SVG source (icons/vivify.svg) to the
// PNG that the window, the packages and the README use, and can draw a strip
// of the small sizes to check the icon still reads at 16 pixels:
//
//	go run ./cmd/mkicon                       # icons/vivify.png, 512 px
//	go run ./cmd/mkicon -strip /tmp/sizes.png # 16 to 256 px side by side
package main

import (
	"bytes"
	"flag"
	"image"
	"image/draw"
	"image/png"
	"log"
	"os"

	"github.com/fyne-io/oksvg"
	"github.com/srwiley/rasterx"
)

func main() {
	src := flag.String("svg", "icons/vivify.svg", "the icon's source")
	out := flag.String("o", "icons/vivify.png", "the PNG to write")
	size := flag.Int("size", 512, "the PNG's side in pixels")
	strip := flag.String("strip", "", "also write the icon at 16, 24, 32, 48, 64, 128 and 256 px side by side to this PNG")
	flag.Parse()

	data, err := os.ReadFile(*src)
	if err != nil {
		log.Fatal(err)
	}
	if err := writePNG(*out, render(data, *size)); err != nil {
		log.Fatal(err)
	}
	if *strip == "" {
		return
	}
	sizes := []int{16, 24, 32, 48, 64, 128, 256}
	w := 8
	for _, s := range sizes {
		w += s + 8
	}
	sheet := image.NewRGBA(image.Rect(0, 0, w, 256+16))
	draw.Draw(sheet, sheet.Rect, image.NewUniform(image.White.C), image.Point{}, draw.Src)
	x := 8
	for _, s := range sizes {
		draw.Draw(sheet, image.Rect(x, 8, x+s, 8+s), render(data, s), image.Point{}, draw.Over)
		x += s + 8
	}
	if err := writePNG(*strip, sheet); err != nil {
		log.Fatal(err)
	}
}

func render(svg []byte, side int) *image.RGBA {
	icon, err := oksvg.ReadIconStream(bytes.NewReader(svg), oksvg.StrictErrorMode)
	if err != nil {
		log.Fatal(err)
	}
	icon.SetTarget(0, 0, float64(side), float64(side))
	img := image.NewRGBA(image.Rect(0, 0, side, side))
	scanner := rasterx.NewScannerGV(side, side, img, img.Bounds())
	icon.Draw(rasterx.NewDasher(side, side, scanner), 1)
	return img
}

func writePNG(path string, img image.Image) error {
	var buf bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&buf, img); err != nil {
		return err
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
}
