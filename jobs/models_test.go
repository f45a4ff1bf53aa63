package jobs_test

import (
	"bytes"
	"image"
	"image/color"
	"image/gif"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"vivify/client"
	"vivify/client/sandbox"
	"vivify/jobs"
)

// videoFacts reads a video's size, frame count and duration: a GIF in Go,
// an MP4 through ffprobe.
func videoFacts(t *testing.T, path string) (w, h, frames int, seconds float64) {
	t.Helper()
	if strings.HasSuffix(path, ".gif") {
		f, _ := os.Open(path)
		defer f.Close()
		g, err := gif.DecodeAll(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range g.Delay {
			seconds += float64(d) / 100
		}
		return g.Config.Width, g.Config.Height, len(g.Image), seconds
	}
	if _, err := exec.LookPath("ffprobe"); err != nil {
		t.Fatal("ffprobe is missing (make test installs ffmpeg)")
	}
	out, err := exec.Command("ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0",
		"-show_entries", "stream=width,height,nb_read_frames:format=duration", "-of", "default=nw=1", path).Output()
	if err != nil {
		t.Fatalf("ffprobe %s: %v", path, err)
	}
	for _, line := range strings.Fields(string(out)) {
		k, v, _ := strings.Cut(line, "=")
		switch k {
		case "width":
			w, _ = strconv.Atoi(v)
		case "height":
			h, _ = strconv.Atoi(v)
		case "nb_read_frames":
			frames, _ = strconv.Atoi(v)
		case "duration":
			seconds, _ = strconv.ParseFloat(v, 64)
		}
	}
	return
}

// lastFrameColour is the mean colour of an MP4's last frame.
func lastFrameColour(t *testing.T, path string) color.RGBA {
	t.Helper()
	out, err := exec.Command("ffmpeg", "-v", "error", "-sseof", "-0.2", "-i", path, "-update", "1", "-frames:v", "100",
		"-f", "image2pipe", "-vcodec", "png", "-").Output()
	if err != nil || len(out) == 0 {
		t.Fatalf("the last frame: %v", err)
	}
	// image2pipe writes every frame asked for; the last PNG is the end.
	i := bytes.LastIndex(out, []byte("\x89PNG"))
	img, err := png.Decode(bytes.NewReader(out[i:]))
	if err != nil {
		t.Fatal(err)
	}
	var r, g, b, n uint64
	bd := img.Bounds()
	for y := bd.Min.Y; y < bd.Max.Y; y += 4 {
		for x := bd.Min.X; x < bd.Max.X; x += 4 {
			cr, cg, cb, _ := img.At(x, y).RGBA()
			r, g, b, n = r+uint64(cr>>8), g+uint64(cg>>8), b+uint64(cb>>8), n+1
		}
	}
	return color.RGBA{uint8(r / n), uint8(g / n), uint8(b / n), 255}
}

func solidPNG(t *testing.T, dir, name string, w, h int, c color.RGBA) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := 0; i < len(img.Pix); i += 4 {
		img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = c.R, c.G, c.B, 255
	}
	var buf bytes.Buffer
	png.Encode(&buf, img)
	p := filepath.Join(dir, name)
	os.WriteFile(p, buf.Bytes(), 0o644)
	return p
}

