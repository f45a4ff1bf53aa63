package client

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"vivify/internal/plain"
)

// Statuses the service answers with. Anything else is treated as a failure
// with its message, as the contract asks.
const (
	StatusSuccess    = "success"
	StatusProcessing = "processing"
	StatusError      = "error"
	StatusFailed     = "failed"
)

// Response is any answer of the API, decoded tolerantly: every variation of
// section 3 of the contract lands in the same fields, and unknown fields are
// kept in Extra rather than dropped.
type Response struct {
	Status         string
	ID             string // "" when the server gave none
	ETA            time.Duration
	Message        string // message or messege; validation sentences joined
	FieldErrors    []FieldError
	Tip            string // tip, tips or tip_1
	FetchURL       string
	Output         []string
	ProxyLinks     []string
	FutureLinks    []string
	GenerationTime time.Duration
	RetryAfter     time.Duration
	Meta           Meta
	Balance        *Balance
	Extra          map[string]json.RawMessage
}

// Meta is the server's record of the parameters it used.
type Meta struct {
	ID                string
	FilePrefix        string
	InitImage         string
	ModelID           string // the model actually used: may differ from the one asked for
	TrackID           string
	FPS               int
	Width             int
	Height            int
	NumFrames         int
	NumInferenceSteps int
	MotionBucketID    int
	MinGuidanceScale  float64
	MaxGuidanceScale  float64
	NoiseAugStrength  float64
	InstantResponse   bool
	Temp              bool
	Seed              *int64 // nil when the server did not say
	Extra             map[string]json.RawMessage
}

// Balance is the account's wallet.
type Balance struct {
	Amount   float64
	Currency string
}

// Links returns every link to the result in the order to try them: output,
// then proxy_links, then future_links, without repeats.
func (r *Response) Links() []string {
	seen := map[string]bool{}
	var out []string
	for _, list := range [][]string{r.Output, r.ProxyLinks, r.FutureLinks} {
		for _, l := range list {
			if !seen[l] {
				seen[l] = true
				out = append(out, l)
			}
		}
	}
	return out
}

// IsPending reports whether the status means the job is still being made.
func (r *Response) IsPending() bool {
	switch strings.ToLower(r.Status) {
	case StatusProcessing, "queued", "pending", "starting", "in_progress", "running":
		return true
	}
	return false
}

// IsSuccess reports whether the status is success.
func (r *Response) IsSuccess() bool { return strings.EqualFold(r.Status, StatusSuccess) }

var (
	errEmptyBody = errors.New("the server sent an empty answer")
	errHTMLBody  = errors.New("the server sent a web page instead of an answer")
	errGarbled   = errors.New("the server's answer was cut off or garbled")
)

// DecodeResponse decodes one API answer. It fails only when the body is not a
// JSON object at all (empty, HTML from a gateway, cut off); it never panics.
func DecodeResponse(body []byte) (*Response, error) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return nil, errEmptyBody
	}
	if body[0] == '<' {
		return nil, errHTMLBody
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(body, &fields); err != nil || fields == nil {
		return nil, errGarbled
	}
	r := &Response{}
	for k, raw := range fields {
		switch k {
		case "status":
			r.Status = strings.ToLower(strings.TrimSpace(flexString(raw)))
		case "id":
			r.ID = flexString(raw)
		case "eta":
			r.ETA = flexSeconds(raw)
		case "message", "messege", "error":
			if r.Message == "" || k != "error" {
				msg, fe := flexMessage(raw)
				if msg != "" {
					r.Message = msg
				}
				if len(fe) > 0 {
					r.FieldErrors = fe
				}
			}
		case "tip", "tips", "tip_1":
			if r.Tip == "" || k == "tip" {
				if t := flexString(raw); t != "" {
					r.Tip = t
				}
			}
		case "fetch_result":
			r.FetchURL = flexString(raw)
		case "output":
			r.Output = flexStrings(raw)
		case "proxy_links":
			r.ProxyLinks = flexStrings(raw)
		case "future_links":
			r.FutureLinks = flexStrings(raw)
		case "generationTime", "generation_time":
			r.GenerationTime = flexSeconds(raw)
		case "retry_after":
			r.RetryAfter = flexSeconds(raw)
		case "meta":
			r.Meta = decodeMeta(raw)
		case "data":
			r.Balance = decodeBalance(raw)
		default:
			if r.Extra == nil {
				r.Extra = map[string]json.RawMessage{}
			}
			r.Extra[k] = raw
		}
	}
	if r.ID == "" {
		r.ID = r.Meta.ID
	}
	if r.ID == "" {
		// A v7 answer may give the id only inside its fetch_result link
		// (seen in a public integration of the premium endpoint). The id
		// is taken from it and followed on the API's own host: the link's
		// host is never called, so the key goes nowhere else.
		r.ID = IDFromFetchURL(r.FetchURL)
	}
	return r, nil
}

// IDFromFetchURL is the job id in a fetch_result link, like
// https://modelslab.com/api/v7/video-fusion/fetch/146 (the segment after
// "fetch", which ends the path), when it is a plain id; "" otherwise.
func IDFromFetchURL(link string) string {
	u, err := url.Parse(strings.TrimSpace(link))
	if err != nil {
		return ""
	}
	parts := strings.Split(strings.TrimPrefix(u.Path, "/"), "/")
	if n := len(parts); n >= 2 && parts[n-2] == "fetch" && plain.Token(parts[n-1], 128) {
		return parts[n-1]
	}
	return ""
}

