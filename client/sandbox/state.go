package sandbox

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"vivify/client"
	"vivify/internal/atomicfile"
	"vivify/internal/picture"
	"vivify/internal/plain"
)

// WithStateDir keeps the sandbox's jobs, uploads and balance in dir, so a
// sandbox started again on it knows the jobs of the last one, as the real
// service does after Vivify restarts: a job cut off by quitting is followed
// again and finishes. It listens on the port it had, when that is free, so
// links it gave out still work. Jobs are forgotten a day after they were
// made. Keys are never written: jobs are kept with a digest of theirs.
func WithStateDir(dir string) Option { return func(c *config) { c.stateDir = dir } }

// stateKept is how long a kept job is remembered: results are kept for a
// limited time on the service too.
const stateKept = 24 * time.Hour

// maxStateFile bounds the state file read at start.
const maxStateFile = 16 << 20

// savedState is the state file.
type savedState struct {
	URL     string     `json:"url"`
	NextID  int        `json:"next_id"`
	Balance float64    `json:"balance"`
	Jobs    []savedJob `json:"jobs"`
	Uploads []string   `json:"uploads"` // names under files/, kept in uploads/
}

// savedJob is a job as kept: the request as sent (its key removed) and
// what the sandbox decided about it.
type savedJob struct {
	ID      int             `json:"id"`
	Key     string          `json:"key_sha256"`
	Family  client.Family   `json:"family"`
	Fields  json.RawMessage `json:"fields"`
	Prefix  string          `json:"prefix"`
	Seed    int64           `json:"seed"`
	Created time.Time       `json:"created"`
	DoneAt  time.Time       `json:"done_at"`
	GenTime float64         `json:"generation_time"`
	Fail    bool            `json:"fail,omitempty"`
	// Portrait is the premium video's orientation, decided from the
	// picture when it was sent: a restart does not fetch it again.
	Portrait bool `json:"portrait,omitempty"`
}

// keySum is the digest a job keeps of its key.
func keySum(key string) [32]byte { return sha256.Sum256([]byte(key)) }

// listen opens the sandbox's port: with a state dir and no address asked
// for, the port the last sandbox on it had, if it is free.
func listen(cfg *config) (net.Listener, *savedState, error) {
	st := loadState(cfg.stateDir)
	if st != nil && cfg.addr == "127.0.0.1:0" {
		if host, ok := strings.CutPrefix(st.URL, "http://"); ok {
			if h, _, err := net.SplitHostPort(host); err == nil && h == "127.0.0.1" {
				if ln, err := net.Listen("tcp", host); err == nil {
					return ln, st, nil
				}
			}
		}
	}
	ln, err := net.Listen("tcp", cfg.addr)
	return ln, st, err
}

// loadState reads the state file of dir through its gate; nil when there
// is none (or it cannot be read: the sandbox starts afresh rather than not
// at all).
func loadState(dir string) *savedState {
	if dir == "" {
		return nil
	}
	data, err := picture.ReadOwnFile(filepath.Join(dir, "state.json"), maxStateFile)
	if err != nil {
		return nil
	}
	return decodeState(data)
}

// Limits of the state file: what a sandbox writes, with room.
const (
	maxKeptJobs    = 10_000
	maxKeptUploads = 10_000
	maxJobID       = 1 << 30
	maxBalance     = 1e9
	maxFieldsBytes = 64 << 10
)

// decodeState is the gate for the state file: every field that becomes a
// number the API answers with, a path under the state folder, a file name
// served, or a job made again is checked against what the sandbox writes.
// What fails is left out; a balance that is not a plain amount is the
// starting one.
func decodeState(data []byte) *savedState {
	var raw struct {
		savedState
		Balance *float64 `json:"balance"` // null is no balance, not 0
	}
	if json.Unmarshal(data, &raw) != nil {
		return nil
	}
	st := &savedState{NextID: min(max(raw.NextID, 0), maxJobID), Balance: -1}
	if b := raw.Balance; b != nil && !math.IsNaN(*b) && *b >= 0 && *b <= maxBalance {
		st.Balance = *b
	}
	if u, ok := strings.CutPrefix(raw.URL, "http://"); ok {
		if h, port, err := net.SplitHostPort(u); err == nil && h == "127.0.0.1" && plain.Token(port, 5) {
			st.URL = raw.URL
		}
	}
	for _, sj := range raw.Jobs {
		if len(st.Jobs) == maxKeptJobs {
			break
		}
		switch sj.Family {
		case "", client.FamilySeed, client.FamilyHD, client.FamilyPremium:
		default:
			continue
		}
		if sj.ID <= 0 || sj.ID > maxJobID || !plain.Token(sj.Prefix, 64) || strings.Contains(sj.Prefix, ".") ||
			len(sj.Key) != 64 || len(sj.Fields) > maxFieldsBytes || math.IsNaN(sj.GenTime) || sj.GenTime < 0 || sj.GenTime > 1e5 {
			continue
		}
		if _, err := hex.DecodeString(sj.Key); err != nil {
			continue
		}
		st.Jobs = append(st.Jobs, sj)
	}
	for _, name := range raw.Uploads {
		if len(st.Uploads) == maxKeptUploads {
			break
		}
		if validUploadName(name) {
			st.Uploads = append(st.Uploads, name)
		}
	}
	return st
}

