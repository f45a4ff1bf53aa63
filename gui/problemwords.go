package gui

import (
	"errors"
	"io/fs"
	"strings"
	"syscall"

	"vivify/client"
	"vivify/finish"
	"vivify/internal/diskspace"
	"vivify/preview"
)

// problemWords says an error of the video packages or the system in the
// window's language: what kind of problem it is, for the kinds a creator
// meets (a damaged or too large video, no ffmpeg, a full disk, a folder
// not allowed). In English the error's own detail follows ("…: it is
// 9000×9000 pixels"); other languages get the kind alone rather than a
// sentence half in English. An error of no known kind is said as it is.
func problemWords(err error) string {
	if err == nil {
		return ""
	}
	var short *diskspace.Short
	if errors.As(err, &short) {
		return Tf("this needs about %s free on the disk of %s, and it has %s", sizeWords(int64(short.Need)), short.Dir, sizeWords(int64(short.Have)))
	}
	kinds := []struct {
		err   error
		words string
	}{
		{preview.ErrIncomplete, T("this animation is incomplete: it plays the frames that arrived")},
		{preview.ErrNotGIF, T("this file is not a GIF animation")},
		{preview.ErrTooLarge, T("this video is too large to play safely")},
		{preview.ErrDamaged, T("this video is damaged")},
		{preview.ErrNoFFmpeg, T("ffmpeg is not installed, so MP4 videos cannot be read here")},
		{finish.ErrNoFFmpeg, T("this needs ffmpeg, which is not installed")},
		{finish.ErrNoFrames, T("the video has no frames")},
		{finish.ErrCannotFit, T("the GIF cannot be made that small")},
		{diskspace.ErrNoRoom, T("there is not enough room on the disk")},
		{syscall.ENOSPC, T("the disk is full")},
		{syscall.EROFS, T("the disk can only be read, not written")},
		{fs.ErrPermission, T("Vivify is not allowed to do that there")},
		{fs.ErrNotExist, T("it is not there")},
	}
	for _, k := range kinds {
		if !errors.Is(err, k.err) {
			continue
		}
		if currentLanguage() != "en" {
			return k.words
		}
		// English: the kind's own words, then the detail the error adds.
		msg := strings.TrimSuffix(err.Error(), ".")
		if detail, ok := strings.CutPrefix(msg, k.err.Error()+": "); ok {
			return k.words + ": " + detail
		}
		if k.err == fs.ErrPermission || k.err == fs.ErrNotExist || k.err == syscall.ENOSPC || k.err == syscall.EROFS {
			return plainSystemError(err)
		}
		return msg
	}
	return plainSystemError(err)
}

// plainSystemError is an error without the path an fs.PathError adds.
func plainSystemError(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return strings.TrimSuffix(err.Error(), ".")
}

// errorText is an error shown as it stands (a sentence of its own): an
// error of a kind problemWords knows, in the window's language; the
// settings a client.Error says are wrong, each in the window's language;
// else the error's own text (the window's own errors are made in its
// language already).
func errorText(err error) string {
	if err == nil {
		return ""
	}
	var ce *client.Error
	if errors.As(err, &ce) && len(ce.Fields) > 0 {
		var msgs []string
		for _, f := range ce.Fields {
			msgs = append(msgs, fieldWords(f))
		}
		return strings.Join(msgs, " ")
	}
	if known(err) {
		return capitalise(problemWords(err)) + "."
	}
	return err.Error()
}

// known reports whether err is of a kind problemWords puts in words.
func known(err error) bool {
	var short *diskspace.Short
	if errors.As(err, &short) {
		return true
	}
	for _, k := range []error{preview.ErrIncomplete, preview.ErrNotGIF, preview.ErrTooLarge, preview.ErrDamaged, preview.ErrNoFFmpeg,
		finish.ErrNoFFmpeg, finish.ErrNoFrames, finish.ErrCannotFit, diskspace.ErrNoRoom, syscall.ENOSPC, syscall.EROFS} {
		if errors.Is(err, k) {
			return true
		}
	}
	return false
}
