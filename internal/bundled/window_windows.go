package bundled

import (
	"os/exec"
	"sync"
	"syscall"
)

// createNoWindow is Windows' CREATE_NO_WINDOW: a console program started
// with it has no console window.
const createNoWindow = 0x08000000

func noWindow(c *exec.Cmd) {
	c.SysProcAttr = &syscall.SysProcAttr{HideWindow: true, CreationFlags: createNoWindow}
}

// belowNormal is Windows' BELOW_NORMAL_PRIORITY_CLASS.
const belowNormal = 0x00004000

// StartBehind starts c at a lower priority than Vivify's other work, so
// that it runs on what that leaves idle.
func StartBehind(c *exec.Cmd) error {
	if c.SysProcAttr == nil {
		noWindow(c)
	}
	c.SysProcAttr.CreationFlags |= belowNormal
	return Start(c)
}

// starting has Vivify's programs started one at a time. Starting one makes
// its pipes' ends handable for a moment; Windows hands on only those named
// for it, but where that list is not honoured (Wine) a program started in
// that moment took another's pipe with it, and the pipe never ended: an
// export waited for ever.
var starting sync.Mutex

// Start is c.Start, one program at a time.
func Start(c *exec.Cmd) error {
	starting.Lock()
	defer starting.Unlock()
	return c.Start()
}