// restore takes up the state the last sandbox left: its uploads, balance
// and jobs, which are made again (the same picture, settings and seed make
// the same video) and finish when they were due to.
func (s *Server) restore(st *savedState) {
	if st == nil {
		return
	}
	now := s.cfg.clock.Now()
	s.mu.Lock()
	s.nextID = max(s.nextID, st.NextID)
	if st.Balance >= 0 {
		s.balance = st.Balance
	}
	s.oldURL = st.URL
	for _, name := range st.Uploads {
		if !validUploadName(name) {
			continue
		}
		// Only a picture the sandbox wrote: a regular file of its own,
		// not a link to one elsewhere, and a picture indeed; its type is
		// what it is, not what its name says.
		data, err := picture.ReadOwnFile(filepath.Join(s.cfg.stateDir, "uploads", filepath.Base(name)), 5_000_000)
		if err != nil {
			continue
		}
		info, err := picture.Check(data)
		if err != nil {
			continue
		}
		s.files[name] = &file{data: data, ctype: "image/" + info.Format}
		s.uploads = append(s.uploads, name)
	}
	s.mu.Unlock()
	for _, sj := range st.Jobs {
		if now.Sub(sj.Created) > stateKept || sj.Prefix == "" || strings.ContainsAny(sj.Prefix, `/\.`) {
			continue
		}
		dec := json.NewDecoder(bytes.NewReader(sj.Fields))
		dec.UseNumber()
		var fields map[string]any
		if dec.Decode(&fields) != nil || fields == nil {
			continue
		}
		p, model, bad := s.plan("", fields, sj.Family, &sj.Portrait)
		if bad != nil {
			continue
		}
		var sum [32]byte
		if raw, err := hex.DecodeString(sj.Key); err == nil && len(raw) == len(sum) {
			copy(sum[:], raw)
		} else {
			continue
		}
		// Made again only when asked for: a day of practice videos is
		// not rendered again at every start.
		j := &job{id: sj.ID, key: sum, prefix: sj.Prefix, ext: p.outputType, p: p, model: model, seed: sj.Seed,
			created: sj.Created, doneAt: sj.DoneAt, fail: sj.Fail, rendered: make(chan struct{}), genTime: sj.GenTime, lazy: true}
		s.mu.Lock()
		s.jobs[j.id] = j
		s.kept = append(s.kept, sj)
		s.mu.Unlock()
	}
}

// ensureRendered starts making a restored job's video, once.
func (s *Server) ensureRendered(j *job) {
	if !j.lazy {
		return
	}
	j.renderOnce.Do(func() {
		select {
		case <-s.closed:
			return
		default:
		}
		s.wg.Add(1)
		go s.render(j)
	})
}

// restoredJob is the restored job whose video file is name, if any.
func (s *Server) restoredJob(name string) *job {
	prefix, ok := strings.CutPrefix(name, "video_generations/")
	if !ok {
		return nil
	}
	prefix = strings.TrimSuffix(prefix, filepath.Ext(prefix))
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, j := range s.jobs {
		if j.lazy && j.prefix == prefix {
			return j
		}
	}
	return nil
}

// validUploadName reports whether name is one upload() makes.
func validUploadName(name string) bool {
	base, ok := strings.CutPrefix(name, "temp/")
	return ok && plain.Token(base, 128)
}

// keepLocked records a new job in the state dir, if there is one.
func (s *Server) keepLocked(j *job, fields map[string]any) {
	if s.cfg.stateDir == "" {
		return
	}
	clean := make(map[string]any, len(fields))
	for k, v := range fields {
		if k != "key" {
			clean[k] = v
		}
	}
	raw, err := json.Marshal(clean)
	if err != nil {
		return
	}
	s.kept = append(s.kept, savedJob{ID: j.id, Key: hex.EncodeToString(j.key[:]), Family: j.p.family, Fields: raw,
		Prefix: j.prefix, Seed: j.seed, Created: j.created, DoneAt: j.doneAt, GenTime: j.genTime, Fail: j.fail,
		Portrait: j.p.portrait})
	s.saveLocked()
}

// keepUploadLocked keeps an uploaded picture in the state dir.
func (s *Server) keepUploadLocked(name string, data []byte) {
	if s.cfg.stateDir == "" {
		return
	}
	dir := filepath.Join(s.cfg.stateDir, "uploads")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		s.cfg.log.Info("sandbox state not kept", "error", err)
		return
	}
	if err := atomicfile.WriteUnsynced(filepath.Join(dir, filepath.Base(name)), data, 0o600); err != nil {
		s.cfg.log.Info("sandbox state not kept", "error", err)
		return
	}
	s.uploads = append(s.uploads, name)
	s.saveLocked()
}

// saveLocked writes the state file, leaving out what is past keeping.
func (s *Server) saveLocked() {
	now := s.cfg.clock.Now()
	kept := s.kept[:0]
	for _, sj := range s.kept {
		if now.Sub(sj.Created) <= stateKept {
			kept = append(kept, sj)
		}
	}
	s.kept = kept
	uploads := s.uploads[:0]
	for _, name := range s.uploads {
		path := filepath.Join(s.cfg.stateDir, "uploads", filepath.Base(name))
		if st, err := os.Stat(path); err == nil && now.Sub(st.ModTime()) > stateKept {
			os.Remove(path)
			delete(s.files, name)
			continue
		}
		uploads = append(uploads, name)
	}
	s.uploads = uploads
	data, err := json.Marshal(savedState{URL: s.URL, NextID: s.nextID, Balance: s.balance, Jobs: s.kept, Uploads: s.uploads})
	if err == nil {
		err = os.MkdirAll(s.cfg.stateDir, 0o700)
	}
	if err == nil {
		err = atomicfile.Write(filepath.Join(s.cfg.stateDir, "state.json"), data, 0o600)
	}
	if err != nil && !errors.Is(err, os.ErrClosed) {
		s.cfg.log.Info("sandbox state not kept", "error", err)
	}
}
