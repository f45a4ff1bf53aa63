package client_test

import (
	"bytes"
	"context"
	"errors"
	"image/gif"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"vivify/client"
	"vivify/client/sandbox"
)

// The whole path: a local image is prepared and uploaded, the job submitted,
// followed and downloaded, and the GIF has what was asked for.
func TestWholePathFromLocalFile(t *testing.T) {
	srv, c := pair(t)
	ctx := context.Background()
	path := writeFile(t, "photo.png", pngBytes(t, testImage(1200, 800)))

	link, prep, err := c.Upload(ctx, path)
	if err != nil {
		t.Fatalf("upload: %v", err)
	}
	if prep.Width != 512 || prep.Height != 341 || prep.SourceWidth != 1200 {
		t.Errorf("prepared %dx%d from %dx%d", prep.Width, prep.Height, prep.SourceWidth, prep.SourceHeight)
	}
	req := smallRequest(link)
	req.Prompt = "waves rolling in"
	resp, err := c.Submit(ctx, req)
	if err != nil {
		t.Fatalf("submit: %v", err)
	}
	if !resp.IsPending() || resp.ID == "" || resp.ETA <= 0 || resp.Meta.Seed == nil || resp.Meta.ModelID != "wan2.2" {
		t.Fatalf("submit answer: %+v", resp)
	}
	done, err := c.Await(ctx, resp.ID, client.AwaitOptions{ETA: resp.ETA})
	if err != nil {
		t.Fatalf("await: %v", err)
	}
	dest := filepath.Join(t.TempDir(), "out.gif")
	var last int64
	from, err := c.Download(ctx, done.Links(), dest, client.DownloadOptions{OnProgress: func(n, total int64) {
		if n < last {
			t.Errorf("progress went back: %d after %d", n, last)
		}
		last = n
	}})
	if err != nil {
		t.Fatalf("download: %v", err)
	}
	if from != done.Output[0] {
		t.Errorf("downloaded from %s, not the first link", from)
	}
	f, err := os.Open(dest)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, _ := f.Stat()
	if runtime.GOOS != "windows" && st.Mode().Perm() != 0o644 {
		t.Errorf("the video's permissions are %v, want -rw-r--r--", st.Mode().Perm())
	}
	if last != st.Size() {
		t.Errorf("progress ended at %d of %d bytes", last, st.Size())
	}
	g, err := gif.DecodeAll(f)
	if err != nil {
		t.Fatalf("output is not a GIF: %v", err)
	}
	if len(g.Image) != 4 || g.Config.Width != 96 || g.Config.Height != 64 || g.Delay[0] != 13 {
		t.Errorf("GIF: %d frames, %dx%d, delay %d", len(g.Image), g.Config.Width, g.Config.Height, g.Delay[0])
	}
	subs := srv.Submissions()
	if len(subs) != 1 || subs[0].Prompt != "waves rolling in" || subs[0].InitImage != link {
		t.Errorf("sandbox saw %+v", subs)
	}
}

