package jobs_test

import (
	"strings"
	"testing"

	"vivify/client"
	"vivify/jobs"
)

// A failure names its cause in a creator's words, once: a picture the
// server could not fetch is said to be the picture's fault, not the
// frames'; a job the server forgot is not explained twice.
func TestDescribeNamesTheCause(t *testing.T) {
	f := jobs.Describe(&client.Error{Kind: client.ErrGenerationFailed, Message: "Failed, Try Again",
		Tip: "Vivify sandbox: could not download the init image: HTTP 404"})
	if !strings.Contains(f.Message, "picture") || strings.Contains(f.Advice, "frames") {
		t.Errorf("a picture that could not be fetched: %q %q", f.Message, f.Advice)
	}
	f = jobs.Describe(&client.Error{Kind: client.ErrNotFound})
	if text := f.Message + " " + f.Advice; strings.Count(text, "no longer") > 1 || !strings.Contains(text, "Run again") {
		t.Errorf("a job the server forgot: %q", text)
	}
}
