package sandbox

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"image"
	"io"
	"math"
	mrand "math/rand/v2"
	"mime"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"vivify/client"
)

type obj = map[string]any

// The tip every processing answer carries, so nobody mistakes the sandbox's
// output for a model's.
const sandboxTip = "Vivify sandbox: this is a simulated result made on this computer (a slow zoom of your image). No model runs and nothing is charged."

// job is one img2video request.
type job struct {
	id          int
	key         [32]byte // the key's SHA-256: the sandbox keeps jobs on disk, never keys
	prefix      string
	ext         string
	p           params
	model       string
	seed        int64
	created     time.Time
	doneAt      time.Time
	fail        bool
	noLinksLeft int
	rendered    chan struct{} // closed when the output exists, or failed to
	renderErr   error
	genTime     float64
	// lazy is set for a job restored from the state dir: its video is
	// made when it is first asked for (ensureRendered).
	lazy       bool
	renderOnce sync.Once
}

// params are the validated fields of an img2video request.
type params struct {
	modelID, prompt, negPrompt, initImage, outputType, interp, webhook, trackID string
	seed                                                                        *int64
	width, height, frames, steps, motion, fps                                   int
	clipSkip                                                                    *int
	minGuid, maxGuid, noise                                                     float64
	enhance, instant, temp                                                      bool

	// The HD and premium families'.
	family                  client.Family
	resolution, sampleShift int
	portrait                bool
	guidance                float64
	duration, endImage      string
	// The video the job makes: its size, frames and frame rate.
	outW, outH, outFrames, outFPS int
}

type file struct {
	data  []byte
	ctype string
	job   *job // nil for uploads
}

func (s *Server) route(ep Endpoint, r *http.Request) answer {
	switch ep {
	case EndpointFiles:
		return s.serveFile(r)
	case EndpointAny:
		return answer{status: http.StatusNotFound, ctype: "text/html; charset=UTF-8",
			body: []byte("<!DOCTYPE html><html><body><h1>404 Not Found</h1></body></html>\n")}
	}
	fields, ok := readJSON(r)
	if !ok {
		return s.errorAnswer(http.StatusBadRequest, "Invalid API Request", "",
			obj{"tip": "Send a POST request with Content-Type: application/json and a JSON body."})
	}
	key, _ := fields["key"].(string)
	if !s.keyOK(key) || s.takeFault(ep, InvalidKey) != nil {
		return s.errorAnswer(http.StatusUnauthorized, "Invalid Api Key", key,
			obj{"tip": "Check that the key is copied whole from your dashboard."})
	}
	switch ep {
	case EndpointSubmit:
		return s.submit(r.Context(), key, fields, client.FamilySeed)
	case EndpointSubmitHD:
		return s.submit(r.Context(), key, fields, client.FamilyHD)
	case EndpointSubmitPremium:
		return s.submit(r.Context(), key, fields, client.FamilyPremium)
	case EndpointFetch:
		return s.fetch(r.Context(), key, strings.TrimPrefix(r.URL.Path, "/api/v6/video/fetch/"), false)
	case EndpointFetchV7:
		return s.fetch(r.Context(), key, strings.TrimPrefix(r.URL.Path, "/api/v7/video-fusion/fetch/"), true)
	case EndpointUpload:
		return s.upload(key, fields)
	default:
		return s.walletBalance(key)
	}
}

func readJSON(r *http.Request) (map[string]any, bool) {
	if r.Method != http.MethodPost {
		return nil, false
	}
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return nil, false
	}
	raw, err := io.ReadAll(io.LimitReader(r.Body, 8<<20))
	if err != nil {
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var fields map[string]any
	if dec.Decode(&fields) != nil || fields == nil {
		return nil, false
	}
	return fields, true
}

func (s *Server) keyOK(key string) bool {
	if key == "" {
		return false
	}
	if len(s.cfg.keys) == 0 {
		return true
	}
	return s.cfg.keys[key]
}

func (s *Server) quirksNow() Quirks {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.quirks
}

