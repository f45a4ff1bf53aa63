// Package picker shows the system's own file chooser: the desktop portal's
// on Linux (or zenity or kdialog where there is no portal), the Windows
// file dialog, and the macOS panel. Creators know their system's chooser:
// its favourites, recent files, cloud folders and thumbnails. Where there
// is none, Pick says so (ErrNone) and the caller shows Fyne's own dialog.
//
// Pick blocks until the chooser closes: call it off the UI goroutine.
package picker

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
)

// Kind is what the chooser picks.
type Kind int

const (
	// Open picks a file that exists.
	Open Kind = iota
	// Save picks where a new file goes (the chooser asks before it
	// replaces one).
	Save
	// Folder picks a folder.
	Folder
)

// Filter is a named set of file patterns ("Pictures", "*.png"), and the
// MIME types they are, for the choosers that filter by type.
type Filter struct {
	Name     string
	Patterns []string
	MIME     []string
}

// Place is a folder of the creator's that a chooser starts in.
type Place int

const (
	// Anywhere leaves it to the chooser (or Folder).
	Anywhere Place = iota
	// InPictures is the creator's pictures folder.
	InPictures
	// InVideos is the creator's videos folder.
	InVideos
)

// Request is what to ask the chooser.
type Request struct {
	Kind    Kind
	Title   string
	Folder  string // where it starts; "" for Start, or the chooser's choice
	Start   Place  // where it starts when Folder is ""
	Name    string // Save: the file name suggested
	Filters []Filter
}

// ErrNone is Pick's error when the system has no chooser Vivify can show:
// the caller shows its own.
var ErrNone = errors.New("no system file chooser")

// Pick shows the system's chooser for r and returns the path chosen, or ""
// when the creator cancelled it. Which chooser it is can be set with the
// environment variable VIVIFY_PICKER (portal, zenity, kdialog, system, or
// none for Vivify's own), for a desktop whose portal misbehaves.
func Pick(ctx context.Context, r Request) (string, error) {
	r = r.Resolved()
	if r.Folder != "" {
		if st, err := os.Stat(r.Folder); err != nil || !st.IsDir() {
			r.Folder = ""
		}
	}
	choice := strings.ToLower(strings.TrimSpace(os.Getenv("VIVIFY_PICKER")))
	if choice == "none" || choice == "fyne" {
		return "", ErrNone
	}
	return pick(ctx, r, choice)
}

// Resolved is r with its Start place made a Folder (which reads the
// disk: call it off the UI goroutine).
func (r Request) Resolved() Request {
	if r.Folder == "" {
		switch r.Start {
		case InPictures:
			r.Folder = Pictures()
		case InVideos:
			r.Folder = Videos()
		}
	}
	return r
}

// Patterns are every pattern of the filters, for choosers that take one
// list.
func (r Request) patterns() []string {
	var out []string
	for _, f := range r.Filters {
		out = append(out, f.Patterns...)
	}
	return out
}

// Pictures is the creator's pictures folder, or their home folder when
// there is none.
func Pictures() string { return userDir("PICTURES", "Pictures") }

// Videos is the creator's videos folder (Movies on macOS), or their home
// folder when there is none.
func Videos() string { return userDir("VIDEOS", videosName) }

// userDir is the folder the desktop names key (XDG_PICTURES_DIR in
// user-dirs.dirs on Linux), else name in the home folder, else home.
func userDir(key, name string) string {
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	if dir := xdgUserDir(home, key); dir != "" {
		if st, err := os.Stat(dir); err == nil && st.IsDir() {
			return dir
		}
	}
	dir := filepath.Join(home, name)
	if st, err := os.Stat(dir); err == nil && st.IsDir() {
		return dir
	}
	return home
}

// xdgUserDir reads key from $XDG_CONFIG_HOME/user-dirs.dirs, the file
// xdg-user-dirs keeps ("XDG_PICTURES_DIR=\"$HOME/Bilder\""), or "".
func xdgUserDir(home, key string) string {
	config := os.Getenv("XDG_CONFIG_HOME")
	if config == "" {
		config = filepath.Join(home, ".config")
	}
	data, err := os.ReadFile(filepath.Join(config, "user-dirs.dirs"))
	if err != nil || len(data) > 64<<10 {
		return ""
	}
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		v, ok := strings.CutPrefix(line, "XDG_"+key+"_DIR=")
		if !ok {
			continue
		}
		v = strings.Trim(v, `"`)
		if rest, ok := strings.CutPrefix(v, "$HOME"); ok {
			v = home + rest
		}
		if !filepath.IsAbs(v) || filepath.Clean(v) == filepath.Clean(home) {
			return "" // "$HOME" itself means the folder is turned off
		}
		return filepath.Clean(v)
	}
	return ""
}
