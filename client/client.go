// Package client speaks the ModelsLab image-to-video APIs: the seed
// endpoint, its HD twin and the premium video-fusion endpoint, with a
// catalogue of the models behind them (models.go). It submits a request,
// follows it until it ends, uploads a local image, checks the balance and
// downloads the result.
//
// It is written to the contract in shared/api/modelslab-img2video.md and
// takes every variation of the service's answers listed there. Every failure
// is a *Error whose Kind the caller matches with errors.Is. The API key is
// sent only over HTTPS or to a loopback address, and is removed from every
// piece of text that comes back, so it never reaches an error string or a log.
//
// The package uses the standard library only, plus golang.org/x/image for
// WebP decoding; it has no user interface.
package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"strings"
	"sync"
	"time"
)

// Version is Vivify's version, sent in the User-Agent. The build sets it with
// -ldflags "-X vivify/client.Version=...".
var Version = "0.1.0-dev"

// DefaultBaseURL is the ModelsLab service.
const DefaultBaseURL = "https://modelslab.com"

// BaseURLEnv names the environment variable that replaces DefaultBaseURL, to
// talk to the sandbox or a proxy. WithBaseURL takes precedence over it.
const BaseURLEnv = "MODELSLAB_BASE_URL"

// maxAnswer bounds an API answer read into memory. Real answers are a few KB.
const maxAnswer = 1 << 20

// Client talks to one ModelsLab service with one key. It is safe for
// concurrent use.
type Client struct {
	key    string
	base   *url.URL
	http   *http.Client
	log    *slog.Logger
	clock  Clock
	jitter func() float64 // in [0, 1)
	ua     string

	dlOnce sync.Once
	dl     *http.Client // for result files: see downloadClient
}

// Option configures a Client.
type Option func(*Client) error

// WithBaseURL sets the service address, for example the sandbox's.
func WithBaseURL(raw string) Option {
	return func(c *Client) error {
		u, err := parseBase(raw)
		if err != nil {
			return err
		}
		c.base = u
		return nil
	}
}

// WithHTTPClient sets the HTTP client. Its redirect policy is wrapped so that
// a redirect can never carry the key to an insecure address.
func WithHTTPClient(h *http.Client) Option {
	return func(c *Client) error {
		cp := *h
		c.http = &cp
		return nil
	}
}

// WithLogger sets where the client logs requests (at debug level) and
// retries (at info level). Log lines never hold the key or a request body.
func WithLogger(l *slog.Logger) Option {
	return func(c *Client) error { c.log = l; return nil }
}

// WithClock replaces the wall clock, for tests and benchmarks of Await.
func WithClock(clk Clock) Option {
	return func(c *Client) error { c.clock = clk; return nil }
}

// WithJitter replaces the random source of Await's jitter (values in [0,1)).
func WithJitter(f func() float64) Option {
	return func(c *Client) error { c.jitter = f; return nil }
}

// New returns a client for key. The base URL is DefaultBaseURL, or the value
// of MODELSLAB_BASE_URL, or what WithBaseURL says.
func New(key string, opts ...Option) (*Client, error) {
	c := &Client{
		key:    strings.TrimSpace(key),
		http:   &http.Client{Timeout: 2 * time.Minute},
		log:    slog.New(slog.DiscardHandler),
		clock:  RealClock{},
		jitter: randFloat,
		ua:     fmt.Sprintf("Vivify/%s (%s; %s)", Version, runtime.GOOS, runtime.GOARCH),
	}
	base := DefaultBaseURL
	if env := strings.TrimSpace(os.Getenv(BaseURLEnv)); env != "" {
		base = env
	}
	u, err := parseBase(base)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", BaseURLEnv, err)
	}
	c.base = u
	for _, o := range opts {
		if err := o(c); err != nil {
			return nil, err
		}
	}
	c.http.CheckRedirect = c.checkRedirect
	return c, nil
}

// BaseURL is the address the client talks to.
func (c *Client) BaseURL() string { return c.base.String() }

// UserAgent is the User-Agent header the client sends.
func (c *Client) UserAgent() string { return c.ua }

// HasKey reports whether the client holds a key.
func (c *Client) HasKey() bool { return c.key != "" }

func parseBase(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimRight(strings.TrimSpace(raw), "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("the service address %q must be an http:// or https:// address", raw)
	}
	return u, nil
}

// KeySafe reports whether the key may be sent to u: only over HTTPS, or over
// plain HTTP to this computer (the sandbox).
func KeySafe(u *url.URL) bool {
	if u == nil {
		return false
	}
	switch u.Scheme {
	case "https":
		return u.Host != ""
	case "http":
		return isLoopback(u.Hostname())
	}
	return false
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func (c *Client) checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= 10 {
		return errors.New("too many redirects")
	}
	// A POST carries the key in its body; 307 and 308 send it again.
	if req.Method == http.MethodPost && !KeySafe(req.URL) {
		return &Error{Kind: ErrInsecureURL, Op: "follow a redirect",
			Message: fmt.Sprintf("the service redirected to %s://%s, which is not encrypted", req.URL.Scheme, req.URL.Host)}
	}
	return nil
}

