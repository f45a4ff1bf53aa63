//go:build linux

// Command startbench measures Vivify's start against a hello-world Fyne
// window built with the same Fyne, in the same run: the time from launch to
// the window being visible, and the resident memory once it has settled,
// with Vivify opening a library of 1,000 jobs; and the time until
// something is drawn in the window (drawn.go). Run it under a display (make
// bench-start runs it under Xvfb); it needs xev and stdbuf.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"image"
	"image/png"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"vivify/client"
	"vivify/jobs"
)

func main() {
	vivify := flag.String("vivify", "bin/vivify", "the Vivify binary")
	hello := flag.String("hello", "bin/hellofyne", "the hello-world binary")
	runs := flag.Int("runs", 5, "starts of each")
	n := flag.Int("jobs", 1000, "jobs in Vivify's library")
	each := flag.Bool("each", false, "print every start's figures too")
	flag.Parse()

	dir, err := os.MkdirTemp("", "startbench-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	lib := filepath.Join(dir, "library")
	if err := makeLibrary(lib, *n); err != nil {
		log.Fatal(err)
	}
	maps, err := watchMaps()
	if err != nil {
		log.Fatal(err)
	}
	var vt, ht, vd, hd, vc, hc []time.Duration
	var vm, hm []int
	for i := 0; i < *runs; i++ { // in turn, so both see the same machine
		r := start(maps, dir, *vivify, "--library", lib)
		vt, vd, vc, vm = append(vt, r.shown), append(vd, r.drawn), append(vc, r.cpu), append(vm, r.rss)
		h := start(maps, dir, *hello)
		ht, hd, hc, hm = append(ht, h.shown), append(hd, h.drawn), append(hc, h.cpu), append(hm, h.rss)
		if *each {
			fmt.Printf("start %d: shown %v / %v, drawn %v / %v, CPU %v / %v, %d / %d MB (Vivify / hello world)\n", i+1,
				r.shown.Round(time.Millisecond), h.shown.Round(time.Millisecond), r.drawn.Round(time.Millisecond), h.drawn.Round(time.Millisecond),
				r.cpu, h.cpu, r.rss/1024, h.rss/1024)
		}
	}
	mt, mh := medianD(vt), medianD(ht)
	dt, dh := medianD(vd), medianD(hd)
	ct, ch := medianD(vc), medianD(hc)
	rv, rh := medianI(vm), medianI(hm)
	fmt.Printf("window shown: Vivify %v, hello world %v (%.2fx)\n", mt.Round(time.Millisecond), mh.Round(time.Millisecond), float64(mt)/float64(mh))
	fmt.Printf("content drawn: Vivify %v (its panels and %d-job gallery), hello world %v (its label) (%.2fx)\n",
		dt.Round(time.Millisecond), *n, dh.Round(time.Millisecond), float64(dt)/float64(dh))
	fmt.Printf("CPU time until then: Vivify %v, hello world %v (%.2fx)\n", ct, ch, float64(ct)/float64(ch))
	fmt.Printf("memory once settled: Vivify %d MB, hello world %d MB (%.2fx)\n", rv/1024, rh/1024, float64(rv)/float64(rh))
	fmt.Printf("median of %d starts each, in turn; Vivify with a library of %d jobs\n", *runs, *n)
}

// started is what one start measured: the time to the window being
// visible, to something being drawn in it, the CPU time the process had
// used when the window showed (less swayed by a busy machine than the wall
// clock), and the resident set in KB once settled.
type started struct {
	shown, drawn, cpu time.Duration
	rss               int
}

// start launches a binary, waits for its window to be visible and drawn,
// lets it settle, and measures.
func start(maps <-chan mapped, home, bin string, args ...string) started {
	for len(maps) > 0 { // windows of the last start
		<-maps
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "HOME="+home)
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		log.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	var r started
	var win uint32
	select {
	case m := <-maps:
		r.shown, win = m.at.Sub(t0), m.window
	case <-time.After(time.Minute):
		log.Fatalf("%s showed no window", bin)
	}
	r.cpu = cpuTime(cmd.Process.Pid)
	at, err := drawn(win, 10*time.Second)
	if err != nil {
		log.Fatalf("cannot look at the window: %v", err)
	}
	if at.IsZero() {
		log.Fatalf("%s drew nothing in its window", bin)
	}
	r.drawn = at.Sub(t0)
	time.Sleep(3 * time.Second)
	r.rss = rss(cmd.Process.Pid)
	return r
}

// mapped is a window made visible, and when.
type mapped struct {
	at     time.Time
	window uint32
}

// watchMaps reports the moment each top-level window is mapped (made
// visible) on the display, from the X server's own MapNotify events through
// xev: no polling, so the watching takes no CPU from the app being timed.
func watchMaps() (<-chan mapped, error) {
	cmd := exec.Command("stdbuf", "-oL", "xev", "-root", "-event", "substructure")
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("xev (package x11-utils) is needed: %w", err)
	}
	maps := make(chan mapped, 16)
	go func() {
		sc := bufio.NewScanner(out)
		var at time.Time
		for sc.Scan() {
			line := sc.Text()
			if strings.HasPrefix(line, "MapNotify event") {
				at = time.Now()
				continue
			}
			// The next line names the window: "event 0x50d, window 0x1200020, …".
			if _, w, ok := strings.Cut(line, ", window 0x"); ok && !at.IsZero() {
				id, _ := strconv.ParseUint(strings.TrimRight(strings.Fields(w)[0], ","), 16, 32)
				maps <- mapped{at, uint32(id)}
				at = time.Time{}
			}
		}
	}()
	time.Sleep(500 * time.Millisecond) // xev is listening
	return maps, nil
}

