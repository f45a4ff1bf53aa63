package jobs

import (
	"encoding/json"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"vivify/client"
	"vivify/internal/plain"
)

// The limits of a job's record: what Vivify itself ever writes, with room.
// The gate (admit) holds a record read from disk to them, and saveJob holds
// the records Vivify writes to them (bound), so a record Vivify wrote is
// always one it reads back: it never grows past maxJobFile.
const (
	// MaxVersions is how many versions one video keeps; the Finish panel
	// says so when a video has them all.
	MaxVersions = 500
	maxSteps    = 200 // state changes kept, the latest
	maxLinks    = 16  // result links: the service gives one to three
	maxIDLen    = 64  // a job's own id (16 hex digits when Vivify makes it)
	maxServerID = 128 // the service's job id (digits, or a uuid)
	maxModelLen = 100
	maxNameLen  = 200  // a picture's name, a version's label
	maxPathLen  = 4096 // a path the creator chose, kept to show
	maxNoteLen  = 400
	maxMsgLen   = 1000 // a failure's message or advice
	maxDetails  = 8000 // a failure's technical text
	maxFileName = 255  // a file name in the folder, in bytes
	maxDuration = 24 * time.Hour
	maxSide     = 16384
)

// rawJob is job.json as it was read: outside input, every field of it
// unchecked. It is a type of its own so that nothing but admit reads it:
// the engine takes only the *Job admit builds.
type rawJob Job