func TestSubmitWithoutInstantResponseCanAnswerSuccess(t *testing.T) {
	_, c := pair(t, sandbox.WithJobDuration(100*time.Millisecond), sandbox.WithHoldFor(2*time.Second))
	req := smallRequest(imageServer(t))
	req.InstantResponse = false
	resp, err := c.Submit(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if !resp.IsSuccess() || len(resp.Links()) == 0 || resp.GenerationTime <= 0 || resp.Meta.Seed == nil {
		t.Fatalf("want success within the hold, got %+v", resp)
	}
}

func TestSubmitOfAnInvalidRequestSendsNothing(t *testing.T) {
	srv, c := pair(t)
	req := smallRequest("")
	req.Width = 9000
	_, err := c.Submit(context.Background(), req)
	if !errors.Is(err, client.ErrValidation) {
		t.Fatalf("got %v", err)
	}
	if n := srv.Requests(sandbox.EndpointAny); n != 0 {
		t.Fatalf("%d requests reached the server", n)
	}
}

// The sandbox validates as the service does; its validation error comes back
// as ErrValidation with the fields.
func TestServerValidationComesBackAsFields(t *testing.T) {
	_, c := pair(t)
	req := smallRequest("not a url")
	req.Width, req.FPS = 700, 40
	_, err := c.SubmitUnchecked(context.Background(), req)
	var e *client.Error
	if !errors.As(err, &e) || e.Kind != client.ErrValidation {
		t.Fatalf("got %v", err)
	}
	fields := map[string]string{}
	for _, f := range e.Fields {
		fields[f.Field] = f.Message
	}
	if fields["width"] != "The width may not be greater than 512." || fields["fps"] == "" || fields["init_image"] == "" {
		t.Fatalf("fields: %+v", e.Fields)
	}
}

func TestErrorKindsAgainstTheSandbox(t *testing.T) {
	img := imageServer(t)
	ctx := context.Background()
	cases := []struct {
		name  string
		setup func(*sandbox.Server)
		call  func(*client.Client) error
		want  error
		check func(*testing.T, *client.Error)
	}{
		{"invalid key", func(s *sandbox.Server) { s.Inject(sandbox.Fault{Kind: sandbox.InvalidKey}) },
			func(c *client.Client) error { _, err := c.Balance(ctx); return err }, client.ErrInvalidKey, nil},
		{"invalid key with HTTP 401", func(s *sandbox.Server) {
			s.SetQuirks(sandbox.Quirks{HTTPStatusCodes: true})
			s.Inject(sandbox.Fault{Kind: sandbox.InvalidKey})
		}, func(c *client.Client) error { _, err := c.Submit(ctx, smallRequest(img)); return err }, client.ErrInvalidKey,
			func(t *testing.T, e *client.Error) {
				if e.HTTPStatus != 401 {
					t.Errorf("http %d", e.HTTPStatus)
				}
			}},
		{"no credits", func(s *sandbox.Server) { s.SetBalance(0.1) },
			func(c *client.Client) error { _, err := c.Submit(ctx, smallRequest(img)); return err }, client.ErrInsufficientCredits, nil},
		{"no credits fault", func(s *sandbox.Server) {
			s.Inject(sandbox.Fault{Kind: sandbox.NoCredits, Endpoint: sandbox.EndpointSubmit})
		},
			func(c *client.Client) error { _, err := c.Submit(ctx, smallRequest(img)); return err }, client.ErrInsufficientCredits, nil},
		{"rate limited 429", func(s *sandbox.Server) {
			s.Inject(sandbox.Fault{Kind: sandbox.RateLimit, Delay: 12 * time.Second, Times: 1})
		},
			func(c *client.Client) error { _, err := c.Submit(ctx, smallRequest(img)); return err }, client.ErrRateLimited,
			func(t *testing.T, e *client.Error) {
				if e.RetryAfter != 12*time.Second || e.HTTPStatus != 429 || !e.Temporary() {
					t.Errorf("%+v", e)
				}
			}},
		{"not found", nil,
			func(c *client.Client) error { _, err := c.Fetch(ctx, "999999"); return err }, client.ErrNotFound, nil},
		{"generation failed", func(s *sandbox.Server) { s.Inject(sandbox.Fault{Kind: sandbox.FailGeneration, Times: 1}) },
			func(c *client.Client) error {
				r, err := c.Submit(ctx, smallRequest(img))
				if err != nil {
					return err
				}
				_, err = c.Await(ctx, r.ID, client.AwaitOptions{})
				return err
			}, client.ErrGenerationFailed, nil},
		{"init image unreachable fails the job", nil,
			func(c *client.Client) error {
				r, err := c.Submit(ctx, smallRequest(img+".missing"))
				if err != nil {
					return err
				}
				_, err = c.Await(ctx, r.ID, client.AwaitOptions{})
				return err
			}, client.ErrGenerationFailed, func(t *testing.T, e *client.Error) {
				if !strings.Contains(e.Tip, "HTTP 404") {
					t.Errorf("tip %q does not say why", e.Tip)
				}
			}},
		{"server error", func(s *sandbox.Server) { s.Inject(sandbox.Fault{Kind: sandbox.ServerError, Status: 503}) },
			func(c *client.Client) error { _, err := c.Balance(ctx); return err }, client.ErrTransient, nil},
		{"gateway page", func(s *sandbox.Server) { s.Inject(sandbox.Fault{Kind: sandbox.GatewayHTML, Status: 524}) },
			func(c *client.Client) error { _, err := c.Balance(ctx); return err }, client.ErrTransient,
			func(t *testing.T, e *client.Error) {
				if e.HTTPStatus != 524 || !strings.Contains(e.Error(), "web page") {
					t.Errorf("%v", e)
				}
			}},
		{"dropped connection", func(s *sandbox.Server) { s.Inject(sandbox.Fault{Kind: sandbox.DropConnection}) },
			func(c *client.Client) error { _, err := c.Balance(ctx); return err }, client.ErrTransient, nil},
		{"truncated body", func(s *sandbox.Server) { s.Inject(sandbox.Fault{Kind: sandbox.TruncateBody}) },
			func(c *client.Client) error { _, err := c.Balance(ctx); return err }, client.ErrTransient, nil},
		{"strict model", func(s *sandbox.Server) { s.SetQuirks(sandbox.Quirks{StrictModels: true}) },
			func(c *client.Client) error {
				r := smallRequest(img)
				r.ModelID = "my-own-model"
				_, err := c.Submit(ctx, r)
				return err
			}, client.ErrValidation, func(t *testing.T, e *client.Error) {
				if len(e.Fields) != 1 || e.Fields[0].Field != "model_id" {
					t.Errorf("%+v", e.Fields)
				}
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv, c := pair(t)
			if tc.setup != nil {
				tc.setup(srv)
			}
			err := tc.call(c)
			if !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
			var e *client.Error
			if !errors.As(err, &e) {
				t.Fatalf("%T is not a *client.Error", err)
			}
			if e.Advice() == "" || e.Error() == "" {
				t.Error("no words for the user")
			}
			if tc.check != nil {
				tc.check(t, e)
			}
		})
	}
}

func TestQueueLimitAndSpamFilter(t *testing.T) {
	img := imageServer(t)
	ctx := context.Background()
	t.Run("queue of five", func(t *testing.T) {
		_, c := pair(t, sandbox.WithJobDuration(time.Minute))
		for i := range 5 {
			r := smallRequest(img)
			r.Prompt = strings.Repeat("x", i+1)
			if _, err := c.Submit(ctx, r); err != nil {
				t.Fatalf("job %d: %v", i+1, err)
			}
		}
		_, err := c.Submit(ctx, smallRequest(img))
		var e *client.Error
		if !errors.As(err, &e) || !errors.Is(err, client.ErrQueueFull) || !errors.Is(err, client.ErrRateLimited) || e.RetryAfter != 30*time.Second {
			t.Fatalf("sixth job: %v", err)
		}
	})
	t.Run("same request twice", func(t *testing.T) {
		_, c := pair(t, sandbox.WithSpamWindow(30*time.Second))
		if _, err := c.Submit(ctx, smallRequest(img)); err != nil {
			t.Fatal(err)
		}
		_, err := c.Submit(ctx, smallRequest(img))
		var e *client.Error
		if !errors.As(err, &e) || e.Kind != client.ErrRateLimited || e.RetryAfter < 25*time.Second || e.RetryAfter > 30*time.Second {
			t.Fatalf("repeat: %v (%+v)", err, e)
		}
		other := smallRequest(img)
		other.Prompt = "something else"
		if _, err := c.Submit(ctx, other); err != nil {
			t.Fatalf("a different request was refused: %v", err)
		}
	})
}

func TestSlowAndHangingAnswers(t *testing.T) {
	srv, c := pair(t)
	srv.Inject(sandbox.Fault{Kind: sandbox.Slow, Delay: 300 * time.Millisecond, Times: 1})
	start := time.Now()
	if _, err := c.Balance(context.Background()); err != nil {
		t.Fatalf("slow answer: %v", err)
	}
	if time.Since(start) < 300*time.Millisecond {
		t.Error("the slow fault did not slow")
	}
	srv.Inject(sandbox.Fault{Kind: sandbox.Hang, Times: 1})
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start = time.Now()
	_, err := c.Balance(ctx)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("hang: %v", err)
	}
	if time.Since(start) > 3*time.Second {
		t.Error("the client did not stop at its deadline")
	}
	// An HTTP client timeout (no context deadline) is a transient fault.
	srv.Inject(sandbox.Fault{Kind: sandbox.Hang, Times: 1})
	c2, _ := client.New(testKey, client.WithBaseURL(srv.URL), client.WithHTTPClient(&http.Client{Timeout: 200 * time.Millisecond}))
	if _, err := c2.Balance(context.Background()); !errors.Is(err, client.ErrTransient) {
		t.Fatalf("timeout: %v", err)
	}
}