func (s *Server) jsonAnswer(status int, v obj) answer {
	b, err := json.Marshal(v)
	if err != nil {
		b = []byte(`{"status":"error","message":"Server Error"}`)
		status = http.StatusInternalServerError
	}
	if s.quirksNow().EscapedSlashes {
		b = escapeSlashes(b)
	}
	return answer{status: status, ctype: "application/json", body: append(b, '\n')}
}

// errorAnswer is an error body, sent with HTTP 200 as the service usually
// does, or with httpStatus when the HTTPStatusCodes quirk is on.
func (s *Server) errorAnswer(httpStatus int, message any, key string, extra obj) answer {
	q := s.quirksNow()
	if text, ok := message.(string); ok && q.EchoKey && key != "" {
		message = text + " (for key " + key + ")"
	}
	body := obj{"status": "error"}
	if q.Messege {
		body["messege"] = message
	} else {
		body["message"] = message
	}
	for k, v := range extra {
		if q.EchoKey && key != "" {
			if t, ok := v.(string); ok {
				v = t + " [" + key + "]"
			}
		}
		body[k] = v
	}
	if !q.HTTPStatusCodes {
		httpStatus = http.StatusOK
	}
	return s.jsonAnswer(httpStatus, body)
}

func (s *Server) failedAnswer(message, tip string) answer {
	body := obj{"status": "failed", "id": "", "message": message, "output": ""}
	if tip != "" {
		body["tip"] = tip
	}
	return s.jsonAnswer(http.StatusOK, body)
}

func (s *Server) submit(ctx context.Context, key string, fields map[string]any, family client.Family) answer {
	p, model, bad := s.plan(key, fields, family, nil)
	if bad != nil {
		return *bad
	}
	return s.accept(ctx, key, fields, family, p, model)
}

// plan validates a request's fields and works out the video it makes and
// the model that makes it; bad is the error answer of a request refused.
// portrait, when known (a job restored), is the premium video's
// orientation; otherwise the picture is fetched to see its shape.
func (s *Server) plan(key string, fields map[string]any, family client.Family, portrait *bool) (p params, model string, bad *answer) {
	refuse := func(a answer) (params, string, *answer) { return params{}, "", &a }
	var errs map[string][]string
	switch family {
	case client.FamilyHD:
		p, errs = validateHD(fields)
	case client.FamilyPremium:
		p, errs = validatePremium(fields)
	default:
		p, errs = validate(fields)
		p.outW, p.outH, p.outFrames, p.outFPS = p.width, p.height, p.frames, p.fps
	}
	if len(errs) > 0 {
		return refuse(s.errorAnswer(http.StatusBadRequest, errs, key, nil))
	}
	q := s.quirksNow()
	model = p.modelID
	switch {
	case family == client.FamilyPremium:
		if _, ok := client.LookupModel(family, model); !ok {
			return refuse(s.errorAnswer(http.StatusBadRequest, "Model id not found", key, nil))
		}
	case model == "wan2.2" || model == "ltx-2.3":
	case q.StrictModels && model != "svd":
		return refuse(s.errorAnswer(http.StatusBadRequest, "Model id not found", key, nil))
	case family == client.FamilySeed && model == "svd" && q.RunsSVD:
	default:
		model = "wan2.2" // what the live service does with every other id, svd included
	}
	if family == client.FamilyPremium {
		// The premium models follow the picture's shape.
		if portrait != nil {
			p.portrait = *portrait
		} else if img, err := s.loadImage(p.initImage); err == nil && img.Bounds().Dy() > img.Bounds().Dx() {
			p.portrait = true
		}
		m, _ := client.LookupModel(family, model)
		r := client.Request{Family: family, ModelID: model, Duration: p.duration, Portrait: p.portrait}
		p.outW, p.outH = m.Size(r)
		p.outFrames, p.outFPS = m.Frames(r), m.Video.FPS
	}
	if p.outputType == "mp4" && s.cfg.ffmpeg == "" {
		return refuse(s.errorAnswer(http.StatusBadRequest,
			"The practice sandbox cannot make MP4 videos because ffmpeg is not installed on this computer. Choose GIF, or install ffmpeg.", key, nil))
	}
	return p, model, nil
}