// admit is the gate for a job's record: it builds the job from raw field
// by field, each checked against what Vivify itself would write. A field
// that fails is dropped (a file name outside the folder, a link that is not
// a web address, a version that names another of the job's files), and the
// problem is returned, in words, for the library's warnings. When what is
// left cannot be acted on safely (a job to follow with no id or link that
// may be followed), the job is marked damaged: failed, with what is wrong,
// and never sent nor downloaded on its own.
//
// folder is where the record was found; library is this library's id, to
// tell jobs made here from ones copied in.
func (raw *rawJob) admit(folder, library string) (*Job, []string, error) {
	if !plain.Token(raw.ID, maxIDLen) {
		return nil, nil, fmt.Errorf("its %s has no job id Vivify could have written", JobFile)
	}
	if raw.State == "" {
		return nil, nil, fmt.Errorf("its %s has no state", JobFile)
	}
	if raw.Version > formatVersion {
		return nil, nil, fmt.Errorf("made by a newer Vivify; passed over")
	}
	var problems []string
	stop := "" // why what is left cannot be acted on: the job is damaged
	drop := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }

	j := &Job{Version: raw.Version, ID: raw.ID, Folder: folder, Practice: raw.Practice, Starred: raw.Starred}
	if plain.Token(raw.Set, maxIDLen) && raw.Take >= 1 && raw.Take <= MaxTakes {
		j.Set, j.Take = raw.Set, raw.Take
	} else if raw.Set != "" || raw.Take != 0 {
		drop("its set of takes was not one Vivify writes; it is shown on its own")
	}
	j.Library = raw.Library
	if !plain.Token(j.Library, maxIDLen) {
		j.Library = ""
	}
	j.State = raw.State
	if !known(j.State) {
		j.State = Interrupted // and said why at the end, once the rest is read
	}
	j.Created = admitTime(raw.Created)

	// The request: enums as enums, text as plain text, links as web
	// addresses. Submit validates it again before anything is sent.
	var reqProblems []string
	j.Request, reqProblems = admitRequest(raw.Request)
	for _, p := range reqProblems {
		drop("%s", p)
	}

	j.Source = Source{
		URL:     admitURL(raw.Source.URL, false),
		File:    plain.Line(raw.Source.File, maxPathLen),
		Name:    plain.Line(raw.Source.Name, maxNameLen),
		EndName: plain.Line(raw.Source.EndName, maxNameLen),
	}
	if j.Source.Name == "" {
		j.Source.Name = plain.Line(filepath.Base(folder), maxNameLen) // something to call it by
	}
	if raw.Source.URL != "" && j.Source.URL == "" {
		drop("its picture's link is not a web address; it was left out")
	}

	// Its own files: plain names in the folder, each a kind Vivify writes
	// there, and no two the same.
	own := map[string]bool{JobFile: true}
	file := func(field, name string, exts []string) string {
		switch {
		case name == "":
			return ""
		case !localName(name) || len(name) > maxFileName:
			drop("its %s %q is not a file of its folder; it was left out", field, plain.Line(name, 60))
			return ""
		case strings.HasPrefix(name, "."):
			drop("its %s %q is a hidden file; it was left out", field, plain.Line(name, 60))
			return ""
		case !slices.Contains(exts, strings.ToLower(filepath.Ext(name))):
			drop("its %s %q is not a kind of file Vivify writes there; it was left out", field, plain.Line(name, 60))
			return ""
		case own[name]:
			drop("its %s %q is another of its files; it was left out", field, plain.Line(name, 60))
			return ""
		}
		own[name] = true
		return name
	}
	j.Output = file("video", raw.Output, videoExts)
	j.SourceFile = file("picture", raw.SourceFile, pictureExts)
	j.EndFile = file("last-frame picture", raw.EndFile, pictureExts)
	j.Thumbnail = file("thumbnail", raw.Thumbnail, []string{".png"})

	j.UploadURL = admitURL(raw.UploadURL, false)
	if j.UploadURL != "" {
		j.UploadedAt = admitTime(raw.UploadedAt)
	}

	// What the service said.
	if raw.ServerID != "" {
		if plain.Token(raw.ServerID, maxServerID) {
			j.ServerID = raw.ServerID
		} else {
			drop("its server id is not one the service gives; it was left out")
		}
	}
	j.ETA = admitDuration(raw.ETA)
	j.GenerationTime = admitDuration(raw.GenerationTime)
	if raw.Seed != nil && *raw.Seed >= 0 {
		s := *raw.Seed
		j.Seed = &s
	}
	j.Model = plain.Line(raw.Model, maxModelLen)
	for _, link := range raw.Links {
		if len(j.Links) == maxLinks {
			drop("it listed %d links; the first %d were kept", len(raw.Links), maxLinks)
			break
		}
		if admitURL(link, false) == "" {
			drop("a link of its video is not a web address; it was left out")
			continue
		}
		j.Links = append(j.Links, link)
	}
	if raw.Progress >= 0 && raw.Progress <= 1 {
		j.Progress = raw.Progress
	}
	j.Note = plain.Line(raw.Note, maxNoteLen)

	// Versions: its own video files, each once, at most MaxVersions.
	seen := map[string]bool{}
	for _, v := range raw.Versions {
		if why := j.versionProblem(v.File); why != "" {
			drop("a version %q %s; it was left out", plain.Line(v.File, 60), why)
			continue
		}
		if seen[v.File] {
			continue
		}
		seen[v.File] = true
		j.Versions = append(j.Versions, admitVersion(v))
	}
	if n := len(j.Versions); n > MaxVersions {
		drop("it listed %d versions; the latest %d were kept (the files are all still in its folder)", n, MaxVersions)
		j.Versions = slices.Clone(j.Versions[n-MaxVersions:])
	}

	if raw.Cost != nil && finiteIn(raw.Cost.Amount, 0, 1e6) {
		j.Cost = &Cost{Amount: raw.Cost.Amount, At: admitTime(raw.Cost.At), Practice: raw.Cost.Practice}
		// The balances are kept only as a pair that gives the amount.
		if b, a := raw.Cost.Before, raw.Cost.After; finiteIn(b, 0, 1e9) && finiteIn(a, 0, 1e9) && math.Abs(b-a-j.Cost.Amount) < 1e-3 {
			j.Cost.Before, j.Cost.After = b, a
		}
	}
	if raw.Meter != nil && finiteIn(raw.Meter.Balance, 0, 1e9) && raw.Cost == nil {
		j.Meter = &Meter{Balance: raw.Meter.Balance, At: admitTime(raw.Meter.At)}
	}
	if raw.Failure != nil {
		j.Failure = admitFailure(*raw.Failure)
	}
	for _, s := range raw.Steps {
		if known(s.State) {
			j.Steps = append(j.Steps, Step{State: s.State, At: admitTime(s.At)})
		}
	}
	if n := len(j.Steps); n > maxSteps {
		j.Steps = slices.Clone(j.Steps[n-maxSteps:])
	}

	// Whether what is left can be acted on.
	switch j.State {
	case Queued, Preparing:
		if j.Library != library {
			// Never sent, but made in another library (a folder copied
			// in, or a record of a Vivify before libraries had ids):
			// sending it would spend the creator's credits on what they
			// did not ask for here. Retry sends it.
			j.State = Interrupted
			j.Failure = &Failure{Kind: "interrupted", Retryable: true,
				Message: "This job was never sent. It came from another library, so Vivify does not send it on its own.",
				Advice:  "Retry sends it now (it costs credits, unless it is a practice job)."}
		}
	case Processing:
		switch {
		case j.ServerID == "" && len(j.Links) > 0:
			j.State = Downloading // made: nothing to follow, only to save
		case j.ServerID == "" && raw.ServerID != "":
			stop = "the service's id for it is not one the service gives"
		}
	case Downloading:
		if len(j.Links) == 0 {
			if j.ServerID != "" {
				j.State = Processing // asked again, the service gives its links
			} else {
				stop = "it has no link to its video and no id to ask the service for one"
			}
		}
	}
	if j.State == Done && j.Output == "" {
		j.State = Failed
		j.Failure = &Failure{Kind: "no_output", Message: "This job's video is not in its folder.",
			Advice: "It may have been moved or deleted. Run the job again to make a new one."}
	}
	if stop != "" {
		problems = append(problems, "it cannot be followed safely ("+stop+"), so it was left alone")
		j.State = Failed
		j.Failure = &Failure{Kind: kindDamaged, MayBeCharged: j.ServerID != "" || len(j.Links) > 0,
			Message: "This job's record (its " + JobFile + ") was changed outside Vivify: " + stop + ".",
			Advice:  "Vivify left it alone. Delete it, or use Reuse settings to make it again.",
			Details: strings.Join(problems, "\n")}
	}
	if !known(raw.State) {
		unknown := plain.Line(string(raw.State), 40)
		j.State = Interrupted
		j.Failure = &Failure{
			Kind:         "interrupted",
			Message:      "This job's record says it was \"" + unknown + "\", which this version of Vivify does not know, so it was stopped. Retry it, or delete it.",
			Retryable:    true,
			MayBeCharged: j.ServerID != "",
			Details:      "unknown state in " + JobFile + ": " + plain.Line(string(raw.State), 200),
		}
	}
	return j, problems, nil
}

