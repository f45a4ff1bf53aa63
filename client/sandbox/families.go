package sandbox

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"vivify/client"
)

// validateHD reads an img2video_ultra body with the limits of the
// provider's page: resolution up to 720, frames at up to 16 fps, one
// guidance scale, a sample shift.
func validateHD(fields map[string]any) (params, map[string][]string) {
	v := validator{fields: fields, errs: map[string][]string{}}
	p := params{
		family:      client.FamilyHD,
		modelID:     v.str("model_id", "wan2.2"),
		prompt:      v.str("prompt", ""),
		negPrompt:   v.str("negative_prompt", ""),
		initImage:   v.url("init_image", true),
		resolution:  v.int("resolution", 480, 64, client.MaxResolution),
		portrait:    v.boolean("portrait"),
		frames:      v.int("num_frames", 81, 1, client.HDMaxFrames),
		steps:       v.int("num_inference_steps", 25, 1, client.HDMaxSteps),
		guidance:    v.num("guidance_scale", 5, 0, client.HDMaxGuidance),
		fps:         v.int("fps", 16, 1, 16),
		sampleShift: v.int("sample_shift", 5, 0, client.HDMaxSampleShift),
		temp:        v.boolean("temp"),
		webhook:     v.url("webhook", false),
		trackID:     v.trackID(),
		outputType:  "mp4",
		instant:     true,
	}
	if sd, present := fields["seed"]; present && sd != nil {
		f, _, ok := v.number("seed")
		if !ok || f != math.Trunc(f) || f < 0 {
			v.add("seed", "The seed must be an integer of at least 0.")
		} else {
			n := int64(f)
			p.seed = &n
		}
	}
	m, _ := client.LookupModel(client.FamilyHD, "wan2.2")
	r := client.Request{Family: client.FamilyHD, Resolution: p.resolution, Portrait: p.portrait}
	p.outW, p.outH = m.Size(r)
	p.outFrames, p.outFPS = p.frames, p.fps
	p.width, p.height = p.outW, p.outH
	return p, v.errs
}

// validatePremium reads a video-fusion body: the model must be one the
// endpoint runs, the prompt is required, and each model's own fields are
// checked (a Kling duration of "7" names the field).
func validatePremium(fields map[string]any) (params, map[string][]string) {
	v := validator{fields: fields, errs: map[string][]string{}}
	p := params{family: client.FamilyPremium, outputType: "mp4", instant: true}
	p.modelID = v.str("model_id", "")
	p.prompt = v.str("prompt", "")
	if strings.TrimSpace(p.prompt) == "" {
		v.add("prompt", "The prompt field is required.")
	}
	m, known := client.LookupModel(client.FamilyPremium, p.modelID)
	switch img := fields["init_image"].(type) {
	case string:
		p.initImage = v.url("init_image", true)
		if known && m.ImageList {
			v.add("init_image", "The init image must be an array.")
		}
	case []any:
		var links []string
		for _, l := range img {
			if s, ok := l.(string); ok && (strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://")) {
				links = append(links, s)
			} else {
				v.add("init_image", "Each init image must be a valid URL.")
			}
		}
		want := 1
		if known && m.EndFrame {
			want = 2
		}
		if len(links) != want {
			v.add("init_image", fmt.Sprintf("The init image must have %d items.", want))
		}
		if len(links) > 0 {
			p.initImage = links[0]
		}
		if len(links) > 1 {
			p.endImage = links[1]
		}
	default:
		v.add("init_image", "The init image field is required.")
	}
	if known && len(m.Durations) > 0 {
		d, present := fields["duration"]
		ds := strings.TrimSpace(fmt.Sprint(d))
		switch {
		case !present || d == nil:
			if m.DurationRequired {
				v.add("duration", "The duration field is required.")
			}
			ds = m.Durations[0]
		case !slices.Contains(m.Durations, ds):
			v.add("duration", fmt.Sprintf("The selected duration is invalid: it must be one of %s.", strings.Join(m.Durations, ", ")))
		}
		p.duration = ds
	}
	return p, v.errs
}

// PriceFactor is what the sandbox charges for a video of model (of family,
// with duration), in units of CostPerVideo: practice credits, consistent so
// that what a video costs can be measured and tested. HD costs 2.5 times a
// standard video; a premium one 5 times, and 10 times for 10 seconds.
func PriceFactor(family client.Family, model, duration string) float64 {
	switch family {
	case client.FamilyHD:
		return 2.5
	case client.FamilyPremium:
		if duration == "10" {
			return 10
		}
		return 5
	}
	return 1
}
