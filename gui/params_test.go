package gui

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"vivify/client"
)

const img = "https://example.com/photo.png"

func TestParamsDefaults(t *testing.T) {
	test.NewTempApp(t)
	f := NewParamsForm()
	r, err := f.Request(img)
	if err != nil {
		t.Fatal(err)
	}
	if want := client.NewRequest(img); !reflect.DeepEqual(r, want) {
		t.Fatalf("defaults:\n got %+v\nwant %+v", r, want)
	}
}

// Every field, set away from its default, goes into the widgets and comes
// back out the same.
func TestParamsRoundTrip(t *testing.T) {
	test.NewTempApp(t)
	f := NewParamsForm()
	two, track := 2, int64(77)
	want := client.Request{
		ModelID: "ltx-2.3", Prompt: "a cat turns its head", NegativePrompt: "blur", EnhancePrompt: true,
		InitImage: img, Width: 384, Height: 256, NumFrames: 25, NumInferenceSteps: 35,
		MinGuidanceScale: 1.5, MaxGuidanceScale: 6, MotionBucketID: 200, NoiseAugStrength: 0.1,
		FPS: 12, OutputType: "mp4", LatentInterpolationMethod: "slerp", ClipSkip: &two,
		InstantResponse: true, Temp: true, Webhook: "https://hooks.example/v", TrackID: &track,
	}
	f.SetRequest(want)
	got, err := f.Request(img)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("round trip:\n got %+v\nwant %+v", got, want)
	}
}

// Each widget sets its own field, and only that one.
func TestEachWidgetMapsToItsField(t *testing.T) {
	test.NewTempApp(t)
	cases := []struct {
		name  string
		set   func(f *ParamsForm)
		check func(r client.Request) bool
	}{
		{"model chosen", func(f *ParamsForm) { f.Model.SetSelected("LTX 2.3") }, func(r client.Request) bool { return r.ModelID == "ltx-2.3" }},
		{"prompt", func(f *ParamsForm) { f.Prompt.SetText(" birds ") }, func(r client.Request) bool { return r.Prompt == "birds" }},
		{"negative", func(f *ParamsForm) { f.NegativePrompt.SetText("text") }, func(r client.Request) bool { return r.NegativePrompt == "text" }},
		{"enhance", func(f *ParamsForm) { f.EnhancePrompt.SetChecked(true) }, func(r client.Request) bool { return r.EnhancePrompt }},
		{"width", func(f *ParamsForm) { f.Width.Slider.SetValue(320) }, func(r client.Request) bool { return r.Width == 320 }},
		{"height", func(f *ParamsForm) { f.Height.Slider.SetValue(200) }, func(r client.Request) bool { return r.Height == 200 }},
		{"frames", func(f *ParamsForm) { f.Frames.Slider.SetValue(9) }, func(r client.Request) bool { return r.NumFrames == 9 }},
		{"fps", func(f *ParamsForm) { f.FPS.Slider.SetValue(16) }, func(r client.Request) bool { return r.FPS == 16 }},
		{"steps", func(f *ParamsForm) { f.Steps.Slider.SetValue(50) }, func(r client.Request) bool { return r.NumInferenceSteps == 50 }},
		{"motion", func(f *ParamsForm) { f.Motion.Slider.SetValue(30) }, func(r client.Request) bool { return r.MotionBucketID == 30 }},
		{"motion exact", func(f *ParamsForm) { f.MotionExact.Slider.SetValue(200) }, func(r client.Request) bool { return r.MotionBucketID == 200 }},
		{"noise", func(f *ParamsForm) { f.Noise.Slider.SetValue(0.5) }, func(r client.Request) bool { return r.NoiseAugStrength == 0.5 }},
		{"output", func(f *ParamsForm) { f.Output.SetSelected("MP4") }, func(r client.Request) bool { return r.OutputType == "mp4" }},
		{"interp", func(f *ParamsForm) { f.Interpolation.SetSelected("Rounder (slerp)") }, func(r client.Request) bool { return r.LatentInterpolationMethod == "slerp" }},
		{"clip skip", func(f *ParamsForm) { f.ClipSkip.SetSelected("1") }, func(r client.Request) bool { return r.ClipSkip != nil && *r.ClipSkip == 1 }},
		{"instant", func(f *ParamsForm) { f.Instant.SetChecked(true) }, func(r client.Request) bool { return r.InstantResponse }},
		{"temp", func(f *ParamsForm) { f.Temp.SetChecked(true) }, func(r client.Request) bool { return r.Temp }},
		{"webhook", func(f *ParamsForm) { f.Webhook.SetText("https://x.example") }, func(r client.Request) bool { return r.Webhook == "https://x.example" }},
		{"track id", func(f *ParamsForm) { f.TrackID.SetText("12") }, func(r client.Request) bool { return r.TrackID != nil && *r.TrackID == 12 }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := NewParamsForm()
			var seen client.Request
			f.OnChanged = func(r client.Request) { seen = r }
			tc.set(f)
			r, err := f.Request(img)
			if err != nil {
				t.Fatal(err)
			}
			if !tc.check(r) || !tc.check(seen) {
				t.Fatalf("request %+v (changed: %+v)", r, seen)
			}
			// Nothing else moved: undo the one field and compare.
			def := client.NewRequest(img)
			diff := 0
			rv, dv := reflect.ValueOf(r), reflect.ValueOf(def)
			for i := range rv.NumField() {
				if !reflect.DeepEqual(rv.Field(i).Interface(), dv.Field(i).Interface()) {
					diff++
				}
			}
			if diff != 1 {
				t.Errorf("%d fields changed", diff)
			}
		})
	}
}

