//go:build !windows && !darwin

package picker

import (
	"strings"
	"testing"
)

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

// zenity and kdialog are asked with the title, the start folder, the
// file name to suggest and the filters, in their own syntax.
func TestToolArguments(t *testing.T) {
	r := Request{Kind: Save, Title: "Save the video as", Folder: "/home/a/Videos", Name: "clip.mp4",
		Filters: []Filter{{Name: "MP4 video", Patterns: []string{"*.mp4"}}}}
	z := strings.Join(toolArgs("zenity", r), "\n")
	for _, want := range []string{"--save", "--confirm-overwrite", "--title=Save the video as", "--filename=/home/a/Videos/clip.mp4", "--file-filter=MP4 video | *.mp4"} {
		if !strings.Contains(z, want) {
			t.Errorf("zenity: no %q in %q", want, z)
		}
	}
	k := toolArgs("kdialog", Request{Kind: Open, Title: "Choose a picture", Folder: "/p", Filters: []Filter{{Name: "Pictures", Patterns: []string{"*.png", "*.jpg"}}}})
	if strings.Join(k, "|") != "--title|Choose a picture|--getopenfilename|/p/|*.png *.jpg|Pictures" {
		t.Errorf("kdialog: %q", k)
	}
	if f := toolArgs("zenity", Request{Kind: Folder, Title: "T"}); !strings.Contains(strings.Join(f, " "), "--directory") {
		t.Errorf("zenity folder: %q", f)
	}
}
