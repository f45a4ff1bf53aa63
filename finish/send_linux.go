package finish

import (
	"errors"
	"io"
	"os"
	"syscall"
)

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
	switch moved, err := spliceAll(f, &off, w, nil, n); {
	case moved == 0 && cannotSplice(err):
		return false, nil // the frame is copied instead
	case err != nil:
		return true, errPipe
	}
	return true, nil
}

// receiveFrame moves the next n bytes from the pipe r into f at off with
// splice(2), not through memory here. got is false when splice cannot be
// used here (nothing was moved); io.EOF is the pipe's end before a frame,
// io.ErrUnexpectedEOF in one.
func receiveFrame(r, f *os.File, off, n int64) (got bool, err error) {
	moved, err := spliceAll(r, nil, f, &off, n)
	if moved == 0 && cannotSplice(err) {
		return false, nil
	}
	return true, err
}

// spliceAll moves n bytes from one file to another with splice(2), one of
// them a pipe: the file at *fromOff or *toOff, the pipe's side nil. A pipe
// that is full (or, as the source, empty) is waited for through the
// runtime's poller. It says how many bytes moved, and why it stopped
// short: io.EOF when the source ended before any, io.ErrUnexpectedEOF
// when it ended among them.
func spliceAll(from *os.File, fromOff *int64, to *os.File, toOff *int64, n int64) (int64, error) {
	src, err := from.SyscallConn()
	if err != nil {
		return 0, errors.ErrUnsupported
	}
	dst, err := to.SyscallConn()
	if err != nil {
		return 0, errors.ErrUnsupported
	}
	var moved int64
	var serr error
	// splice moves what it can; false asks the poller to wait on the pipe.
	move := func(in, out uintptr) bool {
		for moved < n {
			m, err := syscall.Splice(int(in), fromOff, int(out), toOff, int(n-moved), 1|2 /* MOVE | NONBLOCK */)
			switch {
			case err == syscall.EAGAIN:
				return false
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
	}
	// Only the pipe's side is waited on, through its lock; the file's side
	// is used without taking the file's lock (Control), or a sender waiting
	// for a slow ffmpeg's pipe to drain would hold the spill's file from
	// every other sender (the parts smoothed side by side took turns).
	var cerr error
	if fromOff == nil { // the pipe is read from: its reads are waited for
		cerr = dst.Control(func(out uintptr) {
			if err := src.Read(func(in uintptr) bool { return move(in, out) }); serr == nil {
				serr = err
			}
		})
	} else { // the pipe is written to: its writes are waited for
		cerr = src.Control(func(in uintptr) {
			if err := dst.Write(func(out uintptr) bool { return move(in, out) }); serr == nil {
				serr = err
			}
		})
	}
	if serr == nil {
		serr = cerr
	}
	return moved, serr
}

// cannotSplice is an error of splice(2) not working for these files.
func cannotSplice(err error) bool {
	return err == syscall.EINVAL || err == syscall.ENOSYS || errors.Is(err, errors.ErrUnsupported)
}
