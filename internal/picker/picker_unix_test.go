//go:build !windows && !darwin

package picker

import "testing"

// The portal answers with file:// links: a name with spaces or other
// characters comes back as its path; anything but a local file is refused.
func TestFileFromURI(t *testing.T) {
	if p, err := fileFromURI("file:///home/a/My%20Pictures/caf%C3%A9.png"); err != nil || p != "/home/a/My Pictures/café.png" {
		t.Fatalf("%q %v", p, err)
	}
	for _, bad := range []string{"https://example.com/a.png", "file://", "sftp://host/a.png", "%zz"} {
		if p, err := fileFromURI(bad); err == nil {
			t.Errorf("%q gave %q", bad, p)
		}
	}
}