// A form that cannot be sent says why, next to the field.
func TestInvalidFormSaysWhyNextToTheField(t *testing.T) {
	test.NewTempApp(t)
	f := NewParamsForm()
	f.TrackID.SetText("abc")
	f.Webhook.SetText("ftp://example.com")
	f.Prompt.SetText(strings.Repeat("x", client.MaxPromptRunes+1))
	_, err := f.Request(img)
	if !errors.Is(err, client.ErrValidation) {
		t.Fatalf("got %v", err)
	}
	for field, text := range map[string]string{"track_id": "whole number", "webhook": "http:// or https://", "prompt": "at most"} {
		l := f.errors[field]
		if !l.Visible() || !strings.Contains(l.Text, text) {
			t.Errorf("%s: visible %v, %q", field, l.Visible(), l.Text)
		}
	}
	if f.errors["negative_prompt"].Visible() {
		t.Error("a good field shows an error")
	}
	// Corrected, the errors go.
	f.TrackID.SetText("5")
	f.Webhook.SetText("")
	f.Prompt.SetText("waves")
	if _, err := f.Request(img); err != nil {
		t.Fatal(err)
	}
	for field, l := range f.errors {
		if l.Visible() {
			t.Errorf("%s still shows %q", field, l.Text)
		}
	}
}

func TestGuidanceKeptInOrder(t *testing.T) {
	test.NewTempApp(t)
	f := NewParamsForm()
	f.MinGuidance.Slider.SetValue(6)
	if f.MaxGuidance.Value() != 6 {
		t.Fatalf("max %v after min moved to 6", f.MaxGuidance.Value())
	}
	f.MaxGuidance.Slider.SetValue(2)
	if f.MinGuidance.Value() != 2 {
		t.Fatalf("min %v after max moved to 2", f.MinGuidance.Value())
	}
	if _, err := f.Request(img); err != nil {
		t.Fatal(err)
	}
}

func TestAspectLockAndLength(t *testing.T) {
	test.NewTempApp(t)
	f := NewParamsForm()
	f.LockAspect.SetChecked(true)
	f.SetSourceAspect(1200.0 / 800.0)
	f.Width.Slider.SetValue(480)
	if f.Height.Value() != 320 {
		t.Fatalf("height %d for width 480 of a 3:2 picture", f.Height.Value())
	}
	f.Height.Slider.SetValue(256)
	if f.Width.Value() != 384 {
		t.Fatalf("width %d for height 256", f.Width.Value())
	}
	f.Frames.Slider.SetValue(25)
	f.FPS.Slider.SetValue(10)
	if !strings.Contains(f.Length.Text, "2.5-second") {
		t.Fatalf("length %q", f.Length.Text)
	}
	f.Reset.OnTapped()
	// The defaults, in the picture's shape: Reset does not square it.
	want := client.NewRequest(img)
	want.Width, want.Height = 512, 344
	if r, _ := f.Request(img); !reflect.DeepEqual(r, want) {
		t.Fatalf("after reset: %+v", r)
	}
}