// Await rides out passing faults, and every quirk of section 3 at once.
func TestAwaitThroughFaultsAndQuirks(t *testing.T) {
	srv, c := pair(t)
	srv.SetQuirks(sandbox.Quirks{
		StringIDs: true, EmptyOutputString: true, Messege: true, IntegerETA: true, EscapedSlashes: true,
		ExtraFields: true, StringNumbers: true, SuccessNoLinksOnce: true, HTTPStatusCodes: true,
	})
	ctx := context.Background()
	resp, err := c.Submit(ctx, smallRequest(imageServer(t)))
	if err != nil {
		t.Fatal(err)
	}
	if resp.Meta.Seed == nil || resp.Meta.Width != 96 || resp.ID == "" {
		t.Fatalf("quirky submit answer: %+v", resp)
	}
	srv.Inject(sandbox.Fault{Kind: sandbox.GatewayHTML, Endpoint: sandbox.EndpointFetch, Times: 1})
	srv.Inject(sandbox.Fault{Kind: sandbox.DropConnection, Endpoint: sandbox.EndpointFetch, Times: 1})
	done, err := c.Await(ctx, resp.ID, client.AwaitOptions{})
	if err != nil {
		t.Fatalf("await: %v", err)
	}
	if len(done.Links()) == 0 {
		t.Fatal("no links")
	}
	if _, err := c.Download(ctx, done.Links(), filepath.Join(t.TempDir(), "a.gif"), client.DownloadOptions{}); err != nil {
		t.Fatalf("download: %v", err)
	}
}