// accept charges for a planned job and starts it.
func (s *Server) accept(ctx context.Context, key string, fields map[string]any, family client.Family, p params, model string) answer {
	q := s.quirksNow()
	fail := s.takeFault(EndpointSubmit, FailGeneration) != nil
	noCredits := s.takeFault(EndpointSubmit, NoCredits) != nil

	fp := fingerprint(key, fields)
	s.mu.Lock()
	now := s.cfg.clock.Now()
	if last, seen := s.recent[fp]; seen && s.cfg.spamWindow > 0 && now.Sub(last) < s.cfg.spamWindow {
		s.mu.Unlock()
		wait := int(math.Ceil((s.cfg.spamWindow - now.Sub(last)).Seconds()))
		return s.spamAnswer(wait)
	}
	active := 0
	sum := keySum(key)
	for _, j := range s.jobs {
		if j.key == sum && now.Before(j.doneAt) {
			active++
		}
	}
	if active >= s.cfg.queueLimit {
		s.mu.Unlock()
		return s.errorAnswer(http.StatusTooManyRequests,
			fmt.Sprintf("Rate limit exceeded. Maximum %d queued requests allowed.", s.cfg.queueLimit), key, obj{"retry_after": 30})
	}
	cost := s.cfg.costPerVideo * PriceFactor(family, model, p.duration)
	if noCredits || s.balance < cost {
		s.mu.Unlock()
		return s.errorAnswer(http.StatusPaymentRequired, "Insufficient credits. Please add more credits to continue.", key, nil)
	}
	s.balance -= cost
	s.recent[fp] = now
	for f, t := range s.recent {
		if now.Sub(t) > s.cfg.spamWindow {
			delete(s.recent, f)
		}
	}
	took := s.cfg.jobDuration
	if family == client.FamilyPremium {
		took = s.cfg.premiumDuration
	}
	j := &job{
		id: s.nextID, key: sum, prefix: newPrefix(), ext: p.outputType, p: p, model: model,
		seed: seedOr(p.seed), created: now, doneAt: now.Add(took), fail: fail,
		rendered: make(chan struct{}),
		genTime:  math.Round(took.Seconds()*100) / 100,
	}
	if q.SuccessNoLinksOnce {
		j.noLinksLeft = 1
	}
	s.nextID++
	s.jobs[j.id] = j
	s.keepLocked(j, fields)
	s.peakActive = max(s.peakActive, active+1)
	s.submissions = append(s.submissions, Submission{ID: j.id, Prompt: p.prompt, InitImage: p.initImage, TrackID: p.trackID, At: now})
	s.mu.Unlock()
	s.cfg.log.Info("sandbox job submitted", "id", j.id, "model", model, "frames", p.frames, "size", fmt.Sprintf("%dx%d", p.width, p.height))

	s.wg.Add(1)
	go s.render(j)
	if p.webhook != "" {
		s.wg.Add(1)
		go s.callWebhook(j)
	}
	if !p.instant && s.cfg.holdFor > 0 {
		// The service holds the request a while, and answers success if the
		// job ends meanwhile.
		hold := min(s.cfg.holdFor, j.doneAt.Sub(s.cfg.clock.Now()))
		if hold > 0 {
			s.cfg.clock.Sleep(ctx, hold)
		}
		if !s.cfg.clock.Now().Before(j.doneAt) {
			if a, done := s.finished(ctx, j, true); done {
				return a
			}
		}
	}
	return s.processingAnswer(j)
}

// seedOr is the seed asked for, or a random one as the service picks.
func seedOr(asked *int64) int64 {
	if asked != nil {
		return *asked
	}
	return int64(mrand.Uint32())
}

