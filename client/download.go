package client

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

var copyBuffers = sync.Pool{New: func() any { b := make([]byte, 64<<10); return &b }}

// Defaults of Download.
const (
	DefaultMaxDownload = 512 << 20
	// DefaultLinkWindow is how long Download keeps trying links that answer
	// 404 or 403: a fresh link can exist a while before its file does.
	DefaultLinkWindow = 3 * time.Minute
	// DefaultStallTimeout is how long a download may go without a byte
	// (waiting for the server's answer included) before it is given up as
	// stalled and the next link is tried.
	DefaultStallTimeout = 30 * time.Second
	// MaxLinks is how many of an answer's links are tried: real answers
	// have one to three.
	MaxLinks = 8
)

// DownloadOptions tune Download. The zero value is usable.
type DownloadOptions struct {
	MaxBytes   int64         // the largest file accepted; 0: DefaultMaxDownload
	LinkWindow time.Duration // how long to retry missing files; 0: DefaultLinkWindow
	// StallTimeout is how long to wait without receiving a byte;
	// 0: DefaultStallTimeout.
	StallTimeout time.Duration
	// OnProgress, if set, is called as bytes arrive; total is -1 when the
	// server does not say.
	OnProgress func(done, total int64)
}

// Download fetches the result to dest, trying the links in order (pass
// Response.Links(): output, proxy_links, future_links). Links that answer
// 404 or 403, or fail in passing, are tried again with backoff until
// LinkWindow has passed. The file is written to a temporary file beside dest
// and renamed into place once whole, so dest is either absent or complete.
// It returns the link the file came from.
//
// The file's data is synced before the rename, so dest is never a torn file.
// The rename itself becomes durable when the folder is next synced: the
// library does that once when it records the job, rather than every download
// paying for it.
func (c *Client) Download(ctx context.Context, links []string, dest string, opts DownloadOptions) (string, error) {
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = DefaultMaxDownload
	}
	if opts.LinkWindow <= 0 {
		opts.LinkWindow = DefaultLinkWindow
	}
	if opts.StallTimeout <= 0 {
		opts.StallTimeout = DefaultStallTimeout
	}
	var usable []string
	refused := 0
	for _, l := range links {
		if len(usable) == MaxLinks {
			break
		}
		if checkWebURL(l) != "" {
			continue
		}
		if !c.linkAllowed(l) {
			refused++
			continue
		}
		usable = append(usable, l)
	}
	if len(usable) == 0 {
		if refused > 0 {
			return "", &Error{Kind: ErrNoOutput, Op: "download",
				Message: "the result's link points into this computer or its local network, which Vivify does not download from for a service on the internet"}
		}
		return "", &Error{Kind: ErrNoOutput, Op: "download", Message: "there is no web link to the result"}
	}
	deadline := c.clock.Now().Add(opts.LinkWindow)
	backoff := time.Second
	for {
		var lastErr error
		for _, link := range usable {
			if lastErr != nil && !c.clock.Now().Before(deadline) {
				return "", lastErr
			}
			err := c.downloadOnce(ctx, link, dest, opts)
			if err == nil {
				return link, nil
			}
			if ctxErr := ctx.Err(); ctxErr != nil {
				return "", ctxErr
			}
			if errors.Is(err, ErrTooLarge) {
				return "", err
			}
			lastErr = err
			c.log.Info("download will be retried", "host", hostOf(link), "error", err.Error())
		}
		now := c.clock.Now()
		if !now.Before(deadline) {
			return "", lastErr
		}
		if err := c.clock.Sleep(ctx, min(backoff, deadline.Sub(now))); err != nil {
			return "", err
		}
		backoff = min(backoff*2, 15*time.Second)
	}
}

var errStalled = errors.New("stalled")

// stallBytes is the least a download must receive in each StallTimeout
// (16 KB in 30 s: a line far slower than any real one).
const stallBytes = 16 << 10

