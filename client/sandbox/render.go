package sandbox

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/gif"
	_ "image/jpeg"
	_ "image/png"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	xdraw "golang.org/x/image/draw"

	"vivify/client"
	"vivify/internal/bundled"
	"vivify/internal/picture"
)

// render makes the job's output from its init image and stores it.
func (s *Server) render(j *job) {
	defer s.wg.Done()
	defer close(j.rendered)
	select {
	case s.renders <- struct{}{}:
		defer func() { <-s.renders }()
	case <-s.closed:
		j.renderErr = errors.New("the sandbox was stopped")
		return
	}
	data, ctype, err := s.output(j)
	if err != nil {
		j.renderErr = err
		s.cfg.log.Info("sandbox render failed", "id", j.id, "error", err)
		return
	}
	s.mu.Lock()
	s.files["video_generations/"+j.prefix+"."+j.ext] = &file{data: data, ctype: ctype, job: j}
	s.mu.Unlock()
}

func (s *Server) output(j *job) ([]byte, string, error) {
	src, err := s.loadImage(j.p.initImage)
	if err != nil {
		return nil, "", err
	}
	if j.p.family == client.FamilyHD || j.p.family == client.FamilyPremium {
		return s.outputLarge(j, src)
	}
	frames := zoomFrames(src, j.p.width, j.p.height, j.p.frames, j.seed)
	if j.ext == "mp4" {
		data, err := s.encodeMP4(frames, j.p.fps)
		return data, "video/mp4", err
	}
	data, err := encodeGIF(frames, j.p.fps)
	return data, "image/gif", err
}

// loadImage fetches the init image: an upload of this sandbox from memory,
// anything else over HTTP.
// maxInitSide bounds the init image as the sandbox keeps it: videos are
// at most 1280 pixels on a side.
const maxInitSide = 2048

