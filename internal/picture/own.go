package picture

import (
	"errors"
	"fmt"
	"os"
)

// ErrLink is the error of reading, as one of Vivify's own files, a link:
// a record or a file Vivify wrote is never a link, and one that is may
// point anywhere on the computer.
var ErrLink = errors.New("it is a link, not a file of Vivify's own")

// OpenOwnFile opens path as OpenFile does, but refuses a symbolic link
// (ErrLink) rather than following it: the open itself does not follow a
// link at the last step, so one swapped in between a look and the open is
// refused too.
func OpenOwnFile(path string) (*os.File, int64, error) {
	if st, err := os.Lstat(path); err != nil {
		return nil, 0, err
	} else if st.Mode()&os.ModeSymlink != 0 {
		return nil, 0, fmt.Errorf("%s: %w", st.Name(), ErrLink)
	} else if !st.Mode().IsRegular() {
		return nil, 0, fmt.Errorf("%s: %w", st.Name(), ErrNotRegular)
	}
	f, err := os.OpenFile(path, os.O_RDONLY|oNonblock|oNofollow, 0)
	if err != nil {
		if isLinkRefused(err) {
			return nil, 0, fmt.Errorf("%s: %w", path, ErrLink)
		}
		return nil, 0, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, err
	}
	if !st.Mode().IsRegular() {
		f.Close()
		return nil, 0, fmt.Errorf("%s: %w", st.Name(), ErrNotRegular)
	}
	return f, st.Size(), nil
}

// ReadOwnFile reads one of Vivify's own records (a job.json, the practice
// server's state, the window's state): a regular file, not a link, of at
// most max bytes, whose size is known before a byte of it is read. It is
// the gate's first step; what it returns is still raw and is checked by
// the record's own decoder.
func ReadOwnFile(path string, max int64) ([]byte, error) {
	if max <= 0 {
		max = MaxFileBytes
	}
	f, size, err := OpenOwnFile(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if size > max {
		return nil, fmt.Errorf("%w: the file is %d bytes, over the %d bytes it may have", ErrTooLarge, size, max)
	}
	return ReadAll(f, max)
}
