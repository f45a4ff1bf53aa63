package finish

import (
	"errors"
	"io"
	"os"
	"syscall"
)

// errPipe is ffmpeg no longer reading what is sent.
var errPipe = errors.New("ffmpeg stopped reading")

// sendFrame moves frame i of c, when it lies whole in a spill's file,
// from the disk's cache into the pipe w with splice(2): not read into
// memory and written again. sent is false when it does not lie so, or
// splice cannot be used here; err is the frame's (not yet written, or
// never to be), or errPipe.
func sendFrame(c reel, i int, w *os.File) (sent bool, err error) {
	k, ok := c.(keptFrame)
	if !ok {
		return false, nil
	}
	f, off, n, ok, err := k.kept(i)
	if err != nil || !ok {
		return false, err
	}
	src, err := f.SyscallConn()
	if err != nil {
		return false, nil
	}
	dst, err := w.SyscallConn()
	if err != nil {
		return false, nil
	}
	var serr error
	moved := int64(0)
	cerr := src.Read(func(in uintptr) bool {
		werr := dst.Write(func(out uintptr) bool {
			for moved < n {
				m, err := syscall.Splice(int(in), &off, int(out), nil, int(n-moved), 1|2 /* MOVE | NONBLOCK */)
				switch {
				case err == syscall.EAGAIN:
					return false // the pipe is full: wait for room
				case err == syscall.EINTR:
					continue
				case err != nil:
					serr = err
					return true
				case m == 0:
					serr = io.ErrUnexpectedEOF
					return true
				}
				moved += m
			}
			return true
		})
		if serr == nil {
			serr = werr
		}
		return true
	})
	switch {
	case moved == 0 && (serr == syscall.EINVAL || serr == syscall.ENOSYS):
		return false, nil // no splice here: the frame is copied instead
	case serr != nil || cerr != nil:
		return true, errPipe
	}
	return true, nil
}

// receiveFrame moves the next n bytes from the pipe r into f at off with
// splice(2), not through memory here. got is false when splice cannot be
// used here (nothing was moved); io.EOF is the pipe's end before a frame,
// io.ErrUnexpectedEOF in one.
func receiveFrame(r, f *os.File, off, n int64) (got bool, err error) {
	src, err := r.SyscallConn()
	if err != nil {
		return false, nil
	}
	dst, err := f.SyscallConn()
	if err != nil {
		return false, nil
	}
	var serr error
	moved := int64(0)
	cerr := dst.Write(func(out uintptr) bool {
		rerr := src.Read(func(in uintptr) bool {
			for moved < n {
				m, err := syscall.Splice(int(in), nil, int(out), &off, int(n-moved), 1|2 /* MOVE | NONBLOCK */)
				switch {
				case err == syscall.EAGAIN:
					return false // nothing yet: wait for ffmpeg
				case err == syscall.EINTR:
					continue
				case err != nil:
					serr = err
					return true
				case m == 0:
					serr = io.ErrUnexpectedEOF
					if moved == 0 {
						serr = io.EOF
					}
					return true
				}
				moved += m
			}
			return true
		})
		if serr == nil {
			serr = rerr
		}
		return true
	})
	switch {
	case moved == 0 && (serr == syscall.EINVAL || serr == syscall.ENOSYS):
		return false, nil
	case serr != nil:
		return true, serr
	}
	return true, cerr
}