func (s *Server) loadImage(link string) (image.Image, error) {
	name, ok := strings.CutPrefix(link, s.URL+"/files/")
	if !ok && s.oldURL != "" { // a link the sandbox gave out before a restart
		name, ok = strings.CutPrefix(link, s.oldURL+"/files/")
	}
	if ok {
		s.mu.Lock()
		f := s.files[name]
		s.mu.Unlock()
		if f == nil {
			return nil, errors.New("the init image link does not exist")
		}
		img, _, err := picture.Decode(context.Background(), f.data, maxInitSide, maxInitSide)
		return img, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	go func() {
		select {
		case <-s.closed:
			cancel()
		case <-ctx.Done():
		}
	}()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, link, nil)
	if err != nil {
		return nil, fmt.Errorf("the init image link is not valid: %w", err)
	}
	req.Header.Set("User-Agent", "Vivify-sandbox")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("could not download the init image: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("downloading the init image got HTTP %d", resp.StatusCode)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, 50<<20))
	if err != nil {
		return nil, fmt.Errorf("downloading the init image broke off: %w", err)
	}
	img, _, err := picture.Decode(ctx, data, maxInitSide, maxInitSide)
	switch {
	case errors.Is(err, picture.ErrNotPicture):
		return nil, errors.New("the init image is not a PNG, JPEG, GIF or WebP picture")
	case errors.Is(err, picture.ErrTooLarge):
		return nil, errors.New("the init image is too large")
	case err != nil:
		return nil, fmt.Errorf("the init image is damaged: %w", err)
	}
	return img, nil
}

// zoomFrames makes n frames of w×h: the image cropped to fill the frame, then
// a slow zoom, with a thin bar at the bottom showing the position in the
// clip. The seed chooses where the zoom goes and whether it goes in or out,
// so takes of one picture with other seeds are told apart at a glance, as
// the real models' are.
func zoomFrames(src image.Image, w, h, n int, seed int64) []*image.RGBA {
	rgba := tinted(toRGBA(src, 2*max(w, h)), seed)
	sw, sh := float64(rgba.Rect.Dx()), float64(rgba.Rect.Dy())
	// The largest crop of the source with the frame's aspect.
	cw, ch := sw, sw*float64(h)/float64(w)
	if ch > sh {
		cw, ch = sh*float64(w)/float64(h), sh
	}
	look := seedLook(seed)
	frames := make([]*image.RGBA, n)
	for i := range frames {
		t := 0.0
		if n > 1 {
			t = float64(i) / float64(n-1)
		}
		if look.out {
			t = 1 - t
		}
		zoom := 1 + 0.45*t
		zw, zh := cw/zoom, ch/zoom
		// towards the seed's point of the picture, kept within it
		x0 := min(max(look.x*sw-zw/2, 0), sw-zw)
		y0 := min(max(look.y*sh-zh/2, 0), sh-zh)
		f := image.NewRGBA(image.Rect(0, 0, w, h))
		for y := 0; y < h; y++ {
			fy := y0 + (float64(y)+0.5)*zh/float64(h) - 0.5
			for x := 0; x < w; x++ {
				fx := x0 + (float64(x)+0.5)*zw/float64(w) - 0.5
				bilinear(rgba, fx, fy, f.Pix[y*f.Stride+x*4:y*f.Stride+x*4+4])
			}
		}
		bar := max(2, h/100)
		end := (i + 1) * w / n
		for y := h - bar; y < h; y++ {
			for x := 0; x < w; x++ {
				c := color.RGBA{30, 30, 30, 255}
				if x < end {
					c = color.RGBA{255, 200, 40, 255}
				}
				f.SetRGBA(x, y, c)
			}
		}
		frames[i] = f
	}
	return frames
}

// look is what a seed changes in a practice video: where its zoom goes,
// whether it zooms out, and its tint.
type look struct {
	x, y float64 // the point zoomed to, as parts of the picture
	out  bool
	tint color.RGBA
}

// seedLook is the look of seed: the same seed, the same video.
func seedLook(seed int64) look {
	u := uint64(seed)*0x9E3779B97F4A7C15 + 0x632BE59BD9B4E5
	u ^= u >> 29
	points := [][2]float64{{0.5, 0.5}, {0.3, 0.3}, {0.7, 0.3}, {0.3, 0.7}, {0.7, 0.7}, {0.5, 0.25}, {0.5, 0.75}, {0.25, 0.5}}
	p := points[u%uint64(len(points))]
	tints := []color.RGBA{{255, 120, 80, 255}, {80, 160, 255, 255}, {120, 220, 120, 255}, {220, 120, 255, 255}, {255, 220, 90, 255}}
	return look{x: p[0], y: p[1], out: (u>>8)%2 == 1, tint: tints[(u>>16)%uint64(len(tints))]}
}

// tinted is img washed with the seed's tint (a fifth of it), so that the
// still practice videos of the larger models differ by seed too.
func tinted(img *image.RGBA, seed int64) *image.RGBA {
	c := seedLook(seed).tint
	out := image.NewRGBA(img.Rect)
	for i := 0; i+3 < len(img.Pix); i += 4 {
		out.Pix[i] = uint8((int(img.Pix[i])*4 + int(c.R)) / 5)
		out.Pix[i+1] = uint8((int(img.Pix[i+1])*4 + int(c.G)) / 5)
		out.Pix[i+2] = uint8((int(img.Pix[i+2])*4 + int(c.B)) / 5)
		out.Pix[i+3] = img.Pix[i+3]
	}
	return out
}

// toRGBA converts src to RGBA, sampling it down first when it is much larger
// than needed.
func toRGBA(src image.Image, limit int) *image.RGBA {
	b := src.Bounds()
	w, h := b.Dx(), b.Dy()
	if long := max(w, h); long > limit {
		w, h = max(1, w*limit/long), max(1, h*limit/long)
		dst := image.NewRGBA(image.Rect(0, 0, w, h))
		for y := 0; y < h; y++ {
			sy := b.Min.Y + y*b.Dy()/h
			for x := 0; x < w; x++ {
				dst.Set(x, y, src.At(b.Min.X+x*b.Dx()/w, sy))
			}
		}
		return dst
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(dst, dst.Rect, src, b.Min, draw.Src)
	return dst
}

func bilinear(m *image.RGBA, fx, fy float64, out []uint8) {
	maxX, maxY := m.Rect.Dx()-1, m.Rect.Dy()-1
	x0, y0 := int(fx), int(fy)
	if fx < 0 {
		x0, fx = 0, 0
	}
	if fy < 0 {
		y0, fy = 0, 0
	}
	x0, y0 = min(x0, maxX), min(y0, maxY)
	x1, y1 := min(x0+1, maxX), min(y0+1, maxY)
	ax, ay := fx-float64(x0), fy-float64(y0)
	p00 := m.Pix[y0*m.Stride+x0*4:]
	p10 := m.Pix[y0*m.Stride+x1*4:]
	p01 := m.Pix[y1*m.Stride+x0*4:]
	p11 := m.Pix[y1*m.Stride+x1*4:]
	for c := 0; c < 4; c++ {
		top := float64(p00[c])*(1-ax) + float64(p10[c])*ax
		bot := float64(p01[c])*(1-ax) + float64(p11[c])*ax
		out[c] = uint8(top*(1-ay) + bot*ay + 0.5)
	}
}

// The GIF palette: 6 levels of red, 7 of green, 6 of blue (252 colours), and
// ordered dithering, so quantising costs a few operations a pixel.
var (
	gifPalette = func() color.Palette {
		p := make(color.Palette, 0, 256)
		for r := 0; r < 6; r++ {
			for g := 0; g < 7; g++ {
				for b := 0; b < 6; b++ {
					p = append(p, color.RGBA{uint8(r * 255 / 5), uint8(g * 255 / 6), uint8(b * 255 / 5), 255})
				}
			}
		}
		return p
	}()
	bayer4 = [16]int{0, 8, 2, 10, 12, 4, 14, 6, 3, 11, 1, 9, 15, 7, 13, 5}
)

func quantise(f *image.RGBA) *image.Paletted {
	w, h := f.Rect.Dx(), f.Rect.Dy()
	p := image.NewPaletted(f.Rect, gifPalette)
	// level is ⌊v/step + (d+½)/16⌋: v rounded up or down to one of steps
	// levels by the 4×4 Bayer threshold d (0 to 15).
	level := func(v uint8, steps, d int) int {
		return min(steps-1, (int(v)*(steps-1)*32+(2*d+1)*255)/(255*32))
	}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			d := bayer4[(y&3)*4+(x&3)]
			i := y*f.Stride + x*4
			r := level(f.Pix[i], 6, d)
			g := level(f.Pix[i+1], 7, d)
			b := level(f.Pix[i+2], 6, d)
			p.Pix[y*p.Stride+x] = uint8(r*42 + g*6 + b)
		}
	}
	return p
}

