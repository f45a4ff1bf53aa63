package gui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

func TestPresets(t *testing.T) {
	a := test.NewTempApp(t)
	f := NewParamsForm()
	f.Prompt.SetText("keep me")
	p := NewPresets(f, a.Preferences(), test.NewWindow(nil), nil)
	if len(p.Choice.Options) != 3 || !p.Delete.Disabled() {
		t.Fatalf("built in: %v", p.Choice.Options)
	}
	p.Choice.SetSelected("Lots of motion")
	r := f.read()
	if r.MotionBucketID != 220 || r.NumFrames != 25 || r.Prompt != "keep me" || !p.Delete.Disabled() {
		t.Fatalf("applied: %+v", r)
	}
	p.Choice.SetSelected("Subtle motion")
	if f.read().MotionBucketID != 40 {
		t.Fatal("subtle not applied")
	}
	// The user's own.
	f.Steps.SetValue(33)
	if p.SaveAs("Lots of motion") {
		t.Fatal("a built-in name was taken")
	}
	if !p.SaveAs("Mine") || p.Choice.Selected != "Mine" || p.Delete.Disabled() {
		t.Fatalf("saved: %v %q", p.Choice.Options, p.Choice.Selected)
	}
	// Kept in the preferences, and chosen again at the next start.
	again := NewPresets(NewParamsForm(), a.Preferences(), test.NewWindow(nil), nil)
	if len(again.Choice.Options) != 4 || again.Choice.Selected != "Mine" || again.form.read().NumInferenceSteps != 33 {
		t.Fatalf("next start: %v %q steps %d", again.Choice.Options, again.Choice.Selected, again.form.read().NumInferenceSteps)
	}
	again.remove("Mine")
	if len(again.Choice.Options) != 3 || a.Preferences().String(prefPresets) != "[]" {
		t.Fatalf("deleted: %v %q", again.Choice.Options, a.Preferences().String(prefPresets))
	}
	again.remove("Subtle motion")
	if len(again.Choice.Options) != 3 {
		t.Fatal("a built-in preset was deleted")
	}
}

// A window opens with the preset chosen last time applied (it crashed:
// applying it told the presets of the model before they existed).
func TestWindowOpensWithTheLastPreset(t *testing.T) {
	w, _, _ := practiceWindow(t)
	w.Presets().Choice.SetSelected("Lots of motion")
	again := NewWindow(fyne.CurrentApp(), Deps{Engine: w.deps.Engine, Practice: true, RunOnUI: func(f func()) {}})
	if again.Presets().Choice.Selected != "Lots of motion" {
		t.Fatalf("the last preset: %q", again.Presets().Choice.Selected)
	}
}
