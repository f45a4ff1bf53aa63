package sandbox_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/gif"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"vivify/client/sandbox"
)

// These tests speak to the sandbox with raw HTTP, not through the client, so
// that what they check is the wire format the contract documents.

const key = "sandbox-test-key"

func start(t *testing.T, opts ...sandbox.Option) *sandbox.Server {
	t.Helper()
	srv := sandbox.NewServer(append([]sandbox.Option{sandbox.WithJobDuration(200 * time.Millisecond),
		sandbox.WithHoldFor(0), sandbox.WithSpamWindow(0)}, opts...)...)
	t.Cleanup(srv.Close)
	return srv
}

func post(t *testing.T, url, ctype, body string) (int, map[string]any, string) {
	t.Helper()
	resp, err := http.Post(url, ctype, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var m map[string]any
	json.Unmarshal(raw, &m)
	return resp.StatusCode, m, string(raw)
}

func photoURL(t *testing.T) string {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, 120, 80))
	for i := range img.Pix {
		img.Pix[i] = uint8(i * 7)
	}
	var buf bytes.Buffer
	png.Encode(&buf, img)
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		w.Write(buf.Bytes())
	}))
	t.Cleanup(hs.Close)
	return hs.URL + "/photo.png"
}

func TestRefusesWhatIsNotAJSONPost(t *testing.T) {
	srv := start(t)
	for _, tc := range []struct{ ctype, body string }{
		{"text/plain", `{"key":"k"}`},
		{"application/json", `{"key":`},
		{"application/json", `[1,2]`},
		{"application/x-www-form-urlencoded", `key=k`},
	} {
		_, m, raw := post(t, srv.URL+"/api/wallet_balance", tc.ctype, tc.body)
		if m["status"] != "error" || m["message"] != "Invalid API Request" {
			t.Errorf("%s %q: %s", tc.ctype, tc.body, raw)
		}
	}
	resp, _ := http.Get(srv.URL + "/api/wallet_balance")
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(raw), "Invalid API Request") {
		t.Errorf("GET: %s", raw)
	}
}

func TestKeys(t *testing.T) {
	srv := start(t, sandbox.WithKeys("right"))
	for k, want := range map[string]string{"right": "success", "wrong": "error", "": "error"} {
		_, m, raw := post(t, srv.URL+"/api/wallet_balance", "application/json", fmt.Sprintf(`{"key":%q}`, k))
		if m["status"] != want {
			t.Errorf("key %q: %s", k, raw)
		}
		if want == "error" && m["message"] != "Invalid Api Key" {
			t.Errorf("key %q: %s", k, raw)
		}
	}
}

