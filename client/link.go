package client

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"time"

	"vivify/internal/picture"
)

// LinkInfo is what a link to a picture leads to.
type LinkInfo struct {
	Width, Height int
	Format        string // png, jpeg, gif or webp
}

// What is wrong with a link to a picture (LinkError.Kind).
var (
	ErrLinkInvalid     = errors.New("the link is not a web address")
	ErrLinkLocal       = errors.New("the link is on this computer or its local network, which the service cannot reach")
	ErrLinkUnreachable = errors.New("nothing answered at the link")
	ErrLinkStatus      = errors.New("the site answered with an error")
	ErrLinkNotPicture  = errors.New("the link does not lead to a picture")
	ErrLinkTooLarge    = errors.New("the picture at the link is too large")
)

// LinkError says what is wrong with a link to a picture.
type LinkError struct {
	Kind        error
	Link        string
	Status      int    // the HTTP status, for ErrLinkStatus
	ContentType string // what the site said it sent
	Err         error
}

func (e *LinkError) Error() string {
	msg := e.Kind.Error()
	switch {
	case e.Status != 0:
		msg += fmt.Sprintf(" (HTTP %d)", e.Status)
	case e.ContentType != "" && errors.Is(e.Kind, ErrLinkNotPicture):
		msg += " (it sent " + e.ContentType + ")"
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *LinkError) Is(target error) bool { return target == e.Kind }
func (e *LinkError) Unwrap() error        { return e.Err }

// linkHeadBytes is how much of a picture is read to learn what it is:
// headers come first, and a JPEG's size follows its metadata.
const linkHeadBytes = 2 << 20

// CheckPictureLink fetches the start of what link leads to, as the service
// will when the job starts, and says what picture it is, or what is wrong:
// nothing answers, the site refuses, it is a web page, the picture is too
// large, or (for a service on the internet) the link is on this computer's
// network, where the service cannot reach. c may be nil: no client yet.
func (c *Client) CheckPictureLink(ctx context.Context, link string) (LinkInfo, error) {
	link = strings.TrimSpace(link)
	u, err := url.Parse(link)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return LinkInfo{}, &LinkError{Kind: ErrLinkInvalid, Link: link}
	}
	if c != nil && !c.localService() && localHost(u.Hostname()) {
		return LinkInfo{}, &LinkError{Kind: ErrLinkLocal, Link: link}
	}
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, link, nil)
	if err != nil {
		return LinkInfo{}, &LinkError{Kind: ErrLinkInvalid, Link: link, Err: err}
	}
	req.Header.Set("Accept", "image/*")
	req.Header.Set("User-Agent", "Vivify/"+Version)
	hc := &http.Client{CheckRedirect: func(r *http.Request, via []*http.Request) error {
		if len(via) >= 5 {
			return errors.New("too many redirects")
		}
		if c != nil && !c.localService() && localHost(r.URL.Hostname()) {
			return &LinkError{Kind: ErrLinkLocal, Link: r.URL.String()}
		}
		return nil
	}}
	if c != nil && !c.localService() {
		// A name is checked where it leads, when it is dialled: one that
		// resolves to this computer or its network (or a redirect to such
		// a name) is refused like the address itself.
		hc.Transport = guardedTransport(func(network, address string, raw syscall.RawConn) error {
			if refuseLocal(network, address, raw) != nil {
				return &LinkError{Kind: ErrLinkLocal, Link: link}
			}
			return nil
		})
	}
	resp, err := hc.Do(req)
	if err != nil {
		var le *LinkError
		if errors.As(err, &le) {
			le.Link = link
			return LinkInfo{}, le
		}
		return LinkInfo{}, &LinkError{Kind: ErrLinkUnreachable, Link: link, Err: plainNetError(err)}
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusPartialContent {
		return LinkInfo{}, &LinkError{Kind: ErrLinkStatus, Link: link, Status: resp.StatusCode}
	}
	ctype, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	head, err := io.ReadAll(io.LimitReader(resp.Body, linkHeadBytes))
	if err != nil && len(head) == 0 {
		return LinkInfo{}, &LinkError{Kind: ErrLinkUnreachable, Link: link, Err: plainNetError(err)}
	}
	info, err := picture.Check(head)
	switch {
	case errors.Is(err, picture.ErrTooLarge):
		return LinkInfo{}, &LinkError{Kind: ErrLinkTooLarge, Link: link, Err: err}
	case err != nil:
		return LinkInfo{}, &LinkError{Kind: ErrLinkNotPicture, Link: link, ContentType: ctype}
	}
	return LinkInfo{Width: info.Width, Height: info.Height, Format: info.Format}, nil
}

// plainNetError is a network error without Go's "Get "https://…":" prefix.
func plainNetError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return errors.New("the site's name is not known (" + dns.Name + ")")
	}
	return err
}
