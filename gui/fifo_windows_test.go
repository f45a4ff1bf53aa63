package gui

import "errors"

// mkfifo: Windows has no FIFOs in its file system.
func mkfifo(string) error { return errors.New("no FIFOs on Windows") }
