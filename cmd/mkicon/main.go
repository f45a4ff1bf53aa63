// Command mkicon renders the app icon's SVG source (icons/vivify.svg) to the
// PNG that the window, the packages and the README use, and can draw a strip
// of the small sizes to check the icon still reads at 16 pixels:
//
//	go run ./cmd/mkicon                       # icons/vivify.png, 512 px, and icons/vivify.ico
//	go run ./cmd/mkicon -strip /tmp/sizes.png # 16 to 256 px side by side
//
// The .ico holds the icon at each size Windows asks for, each drawn from the
// SVG at that size (sharper at 16 px than a 512 px picture scaled down).
package main

import (
	"bytes"
	"encoding/binary"
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
	ico := flag.String("ico", "icons/vivify.ico", "the Windows icon to write (\"\" for none)")
	strip := flag.String("strip", "", "also write the icon at 16, 24, 32, 48, 64, 128 and 256 px side by side to this PNG")
	flag.Parse()

	data, err := os.ReadFile(*src)
	if err != nil {
		log.Fatal(err)
	}
	if err := writePNG(*out, render(data, *size)); err != nil {
		log.Fatal(err)
	}
	if *ico != "" {
		if err := writeICO(*ico, data, []int{16, 20, 24, 32, 40, 48, 64, 128, 256}); err != nil {
			log.Fatal(err)
		}
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

// writeICO writes an icon file holding the icon at each size, each stored
// as PNG (which Windows reads since Vista).
func writeICO(path string, svg []byte, sizes []int) error {
	var images [][]byte
	for _, s := range sizes {
		var buf bytes.Buffer
		if err := (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&buf, render(svg, s)); err != nil {
			return err
		}
		images = append(images, buf.Bytes())
	}
	var out bytes.Buffer
	le := binary.LittleEndian
	binary.Write(&out, le, [3]uint16{0, 1, uint16(len(sizes))}) // reserved, type icon, count
	offset := 6 + 16*len(sizes)
	for i, s := range sizes {
		side := uint8(s)
		if s >= 256 {
			side = 0 // 0 means 256
		}
		binary.Write(&out, le, struct {
			W, H, Colours, Reserved uint8
			Planes, Bits            uint16
			Size, Offset            uint32
		}{side, side, 0, 0, 1, 32, uint32(len(images[i])), uint32(offset)})
		offset += len(images[i])
	}
	for _, img := range images {
		out.Write(img)
	}
	return os.WriteFile(path, out.Bytes(), 0o644)
}

func writePNG(path string, img image.Image) error {
	var buf bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&buf, img); err != nil {
		return err
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
}
