package icons

import (
	"bytes"
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