// The documented example body, with numbers sent as strings as the
// provider's own samples do, is accepted and answered in the documented
// shape.
func TestDocumentedExampleAndShapes(t *testing.T) {
	srv := start(t)
	body := fmt.Sprintf(`{"key":%q, "model_id":"svd", "init_image":%q, "height":"64", "width":"96",
		"num_frames":"5", "num_inference_steps":"20", "min_guidance_scale":1, "max_guidance_scale":"3",
		"motion_bucket_id":20, "noise_aug_strength":0.02, "fps":"10", "webhook":null, "track_id":"42",
		"instant_response":true, "enhance_prompt":"no", "temp":"yes"}`, key, photoURL(t))
	code, m, raw := post(t, srv.URL+"/api/v6/video/img2video", "application/json", body)
	if code != 200 || m["status"] != "processing" {
		t.Fatalf("%d %s", code, raw)
	}
	id, isNum := m["id"].(float64)
	if !isNum || m["fetch_result"] != fmt.Sprintf("%s/api/v6/video/fetch/%d", srv.URL, int(id)) {
		t.Errorf("id and fetch_result: %s", raw)
	}
	if eta, ok := m["eta"].(float64); !ok || eta <= 0 {
		t.Errorf("eta: %s", raw)
	}
	if out, ok := m["output"].([]any); !ok || len(out) != 0 {
		t.Errorf("output: %s", raw)
	}
	if fl, ok := m["future_links"].([]any); !ok || len(fl) != 1 || !strings.HasSuffix(fl[0].(string), ".gif") {
		t.Errorf("future_links: %s", raw)
	}
	if !strings.Contains(m["tip"].(string), "simulated") {
		t.Errorf("the sandbox does not say it is one: %s", raw)
	}
	meta := m["meta"].(map[string]any)
	if meta["temp"] != "yes" || meta["instant_response"] != "yes" || meta["track_id"] != "42" ||
		meta["width"] != float64(96) || meta["fps"] != float64(10) || meta["model_id"] != "wan2.2" || meta["id"] != fmt.Sprint(int(id)) {
		t.Errorf("meta: %v", meta)
	}
	if seed, ok := meta["seed"].(float64); !ok || seed < 0 {
		t.Errorf("seed: %v", meta["seed"])
	}

	// Fetch while processing: no eta, output "".
	fetch := fmt.Sprintf("%s/api/v6/video/fetch/%d", srv.URL, int(id))
	_, m, raw = post(t, fetch, "application/json", fmt.Sprintf(`{"key":%q}`, key))
	if m["status"] != "processing" || m["output"] != "" || m["eta"] != nil {
		t.Errorf("fetch while processing: %s", raw)
	}
	time.Sleep(250 * time.Millisecond)
	_, m, raw = post(t, fetch, "application/json", fmt.Sprintf(`{"key":%q}`, key))
	if m["status"] != "success" || m["meta"] != nil {
		t.Fatalf("fetch when done: %s", raw)
	}
	out := m["output"].([]any)[0].(string)
	proxy := m["proxy_links"].([]any)[0].(string)
	for _, link := range []string{out, proxy} {
		resp, err := http.Get(link)
		if err != nil {
			t.Fatal(err)
		}
		g, err := gif.DecodeAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatalf("%s: %v", link, err)
		}
		if len(g.Image) != 5 || g.Config.Width != 96 || g.Config.Height != 64 || g.Delay[0] != 10 || g.LoopCount != 0 {
			t.Errorf("%s: %d frames %dx%d delay %d loop %d", link, len(g.Image), g.Config.Width, g.Config.Height, g.Delay[0], g.LoopCount)
		}
		if frameDiff(g.Image[0], g.Image[4]) == 0 {
			t.Error("the frames do not move")
		}
	}
	// Another key does not see the job.
	_, m, _ = post(t, fetch, "application/json", `{"key":"someone-else"}`)
	if m["status"] != "failed" || m["message"] != "Request not found" || m["id"] != "" {
		t.Errorf("another key's fetch: %v", m)
	}
}

func frameDiff(a, b *image.Paletted) int {
	n := 0
	for i := range a.Pix {
		if a.Pix[i] != b.Pix[i] {
			n++
		}
	}
	return n
}

func TestValidationAsTheServiceDoes(t *testing.T) {
	srv := start(t)
	_, m, raw := post(t, srv.URL+"/api/v6/video/img2video", "application/json", fmt.Sprintf(`{"key":%q,
		"width":513, "height":"abc", "num_frames":26, "num_inference_steps":51, "min_guidance_scale":5,
		"max_guidance_scale":2, "motion_bucket_id":0, "noise_aug_strength":2, "fps":17, "output_type":"avi",
		"latent_interpolation_method":"x", "clip_skip":3, "webhook":"ftp://x", "track_id":"abc", "temp":"maybe"}`, key))
	if m["status"] != "error" {
		t.Fatalf("%s", raw)
	}
	msgs, ok := m["message"].(map[string]any)
	if !ok {
		t.Fatalf("message is not an object of fields: %s", raw)
	}
	want := map[string]string{
		"init_image":                  "The init image field is required.",
		"width":                       "The width may not be greater than 512.",
		"height":                      "The height must be an integer.",
		"num_frames":                  "The num frames may not be greater than 25.",
		"num_inference_steps":         "The num inference steps may not be greater than 50.",
		"max_guidance_scale":          "The max guidance scale must be greater than or equal to min guidance scale.",
		"motion_bucket_id":            "The motion bucket id must be at least 1.",
		"noise_aug_strength":          "The noise aug strength must be between 0 and 1.",
		"fps":                         "The fps may not be greater than 16.",
		"output_type":                 "The selected output type is invalid.",
		"latent_interpolation_method": "The selected latent interpolation method is invalid.",
		"clip_skip":                   "The clip skip may not be greater than 2.",
		"webhook":                     "The webhook must be a valid URL.",
		"track_id":                    "The track id must be an integer.",
		"temp":                        "The temp field must be true or false.",
	}
	for field, text := range want {
		list, _ := msgs[field].([]any)
		if len(list) != 1 || list[0] != text {
			t.Errorf("%s: %v, want %q", field, msgs[field], text)
		}
	}
	if len(msgs) != len(want) {
		t.Errorf("%d fields reported, want %d: %v", len(msgs), len(want), msgs)
	}
	if len(srv.Submissions()) != 0 {
		t.Error("an invalid request was accepted")
	}
}