func encodeGIF(frames []*image.RGBA, fps int) ([]byte, error) {
	delay := max(1, (100+fps/2)/fps)
	g := &gif.GIF{LoopCount: 0}
	for _, f := range frames {
		g.Image = append(g.Image, quantise(f))
		g.Delay = append(g.Delay, delay)
		g.Disposal = append(g.Disposal, gif.DisposalNone)
	}
	var buf bytes.Buffer
	if err := gif.EncodeAll(&buf, g); err != nil {
		return nil, fmt.Errorf("could not encode the GIF: %w", err)
	}
	return buf.Bytes(), nil
}

// encodeMP4 encodes frames, all of one size, as an MP4.
func (s *Server) encodeMP4(frames []*image.RGBA, fps int) ([]byte, error) {
	w, h := frames[0].Rect.Dx(), frames[0].Rect.Dy()
	return s.encodeMP4Stream(w, h, fps, len(frames), func(i int) []byte { return frames[i].Pix })
}

// callWebhook POSTs the result to the request's webhook once the job ends,
// once and best effort, as the service does.
func (s *Server) callWebhook(j *job) {
	defer s.wg.Done()
	wait := j.doneAt.Sub(s.cfg.clock.Now())
	select {
	case <-time.After(max(wait, 0)):
	case <-s.closed:
		return
	}
	select {
	case <-j.rendered:
	case <-s.closed:
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	a, ok := s.finished(ctx, j, true)
	if !ok {
		return
	}
	body := a.body
	if j.p.trackID != "" {
		body = bytes.Replace(body, []byte(`{`), []byte(`{"track_id":"`+j.p.trackID+`",`), 1)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, j.p.webhook, bytes.NewReader(body))
	if err != nil {
		return
	}
	req.Header.Set("Content-Type", "application/json")
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
	}
}

