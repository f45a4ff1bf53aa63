//go:build unix

package client_test

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"vivify/client"
	"vivify/client/sandbox"
)

// cpuTime is the CPU this process has used, user and system.
func cpuTime(tb testing.TB) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkWholeJob measures the client's CPU for one whole job (submit,
// await, download to a file) against a sandbox in another process with no
// delays, and the CPU of the same three HTTP round trips made with net/http
// alone, saving the body with os.WriteFile (own-cpu), or as safely as
// Download does, with a temporary file, fsync and rename (own-logic-cpu).
// The differences are the client's own work: validation, tolerant decoding,
// key redaction, and (in the first) the durability of the saved file.
func BenchmarkWholeJob(b *testing.B) {
	base := childSandbox(b)
	ctx := context.Background()
	c, err := client.New(testKey, client.WithBaseURL(base), client.WithClock(client.NewFakeClock(time.Now())))
	if err != nil {
		b.Fatal(err)
	}
	link, _, err := c.Upload(ctx, writeFile(b, "in.png", pngBytes(b, testImage(64, 48))))
	if err != nil {
		b.Fatal(err)
	}
	req := smallRequest(link)
	req.Width, req.Height, req.NumFrames = 64, 64, 2
	dir := b.TempDir()
	job := func() {
		resp, err := c.Submit(ctx, req)
		if err != nil {
			b.Fatal(err)
		}
		done, err := c.Await(ctx, resp.ID, client.AwaitOptions{ETA: resp.ETA})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := c.Download(ctx, done.Links(), filepath.Join(dir, "out.gif"), client.DownloadOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	// The same round trips with no client: marshal, POST, read, GET, and the
	// body saved to a file.
	hc := &http.Client{}
	plainSave := func(data []byte) {
		if err := os.WriteFile(filepath.Join(dir, "raw.gif"), data, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	safeSave := func(data []byte) { // what Download does: temp file, fsync, rename
		f, err := os.CreateTemp(dir, ".raw.gif.part-*")
		if err != nil {
			b.Fatal(err)
		}
		f.Write(data)
		f.Sync()
		f.Close()
		if err := os.Rename(f.Name(), filepath.Join(dir, "raw.gif")); err != nil {
			b.Fatal(err)
		}
	}
	raw := func(save func([]byte)) {
		body, _ := json.Marshal(map[string]any{"key": testKey, "init_image": link, "width": 64, "height": 64,
			"num_frames": 2, "fps": 8, "instant_response": true})
		post := func(url string, body []byte) map[string]any {
			resp, err := hc.Post(url, "application/json", bytes.NewReader(body))
			if err != nil {
				b.Fatal(err)
			}
			defer resp.Body.Close()
			var m map[string]any
			json.NewDecoder(resp.Body).Decode(&m)
			return m
		}
		sub := post(base+"/api/v6/video/img2video", body)
		id := sub["id"].(float64)
		done := post(base+"/api/v6/video/fetch/"+jsonNum(id), []byte(`{"key":"`+testKey+`"}`))
		out := done["output"].([]any)[0].(string)
		resp, err := hc.Get(out)
		if err != nil {
			b.Fatal(err)
		}
		data, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		save(data)
	}
	job() // warm connections and the sandbox
	raw(plainSave)

	// Blocks of each, in turn, so all see the same machine: it is shared and
	// its speed drifts.
	const block = 10
	var clientCPU, plainCPU, safeCPU time.Duration
	jobs := 0
	b.ResetTimer()
	for b.Loop() {
		t0 := cpuTime(b)
		for range block {
			job()
		}
		t1 := cpuTime(b)
		for range block {
			raw(plainSave)
		}
		t2 := cpuTime(b)
		for range block {
			raw(safeSave)
		}
		clientCPU += t1 - t0
		plainCPU += t2 - t1
		safeCPU += cpuTime(b) - t2
		jobs += block
	}
	per := func(d time.Duration) float64 { return float64(d.Microseconds()) / float64(jobs) }
	b.ReportMetric(per(clientCPU), "client-cpu-µs/job")
	b.ReportMetric(per(plainCPU), "bare-http-cpu-µs/job")
	b.ReportMetric(per(clientCPU-plainCPU), "own-cpu-µs/job")
	// The same, against bare HTTP that saves the file as safely as Download:
	// what is left is the client's logic alone.
	b.ReportMetric(per(clientCPU-safeCPU), "own-logic-cpu-µs/job")
}

func jsonNum(f float64) string { b, _ := json.Marshal(f); return string(b) }

// photo24MP is a 6000×4000 JPEG with smooth gradients and grain, about the
// size of a camera's.
func photo24MP(b *testing.B) []byte {
	const w, h = 6000, 4000
	img := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
	rng := rand.New(rand.NewPCG(1, 2))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Y[y*img.YStride+x] = uint8((x*255/w+y*255/h)/2 + rng.IntN(24))
		}
	}
	for y := 0; y < h/2; y++ {
		for x := 0; x < w/2; x++ {
			img.Cb[y*img.CStride+x] = uint8(96 + x*64/(w/2))
			img.Cr[y*img.CStride+x] = uint8(160 - y*64/(h/2))
		}
	}
	return jpegBytes(b, img, 90)
}

// BenchmarkPrepare24MP measures upload preparation of a 24-megapixel JPEG:
// decode, scale to 512 px, re-encode. B/op is what it allocates.
func BenchmarkPrepare24MP(b *testing.B) {
	data := photo24MP(b)
	b.ReportMetric(float64(len(data))/1e6, "input-MB")
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		p, err := client.PrepareImage(bytes.NewReader(data))
		if err != nil || p.Width != 512 {
			b.Fatal(err, p)
		}
	}
}

// BenchmarkAwaitRequests counts the fetches Await spends on jobs of 10 s,
// 60 s and 600 s, on a fake clock.
func BenchmarkAwaitRequests(b *testing.B) {
	for _, d := range []time.Duration{10 * time.Second, 60 * time.Second, 600 * time.Second} {
		b.Run(d.String(), func(b *testing.B) {
			clk := client.NewFakeClock(time.Now())
			srv, _ := pair(b, sandbox.WithJobDuration(d), sandbox.WithClock(clk), sandbox.WithQueueLimit(1<<30), sandbox.WithBalance(1e9))
			c, _ := client.New(testKey, client.WithBaseURL(srv.URL), client.WithClock(clk))
			req := smallRequest(imageServer(b))
			req.NumFrames = 2
			ctx := context.Background()
			var late time.Duration
			jobs := 0
			for b.Loop() {
				start := clk.Now()
				resp, err := c.Submit(ctx, req)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := c.Await(ctx, resp.ID, client.AwaitOptions{Submitted: start, ETA: resp.ETA}); err != nil {
					b.Fatal(err)
				}
				late += clk.Now().Sub(start) - d
				jobs++
			}
			b.ReportMetric(float64(srv.Requests(sandbox.EndpointFetch))/float64(jobs), "fetches/job")
			b.ReportMetric((late / time.Duration(jobs)).Seconds(), "noticed-late-s")
		})
	}
}