func (s *Server) spamAnswer(wait int) answer {
	q := s.quirksNow()
	body := obj{"status": "error", "messege": "Rate limit exceeded",
		"tips": fmt.Sprintf("The same request was sent twice within a short time; wait %d seconds before sending it again.", wait)}
	st := http.StatusOK
	if q.HTTPStatusCodes {
		st = http.StatusTooManyRequests
	}
	return s.jsonAnswer(st, body)
}

// fingerprint identifies a request for the spam filter: the same key and the
// same fields.
func fingerprint(key string, fields map[string]any) string {
	names := make([]string, 0, len(fields))
	for k := range fields {
		if k != "key" {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	h := sha256.New()
	h.Write([]byte(key))
	for _, k := range names {
		fmt.Fprintf(h, "\x00%s=%v", k, fields[k])
	}
	return hex.EncodeToString(h.Sum(nil))
}

func (s *Server) link(kind string, j *job) string {
	return fmt.Sprintf("%s/%s/video_generations/%s.%s", s.URL, kind, j.prefix, j.ext)
}

func (s *Server) id(j *job, q Quirks) any {
	if q.StringIDs {
		return strconv.Itoa(j.id)
	}
	return j.id
}

func (s *Server) meta(j *job, q Quirks) obj {
	num := func(v any) any {
		if q.StringNumbers {
			return fmt.Sprint(v)
		}
		return v
	}
	m := obj{
		"id": strconv.Itoa(j.id), "file_prefix": j.prefix, "model_id": j.model,
		"init_image": j.p.initImage, "prompt": j.p.prompt, "negative_prompt": j.p.negPrompt,
		"width": num(j.p.outW), "height": num(j.p.outH), "num_frames": num(j.p.outFrames),
		"num_inference_steps": num(j.p.steps), "fps": num(j.p.outFPS),
		"min_guidance_scale": num(j.p.minGuid), "max_guidance_scale": num(j.p.maxGuid),
		"motion_bucket_id": num(j.p.motion), "noise_aug_strength": num(j.p.noise),
		"output_type": j.p.outputType, "latent_interpolation_method": j.p.interp,
		"enhance_prompt": yesNo(j.p.enhance), "instant_response": yesNo(j.p.instant), "temp": yesNo(j.p.temp),
		"seed": num(j.seed), "clip_skip": nil, "track_id": nil, "webhook": nil,
	}
	if j.p.clipSkip != nil {
		m["clip_skip"] = num(*j.p.clipSkip)
	}
	if j.p.trackID != "" {
		m["track_id"] = j.p.trackID
	}
	if j.p.webhook != "" {
		m["webhook"] = j.p.webhook
	}
	return m
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func emptyOutput(q Quirks) any {
	if q.EmptyOutputString {
		return ""
	}
	return []string{}
}

// FetchResultHost is the host of the fetch_result links of the
// FetchResultOnly quirk: not the sandbox's, so a client that called it
// would fail (nothing answers there from a test).
const FetchResultHost = "fetch-result.invalid"

func (s *Server) processingAnswer(j *job) answer {
	q := s.quirksNow()
	left := max(0, j.doneAt.Sub(s.cfg.clock.Now()).Seconds())
	var eta any = math.Round((left+0.94)*100) / 100 // real answers: 416.94
	if q.IntegerETA {
		eta = int(math.Ceil(left))
	}
	body := obj{
		"status": "processing", "id": s.id(j, q), "eta": eta, "tip": sandboxTip,
		"message":      "Try to fetch request after seconds estimated",
		"fetch_result": fmt.Sprintf("%s%s%d", s.URL, j.p.family.FetchPath(), j.id),
		"output":       emptyOutput(q), "meta": s.meta(j, q),
	}
	if !q.NoExtraLinks {
		body["future_links"] = []string{s.link("files", j)}
	}
	if q.FetchResultOnly && j.p.family == client.FamilyPremium {
		delete(body, "id")
		delete(body, "meta")
		delete(body, "future_links")
		body["fetch_result"] = fmt.Sprintf("https://%s%s%d", FetchResultHost, j.p.family.FetchPath(), j.id)
	}
	if q.ExtraFields {
		body["webhook_status"] = ""
		body["tip_1"] = "Results are kept for 24 hours when temp is set."
		body["sandbox"] = obj{"simulated": true}
	}
	return s.jsonAnswer(http.StatusOK, body)
}

// finished waits for a job past its end to be rendered and answers success
// or failed; done is false when the wait was cut short.
func (s *Server) finished(ctx context.Context, j *job, withMeta bool) (answer, bool) {
	select {
	case <-j.rendered:
	case <-ctx.Done():
		return answer{}, false
	case <-s.closed:
		return answer{}, false
	case <-time.After(2 * time.Minute):
		return answer{}, false
	}
	if j.fail || j.renderErr != nil {
		tip := ""
		if j.renderErr != nil {
			tip = "Vivify sandbox: " + j.renderErr.Error()
		}
		return s.failedAnswer("Failed, Try Again", tip), true
	}
	q := s.quirksNow()
	body := obj{"status": "success", "id": s.id(j, q)}
	s.mu.Lock()
	noLinks := j.noLinksLeft > 0
	if noLinks {
		j.noLinksLeft--
	}
	s.mu.Unlock()
	switch {
	case noLinks:
		body["output"] = emptyOutput(q)
	case q.SuccessEmptyOutput:
		body["output"] = emptyOutput(q)
		body["future_links"] = []string{s.link("files", j)}
	default:
		body["output"] = []string{s.link("files", j)}
		if !q.NoExtraLinks {
			body["proxy_links"] = []string{s.link("proxy", j)}
		}
	}
	if withMeta {
		body["generationTime"] = j.genTime
		body["meta"] = s.meta(j, q)
	}
	if q.ExtraFields {
		body["webhook_status"] = "sent"
		body["tip_1"] = sandboxTip
	}
	return s.jsonAnswer(http.StatusOK, body), true
}

func (s *Server) fetch(ctx context.Context, key, rawID string, v7 bool) answer {
	id, err := strconv.Atoi(rawID)
	s.mu.Lock()
	j := s.jobs[id]
	s.mu.Unlock()
	if err != nil || j == nil || j.key != keySum(key) || v7 != (j.p.family == client.FamilyPremium) {
		return s.failedAnswer("Request not found", "")
	}
	if s.cfg.clock.Now().Before(j.doneAt) {
		return s.jsonAnswer(http.StatusOK, obj{"status": "processing", "message": "try again later.", "output": ""})
	}
	s.ensureRendered(j)
	a, done := s.finished(ctx, j, false)
	if !done {
		return s.jsonAnswer(http.StatusOK, obj{"status": "processing", "message": "try again later.", "output": ""})
	}
	return a
}

func (s *Server) upload(key string, fields map[string]any) answer {
	raw, _ := fields["base64_string"].(string)
	if raw == "" {
		return s.errorAnswer(http.StatusBadRequest, obj{"base64_string": []string{"The base64 string field is required."}}, key, nil)
	}
	if i := strings.Index(raw, ","); strings.HasPrefix(raw, "data:") && i > 0 {
		raw = raw[i+1:]
	}
	if base64.StdEncoding.DecodedLen(len(raw)) > 5_000_000+3 {
		return s.errorAnswer(http.StatusBadRequest, "Image size exceeds the 5 MB limit.", key, nil)
	}
	data, err := base64.StdEncoding.DecodeString(raw)
	if err != nil {
		return s.errorAnswer(http.StatusBadRequest, "Invalid base64 string.", key, nil)
	}
	if len(data) > 5_000_000 {
		return s.errorAnswer(http.StatusBadRequest, "Image size exceeds the 5 MB limit.", key, nil)
	}
	_, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return s.errorAnswer(http.StatusBadRequest, "The base64 string is not a valid image.", key, nil)
	}
	s.mu.Lock()
	n := s.nextID
	s.nextID++
	name := fmt.Sprintf("temp/%d.%s", n, format)
	s.files[name] = &file{data: data, ctype: "image/" + format}
	s.keepUploadLocked(name, data)
	s.mu.Unlock()
	q := s.quirksNow()
	var id any = n
	if q.StringIDs {
		id = strconv.Itoa(n)
	}
	return s.jsonAnswer(http.StatusOK, obj{"status": "success", "id": id, "output": []string{s.URL + "/files/" + name}})
}

func (s *Server) walletBalance(key string) answer {
	s.mu.Lock()
	bal := s.balance
	s.mu.Unlock()
	if s.takeFault(EndpointBalance, NoCredits) != nil {
		bal = 0
	}
	return s.jsonAnswer(http.StatusOK, obj{"status": "success", "data": obj{"balance": math.Round(bal*100) / 100, "currency": "USD"}})
}

func (s *Server) serveFile(r *http.Request) answer {
	notFound := answer{status: http.StatusNotFound, ctype: "text/plain; charset=utf-8", body: []byte("404 page not found\n")}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return notFound
	}
	name := strings.TrimPrefix(strings.TrimPrefix(r.URL.Path, "/files/"), "/proxy/")
	s.mu.Lock()
	f := s.files[name]
	s.mu.Unlock()
	if f == nil {
		// A video of a job from before a restart is made when asked for.
		if j := s.restoredJob(name); j != nil && !s.cfg.clock.Now().Before(j.doneAt) {
			s.ensureRendered(j)
			select {
			case <-j.rendered:
			case <-r.Context().Done():
			case <-s.closed:
			}
			s.mu.Lock()
			f = s.files[name]
			s.mu.Unlock()
		}
		if f == nil {
			return notFound
		}
	}
	if f.job != nil {
		q := s.quirksNow()
		if s.cfg.clock.Now().Before(f.job.doneAt.Add(q.LinkDelay)) {
			if q.LinkDelay403 {
				return answer{status: http.StatusForbidden, ctype: "application/xml",
					body: []byte(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>`)}
			}
			return notFound
		}
	}
	return answer{status: http.StatusOK, ctype: f.ctype, body: f.data}
}

// validate reads an img2video body as the service does: numbers may be JSON
// numbers or strings; every problem is reported, Laravel style.
func validate(fields map[string]any) (params, map[string][]string) {
	v := validator{fields: fields, errs: map[string][]string{}}
	p := params{
		modelID:    v.str("model_id", "svd"),
		prompt:     v.str("prompt", ""),
		negPrompt:  v.str("negative_prompt", ""),
		initImage:  v.url("init_image", true),
		width:      v.int("width", 512, 1, 512),
		height:     v.int("height", 512, 1, 512),
		frames:     v.int("num_frames", 16, 1, 25),
		steps:      v.int("num_inference_steps", 20, 1, 50),
		minGuid:    v.num("min_guidance_scale", 1, 1, 8),
		maxGuid:    v.num("max_guidance_scale", 3, 1, 8),
		motion:     v.int("motion_bucket_id", 127, 1, 255),
		noise:      v.num("noise_aug_strength", 0.02, 0, 1),
		fps:        v.int("fps", 7, 1, 16),
		outputType: v.oneOf("output_type", "gif", "gif", "mp4"),
		interp:     v.oneOf("latent_interpolation_method", "lerp", "lerp", "slerp"),
		enhance:    v.boolean("enhance_prompt"),
		instant:    v.boolean("instant_response"),
		temp:       v.boolean("temp"),
		webhook:    v.url("webhook", false),
		trackID:    v.trackID(),
	}
	if sd, present := fields["seed"]; present && sd != nil {
		f, _, ok := v.number("seed")
		if !ok || f != math.Trunc(f) || f < 0 || f > math.MaxInt64/2 {
			v.add("seed", "The seed must be an integer of at least 0.")
		} else {
			n := int64(f)
			p.seed = &n
		}
	}
	if cs, present := fields["clip_skip"]; present && cs != nil {
		n := v.int("clip_skip", 0, 1, 2)
		p.clipSkip = &n
	}
	if len(v.errs["min_guidance_scale"]) == 0 && len(v.errs["max_guidance_scale"]) == 0 && p.minGuid > p.maxGuid {
		v.add("max_guidance_scale", "The max guidance scale must be greater than or equal to min guidance scale.")
	}
	if p.modelID == "" {
		v.add("model_id", "The model id field is required.")
	}
	return p, v.errs
}

type validator struct {
	fields map[string]any
	errs   map[string][]string
}

func (v *validator) add(field, msg string) { v.errs[field] = append(v.errs[field], msg) }

func label(field string) string { return strings.ReplaceAll(field, "_", " ") }

// number reads a JSON number or a numeric string; present is false for a
// missing field or null.
func (v *validator) number(field string) (f float64, present, ok bool) {
	raw, present := v.fields[field]
	if !present || raw == nil {
		return 0, false, true
	}
	var s string
	switch x := raw.(type) {
	case json.Number:
		s = x.String()
	case string:
		s = strings.TrimSpace(x)
		if s == "" {
			return 0, false, true
		}
	default:
		return 0, true, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, true, false
	}
	return f, true, true
}

func (v *validator) int(field string, def, lo, hi int) int {
	f, present, ok := v.number(field)
	switch {
	case !present && ok:
		return def
	case !ok || f != math.Trunc(f):
		v.add(field, fmt.Sprintf("The %s must be an integer.", label(field)))
		return def
	case f < float64(lo):
		v.add(field, fmt.Sprintf("The %s must be at least %d.", label(field), lo))
	case f > float64(hi):
		v.add(field, fmt.Sprintf("The %s may not be greater than %d.", label(field), hi))
	}
	return int(f)
}

func (v *validator) num(field string, def, lo, hi float64) float64 {
	f, present, ok := v.number(field)
	switch {
	case !present && ok:
		return def
	case !ok:
		v.add(field, fmt.Sprintf("The %s must be a number.", label(field)))
		return def
	case f < lo || f > hi:
		v.add(field, fmt.Sprintf("The %s must be between %g and %g.", label(field), lo, hi))
	}
	return f
}

func (v *validator) str(field, def string) string {
	raw, present := v.fields[field]
	if !present || raw == nil {
		return def
	}
	s, ok := raw.(string)
	if !ok {
		v.add(field, fmt.Sprintf("The %s must be a string.", label(field)))
		return def
	}
	return strings.TrimSpace(s)
}

func (v *validator) oneOf(field, def string, allowed ...string) string {
	s := v.str(field, def)
	for _, a := range allowed {
		if strings.EqualFold(s, a) {
			return a
		}
	}
	v.add(field, fmt.Sprintf("The selected %s is invalid.", label(field)))
	return def
}

func (v *validator) boolean(field string) bool {
	raw, present := v.fields[field]
	if !present || raw == nil {
		return false
	}
	switch x := raw.(type) {
	case bool:
		return x
	case string:
		switch strings.ToLower(strings.TrimSpace(x)) {
		case "yes", "true", "1":
			return true
		case "no", "false", "0", "":
			return false
		}
	case json.Number:
		switch x.String() {
		case "1":
			return true
		case "0":
			return false
		}
	}
	v.add(field, fmt.Sprintf("The %s field must be true or false.", label(field)))
	return false
}

func (v *validator) url(field string, required bool) string {
	raw, present := v.fields[field]
	s, isString := raw.(string)
	s = strings.TrimSpace(s)
	if !present || raw == nil || (isString && s == "") {
		if required {
			v.add(field, fmt.Sprintf("The %s field is required.", label(field)))
		}
		return ""
	}
	u, err := url.Parse(s)
	if !isString || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		v.add(field, fmt.Sprintf("The %s must be a valid URL.", label(field)))
		return ""
	}
	return s
}

func (v *validator) trackID() string {
	raw, present := v.fields["track_id"]
	if !present || raw == nil {
		return ""
	}
	f, _, ok := v.number("track_id")
	if !ok || f != math.Trunc(f) {
		v.add("track_id", "The track id must be an integer.")
		return ""
	}
	return strconv.FormatInt(int64(f), 10)
}
