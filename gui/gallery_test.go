package gui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

func TestFitLine(t *testing.T) {
	test.NewTempApp(t)
	const size = 14
	width := func(s string) float32 { return fyne.MeasureText(s, size, fyne.TextStyle{}).Width }
	for _, tc := range []struct {
		name, text string
		room       float32
	}{
		{"fits", "photo.jpg", 200},
		{"long", "a holiday picture from the beach at sunset, the long version.png", 134},
		{"wide letters", strings.Repeat("W", 40), 134},
		{"no room", "photo.jpg", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := fitLine(tc.text, tc.room, size)
			if width(tc.text) <= tc.room {
				if got != tc.text {
					t.Fatalf("%q fits, yet became %q", tc.text, got)
				}
				return
			}
			if !strings.HasSuffix(got, "…") {
				t.Fatalf("%q: no ellipsis in %q", tc.text, got)
			}
			if !strings.HasPrefix(tc.text, strings.TrimSuffix(got, "…")) {
				t.Fatalf("%q is not the start of %q", got, tc.text)
			}
			if got != "…" && width(got) > tc.room {
				t.Fatalf("%q is %.0f wide, more than %.0f", got, width(got), tc.room)
			}
			// As long as fits: one more letter would not.
			kept := len([]rune(strings.TrimSuffix(got, "…")))
			if longer := string([]rune(tc.text)[:kept+1]) + "…"; width(longer) <= tc.room && !strings.HasSuffix(string([]rune(tc.text)[:kept+1]), " ") {
				t.Fatalf("%q was cut shorter than needed: %q fits", got, longer)
			}
		})
	}
}
