// Package icons holds Vivify's app icon. Its source is vivify.svg; the PNG is
// rendered from it with `go run ./cmd/mkicon` and used by the window, the
// packages (FyneApp.toml) and the README.
package icons

import (
	_ "embed"

	"fyne.io/fyne/v2"
)

//go:embed vivify.png
var appPNG []byte

// App is the app icon, 512 pixels square.
var App = fyne.NewStaticResource("vivify.png", appPNG)
