// Package sandbox is a local stand-in for the ModelsLab image-to-video
// service. It speaks the same API as shared/api/modelslab-img2video.md
// describes, validates requests as the service does, and makes a real
// animated GIF (or MP4, with ffmpeg) from the init image: a slow zoom, since
// no model runs here. It says so in its answers' tips.
//
// Tests start it in one line, as httptest.NewServer:
//
//	srv := sandbox.NewServer(sandbox.WithJobDuration(200 * time.Millisecond))
//	defer srv.Close()
//
// and the app runs it in-process as practice mode. Switches make it answer
// in every shape section 3 of the contract lists (SetQuirks) and misbehave as
// a real network does (Inject).
package sandbox

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"vivify/client"
	"vivify/internal/bundled"
)

// Server is a running sandbox.
type Server struct {
	// URL is the base URL to give the client, like http://127.0.0.1:41234.
	URL string

	cfg      config
	http     *http.Server
	listener net.Listener
	closed   chan struct{}
	renders  chan struct{} // bounds concurrent renders
	wg       sync.WaitGroup

	mu          sync.Mutex
	quirks      Quirks
	faults      []*Fault
	jobs        map[int]*job
	nextID      int
	files       map[string]*file
	recent      map[string]time.Time // spam filter: request fingerprint -> last seen
	balance     float64
	requests    map[Endpoint]int
	submissions []Submission
	peakActive  int
	// With a state dir (WithStateDir): what is kept there, and the URL of
	// the sandbox that kept it, whose links are this one's.
	kept    []savedJob
	uploads []string
	oldURL  string
}

// Submission is one accepted img2video request, as the sandbox saw it.
type Submission struct {
	ID        int
	Prompt    string
	InitImage string
	TrackID   string
	At        time.Time
}

type config struct {
	keys        map[string]bool
	jobDuration time.Duration
	// premiumDuration is the job time of the premium models.
	premiumDuration time.Duration
	holdFor         time.Duration
	queueLimit      int
	spamWindow      time.Duration
	balance         float64
	costPerVideo    float64
	ffmpeg          string
	clock           client.Clock
	log             *slog.Logger
	addr            string
	stateDir        string
}

// Option configures a Server.
type Option func(*config)

// WithKeys makes the sandbox accept only these keys. By default it accepts
// any key that is not empty.
func WithKeys(keys ...string) Option {
	return func(c *config) {
		for _, k := range keys {
			c.keys[k] = true
		}
	}
}

// WithJobDuration sets how long a job stays processing (default 4 s).
func WithJobDuration(d time.Duration) Option { return func(c *config) { c.jobDuration = d } }

// WithPremiumJobDuration sets how long a premium model's job takes (they
// take minutes on the real service; 3 minutes by default).
func WithPremiumJobDuration(d time.Duration) Option {
	return func(c *config) { c.premiumDuration = d }
}

// WithHoldFor sets how long a request without instant_response is held open
// waiting for its job (default 1 s), as the service does.
func WithHoldFor(d time.Duration) Option { return func(c *config) { c.holdFor = d } }

// WithQueueLimit sets how many jobs may be processing at once per key
// (default 5, the smallest plan's).
func WithQueueLimit(n int) Option { return func(c *config) { c.queueLimit = n } }

// WithSpamWindow sets how long an identical request is refused after the
// first (default 30 s; 0 turns the spam filter off).
func WithSpamWindow(d time.Duration) Option { return func(c *config) { c.spamWindow = d } }

// WithBalance sets the account's starting balance in USD (default 100).
func WithBalance(usd float64) Option { return func(c *config) { c.balance = usd } }

// WithFFmpeg sets the ffmpeg program for MP4 output; "" turns MP4 off. By
// default ffmpeg is looked up on PATH.
func WithFFmpeg(path string) Option { return func(c *config) { c.ffmpeg = path } }

// WithClock replaces the wall clock (jobs end by this clock's time).
func WithClock(clk client.Clock) Option { return func(c *config) { c.clock = clk } }

// WithLogger sets where the sandbox logs what it does.
func WithLogger(l *slog.Logger) Option { return func(c *config) { c.log = l } }

// WithAddr sets the listening address (default 127.0.0.1:0, a free port).
func WithAddr(addr string) Option { return func(c *config) { c.addr = addr } }

// PracticeKey is the key practice mode gives its sandbox. It is no secret,
// but the client scrubs its key from every message as it would a real
// one, so it is a string no message holds: "practice" was, and the
// sandbox's own messages came out as "The [key removed] sandbox…".
const PracticeKey = "vivify-practice-0000"

