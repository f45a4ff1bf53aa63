package icons

import (
	"bytes"
	"encoding/binary"
	"image/png"
	"os"
	"testing"
)

// The icon is a square PNG large enough for every place it is shown, and
// is the one the packages are made with.
func TestIcon(t *testing.T) {
	cfg, err := png.DecodeConfig(bytes.NewReader(App.Content()))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Width != 512 || cfg.Height != 512 {
		t.Fatalf("the icon is %d×%d, want 512×512", cfg.Width, cfg.Height)
	}
	toml, err := os.ReadFile("../FyneApp.toml")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(toml, []byte(`Icon = "icons/vivify.png"`)) {
		t.Fatal("FyneApp.toml does not package icons/vivify.png")
	}
}

// The Windows icon holds the sizes Windows shows, 16 to 256 pixels, each a
// PNG of its own size.
func TestWindowsIcon(t *testing.T) {
	data, err := os.ReadFile("vivify.ico")
	if err != nil {
		t.Fatal(err)
	}
	if len(data) < 6 || data[2] != 1 {
		t.Fatal("not an icon file")
	}
	n := int(data[4]) | int(data[5])<<8
	sizes := map[int]bool{}
	for i := range n {
		e := data[6+16*i:]
		side := int(e[0])
		if side == 0 {
			side = 256
		}
		size := int(binary.LittleEndian.Uint32(e[8:]))
		off := int(binary.LittleEndian.Uint32(e[12:]))
		cfg, err := png.DecodeConfig(bytes.NewReader(data[off : off+size]))
		if err != nil || cfg.Width != side || cfg.Height != side {
			t.Fatalf("entry %d (%d px): %v, %dx%d", i, side, err, cfg.Width, cfg.Height)
		}
		sizes[side] = true
	}
	for _, want := range []int{16, 24, 32, 48, 256} {
		if !sizes[want] {
			t.Errorf("no %d px image in the icon (has %v)", want, sizes)
		}
	}
}
