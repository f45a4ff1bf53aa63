// Package prefsfile looks at Fyne's preferences file before the app is
// made: Fyne reads it as it starts, and a pipe there kept the window from
// ever appearing, a huge file was read whole. A file that is not an
// ordinary settings file is moved aside, and the start says so.
package prefsfile

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"vivify/internal/picture"
)

// MaxBytes bounds the preferences file: Vivify's are a few KB.
const MaxBytes = 1 << 20

// Path is where Fyne keeps the preferences of the app with id appID, as
// Fyne 2.8 puts them on each desktop system.
func Path(appID string) string {
	home, _ := os.UserHomeDir()
	var root string
	switch runtime.GOOS {
	case "windows":
		root = filepath.Join(home, "AppData", "Roaming", "fyne")
	case "darwin":
		root = filepath.Join(home, "Library", "Preferences", "fyne")
	default:
		cfg, err := os.UserConfigDir()
		if err != nil {
			cfg = filepath.Join(home, ".config")
		}
		root = filepath.Join(cfg, "fyne")
	}
	return filepath.Join(root, appID, "preferences.json")
}

// Check looks at the preferences file at path without blocking: when it is
// not a regular file of its own (a pipe, a device, a folder, a link), is
// larger than MaxBytes, or is not a JSON object, it is renamed aside and
// the sentence returned says so, for the window to show. "" means all is
// well (or there is no file yet).
func Check(path string) string {
	st, err := os.Lstat(path)
	if err != nil {
		return ""
	}
	why := ""
	switch {
	case st.Mode()&os.ModeSymlink != 0:
		why = "it was a link to another file"
	case !st.Mode().IsRegular():
		why = "it was not an ordinary file"
	case st.Size() > MaxBytes:
		why = fmt.Sprintf("it was far too large (%d MB)", st.Size()>>20)
	default:
		data, err := picture.ReadOwnFile(path, MaxBytes)
		var obj map[string]any
		switch {
		case err != nil:
			why = "it could not be read"
		case len(data) == 0:
			return "" // Fyne writes it empty at times; it reads that as no settings
		case json.Unmarshal(data, &obj) != nil:
			why = "it was damaged"
		default:
			return ""
		}
	}
	aside := path + ".set-aside-" + time.Now().Format("20060102-150405")
	if err := os.Rename(path, aside); err != nil {
		return "Vivify's settings file " + path + " could not be used (" + why + ") and could not be moved aside: " + err.Error()
	}
	return "Vivify's settings file could not be used (" + why + "), so it was moved aside to " + aside + " and Vivify started with its usual settings."
}
