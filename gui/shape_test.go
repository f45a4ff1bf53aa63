package gui

import (
	"math"
	"testing"

	"vivify/client"
)

// The picture's shape is kept unless the creator changes the size
// themselves: every preset of every family, every model, a new picture and
// Reuse settings keep the video the picture's shape.
func TestShapeKeptThroughPresetsModelsAndReuse(t *testing.T) {
	w, _, _ := practiceWindow(t)
	f := w.Params()
	check := func(what string, pw, ph int) {
		t.Helper()
		r := f.read()
		m := f.ChosenModel()
		vw, vh := m.Size(r)
		if !m.Video.SizeFromRequest && m.Video.ShortSide == 0 {
			return // the model decides
		}
		want := float64(pw) / float64(ph)
		got := float64(vw) / float64(vh)
		// The standard models round to 8 pixels, the others choose 16:9
		// or 9:16: the orientation must match, and the standard sizes the
		// shape within rounding.
		if (want < 1) != (got < 1) || (m.Video.SizeFromRequest && math.Abs(got-want) > 0.05) {
			t.Errorf("%s: a %d×%d picture makes a %d×%d video with %s", what, pw, ph, vw, vh, m.Name)
		}
	}
	for _, pic := range [][2]int{{720, 1280}, {1024, 768}} {
		w.pictureChosen(pic[0], pic[1])
		check("a new picture", pic[0], pic[1])
		for _, fam := range client.Families {
			f.Family.SetSelected(T(familyNames[fam]))
			for _, m := range client.ModelsOf(fam) {
				f.Model.SetSelected(modelLabel(m))
				check("choosing "+m.Name, pic[0], pic[1])
				for _, p := range w.Presets().Choice.Options {
					w.Presets().Choice.SetSelected(p)
					check("the preset "+p, pic[0], pic[1])
				}
			}
		}
		f.Family.SetSelected(T(familyNames[client.FamilySeed]))
		square := client.NewRequest("")
		square.Width, square.Height = 512, 512
		w.details.OnReuse(square) // Reuse settings of a square video
		check("Reuse settings", pic[0], pic[1])
	}
}