func TestAwaitStopsAtOnceWhenCancelled(t *testing.T) {
	_, c := pair(t, sandbox.WithJobDuration(time.Hour))
	resp, err := c.Submit(context.Background(), smallRequest(imageServer(t)))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(100 * time.Millisecond); cancel() }()
	start := time.Now()
	_, err = c.Await(ctx, resp.ID, client.AwaitOptions{ETA: resp.ETA})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Fatalf("took %v to stop", d)
	}
}

func TestAwaitGivesUpAtItsBound(t *testing.T) {
	clk := client.NewFakeClock(time.Now())
	srv, _ := pair(t, sandbox.WithJobDuration(2*time.Hour), sandbox.WithClock(clk))
	c, _ := client.New(testKey, client.WithBaseURL(srv.URL), client.WithClock(clk))
	resp, err := c.Submit(context.Background(), smallRequest(imageServer(t)))
	if err != nil {
		t.Fatal(err)
	}
	start := clk.Now()
	_, err = c.Await(context.Background(), resp.ID, client.AwaitOptions{MaxWait: 10 * time.Minute})
	if !errors.Is(err, client.ErrStillProcessing) {
		t.Fatalf("got %v", err)
	}
	if waited := clk.Now().Sub(start); waited != 10*time.Minute {
		t.Fatalf("waited %v on the fake clock", waited)
	}
}