// Every model of the catalogue, through the engine against the sandbox:
// submitted to its family's endpoint, followed on its family's path, and
// downloaded; the video has the size, frames and length the model promises.
func TestEveryModelMakesItsVideo(t *testing.T) {
	if _, err := exec.LookPath("ffmpeg"); err != nil {
		t.Fatal("ffmpeg is missing (make test installs it)")
	}
	dir := t.TempDir()
	blue := solidPNG(t, dir, "blue.png", 320, 180, color.RGBA{20, 40, 230, 255})
	portrait := solidPNG(t, dir, "tall.png", 180, 320, color.RGBA{20, 200, 40, 255})
	red := solidPNG(t, dir, "red.png", 320, 180, color.RGBA{230, 20, 20, 255})
	for _, m := range client.Catalogue {
		t.Run(string(m.Family)+"/"+m.ID, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, []sandbox.Option{sandbox.WithPremiumJobDuration(400 * time.Millisecond)}, nil)
			req := client.NewRequestFor(m, "")
			req.Prompt = "the sea moves"
			spec := jobs.Spec{Request: req, File: blue}
			switch m.Family {
			case client.FamilySeed:
				spec.Request.Width, spec.Request.Height, spec.Request.NumFrames, spec.Request.FPS = 96, 64, 4, 8
			case client.FamilyHD:
				spec.Request.Resolution, spec.Request.NumFrames, spec.Request.Portrait = 480, 17, m.ID == "ltx-2.3"
			case client.FamilyPremium:
				if m.ID == "kling-v2-1-i2v" {
					spec.Request.Duration = "10"
				}
				if m.ID == "wan2.6-i2v" {
					spec.File, spec.Request.Portrait = portrait, true
				}
			}
			if m.EndFrame {
				spec.EndFile = red
			}
			j, err := w.eng.Add(spec)
			if err != nil {
				t.Fatal(err)
			}
			got := w.waitState(j.ID, 90*time.Second, jobs.Done, jobs.Failed)
			if got.State != jobs.Done {
				t.Fatalf("%s: %+v", got.State, got.Failure)
			}
			wantW, wantH := m.Size(spec.Request)
			wantFrames, wantSecs := m.Frames(spec.Request), m.Seconds(spec.Request)
			vw, vh, frames, secs := videoFacts(t, got.File(got.Output))
			t.Logf("%s: %dx%d, %d frames, %.2f s (want %dx%d, %d frames, %.2f s)", m.Label(), vw, vh, frames, secs, wantW, wantH, wantFrames, wantSecs)
			if vw != wantW || vh != wantH || frames != wantFrames || secs < wantSecs-0.15 || secs > wantSecs+0.15 {
				t.Errorf("the video is %dx%d, %d frames, %.2f s; %s promises %dx%d, %d frames, %.2f s",
					vw, vh, frames, secs, m.Name, wantW, wantH, wantFrames, wantSecs)
			}
			v6, v7 := w.srv.Requests(sandbox.EndpointFetch), w.srv.Requests(sandbox.EndpointFetchV7)
			if m.Family == client.FamilyPremium && (v7 == 0 || v6 != 0) || m.Family != client.FamilyPremium && v7 != 0 {
				t.Errorf("followed on v6 %d times and v7 %d times", v6, v7)
			}
			submits := map[client.Family]sandbox.Endpoint{client.FamilySeed: sandbox.EndpointSubmit,
				client.FamilyHD: sandbox.EndpointSubmitHD, client.FamilyPremium: sandbox.EndpointSubmitPremium}
			if n := w.srv.Requests(submits[m.Family]); n != 1 {
				t.Errorf("%d submissions to %s", n, submits[m.Family])
			}
			if m.EndFrame {
				if c := lastFrameColour(t, got.File(got.Output)); c.R < 180 || c.B > 80 {
					t.Errorf("the video does not end on its last frame (red): it ends on %v", c)
				}
				if got.File(got.EndFile) == "" {
					t.Error("the last frame's picture is not kept in the job's folder")
				}
			}
		})
	}
}

// A premium job cut off by a restart is followed again on the v7 path, and
// finishes.
func TestPremiumJobFollowedAfterRestart(t *testing.T) {
	w := newWorld(t, []sandbox.Option{sandbox.WithPremiumJobDuration(3 * time.Second)}, nil)
	m, _ := client.LookupModel(client.FamilyPremium, "Hailuo-02-i2v")
	req := client.NewRequestFor(m, "")
	req.Prompt = "a slow pan"
	j, err := w.eng.Add(jobs.Spec{Request: req, URL: imageHost(t) + "/a.png"})
	if err != nil {
		t.Fatal(err)
	}
	w.waitState(j.ID, 20*time.Second, jobs.Processing)
	before := w.srv.Requests(sandbox.EndpointFetchV7)
	reopen(t, w)
	got := w.waitState(j.ID, 60*time.Second, jobs.Done, jobs.Failed)
	if got.State != jobs.Done {
		t.Fatalf("%s %+v", got.State, got.Failure)
	}
	if after := w.srv.Requests(sandbox.EndpointFetchV7); after <= before {
		t.Fatalf("not followed on v7 after the restart (%d, then %d)", before, after)
	}
	if n := w.srv.Requests(sandbox.EndpointFetch); n != 0 {
		t.Fatalf("followed on the v6 path %d times", n)
	}
	if n := w.srv.Requests(sandbox.EndpointSubmitPremium); n != 1 {
		t.Fatalf("submitted %d times", n)
	}
}

// A video run alone has its cost measured from the balance before and
// after it; the sandbox charges consistent practice credits for each
// family, so the cost is known. Two at once are not measured.
func TestCostMeasuredForAJobRunAlone(t *testing.T) {
	w := newWorld(t, []sandbox.Option{sandbox.WithPremiumJobDuration(300 * time.Millisecond)}, nil)
	m, _ := client.LookupModel(client.FamilyHD, "ltx-2.3")
	req := client.NewRequestFor(m, "")
	req.Resolution, req.NumFrames, req.Prompt = 256, 9, "clouds"
	j, err := w.eng.Add(jobs.Spec{Request: req, URL: imageHost(t) + "/a.png"})
	if err != nil {
		t.Fatal(err)
	}
	got := w.waitState(j.ID, 60*time.Second, jobs.Done, jobs.Failed)
	want := sandbox.CostPerVideo * sandbox.PriceFactor(client.FamilyHD, "ltx-2.3", "")
	if got.State != jobs.Done || got.Cost == nil || got.Cost.Amount < want-1e-9 || got.Cost.Amount > want+1e-9 {
		t.Fatalf("%s, cost %+v, want %g", got.State, got.Cost, want)
	}
	if c, ok := w.eng.LastCost(client.FamilyHD, "ltx-2.3"); !ok || c.Amount != got.Cost.Amount {
		t.Fatalf("LastCost %+v %v", c, ok)
	}
	if _, ok := w.eng.LastCost(client.FamilyHD, "wan2.2"); ok {
		t.Fatal("a cost for a model never run")
	}
	// It is kept on disk, and comes back after a restart.
	reopen(t, w)
	if c, ok := w.eng.LastCost(client.FamilyHD, "ltx-2.3"); !ok || c.Amount != want {
		t.Fatalf("after a restart: %+v %v", c, ok)
	}
	// Two jobs at once: neither can be told apart in the balance.
	seed := smallRequest("pair")
	a, _ := w.eng.Add(jobs.Spec{Request: seed, URL: imageHost(t) + "/b.png"})
	b, _ := w.eng.Add(jobs.Spec{Request: seed, URL: imageHost(t) + "/c.png"})
	for _, id := range []string{a.ID, b.ID} {
		if got := w.waitState(id, 60*time.Second, jobs.Done, jobs.Failed); got.State == jobs.Done && got.Cost != nil &&
			w.srv.PeakActive() > 1 {
			t.Errorf("job %s ran beside another and got a cost %+v", id, got.Cost)
		}
	}
}