func TestModelPolicies(t *testing.T) {
	img := photoURL(t)
	submit := func(srv *sandbox.Server, model string) map[string]any {
		_, m, _ := post(t, srv.URL+"/api/v6/video/img2video", "application/json",
			fmt.Sprintf(`{"key":%q,"init_image":%q,"model_id":%q,"width":64,"height":64,"num_frames":2,"instant_response":true}`, key, img, model))
		return m
	}
	used := func(m map[string]any) any { return m["meta"].(map[string]any)["model_id"] }
	srv := start(t)
	for model, want := range map[string]string{"svd": "wan2.2", "wan2.2": "wan2.2", "ltx-2.3": "ltx-2.3", "other": "wan2.2"} {
		if got := used(submit(srv, model)); got != want {
			t.Errorf("%s became %v, want %s", model, got, want)
		}
	}
	srv.SetQuirks(sandbox.Quirks{RunsSVD: true})
	if got := used(submit(srv, "svd")); got != "svd" {
		t.Errorf("a server that still runs SVD: svd became %v", got)
	}
	srv.SetQuirks(sandbox.Quirks{StrictModels: true})
	if m := submit(srv, "other"); m["message"] != "Model id not found" {
		t.Errorf("strict: %v", m)
	}
}

func TestUploadEndpoint(t *testing.T) {
	srv := start(t)
	var buf bytes.Buffer
	png.Encode(&buf, image.NewGray(image.Rect(0, 0, 8, 8)))
	uri := "data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes())
	_, m, raw := post(t, srv.URL+"/api/v6/base64_to_url", "application/json", fmt.Sprintf(`{"key":%q,"base64_string":%q}`, key, uri))
	if m["status"] != "success" {
		t.Fatalf("%s", raw)
	}
	link := m["output"].([]any)[0].(string)
	resp, err := http.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !bytes.Equal(got, buf.Bytes()) {
		t.Error("the uploaded file came back different")
	}
	for body, want := range map[string]string{
		fmt.Sprintf(`{"key":%q,"base64_string":"data:image/png;base64,!!!"}`, key):                         "Invalid base64 string.",
		fmt.Sprintf(`{"key":%q,"base64_string":%q}`, key, base64.StdEncoding.EncodeToString([]byte("hi"))): "The base64 string is not a valid image.",
		fmt.Sprintf(`{"key":%q,"base64_string":%q}`, key, strings.Repeat("A", 7_000_000)):                  "Image size exceeds the 5 MB limit.",
	} {
		_, m, raw := post(t, srv.URL+"/api/v6/base64_to_url", "application/json", body)
		if m["message"] != want {
			t.Errorf("got %.200s, want %q", raw, want)
		}
	}
}

func TestQuirkShapes(t *testing.T) {
	srv := start(t)
	img := photoURL(t)
	srv.SetQuirks(sandbox.Quirks{StringIDs: true, EmptyOutputString: true, IntegerETA: true, NoExtraLinks: true,
		EscapedSlashes: true, ExtraFields: true, StringNumbers: true})
	_, m, raw := post(t, srv.URL+"/api/v6/video/img2video", "application/json",
		fmt.Sprintf(`{"key":%q,"init_image":%q,"width":64,"height":64,"num_frames":2,"instant_response":true}`, key, img))
	if _, ok := m["id"].(string); !ok {
		t.Errorf("id not a string: %s", raw)
	}
	if m["output"] != "" || m["future_links"] != nil || m["proxy_links"] != nil {
		t.Errorf("links: %s", raw)
	}
	if eta, _ := m["eta"].(float64); eta != float64(int(eta)) {
		t.Errorf("eta not an integer: %s", raw)
	}
	if !strings.Contains(raw, `http:\/\/`) {
		t.Errorf("slashes not escaped: %s", raw)
	}
	if m["webhook_status"] == nil || m["tip_1"] == nil {
		t.Errorf("no extra fields: %s", raw)
	}
	if _, ok := m["meta"].(map[string]any)["width"].(string); !ok {
		t.Errorf("meta numbers not strings: %s", raw)
	}
	srv.SetQuirks(sandbox.Quirks{Messege: true, HTTPStatusCodes: true})
	code, m, raw := post(t, srv.URL+"/api/wallet_balance", "application/json", `{"key":""}`)
	if code != 401 || m["messege"] != "Invalid Api Key" {
		t.Errorf("%d %s", code, raw)
	}
}

