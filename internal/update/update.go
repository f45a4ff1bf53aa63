// Package update learns whether a newer Vivify has been released: it reads
// the latest release's version from the releases address and compares it
// with this one's. It downloads and installs nothing; the window says that a
// newer version exists, with a link, and the creator decides.
package update

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// DefaultURL is where the latest release is described (GitHub's API).
const DefaultURL = "https://api.github.com/repos/vivify-app/vivify/releases/latest"

// Interval is how often the check runs at most.
const Interval = 24 * time.Hour

// Release is the latest release as the releases address describes it.
type Release struct {
	Version string // like 1.4.0, without the v
	Page    string // the release's web page, for the creator
}

// ErrNotRelease is an answer that does not describe a release.
var ErrNotRelease = errors.New("the answer does not describe a release")

// Latest reads the latest release from url (GitHub's "latest release"
// answer: tag_name and html_url), within ctx and a bound of its own.
func Latest(ctx context.Context, url string) (Release, error) {
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return Release{}, err
	}
	req.Header.Set("Accept", "application/vnd.github+json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return Release{}, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return Release{}, fmt.Errorf("%w: HTTP %d", ErrNotRelease, resp.StatusCode)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return Release{}, err
	}
	return Decode(data)
}

// Decode is the gate for the feed's answer: a release only when it is
// one (not a draft, not a pre-release) whose tag is a plain version
// number; its page is always the project's own.
func Decode(data []byte) (Release, error) {
	var body struct {
		Tag        string `json:"tag_name"`
		Draft      bool   `json:"draft"`
		Prerelease bool   `json:"prerelease"`
	}
	if json.Unmarshal(data, &body) != nil || body.Draft || body.Prerelease {
		return Release{}, ErrNotRelease
	}
	v := strings.TrimPrefix(body.Tag, "v")
	if !plainVersion(v) {
		return Release{}, ErrNotRelease
	}
	// The feed's own link is not shown: the window links only to the
	// project's release page, for this version.
	return Release{Version: v, Page: ReleasesPage + "tag/v" + v}, nil
}

// ReleasesPage is the project's page of releases, the only place the
// update notice links to.
const ReleasesPage = "https://github.com/vivify-app/vivify/releases/"

// plainVersion reports whether v is a plain version number, like 1.4 or
// 1.4.0: one to three numbers of at most four digits, nothing else. The
// feed's text reaches the window only when it is one.
func plainVersion(v string) bool {
	parts := strings.Split(v, ".")
	if len(parts) < 2 || len(parts) > 3 {
		return false
	}
	for _, p := range parts {
		if p == "" || len(p) > 4 || strings.Trim(p, "0123456789") != "" {
			return false
		}
	}
	return true
}

// Newer reports whether version a is newer than b (both like 1.2.3; a
// suffix such as -dev makes a version older than the same without it).
func Newer(a, b string) bool {
	va, oka := parse(strings.TrimPrefix(a, "v"))
	vb, okb := parse(strings.TrimPrefix(b, "v"))
	if !oka || !okb {
		return false
	}
	for i := range 3 {
		if va.n[i] != vb.n[i] {
			return va.n[i] > vb.n[i]
		}
	}
	return va.pre == "" && vb.pre != ""
}

type version struct {
	n   [3]int
	pre string
}

func parse(s string) (version, bool) {
	var v version
	s, v.pre, _ = strings.Cut(s, "-")
	parts := strings.Split(s, ".")
	if len(parts) < 1 || len(parts) > 3 {
		return v, false
	}
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 {
			return v, false
		}
		v.n[i] = n
	}
	return v, true
}

// Due reports whether a check is due, the last one having been at last.
func Due(last, now time.Time) bool {
	return last.IsZero() || now.Sub(last) >= Interval || now.Before(last)
}
