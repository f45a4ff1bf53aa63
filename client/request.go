package client

import (
	"fmt"
	"net/url"
	"strings"
)

// Limits of the img2video endpoint, from the contract (section 2), plus the few
// floors Vivify adds where the contract names only a maximum.
const (
	MaxSize             = 512 // width and height, pixels
	MinSize             = 64  // Vivify's floor: smaller videos are of no use to anyone
	MaxFrames           = 25
	MaxInferenceSteps   = 50
	MinGuidance         = 1.0
	MaxGuidance         = 8.0
	MinMotionBucket     = 1
	MaxMotionBucket     = 255 // Stable Video Diffusion conditions on 1-255
	MaxFPS              = 16
	MaxClipSkip         = 2
	MaxPromptRunes      = 2000 // Vivify's ceiling: a prompt is a sentence or two
	DefaultModel        = "svd"
	DefaultFrames       = 16
	DefaultSteps        = 20
	DefaultMinGuidance  = 1.0
	DefaultMaxGuidance  = 3.0
	DefaultMotionBucket = 127
	DefaultNoiseAug     = 0.02
	DefaultFPS          = 7 // what the server uses when none is sent
)

// Output types and interpolation methods the endpoint takes.
const (
	OutputGIF = "gif"
	OutputMP4 = "mp4"

	InterpolationLerp  = "lerp"
	InterpolationSlerp = "slerp"
)

// Request holds every field of POST /api/v6/video/img2video except the key,
// which the Client adds when it sends the request. The zero value is not
// useful: start from NewRequest, which fills in the documented defaults.
type Request struct {
	ModelID                   string  `json:"model_id"`
	Prompt                    string  `json:"prompt"`
	NegativePrompt            string  `json:"negative_prompt"`
	EnhancePrompt             bool    `json:"enhance_prompt"`
	InitImage                 string  `json:"init_image"`
	Width                     int     `json:"width"`
	Height                    int     `json:"height"`
	NumFrames                 int     `json:"num_frames"`
	NumInferenceSteps         int     `json:"num_inference_steps"`
	MinGuidanceScale          float64 `json:"min_guidance_scale"`
	MaxGuidanceScale          float64 `json:"max_guidance_scale"`
	MotionBucketID            int     `json:"motion_bucket_id"`
	NoiseAugStrength          float64 `json:"noise_aug_strength"`
	FPS                       int     `json:"fps"`
	OutputType                string  `json:"output_type"`
	LatentInterpolationMethod string  `json:"latent_interpolation_method"`
	ClipSkip                  *int    `json:"clip_skip"`        // nil: the server's default
	InstantResponse           bool    `json:"instant_response"` // answer at once with processing
	Temp                      bool    `json:"temp"`             // temporary storage, deleted after 24 h
	Webhook                   string  `json:"webhook"`          // "" sends null
	TrackID                   *int64  `json:"track_id"`         // nil sends null
	// Seed asks for a given seed, to run a result again the same way. It is
	// not in the endpoint's documented table (the seed comes back in
	// meta.seed), so it is sent only when set.
	Seed *int64 `json:"seed,omitempty"`
}

// NewRequest returns a request for initImage with the documented defaults.
func NewRequest(initImage string) Request {
	return Request{
		ModelID:                   DefaultModel,
		InitImage:                 initImage,
		Width:                     MaxSize,
		Height:                    MaxSize,
		NumFrames:                 DefaultFrames,
		NumInferenceSteps:         DefaultSteps,
		MinGuidanceScale:          DefaultMinGuidance,
		MaxGuidanceScale:          DefaultMaxGuidance,
		MotionBucketID:            DefaultMotionBucket,
		NoiseAugStrength:          DefaultNoiseAug,
		FPS:                       DefaultFPS,
		OutputType:                OutputGIF,
		LatentInterpolationMethod: InterpolationLerp,
	}
}

// DurationSeconds is the length of the video the request asks for.
func (r Request) DurationSeconds() float64 {
	if r.FPS <= 0 {
		return 0
	}
	return float64(r.NumFrames) / float64(r.FPS)
}

// FieldError is one field's problem, in a sentence for the person who set it.
// Field is the API's name for it (width, init_image, ...).
type FieldError struct {
	Field   string
	Message string
}