// downloadClient is the HTTP client for result files: the client's own,
// without its overall time limit (a large file on a slow line takes what it
// takes; the stall timer bounds a dead one), and, for a service on the
// internet, unable to connect to this computer or its local network, so an
// answer cannot make Vivify fetch from there.
func (c *Client) downloadClient() *http.Client {
	c.dlOnce.Do(func() {
		dl := *c.http
		dl.Timeout = 0
		if !c.localService() {
			if t, ok := dl.Transport.(*http.Transport); ok || dl.Transport == nil {
				dl.Transport = guardedTransportFrom(t, refuseLocal)
			}
		}
		c.dl = &dl
	})
	return c.dl
}

// guardedTransport is a transport like Go's default whose every
// connection is checked by control once its name is resolved: where a
// name leads, not what it says, decides.
func guardedTransport(control func(network, address string, raw syscall.RawConn) error) *http.Transport {
	return guardedTransportFrom(nil, control)
}

// guardedTransportFrom is base (nil: Go's default transport) with
// control at every dial.
func guardedTransportFrom(base *http.Transport, control func(network, address string, raw syscall.RawConn) error) *http.Transport {
	if base == nil {
		base = http.DefaultTransport.(*http.Transport)
	}
	t := base.Clone()
	dialer := &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second, Control: control}
	t.DialContext = dialer.DialContext
	return t
}

// localService reports whether the service is on this computer or its
// network (the sandbox, a self-hosted server): then its links may be too.
func (c *Client) localService() bool {
	return localHost(c.base.Hostname())
}

// linkAllowed reports whether a result link may be downloaded: for a
// service on the internet, not one that names this computer or a local
// network address. (Names that resolve there are refused when dialled.)
func (c *Client) linkAllowed(link string) bool {
	if c.localService() {
		return true
	}
	u, err := url.Parse(link)
	return err == nil && !localHost(u.Hostname())
}

func localHost(host string) bool {
	if isLoopback(host) {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && localIP(ip)
}

func localIP(ip net.IP) bool {
	return ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsUnspecified() || ip.IsMulticast() || ip.IsInterfaceLocalMulticast()
}

// refuseLocal is a dialer's check of the address a name resolved to.
func refuseLocal(network, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return err
	}
	if ip := net.ParseIP(host); ip == nil || localIP(ip) {
		return &Error{Kind: ErrNoOutput, Op: "download",
			Message: "the result's link leads into this computer or its local network, which Vivify does not download from for a service on the internet"}
	}
	return nil
}

func hostOf(link string) string {
	if i := strings.Index(link, "://"); i >= 0 {
		rest := link[i+3:]
		if j := strings.IndexAny(rest, "/?#"); j >= 0 {
			return rest[:j]
		}
		return rest
	}
	return ""
}

