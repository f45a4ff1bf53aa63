//go:build (linux || openbsd || freebsd || netbsd) && !ci && !android

package gui

import (
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
)

// The typefaces wait for the desktop's light-or-dark answer to be applied,
// not for longer than they must.
func TestTypefacesWaitForTheSystemLook(t *testing.T) {
	closed := func(c <-chan struct{}, within time.Duration) bool {
		select {
		case <-c:
			return true
		case <-time.After(within):
			return false
		}
	}
	t.Run("the answer is applied", func(t *testing.T) {
		a := test.NewTempApp(t)
		asked := make(chan struct{})
		known := lookKnown(a, time.Hour, func() bool { close(asked); return true })
		<-asked
		if closed(known, 50*time.Millisecond) {
			t.Fatal("known before the portal's answer was applied")
		}
		a.Settings().SetTheme(theme.DefaultTheme()) // as the toolkit applies the answer
		if !closed(known, 5*time.Second) {
			t.Fatal("not known once the answer was applied")
		}
	})
	t.Run("no portal", func(t *testing.T) {
		a := test.NewTempApp(t)
		if !closed(lookKnown(a, time.Hour, func() bool { return false }), 5*time.Second) {
			t.Fatal("waiting for an answer that cannot come")
		}
	})
	t.Run("a portal that hangs", func(t *testing.T) {
		a := test.NewTempApp(t)
		hang := make(chan struct{})
		defer close(hang)
		start := time.Now()
		if !closed(lookKnown(a, 100*time.Millisecond, func() bool { <-hang; return true }), 5*time.Second) {
			t.Fatal("waiting for a portal that hangs")
		}
		if waited := time.Since(start); waited < 100*time.Millisecond {
			t.Fatalf("gave up after %v, before the time given", waited)
		}
	})
}