// known reports whether s is a state this Vivify writes.
func known(s State) bool {
	switch s {
	case Queued, Preparing, Submitting, Processing, Downloading, Done, Failed, Cancelled, Interrupted:
		return true
	}
	return false
}

// pictureExts are the pictures a job's folder holds (its source, its last
// frame).
var pictureExts = []string{".png", ".jpg", ".jpeg", ".gif", ".webp"}

func admitURL(s string, httpsOnly bool) string {
	if plain.WebURL(s, httpsOnly) {
		return s
	}
	return ""
}

func admitDuration(d time.Duration) time.Duration {
	if d < 0 || d > maxDuration {
		return 0
	}
	return d
}

// admitTime is t, or zero for a time no job could have (before Vivify, or
// far in the future).
func admitTime(t time.Time) time.Time {
	if t.Year() < 2000 || t.Year() > 9000 {
		return time.Time{}
	}
	return t
}

func finiteIn(v, lo, hi float64) bool { return !math.IsNaN(v) && v >= lo && v <= hi }

func admitVersion(v Version) Version {
	out := Version{File: v.File, Label: plain.Line(v.Label, maxNameLen), Created: admitTime(v.Created)}
	if v.Bytes >= 0 {
		out.Bytes = v.Bytes
	}
	if v.Width > 0 && v.Width <= maxSide && v.Height > 0 && v.Height <= maxSide {
		out.Width, out.Height = v.Width, v.Height
	}
	if finiteIn(v.Seconds, 0, 3600) {
		out.Seconds = v.Seconds
	}
	if out.Label == "" {
		out.Label = plain.Line(strings.TrimSuffix(v.File, filepath.Ext(v.File)), maxNameLen)
	}
	return out
}

// failureKinds are the words Failure.Kind takes.
var failureKinds = []string{"invalid_key", "no_credits", "rate_limited", "validation", "not_found",
	"generation_failed", "transient", "interrupted", "disk", "bad_image", "still_processing", "no_output",
	"too_large", "cancelled", kindDamaged, "other"}

// kindDamaged is the Failure.Kind of a job whose record was changed
// outside Vivify so that it cannot be acted on: it is left alone.
const kindDamaged = "damaged"

// Damaged reports whether the job's record was changed outside Vivify so
// that it cannot be acted on: no Retry, only Delete or Run again.
func (j Job) Damaged() bool { return j.Failure != nil && j.Failure.Kind == kindDamaged }