// redact removes the key from text that came from outside.
func (c *Client) redact(s string) string { return Redact(s, c.key) }

// redactBytes removes the key from an answer's raw bytes, in every form
// JSON can spell it: an answer that is JSON is decoded, every string in it
// (names of fields too) is cleaned, and it is encoded again, so an escape
// such as \u0073k-... cannot carry the key past the cleaning. Whatever is
// not JSON (a gateway's page) is cleaned as text.
func (c *Client) redactBytes(b []byte) []byte {
	if c.key == "" {
		return b
	}
	if clean, ok := c.redactJSON(b); ok {
		return clean
	}
	b = bytes.ReplaceAll(b, []byte(c.key), []byte(keyRemoved))
	// A key with a slash or a non-ASCII character may come back JSON-escaped.
	if esc, err := json.Marshal(c.key); err == nil {
		esc = esc[1 : len(esc)-1]
		if !bytes.Equal(esc, []byte(c.key)) {
			b = bytes.ReplaceAll(b, esc, []byte(keyRemoved))
		}
		if slashed := bytes.ReplaceAll(esc, []byte("/"), []byte(`\/`)); !bytes.Equal(slashed, esc) {
			b = bytes.ReplaceAll(b, slashed, []byte(keyRemoved))
		}
	}
	return b
}

const keyRemoved = "[key removed]"

// redactJSON decodes b as JSON, removes the key from every string and
// name, and encodes it again. Numbers keep their spelling.
func (c *Client) redactJSON(b []byte) ([]byte, bool) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil || dec.More() {
		return nil, false
	}
	var clean func(any) any
	clean = func(v any) any {
		switch t := v.(type) {
		case string:
			return c.redact(t)
		case []any:
			for i := range t {
				t[i] = clean(t[i])
			}
		case map[string]any:
			out := make(map[string]any, len(t))
			for k, x := range t {
				out[c.redact(k)] = clean(x)
			}
			return out
		}
		return v
	}
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(clean(v)); err != nil {
		return nil, false
	}
	return out.Bytes(), true
}

// Redact removes key from text that came from a server, in any spelling
// JSON or a link allows: as it is, JSON-escaped, or percent-escaped.
func Redact(s, key string) string {
	key = strings.TrimSpace(key)
	if key == "" {
		return s
	}
	s = strings.ReplaceAll(s, key, keyRemoved)
	if strings.ContainsAny(s, `\%`) {
		var dec string
		if json.Unmarshal([]byte(`"`+s+`"`), &dec) == nil && strings.Contains(dec, key) {
			s = strings.ReplaceAll(dec, key, keyRemoved)
		}
		if dec, err := url.PathUnescape(s); err == nil && strings.Contains(dec, key) {
			s = strings.ReplaceAll(dec, key, keyRemoved)
		}
	}
	return s
}

// keyOnly is the body of the calls that take nothing but the key.
func keyOnly(key string) any { return map[string]string{"key": key} }