func TestFaultsAreCountedAndCleared(t *testing.T) {
	srv := start(t)
	srv.Inject(sandbox.Fault{Kind: sandbox.GatewayHTML, Status: 520, Endpoint: sandbox.EndpointBalance, Times: 2})
	for i := range 3 {
		code, _, raw := post(t, srv.URL+"/api/wallet_balance", "application/json", fmt.Sprintf(`{"key":%q}`, key))
		if i < 2 && (code != 520 || !strings.HasPrefix(raw, "<!DOCTYPE html>")) {
			t.Errorf("request %d: %d %.60s", i, code, raw)
		}
		if i == 2 && code != 200 {
			t.Errorf("the fault outlived its count: %d", code)
		}
	}
	srv.Inject(sandbox.Fault{Kind: sandbox.ServerError})
	srv.ClearFaults()
	if code, _, _ := post(t, srv.URL+"/api/wallet_balance", "application/json", fmt.Sprintf(`{"key":%q}`, key)); code != 200 {
		t.Errorf("ClearFaults did not clear: %d", code)
	}
	if n := srv.Requests(sandbox.EndpointBalance); n != 4 {
		t.Errorf("%d balance requests counted, want 4", n)
	}
}

// A dropped connection after processing loses the answer but not the job:
// the case that makes a blind resubmission charge twice.
func TestDropAfterProcessingKeepsTheJob(t *testing.T) {
	srv := start(t)
	srv.Inject(sandbox.Fault{Kind: sandbox.DropConnection, Endpoint: sandbox.EndpointSubmit, AfterProcessing: true, Times: 1})
	_, err := http.Post(srv.URL+"/api/v6/video/img2video", "application/json",
		strings.NewReader(fmt.Sprintf(`{"key":%q,"init_image":%q,"width":64,"height":64,"num_frames":2}`, key, photoURL(t))))
	if err == nil {
		t.Fatal("the answer arrived")
	}
	if n := len(srv.Submissions()); n != 1 {
		t.Fatalf("%d jobs created, want 1", n)
	}
}

func TestWebhookIsCalled(t *testing.T) {
	got := make(chan map[string]any, 2)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var m map[string]any
		json.NewDecoder(r.Body).Decode(&m)
		got <- m
	}))
	defer hook.Close()
	srv := start(t)
	post(t, srv.URL+"/api/v6/video/img2video", "application/json", fmt.Sprintf(
		`{"key":%q,"init_image":%q,"width":64,"height":64,"num_frames":2,"instant_response":true,"webhook":%q,"track_id":7}`,
		key, photoURL(t), hook.URL+"/hook"))
	select {
	case m := <-got:
		if m["status"] != "success" || m["track_id"] != "7" {
			t.Errorf("webhook body %v", m)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the webhook was not called")
	}
}

func TestFramesZoomIntoTheImage(t *testing.T) {
	// A white square in the middle of black grows from frame to frame.
	img := image.NewNRGBA(image.Rect(0, 0, 200, 200))
	for y := 0; y < 200; y++ {
		for x := 0; x < 200; x++ {
			c := color.NRGBA{0, 0, 0, 255}
			if x >= 80 && x < 120 && y >= 80 && y < 120 {
				c = color.NRGBA{255, 255, 255, 255}
			}
			img.SetNRGBA(x, y, c)
		}
	}
	var buf bytes.Buffer
	png.Encode(&buf, img)
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(buf.Bytes()) }))
	defer hs.Close()
	srv := start(t)
	_, m, raw := post(t, srv.URL+"/api/v6/video/img2video", "application/json",
		fmt.Sprintf(`{"key":%q,"init_image":%q,"width":100,"height":100,"num_frames":6,"instant_response":true,"seed":7}`, key, hs.URL+"/sq.png"))
	if m["status"] != "processing" {
		t.Fatal(raw)
	}
	time.Sleep(300 * time.Millisecond)
	resp, err := http.Get(m["future_links"].([]any)[0].(string))
	if err != nil {
		t.Fatal(err)
	}
	g, err := gif.DecodeAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	white := func(p *image.Paletted) int {
		n := 0
		for y := 0; y < 90; y++ { // above the progress bar
			for x := 0; x < 100; x++ {
				if r, _, _, _ := p.At(x, y).RGBA(); r > 0xc000 {
					n++
				}
			}
		}
		return n
	}
	// The seed picks whether it zooms in or out, and where to: either way
	// the white square's area changes from the first frame to the last.
	first, last := white(g.Image[0]), white(g.Image[5])
	if d := first - last; d < 100 && d > -100 {
		t.Errorf("white area %d in the first frame, %d in the last: no zoom", first, last)
	}
}