func admitFailure(f Failure) *Failure {
	out := &Failure{
		Message:      plain.Line(f.Message, maxMsgLen),
		Advice:       plain.Line(f.Advice, maxMsgLen),
		Details:      plain.Text(f.Details, maxDetails),
		Kind:         "other",
		Retryable:    f.Retryable,
		MayBeCharged: f.MayBeCharged,
	}
	if slices.Contains(failureKinds, f.Kind) {
		out.Kind = f.Kind
	}
	if out.Message == "" {
		out.Message = "This job ended without a video."
	}
	return out
}

// admitRequest is the request of a record, each field checked: text
// plain and bounded, enums as enums (an unknown one becomes the default and
// is named), links web addresses, numbers as they are (Submit checks their
// ranges before anything is sent).
func admitRequest(r client.Request) (client.Request, []string) {
	var problems []string
	out := r
	switch r.Family {
	case "", client.FamilySeed, client.FamilyHD, client.FamilyPremium:
	default:
		problems = append(problems, "its request names an endpoint Vivify does not know; the standard one is assumed")
		out.Family = ""
	}
	if r.ModelID != "" && !plain.Token(r.ModelID, maxModelLen) {
		problems = append(problems, "its request's model id is not one Vivify knows; the standard model is assumed")
		out.ModelID = client.DefaultModel
		out.Family = ""
	}
	out.Prompt = plain.Text(r.Prompt, client.MaxPromptRunes)
	out.NegativePrompt = plain.Text(r.NegativePrompt, client.MaxPromptRunes)
	for _, u := range []struct {
		field string
		v     *string
	}{{"picture link", &out.InitImage}, {"last-frame link", &out.EndImage}, {"webhook", &out.Webhook}} {
		if *u.v != "" && admitURL(*u.v, false) == "" {
			problems = append(problems, "its request's "+u.field+" is not a web address; it was left out")
			*u.v = ""
		}
	}
	switch r.OutputType {
	case "", client.OutputGIF, client.OutputMP4:
	default:
		problems = append(problems, "its request's output type is not GIF or MP4; GIF is assumed")
		out.OutputType = client.OutputGIF
	}
	switch r.LatentInterpolationMethod {
	case "", client.InterpolationLerp, client.InterpolationSlerp:
	default:
		out.LatentInterpolationMethod = client.InterpolationLerp
	}
	if r.Duration != "" {
		m, ok := out.Model()
		if !ok || !slices.Contains(m.Durations, r.Duration) {
			problems = append(problems, "its request's length is not one its model takes; it was left out")
			out.Duration = ""
		}
	}
	if r.Seed != nil && *r.Seed < 0 {
		out.Seed = nil
	}
	if r.TrackID != nil && *r.TrackID < 0 {
		out.TrackID = nil
	}
	for _, f := range []*float64{&out.MinGuidanceScale, &out.MaxGuidanceScale, &out.NoiseAugStrength, &out.GuidanceScale} {
		if !finiteIn(*f, -1e6, 1e6) {
			*f = 0
		}
	}
	return out, problems
}

// bound holds a job Vivify is about to write to the record's limits, so
// the record it writes is one admit keeps whole and the loader reads.
func bound(j *Job) {
	if n := len(j.Steps); n > maxSteps {
		j.Steps = slices.Clone(j.Steps[n-maxSteps:])
	}
	if n := len(j.Links); n > maxLinks {
		j.Links = j.Links[:maxLinks]
	}
	if n := len(j.Versions); n > MaxVersions {
		j.Versions = slices.Clone(j.Versions[n-MaxVersions:])
	}
	for i := range j.Versions {
		j.Versions[i].Label = plain.Line(j.Versions[i].Label, maxNameLen)
	}
	j.Note = plain.Line(j.Note, maxNoteLen)
	j.Model = plain.Line(j.Model, maxModelLen)
	j.Source.File = plain.Line(j.Source.File, maxPathLen)
	j.Source.Name = plain.Line(j.Source.Name, maxNameLen)
	j.Source.EndName = plain.Line(j.Source.EndName, maxNameLen)
	if f := j.Failure; f != nil {
		f.Message = plain.Line(f.Message, maxMsgLen)
		f.Advice = plain.Line(f.Advice, maxMsgLen)
		f.Details = plain.Text(f.Details, maxDetails)
	}
}

// decodeJob is the whole gate for one job.json's bytes: JSON into the raw
// record, then admit.
func decodeJob(data []byte, folder, library string) (*Job, []string, error) {
	var raw rawJob
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, nil, fmt.Errorf("its %s is damaged: %w", JobFile, err)
	}
	return raw.admit(folder, library)
}