// cpuTime is the user and system time a process has used, from
// /proc/pid/stat (fields 14 and 15, in clock ticks of 10 ms).
func cpuTime(pid int) time.Duration {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The command name may hold spaces: count fields after its ')'.
	f := strings.Fields(string(data[bytes.LastIndexByte(data, ')')+1:]))
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.Atoi(f[11])
	s, _ := strconv.Atoi(f[12])
	return time.Duration(u+s) * 10 * time.Millisecond
}

func rss(pid int) int {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, _ := strconv.Atoi(strings.Fields(v)[0])
			return kb
		}
	}
	return 0
}

// makeLibrary writes n finished jobs, each with a small thumbnail.
func makeLibrary(dir string, n int) error {
	var thumb bytes.Buffer
	img := image.NewRGBA(image.Rect(0, 0, 256, 171))
	for i := range img.Pix {
		img.Pix[i] = uint8(i * 7)
	}
	png.Encode(&thumb, img)
	start := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	for i := range n {
		at := start.Add(time.Duration(i) * time.Minute)
		folder := filepath.Join(dir, fmt.Sprintf("%s photo %d", at.Format("2006-01-02 15-04"), i))
		if err := os.MkdirAll(folder, 0o755); err != nil {
			return err
		}
		seed := int64(1000 + i)
		j := jobs.Job{Version: 1, ID: fmt.Sprintf("%016x", i), Request: client.NewRequest("https://cdn.example.com/p.png"),
			State: jobs.Done, Source: jobs.Source{File: "/home/ana/photo.jpg", Name: fmt.Sprint("photo ", i)},
			ServerID: fmt.Sprint(i), Seed: &seed, Model: "svd", Output: "video.gif", Thumbnail: "thumb.png", Created: at}
		data, _ := json.Marshal(j)
		if err := os.WriteFile(filepath.Join(folder, jobs.JobFile), data, 0o644); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(folder, "thumb.png"), thumb.Bytes(), 0o644); err != nil {
			return err
		}
	}
	return nil
}

func medianD(v []time.Duration) time.Duration {
	sort.Slice(v, func(a, b int) bool { return v[a] < v[b] })
	return v[len(v)/2]
}

func medianI(v []int) int {
	sort.Ints(v)
	return v[len(v)/2]
}
