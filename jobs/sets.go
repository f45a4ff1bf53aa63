package jobs

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"vivify/client"
	"vivify/internal/atomicfile"
)

// setSending sends a set's takes one after another, and remembers a set
// whose credits ran out, so that its takes not yet sent are not sent.
type setSending struct {
	mu      sync.Mutex
	locks   map[string]*sync.Mutex
	stopped map[string]string // set → why its remaining takes are not sent
}

// hold waits for the set's turn to send; the returned func ends it.
func (s *setSending) hold(set string) func() {
	if set == "" {
		return func() {}
	}
	s.mu.Lock()
	if s.locks == nil {
		s.locks = map[string]*sync.Mutex{}
	}
	l := s.locks[set]
	if l == nil {
		l = &sync.Mutex{}
		s.locks[set] = l
	}
	s.mu.Unlock()
	l.Lock()
	return l.Unlock
}

// stop keeps the set's remaining takes from being sent, for why.
func (s *setSending) stop(set, why string) {
	if set == "" {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopped == nil {
		s.stopped = map[string]string{}
	}
	if _, done := s.stopped[set]; !done {
		s.stopped[set] = why
	}
}

// why is the reason the set's takes are not sent, or "".
func (s *setSending) why(set string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stopped[set]
}

// resume lets the set's takes be sent again (Retry, after credits were
// bought).
func (s *setSending) resume(set string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.stopped, set)
}

// creditsOut is the error of a take not sent because the set's credits
// ran out with an earlier take: nothing was sent or charged for it.
func creditsOut(why string) error {
	return &client.Error{Kind: client.ErrInsufficientCredits, Op: takeNotSent, Message: why, Unsent: true}
}

// takeNotSent is the Op of creditsOut's error.
const takeNotSent = "send the take"