// A finished job is noticed within max(5 s, 10% of its time), and a rate
// limit on fetch is honoured.
func TestAwaitNoticesWithinTheBound(t *testing.T) {
	for _, d := range []time.Duration{2 * time.Second, 10 * time.Second, 37 * time.Second, 60 * time.Second, 600 * time.Second, 3000 * time.Second} {
		t.Run(d.String(), func(t *testing.T) {
			clk := client.NewFakeClock(time.Now())
			srv, _ := pair(t, sandbox.WithJobDuration(d), sandbox.WithClock(clk))
			c, _ := client.New(testKey, client.WithBaseURL(srv.URL), client.WithClock(clk))
			start := clk.Now()
			resp, err := c.Submit(context.Background(), smallRequest(imageServer(t)))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := c.Await(context.Background(), resp.ID, client.AwaitOptions{Submitted: start, ETA: resp.ETA}); err != nil {
				t.Fatal(err)
			}
			late := clk.Now().Sub(start) - d
			bound := max(5*time.Second, d/10)
			if late < 0 || late > bound {
				t.Fatalf("noticed %v after the end; the bound is %v", late, bound)
			}
			t.Logf("%v job: %d fetches, noticed %v late", d, srv.Requests(sandbox.EndpointFetch), late.Round(time.Millisecond))
		})
	}
	t.Run("rate limit honoured", func(t *testing.T) {
		clk := client.NewFakeClock(time.Now())
		srv, _ := pair(t, sandbox.WithJobDuration(time.Second), sandbox.WithClock(clk))
		c, _ := client.New(testKey, client.WithBaseURL(srv.URL), client.WithClock(clk))
		start := clk.Now()
		resp, err := c.Submit(context.Background(), smallRequest(imageServer(t)))
		if err != nil {
			t.Fatal(err)
		}
		srv.Inject(sandbox.Fault{Kind: sandbox.RateLimit, Endpoint: sandbox.EndpointFetch, Delay: 40 * time.Second, Times: 1})
		if _, err := c.Await(context.Background(), resp.ID, client.AwaitOptions{Submitted: start}); err != nil {
			t.Fatal(err)
		}
		if waited := clk.Now().Sub(start); waited < 40*time.Second {
			t.Fatalf("retry_after of 40 s not honoured: done after %v", waited)
		}
		if n := srv.Requests(sandbox.EndpointFetch); n != 2 {
			t.Fatalf("%d fetches; want the limited one and one after the wait", n)
		}
	})
}

