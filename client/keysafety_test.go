package client_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"vivify/client"
	"vivify/client/sandbox"
)

// countingTransport counts the requests that reach the network.
type countingTransport struct{ n atomic.Int32 }

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return http.DefaultTransport.RoundTrip(r)
}

func TestKeySafeURLs(t *testing.T) {
	for raw, want := range map[string]bool{
		"https://modelslab.com/api":    true,
		"http://127.0.0.1:8080/api":    true,
		"http://127.5.6.7/api":         true,
		"http://localhost:1/api":       true,
		"http://app.localhost/api":     true,
		"http://[::1]:9/api":           true,
		"http://modelslab.com/api":     false,
		"http://10.0.0.1/api":          false,
		"http://192.168.1.20/api":      false,
		"http://localhost.evil.com/":   false,
		"http://127.0.0.1.nip.io/":     false,
		"ftp://127.0.0.1/":             false,
		"https:///nohost":              false,
		"http://[::ffff:10.0.0.1]:80/": false,
	} {
		u, _ := url.Parse(raw)
		if got := client.KeySafe(u); got != want {
			t.Errorf("KeySafe(%s) = %v, want %v", raw, got, want)
		}
	}
}

// The key is refused for a plain-http address that is not this computer:
// nothing is sent, not even a connection attempt.
func TestKeyRefusedOverPlainHTTP(t *testing.T) {
	for _, base := range []string{"http://api.vivify-test.example", "http://10.1.2.3:8080", "http://192.168.0.7"} {
		tr := &countingTransport{}
		c, err := client.New(testKey, client.WithBaseURL(base), client.WithHTTPClient(&http.Client{Transport: tr}))
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		path := writeFile(t, "a.png", pngBytes(t, testImage(10, 10)))
		calls := map[string]func() error{
			"balance": func() error { _, err := c.Balance(ctx); return err },
			"submit":  func() error { _, err := c.Submit(ctx, smallRequest("https://example.com/a.png")); return err },
			"fetch":   func() error { _, err := c.Fetch(ctx, "146"); return err },
			"upload":  func() error { _, _, err := c.Upload(ctx, path); return err },
			"await": func() error {
				_, err := c.Await(ctx, "146", client.AwaitOptions{MaxWait: time.Millisecond})
				return err
			},
		}
		for name, call := range calls {
			err := call()
			if name == "await" {
				// Await gives up at its bound before its first fetch, or is
				// refused at it: either way nothing is sent.
				if err == nil {
					t.Errorf("%s %s: no error", base, name)
				}
				continue
			}
			if !errors.Is(err, client.ErrInsecureURL) {
				t.Errorf("%s %s: got %v", base, name, err)
			}
			if err != nil && strings.Contains(err.Error(), testKey) {
				t.Errorf("%s %s: the key is in the error", base, name)
			}
		}
		if n := tr.n.Load(); n != 0 {
			t.Errorf("%s: %d requests went out", base, n)
		}
	}
}

// A redirect from the (loopback) service to a plain-http address is not
// followed with the key.
func TestKeyNotSentAlongARedirect(t *testing.T) {
	for _, code := range []int{http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
		hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "http://api.vivify-test.example/steal", code)
		}))
		tr := &countingTransport{}
		c, _ := client.New(testKey, client.WithBaseURL(hs.URL), client.WithHTTPClient(&http.Client{Transport: tr}))
		_, err := c.Balance(context.Background())
		hs.Close()
		if !errors.Is(err, client.ErrInsecureURL) {
			t.Errorf("%d: got %v", code, err)
		}
		if n := tr.n.Load(); n != 1 {
			t.Errorf("%d: %d requests went out; only the first should", code, n)
		}
	}
}

// hostileServer repeats everything it was sent (key included) in every place
// an answer can hold text, in turn.
func hostileServer(t *testing.T) *httptest.Server {
	var turn atomic.Int32
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var sent map[string]any
		json.Unmarshal(body, &sent)
		key, _ := sent["key"].(string)
		quoted, _ := json.Marshal(string(body))
		switch turn.Add(1) % 9 {
		case 0:
			fmt.Fprintf(w, `{"status":"error","message":"Invalid Api Key %s","tip":"you sent %s"}`, key, quoted[1:len(quoted)-1])
		case 1:
			fmt.Fprintf(w, `{"status":"error","messege":%s,"tips":"%s"}`, quoted, key)
		case 2:
			fmt.Fprintf(w, `{"status":"error","message":{"key":["The key %s is wrong."],"width":["%s"]}}`, key, key)
		case 3:
			w.WriteHeader(502)
			fmt.Fprintf(w, `<html><body>Bad gateway for key=%s</body></html>`, key)
		case 4:
			w.WriteHeader(429)
			fmt.Fprintf(w, `{"status":"error","message":"Rate limit exceeded for %s","retry_after":1}`, key)
		case 5:
			fmt.Fprintf(w, `{"status":"failed","id":"","message":"Failed for %s","output":"","tip":"%s"}`, key, key)
		case 6:
			esc := strings.ReplaceAll(key, "-", `\u002d`)
			fmt.Fprintf(w, `{"status":"mystery %s","tip":"%s"}`, esc, esc)
		case 7:
			fmt.Fprintf(w, `{"status":"error","message":"%s`, key) // cut off
		default:
			fmt.Fprintf(w, `{"status":"error","message":"Request not found: %s"}`, key)
		}
	}))
	t.Cleanup(hs.Close)
	return hs
}

