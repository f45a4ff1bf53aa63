package bundled

import (
	"os/exec"
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
	return c.Start()
}