// Set is the jobs of the set of takes id, by take.
func (e *Engine) Set(id string) []Job {
	if id == "" {
		return nil
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []Job
	for _, j := range e.jobs {
		if j.Set == id {
			out = append(out, j.clone())
		}
	}
	slices.SortFunc(out, func(a, b Job) int { return a.Take - b.Take })
	return out
}

// SetStarred stars the job id (a video the creator keeps), or unstars it.
func (e *Engine) SetStarred(id string, on bool) (Job, error) {
	e.mu.Lock()
	if e.jobs[id] == nil {
		e.mu.Unlock()
		return Job{}, ErrUnknownJob
	}
	e.mu.Unlock()
	return e.update(id, true, func(j *Job) { j.Starred = on }), nil
}

// TrashFolder is the library's own trash: "Remove the others" moves job
// folders here, from where Undo brings them back. It is hidden, so it is
// never read as a job, and emptied of what is older than TrashKeep.
const TrashFolder = ".trash"

// TrashKeep is how long a removed job stays in the library's trash.
const TrashKeep = 30 * 24 * time.Hour

// ErrStarred is RemoveToTrash's error for a starred job: a video the
// creator keeps is never removed with others.
var ErrStarred = errors.New("a starred video is kept")

// Removed is what RemoveToTrash did, for Undo.
type Removed struct {
	IDs     []string
	folders map[string]string // trash folder → where it was
}

// RemoveToTrash moves the jobs ids (none starred, none still being made)
// to the library's trash, where Undo finds them again.
func (e *Engine) RemoveToTrash(ids []string) (Removed, error) {
	e.mu.Lock()
	for _, id := range ids {
		j := e.jobs[id]
		switch {
		case j == nil:
			e.mu.Unlock()
			return Removed{}, ErrUnknownJob
		case j.Starred:
			e.mu.Unlock()
			return Removed{}, ErrStarred
		case j.State.Active():
			e.mu.Unlock()
			return Removed{}, fmt.Errorf("%s is still being made: cancel it first", j.Source.Name)
		}
	}
	e.mu.Unlock()
	trash := filepath.Join(e.opts.Library, TrashFolder)
	if err := os.MkdirAll(trash, 0o755); err != nil {
		return Removed{}, &client.Error{Kind: client.ErrDisk, Op: "make the library's trash", Message: err.Error(), Err: err}
	}
	r := Removed{folders: map[string]string{}}
	for _, id := range ids {
		e.mu.Lock()
		j := e.jobs[id]
		e.mu.Unlock()
		if j == nil {
			continue
		}
		to := filepath.Join(trash, time.Now().UTC().Format("20060102-150405")+"-"+filepath.Base(j.Folder))
		if err := os.Rename(j.Folder, to); err != nil {
			return r, &client.Error{Kind: client.ErrDisk, Op: "move " + j.Source.Name + " to the trash", Message: err.Error(), Err: err}
		}
		r.folders[to] = j.Folder
		r.IDs = append(r.IDs, id)
		e.mu.Lock()
		delete(e.jobs, id)
		e.emitLocked(JobRemoved, j)
		e.mu.Unlock()
	}
	syncDir(e.opts.Library)
	return r, nil
}

// Undo brings back what RemoveToTrash moved, where it was.
func (e *Engine) Undo(r Removed) error {
	var errs []error
	for from, to := range r.folders {
		if _, err := os.Lstat(to); err == nil {
			errs = append(errs, fmt.Errorf("%s is there again: the removed copy stays in %s", filepath.Base(to), from))
			continue
		}
		if err := os.Rename(from, to); err != nil {
			errs = append(errs, err)
		}
	}
	if err := e.Rescan(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// emptyTrash removes from the library's trash what has been there longer
// than TrashKeep (by the time in its name, which RemoveToTrash wrote).
func emptyTrash(library string, now time.Time) {
	trash := filepath.Join(library, TrashFolder)
	entries, err := os.ReadDir(trash)
	if err != nil {
		return
	}
	for _, ent := range entries {
		stamp, _, ok := strings.Cut(ent.Name(), "-")
		if !ok || len(ent.Name()) < 16 {
			continue
		}
		at, err := time.Parse("20060102-150405", ent.Name()[:15])
		if err != nil || stamp == "" {
			continue
		}
		if now.Sub(at) > TrashKeep {
			atomicfile.RemoveAll(filepath.Join(trash, ent.Name()))
		}
	}
}

// costKey is what a video's price depends on: its family and model, and
// for a premium model its length, for an HD one its resolution and frames.
func costKey(r client.Request) string {
	key := string(r.Family.Or()) + "|" + r.ModelID
	switch r.Family.Or() {
	case client.FamilyPremium:
		d := r.Duration
		if m, ok := r.Model(); ok && d == "" && len(m.Durations) > 0 {
			d = m.Durations[0]
		}
		key += "|" + d
	case client.FamilyHD:
		key += fmt.Sprintf("|%d|%d", r.Resolution, r.NumFrames)
	}
	return key
}

// CostFor is what the creator's last video of r's model and setting cost,
// in the mode practice says (practice credits are not credits).
func (e *Engine) CostFor(r client.Request, practice bool) (Cost, bool) {
	key := costKey(r)
	e.mu.Lock()
	defer e.mu.Unlock()
	var best *Cost
	for _, j := range e.jobs {
		if j.Cost != nil && (j.Practice || j.Cost.Practice) == practice && costKey(j.Request) == key && (best == nil || j.Cost.At.After(best.At)) {
			best = j.Cost
		}
	}
	if best == nil {
		return Cost{}, false
	}
	return *best, true
}

// SpentToday is what the videos measured since midnight (local time)
// cost, in the mode practice says.
func (e *Engine) SpentToday(practice bool) float64 {
	now := e.clock.Now()
	midnight := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location())
	e.mu.Lock()
	defer e.mu.Unlock()
	total := 0.0
	for _, j := range e.jobs {
		if j.Cost != nil && (j.Practice || j.Cost.Practice) == practice && !j.Cost.At.Before(midnight) {
			total += j.Cost.Amount
		}
	}
	return math.Round(total*1e4) / 1e4
}
