package jobs

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"time"

	"vivify/client"
)

// State is where a job is in its life.
type State string

const (
	// Queued: waiting for its turn (a free slot on the server).
	Queued State = "queued"
	// Preparing: the source image is being scaled and uploaded.
	Preparing State = "preparing"
	// Submitting: the request is on its way; the server has not answered.
	Submitting State = "submitting"
	// Processing: the server acknowledged the job and is making it.
	Processing State = "processing"
	// Downloading: the result exists and is being saved to the library.
	Downloading State = "downloading"
	// Done: the video is in the library.
	Done State = "done"
	// Failed: it ended without a video; Failure says why.
	Failed State = "failed"
	// Cancelled: the user stopped it.
	Cancelled State = "cancelled"
	// Interrupted: Vivify was closed before the server acknowledged the job.
	// It is never sent again on its own, since that could charge twice.
	Interrupted State = "interrupted"
)

// Ended reports whether the state is final until the user acts.
func (s State) Ended() bool {
	switch s {
	case Done, Failed, Cancelled, Interrupted:
		return true
	}
	return false
}

// Active reports whether the engine is working on a job in this state.
func (s State) Active() bool { return !s.Ended() }

// Source is the image a job starts from, as the user gave it.
type Source struct {
	URL  string `json:"url,omitempty"`  // a link the user gave
	File string `json:"file,omitempty"` // a file the user chose (its path then)
	Name string `json:"name"`           // a short name to show: the file's or link's
	// EndName is the last frame's picture, for a model that takes one.
	EndName string `json:"end_name,omitempty"`
}

// Failure is why a job ended without a video, in plain words.
type Failure struct {
	Message string `json:"message"`
	Advice  string `json:"advice,omitempty"`
	// Kind is a stable word for the cause: invalid_key, no_credits,
	// rate_limited, validation, not_found, generation_failed, transient,
	// interrupted, disk, bad_image, still_processing, no_output, other.
	Kind      string `json:"kind"`
	Retryable bool   `json:"retryable"`
	// Details is the technical text, for a Copy details button. It never
	// holds the key: the client removes it from everything it reports.
	Details string `json:"details,omitempty"`
	// MayBeCharged is set when the server may have received the request,
	// so running it again could cost twice.
	MayBeCharged bool `json:"may_be_charged,omitempty"`
}

// Cost is a video's cost as the account's balance showed it.
type Cost struct {
	Amount   float64   `json:"amount"`
	At       time.Time `json:"at"`
	Practice bool      `json:"practice,omitempty"`
	// Before and After are the balances it was measured by (both zero in
	// records of Vivify 1.x before they were kept).
	Before float64 `json:"before,omitempty"`
	After  float64 `json:"after,omitempty"`
}

// Meter is the account's balance read just before a job was sent, when it
// was the only job on the server: kept with the job, so that its cost is
// measured even when the video is followed again after a restart.
type Meter struct {
	Balance float64   `json:"balance"`
	At      time.Time `json:"at"`
}

// Step is one change of state and when it happened.
type Step struct {
	State State     `json:"state"`
	At    time.Time `json:"at"`
}

// formatVersion is written into every job.json.
const formatVersion = 1

