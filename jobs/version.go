package jobs

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"vivify/client"
	"vivify/internal/atomicfile"
	"vivify/internal/plain"
)

// Version is a finished copy of a job's video, made after it (a loop, a
// trim, an export for a chat app): a file of its own in the job's folder.
// The video the service made is never changed.
type Version struct {
	File  string `json:"file"`  // its file name in the job's folder
	Label string `json:"label"` // what was done, in words: "boomerang, GIF for chat"
	Bytes int64  `json:"bytes"`
	// Width, Height and Seconds are what the file holds, when known.
	Width   int       `json:"width,omitempty"`
	Height  int       `json:"height,omitempty"`
	Seconds float64   `json:"seconds,omitempty"`
	Created time.Time `json:"created"`
}

// videoExts are the files a folder's versions can be.
var videoExts = []string{".gif", ".mp4", ".webm"}

// ErrNoVersion is the error of acting on a version a job does not have.
var ErrNoVersion = errors.New("this job has no such version")

// ErrTooManyVersions is AddVersion's error when the video has MaxVersions.
var ErrTooManyVersions = fmt.Errorf("this video has %d versions, the most Vivify keeps for one video; delete one to save another", MaxVersions)

// ownFile reports whether name is one of the job's own files, which no
// version may be: its record, video, pictures and thumbnail.
func (j Job) ownFile(name string) bool {
	return name == JobFile || slices.Contains([]string{j.Output, j.SourceFile, j.EndFile, j.Thumbnail}, name) && name != ""
}

// versionProblem says why name cannot be a version of the job's video
// ("" when it can): a plain, visible name in its folder, of a video's
// kind, not one of the job's own files. The one check for the names a
// record lists, a version being added, and the files found in the folder.
func (j Job) versionProblem(name string) string {
	switch {
	case !localName(name) || len(name) > maxFileName || strings.HasPrefix(name, "."):
		return "is not a file of its folder"
	case !slices.Contains(videoExts, strings.ToLower(filepath.Ext(name))):
		return "is not a video"
	case j.ownFile(name):
		return "is another of its files"
	}
	return ""
}

// FullOfVersions reports whether the job has as many versions as it may.
func (j Job) FullOfVersions() bool { return len(j.Versions) >= MaxVersions }

// VersionFile is a free file name in the job's folder for a version of its
// video: the picture's name, what was done, and ext (".gif"), as in
// "beach boomerang 24fps.gif"; "(2)" is added when that is taken.
func VersionFile(j Job, what, ext string) string {
	base := cleanName(sourceName(j.Source)+" "+what, 80)
	for n := 1; ; n++ {
		name := base + ext
		if n > 1 {
			name = fmt.Sprintf("%s (%d)%s", base, n, ext)
		}
		if j.ownFile(name) {
			continue
		}
		if _, err := os.Lstat(filepath.Join(j.Folder, name)); os.IsNotExist(err) {
			return name
		}
	}
}

// AddVersion files a version whose file is already written, whole, in the
// job's folder: it is listed with the job from now on, and after a
// restart.
func (e *Engine) AddVersion(id string, v Version) (Job, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	j := e.jobs[id]
	if j == nil {
		return Job{}, ErrUnknownJob
	}
	path := j.File(v.File)
	if path == "" || j.versionProblem(v.File) != "" {
		return Job{}, fmt.Errorf("%w: %q is not a video of its own in the job's folder", ErrNoVersion, v.File)
	}
	if len(j.Versions) >= MaxVersions && !slices.ContainsFunc(j.Versions, func(o Version) bool { return o.File == v.File }) {
		return Job{}, ErrTooManyVersions
	}
	if st, err := os.Stat(path); err == nil {
		v.Bytes = st.Size()
	}
	if v.Created.IsZero() {
		v.Created = e.clock.Now()
	}
	j.Versions = slices.DeleteFunc(j.Versions, func(o Version) bool { return o.File == v.File })
	j.Versions = append(j.Versions, v)
	if err := saveJob(j); err != nil {
		return Job{}, &client.Error{Kind: client.ErrDisk, Op: "save the job's record", Message: err.Error(), Err: err}
	}
	e.emitLocked(JobChanged, j)
	return j.clone(), nil
}

// DeleteVersion removes a version: its file and its place in the list.
func (e *Engine) DeleteVersion(id, file string) (Job, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	j := e.jobs[id]
	if j == nil {
		return Job{}, ErrUnknownJob
	}
	at := slices.IndexFunc(j.Versions, func(v Version) bool { return v.File == file })
	if at < 0 || j.ownFile(file) {
		return Job{}, ErrNoVersion
	}
	if p := j.Path(file); p != "" {
		if err := os.Remove(p); err != nil && !os.IsNotExist(err) {
			return Job{}, &client.Error{Kind: client.ErrDisk, Op: "delete the version", Message: err.Error(), Err: err}
		}
	}
	j.Versions = slices.Delete(j.Versions, at, at+1)
	if err := saveJob(j); err != nil {
		return Job{}, &client.Error{Kind: client.ErrDisk, Op: "save the job's record", Message: err.Error(), Err: err}
	}
	e.emitLocked(JobChanged, j)
	return j.clone(), nil
}

// tidyDone reads a finished job's folder once, at start: it removes the
// half-written files a version being made when Vivify stopped leaves, and
// lists as versions the videos its record does not name (a version whose
// file was written just before Vivify was stopped, or one copied in by
// hand, is not lost). The versions its record lists passed the gate
// (admit) already.
func tidyDone(j *Job) {
	entries, err := os.ReadDir(j.Folder)
	listed := make(map[string]bool, len(j.Versions))
	for _, v := range j.Versions {
		listed[v.File] = true
	}
	if err != nil {
		return
	}
	for _, e := range entries {
		name := e.Name()
		if leftover(name) {
			os.Remove(filepath.Join(j.Folder, name))
			continue
		}
		if e.IsDir() && strings.HasPrefix(name, atomicfile.SpillPrefix) {
			atomicfile.RemoveAll(filepath.Join(j.Folder, name)) // an export's frames, left by a killed process
			continue
		}
		if !e.Type().IsRegular() || listed[name] || j.FullOfVersions() || j.versionProblem(name) != "" {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue
		}
		label := strings.TrimSuffix(name, filepath.Ext(name))
		label = strings.TrimSpace(strings.TrimPrefix(label, cleanName(sourceName(j.Source), 80)))
		if label == "" {
			label = name
		}
		j.Versions = append(j.Versions, Version{File: name, Label: plain.Line(label, maxNameLen), Bytes: info.Size(), Created: info.ModTime()})
		listed[name] = true
	}
}

// VersionsText is every version's label, for search.
func (j Job) VersionsText() string {
	var b strings.Builder
	for _, v := range j.Versions {
		b.WriteString(v.Label)
		b.WriteByte(' ')
		b.WriteString(v.File)
		b.WriteByte('\n')
	}
	return b.String()
}
