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

	// Family is the endpoint family; "" is FamilySeed (requests kept before
	// families existed). The fields below belong to the other families;
	// none of them is ever sent to the seed endpoint.
	Family        Family  `json:"family,omitempty"`
	Resolution    int     `json:"resolution,omitempty"`     // HD: the short side, in pixels
	Portrait      bool    `json:"portrait,omitempty"`       // HD: 9:16 rather than 16:9
	GuidanceScale float64 `json:"guidance_scale,omitempty"` // HD: one scale, 0-8
	SampleShift   int     `json:"sample_shift,omitempty"`   // HD: a sampler setting, 0-10
	Duration      string  `json:"duration,omitempty"`       // premium: seconds, as the model takes them
	EndImage      string  `json:"end_image,omitempty"`      // premium: the last frame, for a start-end model
}

// HD limits and defaults (the provider's page for img2video_ultra).
const (
	MaxResolution       = 720
	MinResolution       = 256 // Vivify's floor
	HDDefaultFrames     = 81
	HDMaxFrames         = 121 // the page's example asks 92; Vivify stops at about 7.5 s
	HDMaxSteps          = 25
	HDDefaultGuidance   = 5.0
	HDMaxGuidance       = 8.0
	HDMaxSampleShift    = 10
	HDDefaultShift      = 5
	HDDefaultFPS        = 16
	HDDefaultResolution = 720
)

// NewRequestFor returns a request for model m with its family's defaults.
func NewRequestFor(m Model, initImage string) Request {
	r := NewRequest(initImage)
	r.ModelID = m.ID
	r.Family = m.Family
	switch m.Family {
	case FamilyHD:
		r.Resolution, r.NumFrames, r.NumInferenceSteps = HDDefaultResolution, HDDefaultFrames, HDMaxSteps
		r.GuidanceScale, r.SampleShift, r.FPS, r.OutputType = HDDefaultGuidance, HDDefaultShift, HDDefaultFPS, OutputMP4
	case FamilyPremium:
		r.OutputType = OutputMP4
		if len(m.Durations) > 0 {
			r.Duration = m.Durations[0]
		}
	}
	return r
}

// Model is the catalogue's row for the request's model, if it has one.
func (r Request) Model() (Model, bool) { return LookupModel(r.Family, strings.TrimSpace(r.ModelID)) }

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
	// Format and Args are Message's English and what fills it in, for a
	// window that says it in another language; empty when the server
	// wrote the message.
	Format string `json:"-"`
	Args   []any  `json:"-"`
}

// Validate checks every field against the endpoint's limits and reports all
// problems at once as a *Error of kind ErrValidation, or nil when the request
// can be sent.
func (r Request) Validate() error {
	var errs []FieldError
	add := func(field, format string, args ...any) {
		errs = append(errs, FieldError{Field: field, Message: fmt.Sprintf(format, args...), Format: format, Args: args})
	}
	switch r.Family.Or() {
	case FamilySeed:
		r.validateSeed(add)
	case FamilyHD:
		r.validateHD(add)
	case FamilyPremium:
		r.validatePremium(add)
	default:
		add("family", "Vivify does not know the endpoint %q.", r.Family)
	}
	if len(errs) == 0 {
		return nil
	}
	return &Error{Kind: ErrValidation, Op: "check the settings", Fields: errs, Unsent: true}
}

// adder records one field's problem.
type adder = func(field, format string, args ...any)

// intRange adds field's problem when v is outside lo..hi.
func intRange(add adder, field, name string, v, lo, hi int, unit string) {
	switch {
	case v < lo:
		add(field, "%s must be at least %d%s.", name, lo, unit)
	case v > hi:
		add(field, "%s can be at most %d%s.", name, hi, unit)
	}
}