// A video followed again after a restart has its cost measured too: the
// balance before it was sent is kept with it. The cost says both balances.
func TestCostMeasuredForAJobResumedAfterARestart(t *testing.T) {
	w := newWorld(t, []sandbox.Option{sandbox.WithPremiumJobDuration(1500 * time.Millisecond)}, nil)
	m, _ := client.LookupModel(client.FamilyHD, "ltx-2.3")
	req := client.NewRequestFor(m, "")
	req.Resolution, req.NumFrames, req.Prompt = 256, 9, "clouds"
	j, err := w.eng.Add(jobs.Spec{Request: req, URL: imageHost(t) + "/a.png"})
	if err != nil {
		t.Fatal(err)
	}
	if got := w.waitState(j.ID, 20*time.Second, jobs.Processing, jobs.Failed); got.State != jobs.Processing || got.Meter == nil {
		t.Fatalf("%s, meter %+v", got.State, got.Meter)
	}
	reopen(t, w)
	got := w.waitState(j.ID, 60*time.Second, jobs.Done, jobs.Failed)
	want := sandbox.CostPerVideo * sandbox.PriceFactor(client.FamilyHD, "ltx-2.3", "")
	if got.State != jobs.Done || got.Cost == nil || math.Abs(got.Cost.Amount-want) > 1e-9 {
		t.Fatalf("%s, cost %+v, want %g", got.State, got.Cost, want)
	}
	if c := got.Cost; math.Abs(c.Before-c.After-c.Amount) > 1e-9 || c.After <= 0 || got.Meter != nil {
		t.Fatalf("balances %+v, meter %+v", c, got.Meter)
	}
	reopen(t, w) // the balances are kept on disk
	if again, _ := w.eng.Job(j.ID); again.Cost == nil || again.Cost.Before != got.Cost.Before || again.Cost.After != got.Cost.After {
		t.Fatalf("after another restart: %+v", again.Cost)
	}

	// One sent after it spoils its measure: no cost rather than a wrong one.
	k, _ := w.eng.Add(jobs.Spec{Request: req, URL: imageHost(t) + "/b.png"})
	w.waitState(k.ID, 20*time.Second, jobs.Processing)
	l, _ := w.eng.Add(jobs.Spec{Request: req, URL: imageHost(t) + "/c.png"})
	w.waitState(l.ID, 20*time.Second, jobs.Processing, jobs.Done)
	reopen(t, w)
	if got := w.waitState(k.ID, 60*time.Second, jobs.Done, jobs.Failed); got.State != jobs.Done || got.Cost != nil {
		t.Fatalf("the first of two: %s, cost %+v", got.State, got.Cost)
	}
}

// A premium answer with no id, only fetch_result (on another host), is
// followed through the id in that link, on the v7 fetch path of the API's
// own host: the job finishes, sent once. (Before, it failed as "may be
// charged" after the service had accepted it, and Retry paid again.)
func TestPremiumAnswerWithOnlyFetchResult(t *testing.T) {
	w := newWorld(t, []sandbox.Option{sandbox.WithPremiumJobDuration(400 * time.Millisecond)}, nil)
	w.srv.SetQuirks(sandbox.Quirks{FetchResultOnly: true})
	m, _ := client.LookupModel(client.FamilyPremium, "Hailuo-02-i2v")
	req := client.NewRequestFor(m, "")
	req.Prompt = "a slow pan"
	j, err := w.eng.Add(jobs.Spec{Request: req, URL: imageHost(t) + "/a.png"})
	if err != nil {
		t.Fatal(err)
	}
	got := w.waitState(j.ID, 60*time.Second, jobs.Done, jobs.Failed)
	if got.State != jobs.Done {
		t.Fatalf("%s %+v", got.State, got.Failure)
	}
	if got.ServerID == "" {
		t.Fatal("no server id kept")
	}
	if n := w.srv.Requests(sandbox.EndpointSubmitPremium); n != 1 {
		t.Fatalf("submitted %d times", n)
	}
	if n := w.srv.Requests(sandbox.EndpointFetchV7); n == 0 {
		t.Fatal("never followed on the v7 path")
	}
}
