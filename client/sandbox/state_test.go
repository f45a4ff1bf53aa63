package sandbox_test

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"vivify/client/sandbox"
)

// A sandbox started again on the state dir of one that was stopped
// mid-job knows the job, finishes it, and serves its video, as the real
// service does after Vivify restarts; the key is never written.
func TestStateDirKeepsJobsAcrossRestarts(t *testing.T) {
	dir := t.TempDir()
	first, err := sandbox.Start(sandbox.WithStateDir(dir), sandbox.WithJobDuration(time.Second),
		sandbox.WithHoldFor(0), sandbox.WithSpamWindow(0))
	if err != nil {
		t.Fatal(err)
	}
	// A picture uploaded to the first: its link is what the job names.
	img := image.NewNRGBA(image.Rect(0, 0, 64, 48))
	for i := range img.Pix {
		img.Pix[i] = uint8(i * 5)
	}
	var buf bytes.Buffer
	png.Encode(&buf, img)
	_, up, raw := post(t, first.URL+"/api/v6/base64_to_url", "application/json",
		fmt.Sprintf(`{"key":%q,"base64_string":"data:image/png;base64,%s"}`, key, base64.StdEncoding.EncodeToString(buf.Bytes())))
	links, _ := up["output"].([]any)
	if len(links) != 1 {
		t.Fatalf("upload: %s", raw)
	}
	_, m, raw := post(t, first.URL+"/api/v6/video/img2video", "application/json",
		fmt.Sprintf(`{"key":%q,"model_id":"svd","init_image":%q,"width":64,"height":48,"num_frames":4,"fps":4,"instant_response":true}`, key, links[0]))
	if m["status"] != "processing" {
		t.Fatalf("submit: %s", raw)
	}
	id := fmt.Sprint(m["id"])
	firstURL := first.URL
	first.Close() // Vivify quits, or is killed, with the job on the server
	// A new process has no connections to the old server: neither does
	// this test's client (a POST on a dead kept-alive one ends in EOF).
	http.DefaultClient.CloseIdleConnections()

	for _, name := range []string{"state.json", filepath.Join("uploads", filepath.Base(links[0].(string)))} {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatalf("%s not kept: %v", name, err)
		}
		if bytes.Contains(data, []byte(key)) {
			t.Fatalf("%s holds the key", name)
		}
	}

	second, err := sandbox.Start(sandbox.WithStateDir(dir), sandbox.WithJobDuration(time.Second),
		sandbox.WithHoldFor(0), sandbox.WithSpamWindow(0))
	if err != nil {
		t.Fatal(err)
	}
	defer second.Close()
	if second.URL != firstURL {
		t.Errorf("the port was not kept: %s, then %s", firstURL, second.URL)
	}
	var video string
	for deadline := time.Now().Add(20 * time.Second); video == "" && time.Now().Before(deadline); {
		_, m, raw = post(t, second.URL+"/api/v6/video/fetch/"+id, "application/json", fmt.Sprintf(`{"key":%q}`, key))
		switch m["status"] {
		case "success":
			out, _ := m["output"].([]any)
			if len(out) == 0 {
				t.Fatalf("success without a link: %s", raw)
			}
			video = out[0].(string)
		case "processing":
			time.Sleep(200 * time.Millisecond)
		default:
			t.Fatalf("the restarted sandbox does not know the job: %s", raw)
		}
	}
	if video == "" {
		t.Fatal("the job never finished after the restart")
	}
	resp, err := http.Get(video)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(string(data), "GIF8") {
		t.Fatalf("video: HTTP %d, %d bytes", resp.StatusCode, len(data))
	}
	// Another key does not see it.
	_, m, _ = post(t, second.URL+"/api/v6/video/fetch/"+id, "application/json", `{"key":"someone-else"}`)
	if m["status"] == "success" {
		t.Fatal("another key fetched the job")
	}
}

// A state file that is not the sandbox's is passed over: it starts afresh.
func TestStateDirDamagedStartsAfresh(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "state.json"), []byte(`{"jobs":[{"id":"x"`), 0o600)
	srv, err := sandbox.Start(sandbox.WithStateDir(dir))
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	_, m, raw := post(t, srv.URL+"/api/v6/video/fetch/146", "application/json", fmt.Sprintf(`{"key":%q}`, key))
	if m["status"] == "success" || m["status"] == "processing" {
		t.Fatalf("a job from a damaged state file: %s", raw)
	}
}

