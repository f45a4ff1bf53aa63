package client_test

import (
	"bytes"
	"context"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"vivify/client"
)

var update = flag.Bool("update", false, "rewrite the golden request bodies")

// goldenName is the file of a model's golden body.
func goldenName(m client.Model) string {
	return filepath.Join("testdata", "bodies", strings.ReplaceAll(string(m.Family), "-", "_")+"__"+m.ID+".json")
}

// The body each model's request sends, byte for byte, against a golden
// file per model. The seed endpoint's body for svd is the one Vivify has
// always sent (its golden file was made by the code before models existed).
func TestGoldenBodies(t *testing.T) {
	var got []byte
	var path string
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, _ = io.ReadAll(r.Body)
		path = r.URL.Path
		w.Write([]byte(`{"status":"processing","id":1,"eta":3}`))
	}))
	defer hs.Close()
	c, _ := client.New(testKey, client.WithBaseURL(hs.URL))
	for _, m := range client.Catalogue {
		r := client.NewRequestFor(m, "https://example.com/a.png")
		r.Prompt = "waves rolling in"
		if m.EndFrame {
			r.EndImage = "https://example.com/b.png"
		}
		if m.ID == "svd" {
			r = client.NewRequest("https://example.com/a.png") // as before models
			r.Prompt = "waves rolling in"
		}
		if _, err := c.Submit(context.Background(), r); err != nil {
			t.Fatalf("%s: %v", m.ID, err)
		}
		if path != m.Family.SubmitPath() {
			t.Errorf("%s went to %s, want %s", m.ID, path, m.Family.SubmitPath())
		}
		file := goldenName(m)
		if *update {
			os.MkdirAll(filepath.Dir(file), 0o755)
			os.WriteFile(file, got, 0o644)
			continue
		}
		want, err := os.ReadFile(file)
		if err != nil {
			t.Fatalf("%s: %v (run go test -update once)", m.ID, err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s %s body changed:\n got %s\nwant %s", m.Family, m.ID, got, want)
		}
	}
}