// CostPerVideo is what the sandbox charges for a video, in USD.
const CostPerVideo = 0.2

// Start starts a sandbox on a loopback port.
func Start(opts ...Option) (*Server, error) {
	cfg := config{
		keys:            map[string]bool{},
		jobDuration:     4 * time.Second,
		premiumDuration: 3 * time.Minute,
		holdFor:         time.Second,
		queueLimit:      5,
		spamWindow:      30 * time.Second,
		balance:         100,
		costPerVideo:    CostPerVideo,
		clock:           client.RealClock{},
		log:             slog.New(slog.DiscardHandler),
		addr:            "127.0.0.1:0",
	}
	cfg.ffmpeg = bundled.Program("ffmpeg") // the one Vivify carries, or the PATH's
	for _, o := range opts {
		o(&cfg)
	}
	ln, st, err := listen(&cfg)
	if err != nil {
		return nil, fmt.Errorf("sandbox: cannot listen on %s: %w", cfg.addr, err)
	}
	s := &Server{
		URL:      "http://" + ln.Addr().String(),
		cfg:      cfg,
		listener: ln,
		closed:   make(chan struct{}),
		renders:  make(chan struct{}, 2),
		jobs:     map[int]*job{},
		nextID:   146,
		files:    map[string]*file{},
		recent:   map[string]time.Time{},
		balance:  cfg.balance,
		requests: map[Endpoint]int{},
	}
	s.restore(st)
	s.http = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second, ErrorLog: nil}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		s.http.Serve(ln)
	}()
	return s, nil
}

// NewServer starts a sandbox and panics if it cannot, as httptest.NewServer.
func NewServer(opts ...Option) *Server {
	s, err := Start(opts...)
	if err != nil {
		panic(err)
	}
	return s
}

// Close stops the server, ends held requests and waits for renders.
func (s *Server) Close() {
	select {
	case <-s.closed:
		return
	default:
	}
	close(s.closed)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	s.http.Shutdown(ctx)
	s.http.Close()
	s.wg.Wait()
}

// SetQuirks sets the answer variations in force.
func (s *Server) SetQuirks(q Quirks) {
	s.mu.Lock()
	s.quirks = q
	s.mu.Unlock()
}

// Inject switches a fault on.
func (s *Server) Inject(f Fault) {
	s.mu.Lock()
	s.faults = append(s.faults, &f)
	s.mu.Unlock()
}

// ClearFaults switches every fault off.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	s.faults = nil
	s.mu.Unlock()
}

// SetBalance sets the account's balance in USD.
func (s *Server) SetBalance(usd float64) {
	s.mu.Lock()
	s.balance = usd
	s.mu.Unlock()
}

// Requests returns how many requests an endpoint has had (EndpointAny: all).
func (s *Server) Requests(e Endpoint) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e == EndpointAny {
		n := 0
		for _, c := range s.requests {
			n += c
		}
		return n
	}
	return s.requests[e]
}

// PeakActive is the most jobs one key ever had processing at once.
func (s *Server) PeakActive() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.peakActive
}

// Submissions returns every img2video request the sandbox accepted.
func (s *Server) Submissions() []Submission {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Submission(nil), s.submissions...)
}

// takeFault returns the fault that hits a request to e, if any, and counts it.
func (s *Server) takeFault(e Endpoint, kinds ...FaultKind) *Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.faults {
		if f.Endpoint != EndpointAny && f.Endpoint != e {
			continue
		}
		match := len(kinds) == 0
		for _, k := range kinds {
			match = match || f.Kind == k
		}
		if !match {
			continue
		}
		taken := *f
		if f.Times > 0 {
			f.Times--
			if f.Times == 0 {
				s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
			}
		}
		return &taken
	}
	return nil
}

// answer is a response before it is written, so faults can cut it.
type answer struct {
	status int
	ctype  string
	body   []byte
	header map[string]string
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ep := endpointOf(r)
	s.mu.Lock()
	s.requests[ep]++
	s.mu.Unlock()

	// Faults that strike before the request takes effect.
	if f := s.takeFault(ep, ServerError, GatewayHTML, RateLimit, Slow, Hang, DropConnection); f != nil {
		switch f.Kind {
		case Slow:
			if !s.wait(r.Context(), f.Delay) {
				return
			}
		case Hang:
			select {
			case <-r.Context().Done():
			case <-s.closed:
			}
			return
		case DropConnection:
			if f.AfterProcessing {
				s.route(ep, r) // the request takes effect; only its answer is lost
			}
			panic(http.ErrAbortHandler)
		default:
			s.write(w, s.faultAnswer(f))
			return
		}
	}
	echo := s.quirksNow().EchoKeyEscaped
	var sent []byte
	if echo && r.Body != nil {
		sent, _ = io.ReadAll(io.LimitReader(r.Body, 8<<20))
		r.Body = io.NopCloser(bytes.NewReader(sent))
	}
	a := s.route(ep, r)
	if echo && a.ctype == "application/json" {
		a.body = echoKeyEscaped(a.body, sent)
	}
	if f := s.takeFault(ep, TruncateBody); f != nil && len(a.body) > 1 {
		w.Header().Set("Content-Type", a.ctype)
		w.Header().Set("Content-Length", fmt.Sprint(len(a.body)))
		w.WriteHeader(a.status)
		w.Write(a.body[:len(a.body)/2])
		panic(http.ErrAbortHandler)
	}
	s.write(w, a)
}

