package client

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

var copyBuffers = sync.Pool{New: func() any { b := make([]byte, 64<<10); return &b }}

// Defaults of Download.
const (
	DefaultMaxDownload = 512 << 20
	// DefaultLinkWindow is how long Download keeps trying links that answer
	// 404 or 403: a fresh link can exist a while before its file does.
	DefaultLinkWindow = 3 * time.Minute
)

// DownloadOptions tune Download. The zero value is usable.
type DownloadOptions struct {
	MaxBytes   int64         // the largest file accepted; 0: DefaultMaxDownload
	LinkWindow time.Duration // how long to retry missing files; 0: DefaultLinkWindow
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
	var usable []string
	for _, l := range links {
		if checkWebURL(l) == "" {
			usable = append(usable, l)
		}
	}
	if len(usable) == 0 {
		return "", &Error{Kind: ErrNoOutput, Op: "download", Message: "there is no web link to the result"}
	}
	deadline := c.clock.Now().Add(opts.LinkWindow)
	backoff := time.Second
	for {
		var lastErr error
		for _, link := range usable {
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
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, link, nil)
	if err != nil {
		return &Error{Kind: ErrNoOutput, Op: op, Message: "the link is not valid", Err: err}
	}
	req.Header.Set("User-Agent", c.ua)
	dl := *c.http
	dl.Timeout = 15 * time.Minute
	resp, err := dl.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return &Error{Kind: ErrTransient, Op: op, Message: "could not reach the file's server", Err: scrubbed{err.Error()}}
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
				return ctx.Err()
			}
			return &Error{Kind: ErrTransient, Op: op, Message: "the connection broke during the download", Err: scrubbed{rerr.Error()}}
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