// The key never appears in an error or a log line, whatever the server says.
func TestKeyNeverInErrorsOrLogs(t *testing.T) {
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	var errs []error
	collect := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	ctx := context.Background()
	path := writeFile(t, "a.png", pngBytes(t, testImage(40, 30)))

	hs := hostileServer(t)
	c, _ := client.New(testKey, client.WithBaseURL(hs.URL), client.WithLogger(logger), client.WithClock(shortSleeps{}))
	for range 3 {
		_, err := c.Balance(ctx)
		collect(err)
		_, err = c.Submit(ctx, smallRequest("https://example.com/a.png"))
		collect(err)
		_, err = c.Fetch(ctx, "1")
		collect(err)
		_, _, err = c.Upload(ctx, path)
		collect(err)
		_, err = c.Await(ctx, "1", client.AwaitOptions{})
		collect(err)
	}

	// The sandbox, repeating the key in its messages, through every fault.
	srv, _ := pair(t)
	srv.SetQuirks(sandbox.Quirks{EchoKey: true, HTTPStatusCodes: true, Messege: true})
	sc, _ := client.New(testKey, client.WithBaseURL(srv.URL), client.WithLogger(logger), client.WithClock(shortSleeps{}))
	faults := []sandbox.Fault{
		{Kind: sandbox.InvalidKey}, {Kind: sandbox.NoCredits}, {Kind: sandbox.ServerError}, {Kind: sandbox.GatewayHTML},
		{Kind: sandbox.RateLimit}, {Kind: sandbox.DropConnection}, {Kind: sandbox.TruncateBody}, {Kind: sandbox.FailGeneration},
	}
	for _, f := range faults {
		srv.ClearFaults()
		srv.Inject(f)
		_, err := sc.Balance(ctx)
		collect(err)
		r, err := sc.Submit(ctx, smallRequest(imageServer(t)))
		collect(err)
		if r != nil {
			_, err = sc.Await(ctx, r.ID, client.AwaitOptions{MaxWait: 2 * time.Second})
			collect(err)
		}
		_, err = sc.Fetch(ctx, "424242")
		collect(err)
		_, err = sc.Download(ctx, []string{srv.URL + "/files/video_generations/none.gif"}, filepath.Join(t.TempDir(), "x.gif"),
			client.DownloadOptions{LinkWindow: 50 * time.Millisecond})
		collect(err)
	}
	srv.ClearFaults()
	r := smallRequest("not a url")
	r.Width = 9999
	_, err := sc.SubmitUnchecked(ctx, r)
	collect(err)

	if len(errs) < 30 {
		t.Fatalf("only %d errors were provoked; the test is not testing", len(errs))
	}
	for _, err := range errs {
		for _, text := range []string{err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err)} {
			if strings.Contains(text, testKey) {
				t.Errorf("the key is in an error: %s", text)
			}
		}
		var e *client.Error
		if errors.As(err, &e) {
			for _, f := range e.Fields {
				if strings.Contains(f.Message, testKey) {
					t.Errorf("the key is in a field error: %s", f.Message)
				}
			}
			if strings.Contains(e.Tip, testKey) || strings.Contains(e.Message, testKey) {
				t.Errorf("the key is in the server's words: %q %q", e.Message, e.Tip)
			}
		}
	}
	if logs.Len() == 0 {
		t.Fatal("nothing was logged; the log check is not testing")
	}
	if strings.Contains(logs.String(), testKey) {
		t.Errorf("the key is in the log:\n%s", logs.String())
	}
	// And the hostile server really did send it back.
	if !strings.Contains(errsText(errs), "[key removed]") {
		t.Error("no redaction happened; the hostile server did not echo the key")
	}
}

