//go:build !windows

package jobs_test

import "syscall"

// mkfifo makes a FIFO at path, for the tests that a pipe is refused.
func mkfifo(path string) error { return syscall.Mkfifo(path, 0o644) }
