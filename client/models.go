package client

import (
	"fmt"
	"slices"
	"strings"
)

// Family is an endpoint family: where a model's request is sent, and where
// its job is followed.
type Family string

const (
	// FamilySeed is POST /api/v6/video/img2video, the seed contract's
	// endpoint, followed at /api/v6/video/fetch/{id}. It is the family of
	// every request with no family set (libraries written before families).
	FamilySeed Family = "img2video"
	// FamilyHD is POST /api/v6/video/img2video_ultra: the same models in
	// HD, followed at /api/v6/video/fetch/{id}.
	FamilyHD Family = "img2video_ultra"
	// FamilyPremium is POST /api/v7/video-fusion/image-to-video: other
	// providers' models, followed at /api/v7/video-fusion/fetch/{id}.
	FamilyPremium Family = "video-fusion"
)

// Families in the order the window lists them.
var Families = []Family{FamilySeed, FamilyHD, FamilyPremium}

// Title is the family's name for a creator.
func (f Family) Title() string {
	switch f.Or() {
	case FamilyHD:
		return "HD (up to 720p, about 5 seconds)"
	case FamilyPremium:
		return "Premium models"
	}
	return "Standard (up to 512 pixels, short clips)"
}

// Or is f, or FamilySeed when f is unset.
func (f Family) Or() Family {
	if f == "" {
		return FamilySeed
	}
	return f
}

// SubmitPath is where the family's requests go.
func (f Family) SubmitPath() string {
	switch f.Or() {
	case FamilyHD:
		return "/api/v6/video/img2video_ultra"
	case FamilyPremium:
		return "/api/v7/video-fusion/image-to-video"
	}
	return "/api/v6/video/img2video"
}

// FetchPath is where a job of the family is followed, without its id.
func (f Family) FetchPath() string {
	if f.Or() == FamilyPremium {
		return "/api/v7/video-fusion/fetch/"
	}
	return "/api/v6/video/fetch/"
}

// Video is the video a model makes.
type Video struct {
	// Fixed sizes, for models whose request names the size.
	// SizeFromRequest: width and height are the request's.
	SizeFromRequest bool
	// ShortSide is the short side in pixels when the request does not name
	// the size (0 with SizeFromRequest); Resolution overrides it for HD.
	ShortSide int
	// FPS is the frame rate; 0 takes the request's fps.
	FPS int
	// Seconds is the length when the model fixes it; 0 takes the
	// request's duration, or its frames over its fps.
	Seconds float64
	// Format is "gif" or "mp4" when the model fixes it; "" takes the
	// request's output type.
	Format string
}

// Model is one row of the catalogue: everything the form, the validation,
// the request body, the sandbox and the presets need to know of a model.
// Adding a model is adding a row (and its sandbox behaviour), nothing else.
type Model struct {
	ID     string // as the API spells it
	Name   string // for a creator
	Short  string // a shorter name for tight places; "" is Name
	Blurb  string // one line on what it is good at
	Family Family
	// Fields are the request fields the model takes besides the key,
	// model_id, init_image and prompt (which every model takes).
	Fields []string
	// PromptRequired: an empty prompt is refused (the premium endpoint
	// requires one).
	PromptRequired bool
	// EndFrame: the model takes a last frame as a second picture.
	EndFrame bool
	// ImageList: init_image is sent as a list of links.
	ImageList bool
	// Durations are the lengths it takes, in seconds as strings, the first
	// the default; nil when it has no duration field.
	Durations []string
	// DurationRequired: duration must be sent.
	DurationRequired bool
	// ServedBy is the model the service really runs for this id, when it
	// says it substitutes another ("" when it runs the id itself).
	ServedBy string
	// SVDFields are fields that only SVD is documented to honour: shown
	// with a warning for another model on the seed endpoint.
	SVDFields []string
	Video     Video
}

// seedFields are the fields of the seed endpoint, as the seed contract
// lists them (model_id, init_image and prompt aside).
var seedFields = []string{"negative_prompt", "enhance_prompt", "width", "height", "num_frames", "num_inference_steps",
	"min_guidance_scale", "max_guidance_scale", "motion_bucket_id", "noise_aug_strength", "fps", "output_type",
	"latent_interpolation_method", "clip_skip", "instant_response", "temp", "webhook", "track_id", "seed"}

// svdOnly are the seed fields whose effect on Wan 2.2 and LTX 2.3 is not
// documented.
var svdOnly = []string{"motion_bucket_id", "noise_aug_strength", "min_guidance_scale", "max_guidance_scale", "latent_interpolation_method"}

var hdFields = []string{"negative_prompt", "seed", "resolution", "portrait", "num_frames", "num_inference_steps",
	"guidance_scale", "fps", "sample_shift", "base64", "temp", "webhook", "track_id"}

