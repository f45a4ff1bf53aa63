package update_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
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
	if err != nil || r.Version != "0.9.1" || r.Page != "https://example.com/releases/v0.9.1" {
		t.Fatalf("%+v %v", r, err)
	}
	for _, p := range []string{"/draft", "/page", "/missing"} {
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
