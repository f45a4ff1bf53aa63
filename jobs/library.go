package jobs

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode"

	"vivify/internal/atomicfile"
	"vivify/internal/picture"
)

// JobFile is the name of the record in each job's folder.
const JobFile = "job.json"

// DefaultLibrary is where videos go unless the user chooses otherwise: a
// Vivify folder in the user's Videos folder (Movies on macOS; on Linux the
// XDG videos folder when one is set).
func DefaultLibrary() string {
	home, err := os.UserHomeDir()
	if err != nil {
		home = "."
	}
	switch runtime.GOOS {
	case "darwin":
		return filepath.Join(home, "Movies", "Vivify")
	case "windows":
		return filepath.Join(home, "Videos", "Vivify")
	}
	if dir := xdgVideos(home); dir != "" {
		return filepath.Join(dir, "Vivify")
	}
	return filepath.Join(home, "Videos", "Vivify")
}

// xdgVideos reads XDG_VIDEOS_DIR from user-dirs.dirs, if set.
func xdgVideos(home string) string {
	cfg := os.Getenv("XDG_CONFIG_HOME")
	if cfg == "" {
		cfg = filepath.Join(home, ".config")
	}
	// A regular file, bounded (it may be a link: dotfile managers link it
	// in); a pipe there would hold the start for ever.
	data, err := picture.ReadFile(filepath.Join(cfg, "user-dirs.dirs"), 64<<10)
	if err != nil {
		return ""
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		v, ok := strings.CutPrefix(line, "XDG_VIDEOS_DIR=")
		if !ok {
			continue
		}
		v = strings.Trim(v, `"`)
		v = strings.Replace(v, "$HOME", home, 1)
		if filepath.IsAbs(v) && filepath.Clean(v) != filepath.Clean(home) {
			return v
		}
	}
	return ""
}

// sourceName is a short name for a source: the file's or the link's base
// name without its extension.
func sourceName(s Source) string {
	var base string
	switch {
	case s.File != "":
		// Either separator: a path from Windows names its file after the last \.
		base = s.File[strings.LastIndexAny(s.File, `/\`)+1:]
		base = strings.TrimSuffix(base, filepath.Ext(base))
	case s.URL != "":
		if u, err := url.Parse(s.URL); err == nil {
			base = path.Base(u.Path)
			base = strings.TrimSuffix(base, path.Ext(base))
			if base == "/" || base == "." || base == "" {
				base = u.Hostname() // a host keeps its dots
			}
		}
	}
	if base == "" {
		base = "image"
	}
	return base
}

// folderName is a job folder's name: "2026-11-21 18-32 beach".
func folderName(at time.Time, name string) string {
	return at.Format("2006-01-02 15-04") + " " + cleanName(name, 40)
}

// cleanName is name fit for a file name on any system: characters some
// systems refuse become spaces, and it is cut to at most n characters.
func cleanName(name string, n int) string {
	var b strings.Builder
	for _, r := range name {
		switch {
		case strings.ContainsRune(`<>:"/\|?*`, r), unicode.IsControl(r):
			b.WriteRune(' ')
		default:
			b.WriteRune(r)
		}
	}
	clean := strings.Join(strings.Fields(b.String()), " ")
	clean = strings.Trim(clean, ". ")
	if r := []rune(clean); len(r) > n {
		clean = strings.TrimSpace(string(r[:n]))
	}
	if clean == "" {
		clean = "image"
	}
	return clean
}

// newID is a job's identity, unique across libraries.
func newID() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// writeAtomic writes data to path so that a crash leaves the old file or
// the new one.
func writeAtomic(path string, data []byte, perm os.FileMode) error {
	return atomicfile.Write(path, data, perm)
}

func syncDir(dir string) error { return atomicfile.SyncDir(dir) }

// saveJob writes the job's record into its folder.
func saveJob(j *Job) error {
	j.Version = formatVersion
	bound(j)
	data, err := json.MarshalIndent(j, "", "  ")
	if err != nil {
		return err
	}
	return writeAtomic(filepath.Join(j.Folder, JobFile), data, 0o644)
}

// Warning is a folder of the library that was passed over, and why.
type Warning struct {
	Folder string
	Reason string
}

func (w Warning) String() string { return fmt.Sprintf("%s: %s", filepath.Base(w.Folder), w.Reason) }

// loadLibrary reads every job folder of dir. A folder without job.json, or
// with one that cannot be read, is passed over with a warning. Folders are
// read by a few workers at once (readers; 0 for the default): most of the
// time goes to the file system.
//
// A finished job that known does not know (nil knows none) has its folder
// tidied as it is read (tidyDone), in the same worker: a job the engine
// already holds may have a version being written, and is left alone.
func loadLibrary(dir, library string, known func(id string) bool, readers int) ([]*Job, []Warning, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		if os.IsNotExist(err) {
			return nil, nil, nil
		}
		return nil, nil, err
	}
	type result struct {
		job  *Job
		warn []Warning
	}
	results := make([]result, len(entries))
	var wg sync.WaitGroup
	next := make(chan int)
	workers := readers
	if workers <= 0 {
		workers = min(8, max(2, runtime.NumCPU()*2))
	}
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				j, w := loadFolder(filepath.Join(dir, entries[i].Name()), library, known)
				results[i] = result{j, w}
			}
		}()
	}
	for i, e := range entries {
		if !e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		next <- i
	}
	close(next)
	wg.Wait()

	var jobs []*Job
	var warns []Warning
	seen := map[string]string{}
	for _, r := range results {
		warns = append(warns, r.warn...)
		if r.job == nil {
			continue
		}
		if first, dup := seen[r.job.ID]; dup {
			warns = append(warns, Warning{r.job.Folder, "a copy of " + filepath.Base(first) + " (same job id); passed over"})
			continue
		}
		seen[r.job.ID] = r.job.Folder
		jobs = append(jobs, r.job)
	}
	sortNewestFirst(jobs)
	return jobs, warns, nil
}

