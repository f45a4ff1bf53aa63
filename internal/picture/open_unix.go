//go:build !windows

package picture

import (
	"errors"
	"syscall"
)

// oNonblock keeps opening a FIFO from waiting for a writer.
const oNonblock = syscall.O_NONBLOCK

// oNofollow makes an open refuse a link at the last step of the path.
const oNofollow = syscall.O_NOFOLLOW

// isLinkRefused reports whether an open failed because of O_NOFOLLOW.
func isLinkRefused(err error) bool {
	return errors.Is(err, syscall.ELOOP) || errors.Is(err, syscall.EMLINK)
}
