package gui

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"

	"vivify/internal/picker"
)

// pictureFilter is what Browse and the last frame's Browse offer: the
// pictures Vivify opens (client.IsImageFile), in either case.
func pictureFilter() picker.Filter {
	return picker.Filter{Name: T("Pictures (PNG, JPEG, GIF, WebP)"),
		Patterns: []string{"*.png", "*.jpg", "*.jpeg", "*.gif", "*.webp", "*.PNG", "*.JPG", "*.JPEG", "*.GIF", "*.WEBP"},
		MIME:     []string{"image/png", "image/jpeg", "image/gif", "image/webp"}}
}

// videoFilter is what Save as offers for a video of extension ext.
func videoFilter(ext string) []picker.Filter {
	ext = strings.ToLower(strings.TrimPrefix(ext, "."))
	if ext == "" {
		return nil
	}
	return []picker.Filter{{Name: Tf("%s video", strings.ToUpper(ext)), Patterns: []string{"*." + ext, "*." + strings.ToUpper(ext)}}}
}

// choose asks for a file or folder with the system's own chooser (the
// desktop portal's, the Windows dialog, the macOS panel), off the UI
// goroutine; where there is none, with Fyne's dialog, started in the same
// folder. done is given the path chosen, on the UI goroutine; nothing is
// called when the creator cancels. One chooser at a time: a second click
// while one is open does nothing.
func (s *Dialogs) choose(win fyne.Window, r picker.Request, done func(path string)) {
	if s.picking {
		return
	}
	pick, runOnUI := s.pick, s.runOnUI
	if pick == nil {
		pick = picker.Pick
	}
	if runOnUI == nil {
		runOnUI = fyne.Do
	}
	s.picking = true
	go func() {
		r := r.Resolved()
		path, err := pick(context.Background(), r)
		runOnUI(func() {
			s.picking = false
			switch {
			case errors.Is(err, picker.ErrNone):
				s.fyneChooser(win, r, done)
			case err != nil:
				s.ShowError(err, win)
			case path != "":
				done(path)
			}
		})
	}()
}

// fyneChooser is Fyne's own dialog for r, where the system has no chooser.
func (s *Dialogs) fyneChooser(win fyne.Window, r picker.Request, done func(path string)) {
	var d interface {
		dialog.Dialog
		SetLocation(fyne.ListableURI)
	}
	switch r.Kind {
	case picker.Folder:
		d = dialog.NewFolderOpen(func(u fyne.ListableURI, err error) {
			if err == nil && u != nil {
				done(u.Path())
			}
		}, win)
	case picker.Save:
		save := dialog.NewFileSave(func(wc fyne.URIWriteCloser, err error) {
			if err != nil || wc == nil {
				return
			}
			// Fyne's dialog makes the file; the caller writes it whole.
			path := wc.URI().Path()
			wc.Close()
			if st, err := os.Stat(path); err == nil && st.Size() == 0 {
				os.Remove(path)
			}
			done(path)
		}, win)
		save.SetFileName(r.Name)
		d = save
	default:
		open := dialog.NewFileOpen(func(rc fyne.URIReadCloser, err error) {
			if err != nil || rc == nil {
				return
			}
			rc.Close()
			done(rc.URI().Path())
		}, win)
		var exts []string
		for _, f := range r.Filters {
			for _, p := range f.Patterns {
				if ext := strings.ToLower(strings.TrimPrefix(p, "*")); strings.HasPrefix(ext, ".") && !slices.Contains(exts, ext) {
					exts = append(exts, ext)
				}
			}
		}
		if len(exts) > 0 {
			open.SetFilter(storage.NewExtensionFileFilter(exts))
		}
		d = open
	}
	if r.Folder != "" {
		if l, err := storage.ListerForURI(storage.NewFileURI(filepath.Clean(r.Folder))); err == nil {
			d.SetLocation(l)
		}
	}
	s.Show(d)
	d.Resize(fitDialog(win, fyne.NewSize(820, 560))) // once shown: Fyne's file dialog is made by Show
}
