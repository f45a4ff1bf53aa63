package update_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"vivify/internal/update"
)

func TestNewer(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"1.2.0", "1.1.9", true}, {"v1.10.0", "1.9.3", true}, {"1.2.3", "1.2.3", false},
		{"1.2.3", "1.2.3-dev", true}, {"1.2.3-dev", "1.2.3", false}, {"0.9", "1.0.0", false},
		{"nonsense", "1.0.0", false}, {"2", "1.9.9", true},
	} {
		if got := update.Newer(tc.a, tc.b); got != tc.want {
			t.Errorf("Newer(%q, %q) = %v", tc.a, tc.b, got)
		}
	}
}

// The latest release is read from a stand-in for the releases address;
// drafts, pre-releases and answers that are not releases are not news.
func TestLatest(t *testing.T) {
	answers := map[string]string{
		"/good":  `{"tag_name":"v0.9.1","html_url":"https://example.com/releases/v0.9.1"}`,
		"/draft": `{"tag_name":"v9.0.0","html_url":"https://example.com/r","draft":true}`,
		"/page":  `<html>rate limited</html>`,
		// What a tampered or hostile feed may say: none of it is news.
		"/control":   `{"tag_name":"v1.0.0\u0007\u001b[2J","html_url":"https://github.com/vivify-app/vivify/releases/tag/v1.0.0"}`,
		"/bidi":      `{"tag_name":"v1.0.0\u202egpj.exe","html_url":"https://example.com/r"}`,
		"/long":      `{"tag_name":"v1.0.` + strings.Repeat("9", 5000) + `","html_url":"https://example.com/r"}`,
		"/suffix":    `{"tag_name":"v2.0.0-click-here-to-win","html_url":"https://example.com/r"}`,
		"/spaced":    `{"tag_name":" v2.0.0 ","html_url":"https://example.com/r"}`,
		"/elsewhere": `{"tag_name":"v2.0.0","html_url":"javascript:alert(1)"}`,
	}
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, ok := answers[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Write([]byte(a))
	}))
	defer hs.Close()
	r, err := update.Latest(context.Background(), hs.URL+"/good")
	if err != nil || r.Version != "0.9.1" || r.Page != update.ReleasesPage+"tag/v0.9.1" {
		t.Fatalf("%+v %v", r, err)
	}
	// The feed's link is never used, only the project's release page.
	if r, err := update.Latest(context.Background(), hs.URL+"/elsewhere"); err != nil || r.Page != update.ReleasesPage+"tag/v2.0.0" {
		t.Fatalf("elsewhere: %+v %v", r, err)
	}
	for _, p := range []string{"/draft", "/page", "/missing", "/control", "/bidi", "/long", "/suffix", "/spaced"} {
		if _, err := update.Latest(context.Background(), hs.URL+p); !errors.Is(err, update.ErrNotRelease) {
			t.Errorf("%s: %v", p, err)
		}
	}
}

func TestDue(t *testing.T) {
	now := time.Now()
	if !update.Due(time.Time{}, now) || update.Due(now.Add(-time.Hour), now) || !update.Due(now.Add(-25*time.Hour), now) {
		t.Fatal("a check is due once a day")
	}
}

// FuzzDecode: whatever the feed says, a release that reaches the window
// has a plain version number and the project's own page.
func FuzzDecode(f *testing.F) {
	f.Add([]byte(`{"tag_name":"v0.9.1","html_url":"https://example.com/releases/v0.9.1"}`))
	f.Add([]byte(`{"tag_name":"v1.0.0\u202e","prerelease":false}`))
	f.Add([]byte(`{"tag_name":"1.2"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := update.Decode(data)
		if err != nil {
			return
		}
		if r.Page != update.ReleasesPage+"tag/v"+r.Version || len(r.Version) > 14 ||
			strings.Trim(r.Version, "0123456789.") != "" || strings.Count(r.Version, ".") < 1 {
			t.Fatalf("let through: %+v", r)
		}
	})
}