// validateHead checks what every family's request starts with: the model,
// the prompts, the picture.
func (r Request) validateHead(add adder) {
	_, known := r.Model()
	switch {
	case r.Family.Or() != FamilySeed && !known:
		add("model_id", "Choose one of the %s models.", r.Family.Title())
	case strings.TrimSpace(r.ModelID) == "":
		add("model_id", "Choose a model (svd is the standard one).")
	case strings.ContainsAny(r.ModelID, " \t\r\n"):
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
}

// validateHooks checks the webhook and track id, which the v6 endpoints
// take.
func (r Request) validateHooks(add adder) {
	if r.Webhook != "" {
		if msg := checkWebURL(r.Webhook); msg != "" {
			add("webhook", "The webhook address %s", msg)
		}
	}
	if r.TrackID != nil && *r.TrackID < 0 {
		add("track_id", "The track id must be a whole number of zero or more.")
	}
}

// validateTail checks what every family's request ends with: the seed, and
// the model's own rules (prompt required, last frame, length).
func (r Request) validateTail(add adder) {
	if r.Seed != nil && *r.Seed < 0 {
		add("seed", "The seed must be a whole number of zero or more.")
	}
	if m, known := r.Model(); known {
		r.validateFor(m, add)
	}
}

func (r Request) validateHD(add adder) {
	r.validateHead(add)
	intRange(add, "resolution", "The resolution", r.Resolution, MinResolution, MaxResolution, " pixels")
	intRange(add, "num_frames", "The number of frames", r.NumFrames, 1, HDMaxFrames, "")
	intRange(add, "num_inference_steps", "Inference steps", r.NumInferenceSteps, 1, HDMaxSteps, "")
	intRange(add, "fps", "Frames per second", r.FPS, 1, MaxFPS, "")
	intRange(add, "sample_shift", "The sample shift", r.SampleShift, 0, HDMaxSampleShift, "")
	if !(r.GuidanceScale >= 0 && r.GuidanceScale <= HDMaxGuidance) {
		add("guidance_scale", "Guidance must be between 0 and %g.", HDMaxGuidance)
	}
	r.validateHooks(add)
	r.validateTail(add)
}

func (r Request) validatePremium(add adder) {
	r.validateHead(add)
	r.validateTail(add)
}

// validateSeed checks a request for the seed endpoint, as the seed
// contract gives its limits.
func (r Request) validateSeed(add adder) {
	r.validateHead(add)
	intRange(add, "width", "Width", r.Width, MinSize, MaxSize, " pixels")
	intRange(add, "height", "Height", r.Height, MinSize, MaxSize, " pixels")
	intRange(add, "num_frames", "The number of frames", r.NumFrames, 1, MaxFrames, "")
	intRange(add, "num_inference_steps", "Inference steps", r.NumInferenceSteps, 1, MaxInferenceSteps, "")
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
	intRange(add, "motion_bucket_id", "Motion amount", r.MotionBucketID, MinMotionBucket, MaxMotionBucket, "")
	if !(r.NoiseAugStrength >= 0 && r.NoiseAugStrength <= 1) {
		add("noise_aug_strength", "Noise augmentation must be between 0 and 1.")
	}
	intRange(add, "fps", "Frames per second", r.FPS, 1, MaxFPS, "")
	if r.OutputType != OutputGIF && r.OutputType != OutputMP4 {
		add("output_type", "The output type must be GIF or MP4.")
	}
	if r.LatentInterpolationMethod != InterpolationLerp && r.LatentInterpolationMethod != InterpolationSlerp {
		add("latent_interpolation_method", "Interpolation must be lerp or slerp.")
	}
	if r.ClipSkip != nil {
		intRange(add, "clip_skip", "Clip skip", *r.ClipSkip, 1, MaxClipSkip, "")
	}
	r.validateHooks(add)
	r.validateTail(add)
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
	// The other families' fields, shadowed and left empty, so that the
	// seed endpoint's body is exactly what it always was.
	Family        string  `json:"family,omitempty"`
	Resolution    int     `json:"resolution,omitempty"`
	Portrait      bool    `json:"portrait,omitempty"`
	GuidanceScale float64 `json:"guidance_scale,omitempty"`
	SampleShift   int     `json:"sample_shift,omitempty"`
	Duration      string  `json:"duration,omitempty"`
	EndImage      string  `json:"end_image,omitempty"`
}

// body is what is sent for r, by its family.
func (r Request) body(key string) any {
	switch r.Family.Or() {
	case FamilyHD:
		return r.wireHD(key)
	case FamilyPremium:
		return r.wirePremium(key)
	}
	return r.wire(key)
}

// hdWire is the body of img2video_ultra.
type hdWire struct {
	Key               string  `json:"key"`
	ModelID           string  `json:"model_id"`
	InitImage         string  `json:"init_image"`
	Base64            bool    `json:"base64"`
	Prompt            string  `json:"prompt"`
	NegativePrompt    string  `json:"negative_prompt"`
	Seed              *int64  `json:"seed"`
	Resolution        int     `json:"resolution"`
	Portrait          bool    `json:"portrait"`
	NumFrames         int     `json:"num_frames"`
	NumInferenceSteps int     `json:"num_inference_steps"`
	GuidanceScale     float64 `json:"guidance_scale"`
	FPS               int     `json:"fps"`
	SampleShift       int     `json:"sample_shift"`
	Temp              bool    `json:"temp"`
	Webhook           *string `json:"webhook"`
	TrackID           *int64  `json:"track_id"`
}

func (r Request) wireHD(key string) hdWire {
	w := hdWire{Key: key, ModelID: strings.TrimSpace(r.ModelID), InitImage: strings.TrimSpace(r.InitImage),
		Prompt: strings.TrimSpace(r.Prompt), NegativePrompt: strings.TrimSpace(r.NegativePrompt), Seed: r.Seed,
		Resolution: r.Resolution, Portrait: r.Portrait, NumFrames: r.NumFrames, NumInferenceSteps: r.NumInferenceSteps,
		GuidanceScale: r.GuidanceScale, FPS: r.FPS, SampleShift: r.SampleShift, Temp: r.Temp, TrackID: r.TrackID}
	if wh := strings.TrimSpace(r.Webhook); wh != "" {
		w.Webhook = &wh
	}
	return w
}

// wirePremium is the body of video-fusion: the key, the model, the
// picture (or pictures), the prompt, and the model's own fields.
func (r Request) wirePremium(key string) map[string]any {
	m, _ := r.Model()
	body := map[string]any{"key": key, "model_id": strings.TrimSpace(r.ModelID), "prompt": strings.TrimSpace(r.Prompt)}
	switch {
	case m.EndFrame:
		body["init_image"] = []string{strings.TrimSpace(r.InitImage), strings.TrimSpace(r.EndImage)}
	case m.ImageList:
		body["init_image"] = []string{strings.TrimSpace(r.InitImage)}
	default:
		body["init_image"] = strings.TrimSpace(r.InitImage)
	}
	if len(m.Durations) > 0 {
		d := r.Duration
		if d == "" {
			d = m.Durations[0]
		}
		body["duration"] = d
	}
	return body
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
