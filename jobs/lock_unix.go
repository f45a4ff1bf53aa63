//go:build unix

package jobs

import (
	"os"
	"syscall"
)

// errLocked is flock's answer when another process holds the lock (the
// same number as EAGAIN on every Unix Go runs on).
var errLocked = syscall.EWOULDBLOCK

// lockFile takes an exclusive lock on f without waiting.
func lockFile(f *os.File) error {
	return syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
}

// openDirForLock opens the library folder to lock it.
func openDirForLock(dir string) (*os.File, error) {
	return os.OpenFile(dir, os.O_RDONLY|syscall.O_DIRECTORY, 0)
}