// Catalogue is every model Vivify offers, by family. (wan2.5-i2v is left
// out: it needs an audio upload no contract describes.)
var Catalogue = []Model{
	{ID: "svd", Name: "Stable Video Diffusion", Short: "SVD", Family: FamilySeed, ServedBy: "wan2.2",
		Blurb:  "The classic: gentle motion from any picture, tuned with motion and noise.",
		Fields: seedFields, Video: Video{SizeFromRequest: true}},
	{ID: "wan2.2", Name: "Wan 2.2", Family: FamilySeed,
		Blurb:  "Follows the prompt closely: say what should move.",
		Fields: seedFields, SVDFields: svdOnly, Video: Video{SizeFromRequest: true}},
	{ID: "ltx-2.3", Name: "LTX 2.3", Family: FamilySeed,
		Blurb:  "Quick, with smooth camera moves.",
		Fields: seedFields, SVDFields: svdOnly, Video: Video{SizeFromRequest: true}},

	{ID: "wan2.2", Name: "Wan 2.2 HD", Family: FamilyHD,
		Blurb:  "Up to 720p and about 5 seconds; the prompt decides what moves.",
		Fields: hdFields, Video: Video{ShortSide: 720, Format: "mp4"}},
	{ID: "ltx-2.3", Name: "LTX 2.3 HD", Family: FamilyHD,
		Blurb:  "Up to 720p, quick, with smooth camera moves.",
		Fields: hdFields, Video: Video{ShortSide: 720, Format: "mp4"}},

	{ID: "seedance-i2v", Name: "Seedance", Family: FamilyPremium, PromptRequired: true,
		Blurb: "ByteDance's model: lively people and faces.", Video: Video{ShortSide: 720, FPS: 24, Seconds: 5, Format: "mp4"}},
	{ID: "seedance-1.0-pro-i2v", Name: "Seedance 1.0 Pro", Family: FamilyPremium, PromptRequired: true, ImageList: true,
		Blurb: "Seedance at its best: cinematic, consistent detail.", Video: Video{ShortSide: 720, FPS: 24, Seconds: 5, Format: "mp4"}},
	{ID: "seedance-1.0-pro-fast-i2v", Name: "Seedance 1.0 Pro Fast", Family: FamilyPremium, PromptRequired: true,
		Blurb: "Seedance Pro, sooner and for less.", Video: Video{ShortSide: 720, FPS: 24, Seconds: 5, Format: "mp4"}},
	{ID: "kling-v2-1-i2v", Name: "Kling 2.1", Family: FamilyPremium, PromptRequired: true,
		Durations: []string{"5", "10"}, DurationRequired: true, Fields: []string{"duration"},
		Blurb: "Realistic motion and physics.", Video: Video{ShortSide: 720, FPS: 24, Format: "mp4"}},
	{ID: "kling-v2-1-master-i2v", Name: "Kling 2.1 Master", Family: FamilyPremium, PromptRequired: true,
		Durations: []string{"5", "10"}, DurationRequired: true, Fields: []string{"duration"},
		Blurb: "Kling's finest: rich detail, strong prompt following.", Video: Video{ShortSide: 1080, FPS: 24, Format: "mp4"}},
	{ID: "kling-v2-master-i2v", Name: "Kling 2.0 Master", Family: FamilyPremium, PromptRequired: true,
		Durations: []string{"5", "10"}, DurationRequired: true, Fields: []string{"duration"},
		Blurb: "The earlier Kling master model.", Video: Video{ShortSide: 720, FPS: 24, Format: "mp4"}},
	{ID: "Kling-V2-5-Turbo-i2v", Name: "Kling 2.5 Turbo", Family: FamilyPremium, PromptRequired: true,
		Durations: []string{"5", "10"}, DurationRequired: true, Fields: []string{"duration"},
		Blurb: "Kling, fast: dynamic action and camera moves.", Video: Video{ShortSide: 1080, FPS: 24, Format: "mp4"}},
	{ID: "Hailuo-2.3-i2v", Name: "Hailuo 2.3", Family: FamilyPremium, PromptRequired: true,
		Durations: []string{"6", "10"}, Fields: []string{"duration"},
		Blurb: "MiniMax's model: expressive characters.", Video: Video{ShortSide: 768, FPS: 24, Format: "mp4"}},
	{ID: "Hailuo-2.3-Fast-i2v", Name: "Hailuo 2.3 Fast", Family: FamilyPremium, PromptRequired: true,
		Durations: []string{"6", "10"}, Fields: []string{"duration"},
		Blurb: "Hailuo 2.3, sooner.", Video: Video{ShortSide: 768, FPS: 24, Format: "mp4"}},
	{ID: "Hailuo-02-i2v", Name: "Hailuo 02", Family: FamilyPremium, PromptRequired: true,
		Blurb: "The earlier Hailuo: strong physics.", Video: Video{ShortSide: 768, FPS: 24, Seconds: 6, Format: "mp4"}},
	{ID: "Hailuo-02-start-end-frame", Name: "Hailuo 02, first and last frame", Family: FamilyPremium, PromptRequired: true,
		EndFrame: true, ImageList: true,
		Blurb: "Give the first and the last picture: it makes the way between.", Video: Video{ShortSide: 768, FPS: 24, Seconds: 6, Format: "mp4"}},
	{ID: "wan2.6-i2v", Name: "Wan 2.6", Family: FamilyPremium, PromptRequired: true,
		Blurb: "Alibaba's newest Wan.", Video: Video{ShortSide: 720, FPS: 24, Seconds: 5, Format: "mp4"}},
}

