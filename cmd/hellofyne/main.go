// Command hellofyne is the smallest Fyne window, built with the same Fyne as
// Vivify: the yardstick of the startup benchmark (cmd/startbench).
package main

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/widget"
)

func main() {
	a := app.NewWithID("io.vivify.hello")
	w := a.NewWindow("Hello")
	w.SetContent(widget.NewLabel("Hello, world"))
	w.Resize(fyne.NewSize(1200, 760)) // Vivify's first size: the same area to paint
	w.ShowAndRun()
}
