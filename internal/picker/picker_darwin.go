package picker

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
)

const videosName = "Movies"

// pick asks the macOS panel through AppleScript's choose file, choose file
// name and choose folder (osascript is part of every macOS).
func pick(ctx context.Context, r Request, choice string) (string, error) {
	bin, err := exec.LookPath("osascript")
	if err != nil {
		return "", ErrNone
	}
	out, err := exec.CommandContext(ctx, bin, "-e", appleScript(r)).Output()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit) && strings.Contains(string(exit.Stderr), "-128"):
		return "", nil // User canceled.
	case err != nil:
		return "", fmt.Errorf("the file chooser failed: %w", err)
	}
	path := strings.TrimRight(string(out), "\r\n")
	if path == "" {
		return "", nil
	}
	if len(path) > 1 {
		path = strings.TrimSuffix(path, "/") // a folder ends in /
	}
	return filepath.Clean(path), nil
}