// maxJobFile bounds a job.json read at start: a real one is a few KB, and
// the longest Vivify writes (bound: every version, every step, the longest
// texts) under 1 MB. Records of earlier versions, which kept any number of
// versions, are read up to this and held to the limits by the gate.
const maxJobFile = 8 << 20

func loadFolder(folder, library string, known func(id string) bool) (*Job, []Warning) {
	data, err := readJobFile(filepath.Join(folder, JobFile))
	if err != nil {
		if os.IsNotExist(err) {
			return nil, []Warning{{folder, "not a Vivify job (no " + JobFile + ")"}}
		}
		return nil, []Warning{{folder, "cannot be read: " + err.Error()}}
	}
	j, problems, err := decodeJob(data, folder, library)
	if err != nil {
		return nil, []Warning{{folder, err.Error()}}
	}
	var warns []Warning
	for _, p := range problems {
		warns = append(warns, Warning{folder, p})
	}
	if j.State == Done && (known == nil || !known(j.ID)) {
		tidyDone(j)
	}
	return j, warns
}

// readJobFile reads a job.json through the gate's first step: a regular
// file, not a link (a pipe would block the start for ever; a link may
// point anywhere), of at most maxJobFile bytes.
func readJobFile(path string) ([]byte, error) {
	data, err := picture.ReadOwnFile(path, maxJobFile)
	if errors.Is(err, picture.ErrTooLarge) {
		return nil, fmt.Errorf("its %s is over %d MB, far larger than any job's record", JobFile, maxJobFile>>20)
	}
	return data, err
}

func sortNewestFirst(jobs []*Job) {
	sort.SliceStable(jobs, func(a, b int) bool {
		if !jobs[a].Created.Equal(jobs[b].Created) {
			return jobs[a].Created.After(jobs[b].Created)
		}
		return jobs[a].ID > jobs[b].ID
	})
}

// newFolderPrefix marks a job folder being made: hidden, and renamed to its
// real name once its job.json is written, so a crash never leaves a job
// folder without a record.
const newFolderPrefix = ".new-"

// placeFolder renames a finished hidden folder to a free name in dir, like
// "2026-11-21 18-32 beach", or "... beach (2)" when that is taken.
func placeFolder(dir, tmp string, at time.Time, name string) (string, error) {
	base := folderName(at, name)
	for n := 1; ; n++ {
		p := filepath.Join(dir, base)
		if n > 1 {
			p = fmt.Sprintf("%s (%d)", p, n)
		}
		if _, err := os.Lstat(p); err == nil {
			continue
		}
		err := os.Rename(tmp, p)
		if err == nil {
			return p, syncDir(dir)
		}
		if n > 999 {
			return "", err
		}
	}
}

// removeUnplaced deletes hidden job folders a crash left before they were
// placed: their jobs were never announced nor sent.
func removeUnplaced(dir string) { atomicfile.RemoveFolders(dir, newFolderPrefix) }

// removeLeftovers deletes temporary files a killed process left in folder.
func removeLeftovers(folder string) {
	entries, err := os.ReadDir(folder)
	if err != nil {
		return
	}
	for _, e := range entries {
		if leftover(e.Name()) {
			os.Remove(filepath.Join(folder, e.Name()))
		}
	}
}

// leftover reports whether a file's name is that of a temporary file
// (a download's part, a file being written), which a killed process leaves.
func leftover(name string) bool {
	return strings.HasPrefix(name, ".") && (strings.Contains(name, ".part-") || strings.Contains(name, ".tmp-"))
}