func decodeMeta(raw json.RawMessage) Meta {
	var fields map[string]json.RawMessage
	var m Meta
	if json.Unmarshal(raw, &fields) != nil {
		return m
	}
	for k, v := range fields {
		switch k {
		case "id":
			m.ID = flexString(v)
		case "file_prefix":
			m.FilePrefix = flexString(v)
		case "init_image":
			m.InitImage = flexString(v)
		case "model_id":
			m.ModelID = flexString(v)
		case "track_id":
			m.TrackID = flexString(v)
		case "fps":
			m.FPS = flexInt(v)
		case "width":
			m.Width = flexInt(v)
		case "height":
			m.Height = flexInt(v)
		case "num_frames":
			m.NumFrames = flexInt(v)
		case "num_inference_steps":
			m.NumInferenceSteps = flexInt(v)
		case "motion_bucket_id":
			m.MotionBucketID = flexInt(v)
		case "min_guidance_scale":
			m.MinGuidanceScale, _ = flexFloat(v)
		case "max_guidance_scale":
			m.MaxGuidanceScale, _ = flexFloat(v)
		case "noise_aug_strength":
			m.NoiseAugStrength, _ = flexFloat(v)
		case "instant_response":
			m.InstantResponse = flexBool(v)
		case "temp":
			m.Temp = flexBool(v)
		case "seed":
			if s, ok := flexInt64(v); ok {
				m.Seed = &s
			}
		default:
			if m.Extra == nil {
				m.Extra = map[string]json.RawMessage{}
			}
			m.Extra[k] = v
		}
	}
	return m
}

func decodeBalance(raw json.RawMessage) *Balance {
	var fields map[string]json.RawMessage
	if json.Unmarshal(raw, &fields) != nil {
		return nil
	}
	amount, ok := flexFloat(fields["balance"])
	if !ok {
		return nil
	}
	return &Balance{Amount: amount, Currency: flexString(fields["currency"])}
}

// flexString reads a string, a number (as its text) or a bool; anything else
// is "".
func flexString(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return ""
	}
	switch raw[0] {
	case '"':
		var s string
		if json.Unmarshal(raw, &s) == nil {
			return strings.TrimSpace(s)
		}
	case '{', '[', 'n':
		return ""
	default:
		var n json.Number
		if json.Unmarshal(raw, &n) == nil {
			return n.String()
		}
		var b bool
		if json.Unmarshal(raw, &b) == nil {
			return strconv.FormatBool(b)
		}
	}
	return ""
}

// flexStrings reads a list of strings, a single string, "" or null.
func flexStrings(raw json.RawMessage) []string {
	var list []json.RawMessage
	if json.Unmarshal(raw, &list) != nil {
		if s := flexString(raw); s != "" {
			return []string{s}
		}
		return nil
	}
	var out []string
	for _, item := range list {
		if s := flexString(item); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// flexFloat reads a number or a string holding one.
func flexFloat(raw json.RawMessage) (float64, bool) {
	s := flexString(raw)
	if s == "" {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

func flexInt(raw json.RawMessage) int {
	f, ok := flexFloat(raw)
	if !ok || f > math.MaxInt32 || f < math.MinInt32 {
		return 0
	}
	return int(math.Round(f))
}

func flexInt64(raw json.RawMessage) (int64, bool) {
	s := flexString(raw)
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n, true
	}
	if n, err := strconv.ParseUint(s, 10, 64); err == nil {
		return int64(n), true // a seed beyond int64 keeps its bits
	}
	f, ok := flexFloat(raw)
	if !ok || f >= math.MaxInt64 || f <= math.MinInt64 {
		return 0, false
	}
	return int64(f), true
}

func flexBool(raw json.RawMessage) bool {
	switch strings.ToLower(flexString(raw)) {
	case "yes", "true", "1", "on":
		return true
	}
	return false
}

// flexSeconds reads a number of seconds (integer, float or string) as a
// duration; negative or absurd values are 0.
func flexSeconds(raw json.RawMessage) time.Duration {
	f, ok := flexFloat(raw)
	if !ok || f <= 0 || f > 7*24*3600 {
		return 0
	}
	return time.Duration(f * float64(time.Second))
}

// flexMessage reads a message that is a string, a list of strings, or an
// object of field name -> sentence(s) (a validation error).
func flexMessage(raw json.RawMessage) (string, []FieldError) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "", nil
	}
	switch raw[0] {
	case '{':
		var obj map[string]json.RawMessage
		if json.Unmarshal(raw, &obj) != nil {
			return "", nil
		}
		names := make([]string, 0, len(obj))
		for k := range obj {
			names = append(names, k)
		}
		sort.Strings(names)
		var fe []FieldError
		var all []string
		for _, name := range names {
			for _, s := range flexStrings(obj[name]) {
				fe = append(fe, FieldError{Field: name, Message: s})
				all = append(all, s)
			}
		}
		return strings.Join(all, " "), fe
	case '[':
		return strings.Join(flexStrings(raw), " "), nil
	}
	return flexString(raw), nil
}
