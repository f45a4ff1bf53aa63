//go:build windows

package jobs

import (
	"errors"
	"os"

	"golang.org/x/sys/windows"
)

// errLocked is LockFileEx's answer when another process holds the lock.
var errLocked = windows.ERROR_LOCK_VIOLATION

// lockFile takes an exclusive lock on f's first byte without waiting.
func lockFile(f *os.File) error {
	var o windows.Overlapped
	return windows.LockFileEx(windows.Handle(f.Fd()), windows.LOCKFILE_EXCLUSIVE_LOCK|windows.LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, &o)
}

// openDirForLock: a folder is not locked on Windows, where the lock file
// held open cannot be deleted or replaced.
func openDirForLock(string) (*os.File, error) { return nil, errors.ErrUnsupported }
