// Package atomicfile writes files so that a reader, or a crash, sees either
// the old file or the new one, never a part: through a temporary file in the
// same folder, synced, renamed into place, and the folder synced.
package atomicfile

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// Write puts data at path with the permissions perm.
func Write(path string, data []byte, perm os.FileMode) error {
	return write(path, data, perm, true)
}

// WriteUnsynced is Write without the syncs: a reader still never sees a
// part, but a crash may lose the file. For files that matter only while the
// process runs, where waiting for the disk would only hold things up.
func WriteUnsynced(path string, data []byte, perm os.FileMode) error {
	return write(path, data, perm, false)
}

func write(path string, data []byte, perm os.FileMode, sync bool) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // fails harmlessly once renamed
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(perm); err != nil {
		tmp.Close()
		return err
	}
	if sync {
		if err := tmp.Sync(); err != nil {
			tmp.Close()
			return err
		}
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	if !sync {
		return nil
	}
	return SyncDir(dir)
}

// SyncDir makes the renames in dir durable, where the system allows it.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && runtime.GOOS != "windows" {
		return err
	}
	return nil
}

// Produce puts at path a file that fill writes, by name, into a temporary
// file beside it (another program may write it, as ffmpeg does): once fill
// succeeds the file is synced, given perm and renamed into place. A fill
// that fails leaves nothing, and a killed process leaves only the hidden
// temporary file (".name.tmp-…"), which the library removes at start.
func Produce(path string, perm os.FileMode, fill func(tmp string) error) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	tmp.Close()
	defer os.Remove(tmp.Name()) // fails harmlessly once renamed
	if err := fill(tmp.Name()); err != nil {
		return err
	}
	f, err := os.OpenFile(tmp.Name(), os.O_RDWR, 0)
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), perm)
	}
	if err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	return SyncDir(dir)
}

// SpillPrefix starts the name of a hidden folder of temporary work beside
// a file being made (an export's frames kept on the disk): removed when
// the work ends, and, when a killed process left one, by the library's
// tidy-up at the next start.
const SpillPrefix = ".spill-"

// RemoveAll removes path and everything in it, as os.RemoveAll does, and
// when that fails, one name at a time, deepest first. Go's RemoveAll on
// Windows deletes through a call some systems lack (Wine answers "Invalid
// function"), where deleting by name still works: what Vivify tidies away
// is gone there too. A path that does not exist is no error.
func RemoveAll(path string) error {
	err := os.RemoveAll(path)
	if err == nil {
		return nil
	}
	if _, serr := os.Lstat(path); os.IsNotExist(serr) {
		return nil
	}
	if removeTree(path) == nil {
		return nil
	}
	return err
}

// RemoveFolders removes every folder directly in dir whose name starts with
// prefix, and everything in it: the hidden folders of work a killed
// process left behind (a job folder not yet placed, an export's spill).
// Files with that prefix, and links, are left alone.
func RemoveFolders(dir, prefix string) {
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.IsDir() && strings.HasPrefix(e.Name(), prefix) {
			RemoveAll(filepath.Join(dir, e.Name()))
		}
	}
}

// removeTree removes path and all under it by name, deepest first; it goes
// on past a name it cannot remove and says the first error.
func removeTree(path string) error {
	info, err := os.Lstat(path)
	if err != nil {
		if os.IsNotExist(err) {
			return nil
		}
		return err
	}
	var first error
	if info.IsDir() {
		entries, err := os.ReadDir(path)
		if err != nil {
			first = err
		}
		for _, e := range entries {
			if err := removeTree(filepath.Join(path, e.Name())); err != nil && first == nil {
				first = err
			}
		}
	}
	if err := os.Remove(path); err != nil && !os.IsNotExist(err) && first == nil {
		first = err
	}
	return first
}
