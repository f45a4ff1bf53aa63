package client_test

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"vivify/client"
)

func TestNewRequestHasDocumentedDefaults(t *testing.T) {
	r := client.NewRequest("https://example.com/a.png")
	want := client.Request{
		ModelID: "svd", InitImage: "https://example.com/a.png", Width: 512, Height: 512,
		NumFrames: 16, NumInferenceSteps: 20, MinGuidanceScale: 1, MaxGuidanceScale: 3,
		MotionBucketID: 127, NoiseAugStrength: 0.02, FPS: 7, OutputType: "gif",
		LatentInterpolationMethod: "lerp",
	}
	if r != want {
		t.Fatalf("defaults:\n got %+v\nwant %+v", r, want)
	}
	if err := r.Validate(); err != nil {
		t.Fatalf("defaults do not validate: %v", err)
	}
	if got := r.DurationSeconds(); math.Abs(got-16.0/7) > 1e-9 {
		t.Fatalf("duration %v", got)
	}
}

func TestValidateReportsEachField(t *testing.T) {
	two, three := 2, 3
	neg := int64(-1)
	cases := []struct {
		name   string
		mutate func(*client.Request)
		field  string
		text   string
	}{
		{"no image", func(r *client.Request) { r.InitImage = "" }, "init_image", "Choose a source image"},
		{"ftp image", func(r *client.Request) { r.InitImage = "ftp://x/y.png" }, "init_image", "http:// or https://"},
		{"no host", func(r *client.Request) { r.InitImage = "https:///y.png" }, "init_image", "no server name"},
		{"wide", func(r *client.Request) { r.Width = 513 }, "width", "Width can be at most 512 pixels."},
		{"narrow", func(r *client.Request) { r.Width = 10 }, "width", "Width must be at least 64 pixels."},
		{"tall", func(r *client.Request) { r.Height = 1024 }, "height", "Height can be at most 512 pixels."},
		{"frames", func(r *client.Request) { r.NumFrames = 26 }, "num_frames", "at most 25"},
		{"no frames", func(r *client.Request) { r.NumFrames = 0 }, "num_frames", "at least 1"},
		{"steps", func(r *client.Request) { r.NumInferenceSteps = 51 }, "num_inference_steps", "at most 50"},
		{"min guidance", func(r *client.Request) { r.MinGuidanceScale = 0.5 }, "min_guidance_scale", "between 1 and 8"},
		{"max guidance", func(r *client.Request) { r.MaxGuidanceScale = 9 }, "max_guidance_scale", "between 1 and 8"},
		{"NaN guidance", func(r *client.Request) { r.MaxGuidanceScale = math.NaN() }, "max_guidance_scale", "between 1 and 8"},
		{"guidance order", func(r *client.Request) { r.MinGuidanceScale, r.MaxGuidanceScale = 5, 2 }, "min_guidance_scale", "cannot be more than maximum"},
		{"motion", func(r *client.Request) { r.MotionBucketID = 300 }, "motion_bucket_id", "at most 255"},
		{"noise", func(r *client.Request) { r.NoiseAugStrength = 1.5 }, "noise_aug_strength", "between 0 and 1"},
		{"fps", func(r *client.Request) { r.FPS = 30 }, "fps", "at most 16"},
		{"output", func(r *client.Request) { r.OutputType = "webm" }, "output_type", "GIF or MP4"},
		{"interp", func(r *client.Request) { r.LatentInterpolationMethod = "cubic" }, "latent_interpolation_method", "lerp or slerp"},
		{"clip skip", func(r *client.Request) { r.ClipSkip = &three }, "clip_skip", "at most 2"},
		{"webhook", func(r *client.Request) { r.Webhook = "mailto:me@example.com" }, "webhook", "http:// or https://"},
		{"track id", func(r *client.Request) { r.TrackID = &neg }, "track_id", "zero or more"},
		{"model", func(r *client.Request) { r.ModelID = " " }, "model_id", "Choose a model"},
		{"model spaces", func(r *client.Request) { r.ModelID = "my model" }, "model_id", "no spaces"},
		{"prompt", func(r *client.Request) { r.Prompt = strings.Repeat("a", 2001) }, "prompt", "at most 2000 characters"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := client.NewRequest("https://example.com/a.png")
			r.ClipSkip = &two
			tc.mutate(&r)
			err := r.Validate()
			if !errors.Is(err, client.ErrValidation) {
				t.Fatalf("want a validation error, got %v", err)
			}
			var e *client.Error
			errors.As(err, &e)
			if len(e.Fields) != 1 || e.Fields[0].Field != tc.field || !strings.Contains(e.Fields[0].Message, tc.text) {
				t.Fatalf("fields = %+v; want one for %s containing %q", e.Fields, tc.field, tc.text)
			}
			if !strings.HasSuffix(e.Fields[0].Message, ".") {
				t.Errorf("%q is not a sentence", e.Fields[0].Message)
			}
		})
	}
}

func TestValidateReportsEveryFieldAtOnce(t *testing.T) {
	r := client.NewRequest("")
	r.Width, r.Height, r.NumFrames, r.FPS, r.OutputType = 600, 600, 30, 0, "avi"
	var e *client.Error
	if !errors.As(r.Validate(), &e) {
		t.Fatal("no error")
	}
	got := map[string]bool{}
	for _, f := range e.Fields {
		got[f.Field] = true
	}
	for _, f := range []string{"init_image", "width", "height", "num_frames", "fps", "output_type"} {
		if !got[f] {
			t.Errorf("missing %s in %+v", f, e.Fields)
		}
	}
	if len(e.Fields) != 6 {
		t.Errorf("want 6 problems, got %d: %+v", len(e.Fields), e.Fields)
	}
}

// The JSON a Request is stored with (job.json) has no key field at all.
func TestRequestJSONHasNoKey(t *testing.T) {
	b, err := json.Marshal(client.NewRequest("https://example.com/a.png"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), `"key"`) {
		t.Fatalf("request JSON has a key field: %s", b)
	}
}

// The body on the wire: the key, yes/no, nulls for what is unset, and every
// field the endpoint takes.
func TestWireBody(t *testing.T) {
	var got map[string]any
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		json.NewDecoder(r.Body).Decode(&got)
		w.Write([]byte(`{"status":"processing","id":1,"eta":3}`))
	}))
	defer hs.Close()
	c, _ := client.New(testKey, client.WithBaseURL(hs.URL))
	r := client.NewRequest("  https://example.com/a.png ")
	r.EnhancePrompt = true
	if _, err := c.Submit(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"key": testKey, "model_id": "svd", "prompt": "", "negative_prompt": "", "enhance_prompt": "yes",
		"init_image": "https://example.com/a.png", "width": 512.0, "height": 512.0, "num_frames": 16.0,
		"num_inference_steps": 20.0, "min_guidance_scale": 1.0, "max_guidance_scale": 3.0,
		"motion_bucket_id": 127.0, "noise_aug_strength": 0.02, "fps": 7.0, "output_type": "gif",
		"latent_interpolation_method": "lerp", "clip_skip": nil, "instant_response": false, "temp": false,
		"webhook": nil, "track_id": nil,
	}
	if len(got) != len(want) {
		t.Errorf("%d fields sent, want %d: %v", len(got), len(want), got)
	}
	for k, v := range want {
		if gv, ok := got[k]; !ok || gv != v {
			t.Errorf("%s = %#v, want %#v", k, gv, v)
		}
	}
}