// outputLarge makes an HD or premium job's MP4 at the model's real size
// and length, one frame at a time (a 1080p, 10-second clip would not fit
// in memory whole): the picture filling the frame with the position bar,
// or, for a first-and-last-frame job, a fade from the first picture to the
// last, ending exactly on the last.
func (s *Server) outputLarge(j *job, src image.Image) ([]byte, string, error) {
	w, h, n := j.p.outW, j.p.outH, j.p.outFrames
	first := tinted(fill(src, w, h), j.seed)
	var last *image.RGBA
	if j.p.endImage != "" {
		end, err := s.loadImage(j.p.endImage)
		if err != nil {
			return nil, "", fmt.Errorf("the last frame: %w", err)
		}
		last = fill(end, w, h)
	}
	frame := image.NewRGBA(image.Rect(0, 0, w, h))
	data, err := s.encodeMP4Stream(w, h, j.p.outFPS, n, func(i int) []byte {
		if last != nil {
			// Half a second of fade at the end, onto the last picture.
			fade := min(n-1, max(1, j.p.outFPS/2))
			k := i - (n - 1 - fade)
			switch {
			case k <= 0:
				return first.Pix
			case k >= fade:
				return last.Pix
			}
			a := k * 256 / fade
			for p := range frame.Pix {
				frame.Pix[p] = uint8((int(first.Pix[p])*(256-a) + int(last.Pix[p])*a) >> 8)
			}
			return frame.Pix
		}
		copy(frame.Pix, first.Pix)
		bar, end := max(2, h/100), (i+1)*w/n
		for y := h - bar; y < h; y++ {
			for x := range w {
				c := color.RGBA{30, 30, 30, 255}
				if x < end {
					c = color.RGBA{255, 200, 40, 255}
				}
				frame.SetRGBA(x, y, c)
			}
		}
		return frame.Pix
	})
	return data, "video/mp4", err
}

// fill is src scaled and cropped to fill w × h.
func fill(src image.Image, w, h int) *image.RGBA {
	b := src.Bounds()
	sw, sh := float64(b.Dx()), float64(b.Dy())
	cw, ch := sw, sw*float64(h)/float64(w)
	if ch > sh {
		cw, ch = sh*float64(w)/float64(h), sh
	}
	x0, y0 := b.Min.X+int((sw-cw)/2), b.Min.Y+int((sh-ch)/2)
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	xdraw.BiLinear.Scale(dst, dst.Rect, src, image.Rect(x0, y0, x0+int(cw), y0+int(ch)), xdraw.Src, nil)
	return dst
}

// encodeMP4Stream pipes n frames of w × h, made one at a time by frame,
// to ffmpeg and reads back an H.264 MP4 (MPEG-4 Part 2 where the ffmpeg has
// no H.264 encoder), padded to even sides as yuv420p needs.
func (s *Server) encodeMP4Stream(w, h, fps, n int, frame func(i int) []byte) ([]byte, error) {
	if s.cfg.ffmpeg == "" {
		return nil, errors.New("MP4 output needs ffmpeg, which is not installed")
	}
	dir, err := os.MkdirTemp("", "vivify-sandbox-*")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	out := filepath.Join(dir, "out.mp4")
	var lastErr error
	for _, codec := range [][]string{{"-c:v", "libx264", "-preset", "ultrafast"}, {"-c:v", "mpeg4"}} {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		args := []string{"-hide_banner", "-loglevel", "error", "-y",
			"-f", "rawvideo", "-pix_fmt", "rgba", "-s", fmt.Sprintf("%dx%d", w, h), "-framerate", fmt.Sprint(fps), "-i", "-"}
		args = append(args, "-vf", "pad=ceil(iw/2)*2:ceil(ih/2)*2")
		args = append(args, codec...)
		args = append(args, "-pix_fmt", "yuv420p", "-movflags", "+faststart", out)
		cmd := bundled.Command(ctx, s.cfg.ffmpeg, args...)
		stdin, err := cmd.StdinPipe()
		if err != nil {
			cancel()
			return nil, err
		}
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := bundled.Start(cmd); err != nil {
			cancel()
			return nil, err
		}
		for i := 0; i < n; i++ {
			if _, err := stdin.Write(frame(i)); err != nil {
				break
			}
		}
		stdin.Close()
		err = bundled.Wait(cmd)
		cancel()
		if err == nil {
			return os.ReadFile(out)
		}
		lastErr = fmt.Errorf("ffmpeg could not make the MP4: %v: %s", err, strings.TrimSpace(stderr.String()))
	}
	return nil, lastErr
}
