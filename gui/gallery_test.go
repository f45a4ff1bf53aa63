package gui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"vivify/client"
	"vivify/jobs"
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

// A card names the model that made the video by the short name a creator
// knows: Wan 2.2 for a video asked of SVD, which the service runs as Wan
// 2.2 (before the answer too), and the asked model when it made it itself.
func TestCardsNameTheModelThatMadeIt(t *testing.T) {
	svd := jobs.Job{Request: client.NewRequest("")}
	ltx := jobs.Job{Request: client.NewRequest("")}
	ltx.Request.ModelID = "ltx-2.3"
	kling, _ := client.LookupModel(client.FamilyPremium, "kling-v2-1-master-i2v")
	premium := jobs.Job{Request: client.NewRequestFor(kling, "")}
	for _, c := range []struct {
		j         jobs.Job
		served    string
		want, not string
	}{
		{svd, "", "Wan 2.2 ·", "SVD"},
		{svd, "wan2.2", "Wan 2.2 ·", "SVD"},
		{ltx, "ltx-2.3", "LTX 2.3 ·", "Wan"},
		{ltx, "wan2.2", "Wan 2.2 ·", "LTX"},
		{premium, "", "Kling 2.1 Master ·", "kling-"},
	} {
		c.j.Model = c.served
		got := cardSummary(c.j)
		if !strings.HasPrefix(got, c.want) || strings.Contains(got, c.not) {
			t.Errorf("%s made by %q: %q, want it to start %q", c.j.Request.ModelID, c.served, got, c.want)
		}
	}
}