func errsText(errs []error) string {
	var b strings.Builder
	for _, e := range errs {
		b.WriteString(e.Error())
		var ce *client.Error
		if errors.As(e, &ce) {
			b.WriteString(ce.Tip)
		}
	}
	return b.String()
}

// A request that could not even connect is marked unsent: sending it again
// cannot charge twice. One whose answer was lost is not.
func TestUnsentIsCertain(t *testing.T) {
	hs := httptest.NewServer(http.NotFoundHandler())
	dead := hs.URL
	hs.Close() // nothing listens there now
	c, _ := client.New(testKey, client.WithBaseURL(dead))
	_, err := c.Balance(context.Background())
	if !errors.Is(err, client.ErrTransient) || !client.Unsent(err) {
		t.Fatalf("refused connection: %v, unsent %v", err, client.Unsent(err))
	}
	srv, sc := pair(t)
	srv.Inject(sandbox.Fault{Kind: sandbox.DropConnection, AfterProcessing: true, Endpoint: sandbox.EndpointSubmit})
	_, err = sc.Submit(context.Background(), smallRequest(imageServer(t)))
	if err == nil || client.Unsent(err) {
		t.Fatalf("lost answer: %v, unsent %v", err, client.Unsent(err))
	}
	if r := smallRequest(""); !client.Unsent(r.Validate()) {
		t.Fatal("an invalid request is not marked unsent")
	}
}

// escapeAll writes every character of s as a JSON \u escape.
func escapeAll(s string) string {
	var b strings.Builder
	for _, r := range s {
		fmt.Fprintf(&b, `\u%04x`, r)
	}
	return b.String()
}

// A server that echoes the key JSON-escaped (\u0073k-...), in any field,
// success or failure, reaches neither the Response nor an error.
func TestKeyEscapedInAnyFieldIsRemoved(t *testing.T) {
	var turn atomic.Int32
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		esc := escapeAll(testKey)
		half := escapeAll(testKey[:1]) + testKey[1:] // \u0073k-...
		switch turn.Add(1) % 3 {
		case 1:
			fmt.Fprintf(w, `{"status":"processing","id":"%s","eta":5,"future_links":["https://cdn.example/%s.gif"],`+
				`"meta":{"model_id":"%s","track_id":"%s","init_image":"%s","unknown":"%s"},"odd":{"%s":["%s"]}}`,
				half, esc, esc, half, esc, half, esc, half)
		case 2:
			fmt.Fprintf(w, `{"status":"success","id":146,"output":["https://cdn.example/%s.gif"],"meta":{"model_id":"%s"}}`, half, half)
		default:
			fmt.Fprintf(w, `{"status":"error","id":"%s","message":"bad %s","meta":{"model_id":"%s"}}`, half, esc, half)
		}
	}))
	t.Cleanup(hs.Close)
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c, _ := client.New(testKey, client.WithBaseURL(hs.URL), client.WithLogger(logger))
	ctx := context.Background()
	var seen []string
	for range 6 {
		r, err := c.Fetch(ctx, "146")
		if err != nil {
			seen = append(seen, err.Error(), fmt.Sprintf("%#v", err))
		}
		if r != nil {
			seen = append(seen, fmt.Sprintf("%#v %#v", *r, r.Meta), r.ID, r.Meta.ModelID, r.Meta.TrackID, r.Meta.InitImage)
			seen = append(seen, r.Links()...)
			for k, v := range r.Extra {
				seen = append(seen, k, string(v))
			}
			for k, v := range r.Meta.Extra {
				seen = append(seen, k, string(v))
			}
		}
	}
	seen = append(seen, logs.String())
	all := strings.Join(seen, "\n")
	if !strings.Contains(all, "[key removed]") {
		t.Fatal("nothing was removed: the server did not echo the key")
	}
	for _, form := range []string{testKey, testKey[1:], escapeAll(testKey)} {
		if strings.Contains(all, form) {
			t.Errorf("the key (as %q) reached the caller:\n%s", form, all)
		}
	}
}

func TestRedactEverySpelling(t *testing.T) {
	key := "sk-Ab/9+x"
	for _, in := range []string{
		"id " + key,
		`\u0073k-Ab\/9+x`,
		"https://cdn.example/v.gif?k=%73k-Ab%2F9%2Bx",
	} {
		out := client.Redact(in, key)
		if !strings.Contains(out, "[key removed]") || strings.Contains(out, key) || strings.Contains(out, "Ab") {
			t.Errorf("Redact(%q) = %q", in, out)
		}
	}
	if got := client.Redact("nothing here", key); got != "nothing here" {
		t.Errorf("clean text changed: %q", got)
	}
}