// Job is one video request and everything known about it. It is what
// job.json holds, and what the engine hands out (always as a copy).
type Job struct {
	Version int            `json:"version"`
	ID      string         `json:"id"`
	Request client.Request `json:"request"` // never holds the key: Request has no key field
	Source  Source         `json:"source"`
	State   State          `json:"state"`
	// Progress is 0 to 1 while preparing or downloading.
	Progress float64 `json:"progress,omitempty"`
	// Note says what a running job waits for, when it waits ("The server's
	// queue is full; trying again in 30 seconds.").
	Note string `json:"note,omitempty"`

	SourceFile string    `json:"source_file,omitempty"` // the image as uploaded, in the folder
	EndFile    string    `json:"end_file,omitempty"`    // the last frame's picture, in the folder
	UploadURL  string    `json:"upload_url,omitempty"`  // where it was uploaded (kept 24 h)
	UploadedAt time.Time `json:"uploaded_at,omitzero"`

	ServerID       string        `json:"server_id,omitempty"`
	ETA            time.Duration `json:"eta,omitempty"` // the server's estimate at submission
	Seed           *int64        `json:"seed,omitempty"`
	Model          string        `json:"model,omitempty"` // the model the server says it used
	GenerationTime time.Duration `json:"generation_time,omitempty"`
	Links          []string      `json:"links,omitempty"`

	Output string `json:"output,omitempty"` // the video's file name in the folder
	// Versions are the finished copies made of the video, oldest first.
	Versions  []Version `json:"versions,omitempty"`
	Thumbnail string    `json:"thumbnail,omitempty"` // the thumbnail's file name

	// Library is the id of the library the job was made in: a job never
	// sent is sent on its own after a restart only in the library that
	// made it, never when its folder was copied into another.
	Library string `json:"library,omitempty"`

	// Set is the id of the set of takes the job is one of ("" for a job on
	// its own), and Take its number in it, from 1: takes are made together
	// (the same picture, another seed or model each) to choose from.
	Set  string `json:"set,omitempty"`
	Take int    `json:"take,omitempty"`
	// Starred marks a video the creator keeps: "Remove the others" never
	// removes it.
	Starred bool `json:"starred,omitempty"`

	// Practice is set for a job of practice mode: the built-in practice
	// server makes it, at no cost, and it stays there when run again.
	Practice bool `json:"practice,omitempty"`

	// Cost is what the video cost, measured by the balance before and
	// after it; nil when it was not measured (another job ran meanwhile).
	Cost *Cost `json:"cost,omitempty"`
	// Meter is the balance before it was sent, while its cost is not yet
	// known; nil when it was not alone on the server.
	Meter *Meter `json:"meter,omitempty"`

	Failure *Failure  `json:"failure,omitempty"`
	Created time.Time `json:"created"`
	Steps   []Step    `json:"steps,omitempty"`

	// Folder is the job's folder in the library (not stored: it is where
	// job.json was found).
	Folder string `json:"-"`
}

// File is the path of the file name in the job's folder, as its record
// names it (Output, Thumbnail, SourceFile), or "" when there is none. A name
// that would reach outside the folder (a path, "..", a drive) gives "", and
// so does a link or anything but a regular file: a job folder copied in
// from elsewhere cannot point Vivify at other files.
func (j Job) File(name string) string {
	p := j.Path(name)
	if p == "" {
		return ""
	}
	if st, err := os.Lstat(p); err != nil || !st.Mode().IsRegular() {
		return ""
	}
	return p
}

// Path is where the file name of the job's folder is, or "" when name is
// not a plain file name. Unlike File it does not look at the disk, so the
// window can call it as it draws.
func (j Job) Path(name string) string {
	if !localName(name) || j.Folder == "" {
		return ""
	}
	return filepath.Join(j.Folder, name)
}

// localName reports whether name is a plain file name: no folder, no "..",
// no drive or volume, on any system.
func localName(name string) bool {
	return name != "" && name != "." && name != ".." && !strings.ContainsAny(name, "/\\:\x00") && filepath.IsLocal(name)
}

// clone is a deep copy, so callers cannot reach the engine's state.
func (j *Job) clone() Job {
	c := *j
	c.Links = append([]string(nil), j.Links...)
	c.Steps = append([]Step(nil), j.Steps...)
	c.Versions = append([]Version(nil), j.Versions...)
	if j.Failure != nil {
		f := *j.Failure
		c.Failure = &f
	}
	if j.Seed != nil {
		s := *j.Seed
		c.Seed = &s
	}
	if j.Meter != nil {
		meter := *j.Meter
		c.Meter = &meter
	}
	if j.Cost != nil {
		cost := *j.Cost
		c.Cost = &cost
	}
	if j.Request.ClipSkip != nil {
		v := *j.Request.ClipSkip
		c.Request.ClipSkip = &v
	}
	if j.Request.TrackID != nil {
		v := *j.Request.TrackID
		c.Request.TrackID = &v
	}
	if j.Request.Seed != nil {
		v := *j.Request.Seed
		c.Request.Seed = &v
	}
	return c
}

