package jobs

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// ErrLibraryInUse is Open's error when another Vivify has the library open.
// Two engines on one library would both go on with its unfinished jobs:
// each would fetch, download and write the same job's files.
var ErrLibraryInUse = errors.New("the library is open in another copy of Vivify")

// LockFile is the file in the library whose lock says an engine has it
// open. The system lets go of the lock when the process ends, however it
// ends, so a crash never leaves the library locked.
const LockFile = ".vivify.lock"

// lockLibrary takes the library's lock, or says it is taken.
func lockLibrary(dir string) (*os.File, error) {
	f, err := os.OpenFile(filepath.Join(dir, LockFile), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("the library folder %s cannot be used: %w", dir, err)
	}
	if err := lockFile(f); err != nil {
		f.Close()
		if errors.Is(err, errLocked) {
			return nil, ErrLibraryInUse
		}
		return nil, fmt.Errorf("the library folder %s cannot be locked: %w", dir, err)
	}
	return f, nil
}
