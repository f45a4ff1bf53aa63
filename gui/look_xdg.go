//go:build (linux || openbsd || freebsd || netbsd) && !ci && !android

package gui

import (
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"github.com/rymdport/portal/settings/appearance"
)

// systemLookKnown is closed once the desktop's light-or-dark answer has
// been applied, or it is known that none will come, or within has passed.
//
// On these systems the toolkit asks the desktop portal for its colour
// scheme as it starts, and applying the answer throws away every typeface
// it has loaded and every text it has measured. Whatever was loaded before
// the answer came is loaded and measured twice, and the first copies stay
// in the text shaper's cache: 1 MB for each style of the bundled typeface.
// So the typefaces are loaded after it.
func systemLookKnown(a fyne.App, within time.Duration) <-chan struct{} {
	return lookKnown(a, within, func() bool {
		_, err := appearance.GetColorScheme()
		return err == nil
	})
}

// lookKnown is systemLookKnown with the portal's question put by answers,
// which reports whether the portal answered.
func lookKnown(a fyne.App, within time.Duration, answers func() bool) <-chan struct{} {
	known := make(chan struct{})
	var once sync.Once
	done := func() { once.Do(func() { close(known) }) }
	a.Settings().AddListener(func(fyne.Settings) { done() })
	time.AfterFunc(within, done) // a desktop whose portal hangs
	go func() {
		if !answers() {
			done() // no portal: the toolkit has no answer to apply
		}
	}()
	return known
}