func (s *Server) write(w http.ResponseWriter, a answer) {
	for k, v := range a.header {
		w.Header().Set(k, v)
	}
	w.Header().Set("Content-Type", a.ctype)
	w.Header().Set("Content-Length", fmt.Sprint(len(a.body)))
	w.WriteHeader(a.status)
	w.Write(a.body)
}

// wait sleeps d of real time unless the request or the server ends first.
func (s *Server) wait(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
	case <-s.closed:
	}
	return false
}

func endpointOf(r *http.Request) Endpoint {
	p := r.URL.Path
	switch {
	case p == "/api/v6/video/img2video":
		return EndpointSubmit
	case p == "/api/v6/video/img2video_ultra":
		return EndpointSubmitHD
	case p == "/api/v7/video-fusion/image-to-video":
		return EndpointSubmitPremium
	case strings.HasPrefix(p, "/api/v7/video-fusion/fetch/"):
		return EndpointFetchV7
	case strings.HasPrefix(p, "/api/v6/video/fetch/"):
		return EndpointFetch
	case p == "/api/v6/base64_to_url":
		return EndpointUpload
	case p == "/api/wallet_balance":
		return EndpointBalance
	case strings.HasPrefix(p, "/files/"), strings.HasPrefix(p, "/proxy/"):
		return EndpointFiles
	}
	return EndpointAny
}

const gatewayPage = `<!DOCTYPE html>
<html><head><title>%d: %s</title></head>
<body><h1>Error %d</h1><p>%s</p><p>The web server reported a gateway error. Ray ID: sandbox</p></body></html>
`

func (s *Server) faultAnswer(f *Fault) answer {
	switch f.Kind {
	case GatewayHTML:
		st := f.Status
		if st == 0 {
			st = http.StatusBadGateway
		}
		text := map[int]string{502: "Bad gateway", 520: "Web server is returning an unknown error", 524: "A timeout occurred"}[st]
		if text == "" {
			text = http.StatusText(st)
		}
		return answer{status: st, ctype: "text/html; charset=UTF-8", body: fmt.Appendf(nil, gatewayPage, st, text, st, text)}
	case RateLimit:
		d := f.Delay
		if d <= 0 {
			d = 30 * time.Second
		}
		secs := int((d + time.Second - 1) / time.Second)
		a := s.jsonAnswer(http.StatusTooManyRequests, obj{"status": "error", "message": "Rate limit exceeded", "retry_after": secs})
		a.header = map[string]string{"Retry-After": fmt.Sprint(secs)}
		return a
	default: // ServerError
		st := f.Status
		if st == 0 {
			st = http.StatusInternalServerError
		}
		return s.jsonAnswer(st, obj{"status": "error", "message": "Server Error"})
	}
}

func newPrefix() string {
	var b [16]byte
	rand.Read(b[:])
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// escapeSlashes writes / as \/, as some real answers do.
func escapeSlashes(b []byte) []byte { return bytes.ReplaceAll(b, []byte("/"), []byte(`\/`)) }

// echoKeyEscaped is a hostile server's answer: the key the request sent,
// every character \u-escaped, in front of meta's model_id and in a field of
// its own, where a cleaning of the raw bytes alone would not find it.
func echoKeyEscaped(answer, request []byte) []byte {
	var sent struct {
		Key string `json:"key"`
	}
	if json.Unmarshal(request, &sent) != nil || sent.Key == "" || len(answer) == 0 || answer[0] != '{' {
		return answer
	}
	var esc strings.Builder
	for _, r := range sent.Key {
		fmt.Fprintf(&esc, `\u%04x`, r)
	}
	out := bytes.ReplaceAll(answer, []byte(`"model_id":"`), []byte(`"model_id":"`+esc.String()+` `))
	return append([]byte(`{"echo":"`+esc.String()+`",`), out[1:]...)
}
