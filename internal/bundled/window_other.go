//go:build !windows

package bundled

import "os/exec"

// noWindow: elsewhere a program started from a window opens none.
func noWindow(*exec.Cmd) {}
