package bundled

import (
	"os"
	"syscall"
)

// WidenPipe makes a pipe to or from a program hold a megabyte, not 64 kB:
// a video's frame crosses in a few calls rather than dozens.
func WidenPipe(p *os.File) {
	if rc, err := p.SyscallConn(); err == nil {
		rc.Control(func(fd uintptr) { syscall.Syscall(syscall.SYS_FCNTL, fd, 1031 /* F_SETPIPE_SZ */, 1<<20) })
	}
}
