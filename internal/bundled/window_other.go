//go:build !windows

package bundled

import (
	"os/exec"
	"syscall"
)

// Start is c.Start: elsewhere a program is handed only the pipes named for
// it, however many start together.
func Start(c *exec.Cmd) error { return c.Start() }

// noWindow: elsewhere a program started from a window opens none.
func noWindow(*exec.Cmd) {}

// StartBehind starts c at a lower priority than Vivify's other work (nice
// 10), so that it runs on what that leaves idle. Threads the program makes
// once started inherit it.
func StartBehind(c *exec.Cmd) error {
	if err := Start(c); err != nil {
		return err
	}
	syscall.Setpriority(syscall.PRIO_PROCESS, c.Process.Pid, 10) // a hint: at worst it runs as before
	return nil
}