// A restored premium job keeps the orientation decided from its picture
// when it was sent: starting again does not fetch the picture (a slow or
// vanished host would hold the start up), and the video is still tall.
func TestStateDirKeepsThePremiumShapeWithoutFetching(t *testing.T) {
	var fetched atomic.Int32
	tall := image.NewNRGBA(image.Rect(0, 0, 90, 160))
	for i := range tall.Pix {
		tall.Pix[i] = uint8(i * 3)
	}
	var buf bytes.Buffer
	png.Encode(&buf, tall)
	host := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fetched.Add(1)
		w.Write(buf.Bytes())
	}))
	defer host.Close()
	dir := t.TempDir()
	opts := []sandbox.Option{sandbox.WithStateDir(dir), sandbox.WithPremiumJobDuration(time.Hour), sandbox.WithHoldFor(0), sandbox.WithSpamWindow(0)}
	first, err := sandbox.Start(opts...)
	if err != nil {
		t.Fatal(err)
	}
	_, m, raw := post(t, first.URL+"/api/v7/video-fusion/image-to-video", "application/json",
		fmt.Sprintf(`{"key":%q,"model_id":"seedance-i2v","prompt":"a walk","init_image":%q}`, key, host.URL+"/tall.png"))
	if m["status"] != "processing" {
		t.Fatalf("submit: %s", raw)
	}
	first.Close()
	http.DefaultClient.CloseIdleConnections()
	// The first sandbox's render fetched the picture too; Close waits for
	// the render, but the host may count its request a moment later (seen
	// on a loaded 2-core machine): count once the host is quiet.
	before := fetched.Load()
	for {
		time.Sleep(300 * time.Millisecond)
		if n := fetched.Load(); n == before {
			break
		} else {
			before = n
		}
	}
	second, err := sandbox.Start(opts...)
	if err != nil {
		t.Fatal(err)
	}
	defer second.Close()
	if n := fetched.Load(); n != before {
		t.Fatalf("starting again fetched the picture %d time(s)", n-before)
	}
	_, m, raw = post(t, second.URL+"/api/v7/video-fusion/fetch/"+fmt.Sprint(m["id"]), "application/json", fmt.Sprintf(`{"key":%q}`, key))
	if m["status"] != "processing" {
		t.Fatalf("the restored premium job: %s", raw)
	}
	data, _ := os.ReadFile(filepath.Join(dir, "state.json"))
	if !bytes.Contains(data, []byte(`"portrait":true`)) {
		t.Fatalf("the tall picture's orientation is not kept:\n%s", data)
	}
}

// A tampered state file: a balance that is not an amount starts at the
// starting balance (the balance call answers), and an "upload" that is a
// link to a file elsewhere is not served to anyone (before, any local
// process could read the file it pointed at, without a key).
func TestStateDirTamperedIsHeldToItsGate(t *testing.T) {
	for _, balance := range []string{"null", "1e308", "-1e308", "-5", `"12"`} {
		t.Run(balance, func(t *testing.T) {
			dir := t.TempDir()
			secret := filepath.Join(t.TempDir(), "secret.png")
			img := image.NewNRGBA(image.Rect(0, 0, 8, 8))
			var buf bytes.Buffer
			png.Encode(&buf, img)
			os.WriteFile(secret, buf.Bytes(), 0o600)
			os.MkdirAll(filepath.Join(dir, "uploads"), 0o700)
			if err := os.Symlink(secret, filepath.Join(dir, "uploads", "7.png")); err != nil {
				t.Skip(err)
			}
			os.WriteFile(filepath.Join(dir, "uploads", "8.png"), []byte("not a picture at all"), 0o600)
			os.WriteFile(filepath.Join(dir, "state.json"), []byte(`{"url":"http://10.0.0.1:80","next_id":-4,"balance":`+balance+
				`,"uploads":["temp/7.png","temp/8.png","temp/../../x.png"],"jobs":[{"id":1,"prefix":"../x","key_sha256":"zz"}]}`), 0o600)
			srv, err := sandbox.Start(sandbox.WithStateDir(dir))
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Close()
			_, m, raw := post(t, srv.URL+"/api/wallet_balance", "application/json", fmt.Sprintf(`{"key":%q}`, key))
			if m["status"] != "success" || !strings.Contains(raw, `"balance":100`) && !strings.Contains(raw, `"balance":"100`) && !strings.Contains(raw, `100.00`) {
				t.Fatalf("balance after %s: %s", balance, raw)
			}
			for _, name := range []string{"7.png", "8.png"} {
				resp, err := http.Get(srv.URL + "/files/temp/" + name)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					t.Fatalf("%s was served", name)
				}
			}
		})
	}
}

// FuzzStateFile: whatever the state file holds, the gate never panics,
// and what it keeps is what a sandbox writes.
func FuzzStateFile(f *testing.F) {
	f.Add([]byte(`{"url":"http://127.0.0.1:4000","next_id":3,"balance":99.5,"uploads":["temp/1.png"],"jobs":[{"id":1,"prefix":"abc","key_sha256":"` + strings.Repeat("ab", 32) + `","family":"img2video","fields":{}}]}`))
	f.Add([]byte(`{"balance":null,"uploads":["temp/../x","/etc/passwd"],"jobs":[{"id":-1,"prefix":"../x"}]}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		st := sandbox.DecodeState(data)
		if st == nil {
			return
		}
		if st.Balance > 1e9 || st.NextID < 0 {
			t.Fatalf("balance %v, next id %d", st.Balance, st.NextID)
		}
		if st.URL != "" && !strings.HasPrefix(st.URL, "http://127.0.0.1:") {
			t.Fatalf("url %q", st.URL)
		}
		for _, u := range st.Uploads {
			if base, ok := strings.CutPrefix(u, "temp/"); !ok || base == "" || strings.ContainsAny(base, `/\`) || strings.HasPrefix(base, ".") {
				t.Fatalf("upload %q", u)
			}
		}
		for _, j := range st.Jobs {
			if j.ID <= 0 || j.Prefix == "" || strings.ContainsAny(j.Prefix, `/\.`) || len(j.Key) != 64 {
				t.Fatalf("job %+v", j)
			}
		}
	})
}