// StepAt is when the job entered state s (the last time), or zero.
func (j *Job) StepAt(s State) time.Time {
	for i := len(j.Steps) - 1; i >= 0; i-- {
		if j.Steps[i].State == s {
			return j.Steps[i].At
		}
	}
	return time.Time{}
}

// ModelSubstituted reports whether the server used another model than the
// one asked for.
func (j *Job) ModelSubstituted() bool {
	return j.Model != "" && j.Request.ModelID != "" && j.Model != j.Request.ModelID
}

// failureFrom turns an error into a Failure a person can read.
func failureFrom(err error) *Failure { return Describe(err) }

// Describe puts err in a creator's words: what happened (Message, a
// sentence) and what to do (Advice), with the technical text in Details
// for a Copy details button.
func Describe(err error) *Failure {
	f := &Failure{Message: sentence(err.Error()), Kind: "other", Details: err.Error()}
	var e *client.Error
	if errors.As(err, &e) {
		f.Advice = e.Advice()
		f.Retryable = e.Temporary()
		switch e.Kind {
		case client.ErrInvalidKey:
			f.Kind, f.Message = "invalid_key", "ModelsLab did not accept the API key."
			if errors.Is(err, ErrNoClient) {
				f.Message = "No API key was set, so nothing was sent."
				f.Advice = "Enter your ModelsLab key in Settings, or turn on practice mode there to try Vivify for free."
			}
		case client.ErrInsufficientCredits:
			f.Kind, f.Message, f.Retryable = "no_credits", "The ModelsLab account has no credits left.", true
			if e.Op == takeNotSent { // a take of a set, held back: its own words
				f.Message = e.Message
			}
		case client.ErrRateLimited, client.ErrQueueFull:
			f.Kind, f.Message = "rate_limited", "ModelsLab asked Vivify to slow down."
		case client.ErrValidation:
			f.Kind, f.Message = "validation", "Some settings were not accepted: "+fieldText(e.Fields)
		case client.ErrNotFound:
			f.Kind, f.Message = "not_found", "The server no longer has this job."
		case client.ErrGenerationFailed:
			f.Kind, f.Message, f.Retryable = "generation_failed", "The server could not make this video.", true
			if e.Tip != "" {
				f.Details += " (" + e.Tip + ")"
			}
			// The cause the server gave, when it is the picture: the
			// creator can do something about that.
			if tip := strings.ToLower(e.Tip + " " + e.Message); strings.Contains(tip, "init image") || strings.Contains(tip, "init_image") {
				f.Message = "The server could not use the picture."
				f.Advice = "Check that its link opens the picture itself in your browser, or choose the picture as a file instead."
			}
		case client.ErrTransient:
			f.Kind, f.Message, f.Retryable = "transient", "The connection to ModelsLab failed.", true
		case client.ErrDisk:
			f.Kind, f.Message, f.Retryable = "disk", "The video could not be saved to the library.", true
		case client.ErrNotImage, client.ErrImageTooLarge:
			f.Kind, f.Message = "bad_image", sentence(e.Message)
		case client.ErrStillProcessing:
			f.Kind, f.Message, f.Retryable = "still_processing", "The server is taking much longer than it said.", true
		case client.ErrNoOutput:
			f.Kind, f.Message, f.Retryable = "no_output", "The server said the video is ready but gave no way to get it.", true
		case client.ErrTooLarge:
			f.Kind, f.Message = "too_large", "The result is larger than Vivify accepts."
		}
	}
	return f
}

func fieldText(fields []client.FieldError) string {
	s := ""
	for i, f := range fields {
		if i > 0 {
			s += " "
		}
		s += f.Message
	}
	return s
}

func sentence(s string) string {
	if s == "" {
		return s
	}
	b := []byte(s)
	if b[0] >= 'a' && b[0] <= 'z' {
		b[0] -= 'a' - 'A'
	}
	if c := b[len(b)-1]; c != '.' && c != '!' && c != '?' {
		b = append(b, '.')
	}
	return string(b)
}