func (c *Client) downloadOnce(ctx context.Context, link, dest string, opts DownloadOptions) error {
	op := "download from " + hostOf(link)
	outer := ctx
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	// The stall check runs from the request on: each StallTimeout, at
	// least stallBytes must have arrived, so a server that sends nothing,
	// or drips a byte now and then, is given up.
	var got atomic.Int64
	go func() {
		tick := time.NewTicker(opts.StallTimeout)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
				if got.Swap(0) < stallBytes {
					cancel(errStalled)
					return
				}
			}
		}
	}()
	stalled := func() error {
		if outer.Err() != nil {
			return outer.Err()
		}
		return &Error{Kind: ErrTransient, Op: op,
			Message: fmt.Sprintf("the file's server sent almost nothing for %s", humanDuration(opts.StallTimeout))}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, link, nil)
	if err != nil {
		return &Error{Kind: ErrNoOutput, Op: op, Message: "the link is not valid", Err: err}
	}
	req.Header.Set("User-Agent", c.ua)
	resp, err := c.downloadClient().Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return stalled()
		}
		var ne *Error
		if errors.As(err, &ne) {
			return ne
		}
		return &Error{Kind: ErrTransient, Op: op, Message: "could not reach the file's server", Err: scrubbed{c.redact(err.Error())}}
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusForbidden:
		return &Error{Kind: ErrNotFound, Op: op, HTTPStatus: resp.StatusCode, Message: "the file is not there (yet)"}
	case resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests:
		return &Error{Kind: ErrTransient, Op: op, HTTPStatus: resp.StatusCode, Message: "the file's server had a fault"}
	case resp.StatusCode != http.StatusOK:
		return &Error{Kind: ErrNotFound, Op: op, HTTPStatus: resp.StatusCode, Message: "the file's server refused it"}
	}
	if strings.Contains(strings.ToLower(resp.Header.Get("Content-Type")), "text/html") {
		return &Error{Kind: ErrTransient, Op: op, HTTPStatus: resp.StatusCode, Message: "the server sent a web page instead of the video"}
	}
	total := resp.ContentLength
	if total > opts.MaxBytes {
		return &Error{Kind: ErrTooLarge, Op: op,
			Message: fmt.Sprintf("the file is %d MB, more than the %d MB allowed", total>>20, opts.MaxBytes>>20)}
	}

	dir := filepath.Dir(dest)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(dest)+".part-*")
	if err != nil {
		return &Error{Kind: ErrDisk, Op: "save the video", Message: "the file could not be created on disk", Err: err}
	}
	done := false
	defer func() {
		if !done {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()

	var n int64
	var head []byte
	bufp := copyBuffers.Get().(*[]byte)
	defer copyBuffers.Put(bufp)
	buf := *bufp
	for {
		m, rerr := resp.Body.Read(buf)
		got.Add(int64(m))
		if m > 0 {
			if len(head) < 16 {
				head = append(head, buf[:min(m, 16-len(head))]...)
			}
			n += int64(m)
			if n > opts.MaxBytes {
				return &Error{Kind: ErrTooLarge, Op: op, Message: fmt.Sprintf("the file is more than the %d MB allowed", opts.MaxBytes>>20)}
			}
			if _, werr := tmp.Write(buf[:m]); werr != nil {
				return &Error{Kind: ErrDisk, Op: "save the video", Message: "writing to disk failed (is the disk full?)", Err: werr}
			}
			if opts.OnProgress != nil {
				opts.OnProgress(n, total)
			}
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			if ctx.Err() != nil {
				return stalled()
			}
			return &Error{Kind: ErrTransient, Op: op, Message: "the connection broke during the download", Err: scrubbed{c.redact(rerr.Error())}}
		}
	}
	if total >= 0 && n != total {
		return &Error{Kind: ErrTransient, Op: op, Message: fmt.Sprintf("the download stopped at %d of %d bytes", n, total)}
	}
	if n == 0 {
		return &Error{Kind: ErrTransient, Op: op, Message: "the file was empty"}
	}
	if t := bytes.TrimLeft(head, " \t\r\n"); len(t) > 0 && t[0] == '<' {
		return &Error{Kind: ErrTransient, Op: op, Message: "the server sent a web page instead of the video"}
	}
	// CreateTemp makes the file private (0600); a video is ordinary media.
	if err := tmp.Chmod(0o644); err != nil {
		return &Error{Kind: ErrDisk, Op: "save the video", Message: "the file's permissions could not be set", Err: err}
	}
	if err := tmp.Sync(); err != nil {
		return &Error{Kind: ErrDisk, Op: "save the video", Message: "writing to disk failed", Err: err}
	}
	if err := tmp.Close(); err != nil {
		return &Error{Kind: ErrDisk, Op: "save the video", Message: "writing to disk failed", Err: err}
	}
	if err := os.Rename(tmp.Name(), dest); err != nil {
		return &Error{Kind: ErrDisk, Op: "save the video", Message: "the file could not be put in place", Err: err}
	}
	done = true
	return nil
}