// LookupModel finds the model id in family (FamilySeed when unset).
func LookupModel(f Family, id string) (Model, bool) {
	for _, m := range Catalogue {
		if m.Family == f.Or() && m.ID == id {
			return m, true
		}
	}
	return Model{}, false
}

// ModelsOf are the family's models, in catalogue order.
func ModelsOf(f Family) []Model {
	var out []Model
	for _, m := range Catalogue {
		if m.Family == f.Or() {
			out = append(out, m)
		}
	}
	return out
}

// Takes reports whether the model takes the request field.
func (m Model) Takes(field string) bool { return slices.Contains(m.Fields, field) }

// SVDOnly reports whether field is one that the model may ignore (it is
// documented for SVD only).
func (m Model) SVDOnly(field string) bool { return slices.Contains(m.SVDFields, field) }

// Label is the model's name with what the service really runs, for the
// chooser: "Stable Video Diffusion (made by Wan 2.2 today)".
// ShortName is the model's name where room is short.
func (m Model) ShortName() string {
	if m.Short != "" {
		return m.Short
	}
	return m.Name
}

func (m Model) Label() string {
	if m.ServedBy != "" {
		if by, ok := LookupModel(m.Family, m.ServedBy); ok {
			return m.Name + " (made by " + by.Name + " today)"
		}
	}
	return m.Name
}

// Size is the width and height of the video the model makes for r.
func (m Model) Size(r Request) (int, int) {
	if m.Video.SizeFromRequest {
		return r.Width, r.Height
	}
	short := m.Video.ShortSide
	if m.Family == FamilyHD && r.Resolution > 0 {
		short = r.Resolution
	}
	long := even(short * 16 / 9)
	switch {
	case m.Family == FamilyHD && r.Portrait:
		return short, long
	case m.Family == FamilyHD:
		return long, short
	case r.Portrait: // the premium models follow the picture's shape
		return short, long
	}
	return long, short
}

func even(n int) int { return n + n%2 }

// Seconds is the length of the video the model makes for r.
func (m Model) Seconds(r Request) float64 {
	if m.Video.Seconds > 0 {
		return m.Video.Seconds
	}
	if len(m.Durations) > 0 {
		d := r.Duration
		if d == "" {
			d = m.Durations[0]
		}
		var s float64
		fmt.Sscan(d, &s)
		return s
	}
	fps := r.FPS
	if m.Video.FPS > 0 {
		fps = m.Video.FPS
	}
	if fps <= 0 {
		return 0
	}
	return float64(r.NumFrames) / float64(fps)
}

// Frames is how many frames the video has for r.
func (m Model) Frames(r Request) int {
	if m.Video.FPS > 0 {
		return int(m.Seconds(r)*float64(m.Video.FPS) + 0.5)
	}
	return r.NumFrames
}

// validateFor adds the model's own checks to errs.
func (r Request) validateFor(m Model, add adder) {
	if m.PromptRequired && strings.TrimSpace(r.Prompt) == "" {
		add("prompt", "%s needs a prompt: say what should happen in the video.", m.Name)
	}
	if m.EndFrame {
		if strings.TrimSpace(r.EndImage) == "" {
			add("end_image", "%s needs a last frame too: choose the picture the video should end on.", m.Name)
		} else if msg := checkWebURL(r.EndImage); msg != "" {
			add("end_image", "The last frame's link %s", msg)
		}
	} else if r.EndImage != "" {
		add("end_image", "%s does not take a last frame.", m.Name)
	}
	if len(m.Durations) > 0 {
		if r.Duration == "" && m.DurationRequired {
			add("duration", "Choose how long the video is: %s seconds.", strings.Join(m.Durations, " or "))
		} else if r.Duration != "" && !slices.Contains(m.Durations, r.Duration) {
			add("duration", "%s makes videos of %s seconds, not %s.", m.Name, strings.Join(m.Durations, " or "), r.Duration)
		}
	} else if r.Duration != "" {
		add("duration", "%s does not take a length: its videos are %g seconds.", m.Name, m.Seconds(r))
	}
}