// call POSTs the body that body(key) makes to path and decodes the answer. A
// non-nil *Response comes back only with a status of success or pending.
func (c *Client) call(ctx context.Context, op, path string, body func(key string) any) (*Response, error) {
	u := c.base.JoinPath(path)
	if !KeySafe(u) {
		return nil, &Error{Kind: ErrInsecureURL, Op: op, Unsent: true,
			Message: fmt.Sprintf("Vivify sends the API key only over https:// or to this computer, and %s://%s is neither", u.Scheme, u.Host)}
	}
	if c.key == "" {
		return nil, &Error{Kind: ErrInvalidKey, Op: op, Message: "no API key is set", Unsent: true}
	}
	payload, err := json.Marshal(body(c.key))
	if err != nil {
		return nil, &Error{Kind: ErrBadRequest, Op: op, Message: "the request could not be encoded", Err: err}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), bytes.NewReader(payload))
	if err != nil {
		return nil, &Error{Kind: ErrBadRequest, Op: op, Message: "the request could not be made", Err: err}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.ua)

	start := c.clock.Now()
	resp, err := c.http.Do(req)
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, ctxErr
		}
		var inner *Error
		if errors.As(err, &inner) {
			return nil, inner
		}
		c.log.Info("modelslab request failed", "op", op, "path", u.Path, "error", c.redact(err.Error()))
		var op2 *net.OpError
		unsent := errors.As(err, &op2) && op2.Op == "dial"
		return nil, &Error{Kind: ErrTransient, Op: op, Message: "could not reach the service", Unsent: unsent,
			Err: scrubbed{c.redact(err.Error())}}
	}
	defer resp.Body.Close()
	raw, readErr := io.ReadAll(io.LimitReader(resp.Body, maxAnswer+1))
	c.log.Debug("modelslab request", "op", op, "path", u.Path, "http", resp.StatusCode,
		"bytes", len(raw), "elapsed", c.clock.Now().Sub(start).Round(time.Millisecond))
	if readErr != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, ctxErr
		}
		return nil, &Error{Kind: ErrTransient, Op: op, HTTPStatus: resp.StatusCode,
			Message: "the connection broke before the answer was complete", Err: scrubbed{c.redact(readErr.Error())}}
	}
	if len(raw) > maxAnswer {
		return nil, &Error{Kind: ErrTransient, Op: op, HTTPStatus: resp.StatusCode, Message: "the server's answer was far too long"}
	}
	r, decErr := DecodeResponse(c.redactBytes(raw))
	if decErr != nil {
		e := &Error{Kind: ErrTransient, Op: op, HTTPStatus: resp.StatusCode, Message: decErr.Error(), Err: decErr}
		switch resp.StatusCode {
		case http.StatusTooManyRequests:
			e.Kind, e.RetryAfter = ErrRateLimited, retryAfterHeader(resp.Header)
		case http.StatusUnauthorized:
			e.Kind = ErrInvalidKey
		case http.StatusPaymentRequired:
			e.Kind = ErrInsufficientCredits
		}
		return nil, e
	}
	r.Status, r.Message, r.Tip = c.redact(r.Status), c.redact(r.Message), c.redact(r.Tip)
	for i := range r.FieldErrors {
		r.FieldErrors[i].Message = c.redact(r.FieldErrors[i].Message)
	}
	if r.IsSuccess() || r.IsPending() {
		return r, nil
	}
	e := classify(op, resp.StatusCode, r)
	if e.Kind == ErrRateLimited || e.Kind == ErrQueueFull {
		if h := retryAfterHeader(resp.Header); h > 0 && r.RetryAfter <= 0 {
			e.RetryAfter = h
		}
	}
	return nil, e
}

// scrubbed is an underlying error reduced to its (already redacted) text, so
// that no wrapped value can carry the key.
type scrubbed struct{ msg string }

func (s scrubbed) Error() string { return s.msg }

func retryAfterHeader(h http.Header) time.Duration {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0
	}
	var secs int
	if _, err := fmt.Sscanf(v, "%d", &secs); err == nil && secs > 0 {
		return time.Duration(secs) * time.Second
	}
	return 0
}

// Submit sends a request to make a video. The request is validated first; an
// invalid one is never sent. The answer is success (the video is ready),
// or processing with the id to Await.
//
// Submit does not retry: a request whose answer was lost may still have been
// accepted and charged, and only the caller can decide to send it again.
func (c *Client) Submit(ctx context.Context, r Request) (*Response, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	resp, err := c.call(ctx, "submit", r.Family.SubmitPath(), func(key string) any { return r.body(key) })
	if err != nil {
		return nil, err
	}
	if resp.IsPending() && resp.ID == "" {
		return nil, &Error{Kind: ErrTransient, Op: "submit", Status: resp.Status,
			Message: "the server accepted the request but gave no id to follow it"}
	}
	return resp, nil
}

// Fetch asks for the state of a request to the seed endpoint by its id.
func (c *Client) Fetch(ctx context.Context, id string) (*Response, error) {
	return c.FetchIn(ctx, FamilySeed, id)
}

// FetchIn asks for the state of a request of family f by its id: at
// v6/video/fetch, or v7/video-fusion/fetch for the premium models. A v7
// fetch that the server does not know is tried once on the v6 path, as
// public integrations of the premium endpoint do.
func (c *Client) FetchIn(ctx context.Context, f Family, id string) (*Response, error) {
	id = strings.TrimSpace(id)
	if id == "" {
		return nil, &Error{Kind: ErrNotFound, Op: "fetch", Message: "no request id"}
	}
	resp, err := c.call(ctx, "fetch "+id, f.FetchPath()+url.PathEscape(id), keyOnly)
	if err != nil && f.Or() == FamilyPremium && errors.Is(err, ErrNotFound) {
		if r6, err6 := c.call(ctx, "fetch "+id, FamilySeed.FetchPath()+url.PathEscape(id), keyOnly); err6 == nil {
			resp, err = r6, nil
		}
	}
	if err != nil {
		return nil, err
	}
	if resp.ID == "" {
		resp.ID = id
	}
	return resp, nil
}

// Balance returns the account's balance. It is the cheapest call that proves
// a key works: a bad key gets ErrInvalidKey.
func (c *Client) Balance(ctx context.Context) (*Balance, error) {
	resp, err := c.call(ctx, "check the balance", "/api/wallet_balance", keyOnly)
	if err != nil {
		return nil, err
	}
	if resp.Balance == nil {
		return nil, &Error{Kind: ErrTransient, Op: "check the balance", Status: resp.Status,
			Message: "the server's answer held no balance"}
	}
	return resp.Balance, nil
}
