package jobs

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"vivify/internal/picture"
	"vivify/internal/plain"
)

// ErrLibraryInUse is Open's error when another Vivify has the library open.
// Two engines on one library would both go on with its unfinished jobs:
// each would fetch, download and write the same job's files.
var ErrLibraryInUse = errors.New("the library is open in another copy of Vivify")

// LockFile is the file in the library whose lock says an engine has it
// open. The system lets go of the lock when the process ends, however it
// ends, so a crash never leaves the library locked.
const LockFile = ".vivify.lock"

// libraryLock is a held library lock: the lock file's, and on Unix the
// folder's own.
type libraryLock struct {
	file *os.File
	dir  *os.File // nil where folders cannot be locked (Windows)
}

// Close lets go of the lock (of what of it is held).
func (l *libraryLock) Close() error {
	if l.dir != nil {
		l.dir.Close()
	}
	if l.file == nil {
		return nil
	}
	return l.file.Close()
}

// lockLibrary takes the library's lock, or says it is taken.
//
// A lock on the lock file alone holds only while that file stays: deleted
// or replaced, the next Vivify makes a new one and locks that. So on Unix
// the library folder itself is locked too (a folder is locked through any
// descriptor of it, and deleting a file in it does not change it); on
// Windows a file held open cannot be deleted or replaced at all.
func lockLibrary(dir string) (*libraryLock, error) {
	l := &libraryLock{}
	if d, err := openDirForLock(dir); err == nil {
		if err := lockFile(d); err != nil {
			d.Close()
			if errors.Is(err, errLocked) {
				return nil, ErrLibraryInUse
			}
			return nil, fmt.Errorf("the library folder %s cannot be locked: %w", dir, err)
		}
		l.dir = d
	}
	f, err := os.OpenFile(filepath.Join(dir, LockFile), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		l.Close()
		return nil, fmt.Errorf("the library folder %s cannot be used: %w", dir, err)
	}
	if err := lockFile(f); err != nil {
		f.Close()
		l.Close()
		if errors.Is(err, errLocked) {
			return nil, ErrLibraryInUse
		}
		return nil, fmt.Errorf("the library folder %s cannot be locked: %w", dir, err)
	}
	l.file = f
	return l, nil
}

// IDFile holds the library's id, which jobs made in it carry (Job.Library).
const IDFile = ".vivify-library"

// libraryID is the id of the library in dir, made and kept on first use.
// It is read through the gate: a regular file, not a link, a plain token.
func libraryID(dir string) string {
	path := filepath.Join(dir, IDFile)
	if data, err := picture.ReadOwnFile(path, 256); err == nil {
		if id := strings.TrimSpace(string(data)); plain.Token(id, maxIDLen) {
			return id
		}
	}
	id := newID() + newID()
	if err := writeAtomic(path, []byte(id+"\n"), 0o644); err != nil {
		return id // this run's jobs carry it; a later run makes another
	}
	return id
}