// Validate checks every field against the endpoint's limits and reports all
// problems at once as a *Error of kind ErrValidation, or nil when the request
// can be sent.
func (r Request) Validate() error {
	var errs []FieldError
	add := func(field, format string, args ...any) {
		errs = append(errs, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
	}
	intRange := func(field, name string, v, lo, hi int, unit string) {
		switch {
		case v < lo:
			add(field, "%s must be at least %d%s.", name, lo, unit)
		case v > hi:
			add(field, "%s can be at most %d%s.", name, hi, unit)
		}
	}

	if strings.TrimSpace(r.ModelID) == "" {
		add("model_id", "Choose a model (svd is the standard one).")
	} else if strings.ContainsAny(r.ModelID, " \t\r\n") {
		add("model_id", "A model id has no spaces in it.")
	}
	if n := len([]rune(r.Prompt)); n > MaxPromptRunes {
		add("prompt", "The prompt can be at most %d characters long (it is %d).", MaxPromptRunes, n)
	}
	if n := len([]rune(r.NegativePrompt)); n > MaxPromptRunes {
		add("negative_prompt", "The negative prompt can be at most %d characters long (it is %d).", MaxPromptRunes, n)
	}
	if strings.TrimSpace(r.InitImage) == "" {
		add("init_image", "Choose a source image: a link, or a file from this computer.")
	} else if msg := checkWebURL(r.InitImage); msg != "" {
		add("init_image", "The image link %s", msg)
	}
	intRange("width", "Width", r.Width, MinSize, MaxSize, " pixels")
	intRange("height", "Height", r.Height, MinSize, MaxSize, " pixels")
	intRange("num_frames", "The number of frames", r.NumFrames, 1, MaxFrames, "")
	intRange("num_inference_steps", "Inference steps", r.NumInferenceSteps, 1, MaxInferenceSteps, "")
	guidanceOK := true
	for _, g := range []struct {
		field, name string
		v           float64
	}{
		{"min_guidance_scale", "Minimum guidance", r.MinGuidanceScale},
		{"max_guidance_scale", "Maximum guidance", r.MaxGuidanceScale},
	} {
		if !(g.v >= MinGuidance && g.v <= MaxGuidance) { // also catches NaN
			add(g.field, "%s must be between %g and %g.", g.name, MinGuidance, MaxGuidance)
			guidanceOK = false
		}
	}
	if guidanceOK && r.MinGuidanceScale > r.MaxGuidanceScale {
		add("min_guidance_scale", "Minimum guidance (%g) cannot be more than maximum guidance (%g).", r.MinGuidanceScale, r.MaxGuidanceScale)
	}
	intRange("motion_bucket_id", "Motion amount", r.MotionBucketID, MinMotionBucket, MaxMotionBucket, "")
	if !(r.NoiseAugStrength >= 0 && r.NoiseAugStrength <= 1) {
		add("noise_aug_strength", "Noise augmentation must be between 0 and 1.")
	}
	intRange("fps", "Frames per second", r.FPS, 1, MaxFPS, "")
	if r.OutputType != OutputGIF && r.OutputType != OutputMP4 {
		add("output_type", "The output type must be GIF or MP4.")
	}
	if r.LatentInterpolationMethod != InterpolationLerp && r.LatentInterpolationMethod != InterpolationSlerp {
		add("latent_interpolation_method", "Interpolation must be lerp or slerp.")
	}
	if r.ClipSkip != nil {
		intRange("clip_skip", "Clip skip", *r.ClipSkip, 1, MaxClipSkip, "")
	}
	if r.Webhook != "" {
		if msg := checkWebURL(r.Webhook); msg != "" {
			add("webhook", "The webhook address %s", msg)
		}
	}
	if r.TrackID != nil && *r.TrackID < 0 {
		add("track_id", "The track id must be a whole number of zero or more.")
	}
	if r.Seed != nil && *r.Seed < 0 {
		add("seed", "The seed must be a whole number of zero or more.")
	}
	if len(errs) == 0 {
		return nil
	}
	return &Error{Kind: ErrValidation, Op: "check the settings", Fields: errs, Unsent: true}
}

// checkWebURL returns "" for an absolute http(s) URL with a host, or the end
// of a sentence saying what is wrong.
func checkWebURL(s string) string {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil {
		return "is not a valid web address."
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "must start with http:// or https://."
	}
	if u.Host == "" || u.Hostname() == "" {
		return "has no server name in it."
	}
	return ""
}

// wireRequest is the body as the endpoint wants it: the request with its
// key, yes/no for enhance_prompt, null for an empty webhook, and the text
// fields trimmed. Its own fields shadow the embedded ones of the same JSON
// name.
type wireRequest struct {
	Key string `json:"key"`
	Request
	ModelID       string  `json:"model_id"`
	InitImage     string  `json:"init_image"`
	EnhancePrompt string  `json:"enhance_prompt"`
	Webhook       *string `json:"webhook"`
}

func (r Request) wire(key string) wireRequest {
	w := wireRequest{
		Key:           key,
		Request:       r,
		ModelID:       strings.TrimSpace(r.ModelID),
		InitImage:     strings.TrimSpace(r.InitImage),
		EnhancePrompt: yesNo(r.EnhancePrompt),
	}
	if wh := strings.TrimSpace(r.Webhook); wh != "" {
		w.Webhook = &wh
	}
	return w
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