func TestDownload(t *testing.T) {
	ctx := context.Background()
	run := func(t *testing.T, _ *sandbox.Server, c *client.Client) (*client.Response, string) {
		t.Helper()
		resp, err := c.Submit(ctx, smallRequest(imageServer(t)))
		if err != nil {
			t.Fatal(err)
		}
		done, err := c.Await(ctx, resp.ID, client.AwaitOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return done, filepath.Join(t.TempDir(), "out.gif")
	}
	noPartFiles := func(t *testing.T, dest string) {
		t.Helper()
		left, _ := filepath.Glob(filepath.Join(filepath.Dir(dest), ".*part*"))
		if len(left) > 0 {
			t.Errorf("temporary files left: %v", left)
		}
	}
	t.Run("links that 404 then appear", func(t *testing.T) {
		srv, c := pair(t)
		srv.SetQuirks(sandbox.Quirks{LinkDelay: 1500 * time.Millisecond})
		done, dest := run(t, srv, c)
		if _, err := c.Download(ctx, done.Links(), dest, client.DownloadOptions{LinkWindow: 20 * time.Second}); err != nil {
			t.Fatal(err)
		}
		noPartFiles(t, dest)
	})
	t.Run("links that 403 past the window", func(t *testing.T) {
		srv, c := pair(t)
		srv.SetQuirks(sandbox.Quirks{LinkDelay: time.Hour, LinkDelay403: true})
		done, dest := run(t, srv, c)
		_, err := c.Download(ctx, done.Links(), dest, client.DownloadOptions{LinkWindow: 1500 * time.Millisecond})
		var e *client.Error
		if !errors.As(err, &e) || e.Kind != client.ErrNotFound || e.HTTPStatus != 403 {
			t.Fatalf("got %v", err)
		}
		if _, err := os.Stat(dest); !os.IsNotExist(err) {
			t.Fatal("a file was left at the destination")
		}
		noPartFiles(t, dest)
	})
	t.Run("success with the link only in future_links", func(t *testing.T) {
		srv, c := pair(t)
		srv.SetQuirks(sandbox.Quirks{SuccessEmptyOutput: true})
		done, dest := run(t, srv, c)
		if len(done.Output) != 0 || len(done.FutureLinks) != 1 {
			t.Fatalf("%+v", done)
		}
		if _, err := c.Download(ctx, done.Links(), dest, client.DownloadOptions{}); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("falls back to the proxy link", func(t *testing.T) {
		srv, c := pair(t)
		done, dest := run(t, srv, c)
		links := append([]string{srv.URL + "/files/video_generations/missing.gif"}, done.Links()...)
		from, err := c.Download(ctx, links, dest, client.DownloadOptions{})
		if err != nil || from != done.Output[0] {
			t.Fatalf("from %s: %v", from, err)
		}
	})
	t.Run("truncated file is fetched again whole", func(t *testing.T) {
		srv, c := pair(t)
		done, dest := run(t, srv, c)
		srv.Inject(sandbox.Fault{Kind: sandbox.TruncateBody, Endpoint: sandbox.EndpointFiles, Times: 1})
		if _, err := c.Download(ctx, done.Links(), dest, client.DownloadOptions{}); err != nil {
			t.Fatal(err)
		}
		f, _ := os.Open(dest)
		defer f.Close()
		if _, err := gif.DecodeAll(f); err != nil {
			t.Fatalf("the saved file is not whole: %v", err)
		}
		noPartFiles(t, dest)
	})
	t.Run("gateway page is not saved as the video", func(t *testing.T) {
		srv, c := pair(t)
		done, dest := run(t, srv, c)
		srv.Inject(sandbox.Fault{Kind: sandbox.GatewayHTML, Status: 502, Endpoint: sandbox.EndpointFiles, Times: 2})
		if _, err := c.Download(ctx, done.Links(), dest, client.DownloadOptions{}); err != nil {
			t.Fatal(err)
		}
		data, _ := os.ReadFile(dest)
		if !bytes.HasPrefix(data, []byte("GIF8")) {
			t.Fatalf("saved %q...", data[:min(20, len(data))])
		}
	})
	t.Run("size cap", func(t *testing.T) {
		srv, c := pair(t)
		done, dest := run(t, srv, c)
		_, err := c.Download(ctx, done.Links(), dest, client.DownloadOptions{MaxBytes: 100})
		if !errors.Is(err, client.ErrTooLarge) {
			t.Fatalf("got %v", err)
		}
		if _, err := os.Stat(dest); !os.IsNotExist(err) {
			t.Fatal("a file was left at the destination")
		}
		noPartFiles(t, dest)
	})
	t.Run("an existing file is replaced only when the new one is whole", func(t *testing.T) {
		srv, c := pair(t)
		done, dest := run(t, srv, c)
		os.WriteFile(dest, []byte("old"), 0o644)
		srv.Inject(sandbox.Fault{Kind: sandbox.DropConnection, Endpoint: sandbox.EndpointFiles})
		_, err := c.Download(ctx, done.Links(), dest, client.DownloadOptions{LinkWindow: 500 * time.Millisecond})
		if err == nil {
			t.Fatal("no error")
		}
		if data, _ := os.ReadFile(dest); string(data) != "old" {
			t.Fatal("the old file was damaged")
		}
	})
}

func TestMP4Output(t *testing.T) {
	img := imageServer(t)
	t.Run("without ffmpeg the answer says so", func(t *testing.T) {
		_, c := pair(t, sandbox.WithFFmpeg(""))
		r := smallRequest(img)
		r.OutputType = client.OutputMP4
		_, err := c.Submit(context.Background(), r)
		var e *client.Error
		if !errors.As(err, &e) || !strings.Contains(e.Message, "ffmpeg") {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("with ffmpeg", func(t *testing.T) {
		if _, err := exec.LookPath("ffmpeg"); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatal("ffmpeg is missing in CI: make test should have installed it")
			}
			t.Skip("ffmpeg is not installed (make test installs it)")
		}
		_, c := pair(t)
		r := smallRequest(img)
		r.OutputType = client.OutputMP4
		resp, err := c.Submit(context.Background(), r)
		if err != nil {
			t.Fatal(err)
		}
		done, err := c.Await(context.Background(), resp.ID, client.AwaitOptions{})
		if err != nil {
			t.Fatal(err)
		}
		dest := filepath.Join(t.TempDir(), "out.mp4")
		if _, err := c.Download(context.Background(), done.Links(), dest, client.DownloadOptions{}); err != nil {
			t.Fatal(err)
		}
		data, _ := os.ReadFile(dest)
		if len(data) < 12 || string(data[4:8]) != "ftyp" || !strings.HasSuffix(done.Output[0], ".mp4") {
			t.Fatalf("not an MP4: % x", data[:min(12, len(data))])
		}
	})
}

func TestBalanceReflectsSpending(t *testing.T) {
	_, c := pair(t, sandbox.WithBalance(10))
	ctx := context.Background()
	b, err := c.Balance(ctx)
	if err != nil || b.Amount != 10 || b.Currency != "USD" {
		t.Fatalf("%+v %v", b, err)
	}
	if _, err := c.Submit(ctx, smallRequest(imageServer(t))); err != nil {
		t.Fatal(err)
	}
	if b, _ = c.Balance(ctx); b.Amount != 10-sandbox.CostPerVideo {
		t.Fatalf("balance after a job: %v", b.Amount)
	}
}

func TestBaseURLFromOptionAndEnvironment(t *testing.T) {
	t.Setenv(client.BaseURLEnv, "")
	c, _ := client.New("k")
	if c.BaseURL() != client.DefaultBaseURL {
		t.Errorf("default %s", c.BaseURL())
	}
	srv, _ := pair(t)
	t.Setenv(client.BaseURLEnv, srv.URL+"/")
	c, err := client.New(testKey)
	if err != nil || c.BaseURL() != srv.URL {
		t.Fatalf("from the environment: %v %v", c.BaseURL(), err)
	}
	if _, err := c.Balance(context.Background()); err != nil {
		t.Fatalf("talking to the sandbox through the environment: %v", err)
	}
	c, _ = client.New(testKey, client.WithBaseURL("https://proxy.example"))
	if c.BaseURL() != "https://proxy.example" {
		t.Errorf("the option did not win: %s", c.BaseURL())
	}
	t.Setenv(client.BaseURLEnv, "ftp://nope")
	if _, err := client.New(testKey); err == nil || !strings.Contains(err.Error(), client.BaseURLEnv) {
		t.Errorf("a bad environment value: %v", err)
	}
}

func TestUserAgentNamesVivify(t *testing.T) {
	got := make(chan string, 1)
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- r.Header.Get("User-Agent")
		w.Write([]byte(`{"status":"success","data":{"balance":1,"currency":"USD"}}`))
	}))
	defer hs.Close()
	c, _ := client.New(testKey, client.WithBaseURL(hs.URL))
	if _, err := c.Balance(context.Background()); err != nil {
		t.Fatal(err)
	}
	if ua := <-got; !strings.HasPrefix(ua, "Vivify/"+client.Version+" (") || ua != c.UserAgent() {
		t.Fatalf("User-Agent %q", ua)
	}
}
