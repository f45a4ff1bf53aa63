// Package jobs is Vivify's engine: it runs video jobs against the ModelsLab
// client, keeps every job in a library folder on disk, and reports each
// change to its subscribers (the window) in order.
//
// The library is the source of truth: one folder per job, named after the
// date and the source image ("2026-11-21 18-32 beach"), holding job.json,
// the image as uploaded, the video and a thumbnail. Every write is atomic.
// When the engine opens a library it follows again the jobs that were being
// made on the server, and goes on with those that were still waiting to be
// sent. A job cut off while it was being sent, before the server answered,
// is marked interrupted and never sent again on its own, since the server
// may have received it and a second sending could charge twice.
//
// The package does not import Fyne.
package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"vivify/client"
	"vivify/internal/atomicfile"
	"vivify/internal/picture"
	"vivify/internal/plain"
)

// DefaultMaxInFlight is how many jobs may be on the server at once: the
// smallest plan's queue.
const DefaultMaxInFlight = 5

// Thumbnailer makes a PNG thumbnail at dest for a finished job, from its
// video, or its source image when the video cannot be read.
type Thumbnailer func(video, source, dest string) error

// Options configure an Engine.
type Options struct {
	Library      string         // the library folder; "" is DefaultLibrary()
	Client       *client.Client // may be nil until a key is set (SetClient)
	MaxInFlight  int            // jobs on the server at once; 0 is DefaultMaxInFlight
	MaxPreparing int            // images prepared at once; 0 is 2
	Clock        client.Clock   // nil is the wall clock
	Logger       *slog.Logger
	Thumbnailer  Thumbnailer   // nil makes a still of the first frame
	LinkWindow   time.Duration // how long downloads retry missing files; 0 is the client's default
	// RetryWait bounds the waits after "queue full" and passing faults
	// before submission; 0 is what the server asks, or 30 s.
	RetryWait time.Duration
	// NoCosts turns off measuring what each video costs (two balance
	// reads a job run alone).
	NoCosts bool
	// Practice starts the built-in practice server (once) and returns a
	// client for it. Practice jobs use it, whatever mode new jobs are made
	// in: one started in practice is followed, retried and run again
	// there. It is called off the UI goroutine, when a practice job runs.
	Practice func() (*client.Client, error)
	// InPractice makes new jobs practice jobs from the start (SetPractice).
	InPractice bool
	// Readers is how many job folders are read at once when the library
	// is opened; 0 is twice the cores (at most 8). A window being made
	// beside the reading asks for fewer, to keep a core to itself.
	Readers int
	// Locked, when set, is called once the library is locked to this
	// engine, before its jobs are read: the window can show while they
	// are (Open returns ErrLibraryInUse before, and never calls it).
	Locked func()
}

// EventKind says what happened to a job.
type EventKind int

const (
	JobAdded EventKind = iota + 1
	JobChanged
	JobProgress
	JobRemoved
)

func (k EventKind) String() string {
	return [...]string{"?", "added", "changed", "progress", "removed"}[k]
}

// Event is one change, with a copy of the job as it is after it.
type Event struct {
	Kind EventKind
	Job  Job
}

// Errors of the engine's actions.
var (
	ErrUnknownJob = errors.New("there is no such job")
	ErrJobActive  = errors.New("the job is still running")
	ErrJobEnded   = errors.New("the job has already ended")
	ErrNoSeed     = errors.New("the server did not report a seed for this job")
	ErrNoClient   = errors.New("no API key is set")
	ErrClosed     = errors.New("the engine is closed")
	ErrNoPicture  = errors.New("this job's picture is no longer in its folder: choose the picture again")
)

// ErrDamaged is Retry's error for a job whose record was changed outside
// Vivify so that it cannot be followed: it is left alone.
var ErrDamaged = errors.New("this job's record was changed outside Vivify, so it cannot be retried; Run again makes it anew")

// Causes of a job's context ending.
var (
	errUserCancel = errors.New("cancelled by the user")
	errDeleted    = errors.New("deleted by the user")
	errClosing    = errors.New("Vivify is closing")
)

// Engine runs jobs and keeps the library. Its methods are safe for
// concurrent use and do not block on the network.
type Engine struct {
	opts  Options
	clock client.Clock
	log   *slog.Logger
	sent  atomic.Int64 // jobs sent, for costMeter
	busy  int          // jobs between sending and being made (under mu), for costMeter

	mu       sync.Mutex
	client   *client.Client // the key's; practice jobs use opts.Practice
	practice bool           // new jobs are practice jobs
	jobs     map[string]*Job
	running  map[string]*runHandle
	warnings []Warning
	subs     map[int]*subscriber
	nextSub  int
	closed   bool

	slots    *slots
	prepares chan struct{}
	ctx      context.Context
	stop     context.CancelCauseFunc
	wg       sync.WaitGroup
	lock     *libraryLock // the library's lock, held until Close
	library  string       // the library's id (Job.Library)

	sets setSending // the sets' takes, sent one after another
}

type runHandle struct {
	cancel context.CancelCauseFunc
	done   chan struct{}
}

// Open loads the library and resumes its unfinished jobs. Damaged or foreign
// folders are passed over (see Warnings).
func Open(opts Options) (*Engine, error) {
	if opts.Library == "" {
		opts.Library = DefaultLibrary()
	}
	if opts.MaxInFlight <= 0 {
		opts.MaxInFlight = DefaultMaxInFlight
	}
	if opts.MaxPreparing <= 0 {
		opts.MaxPreparing = 2
	}
	if opts.Clock == nil {
		opts.Clock = client.RealClock{}
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Thumbnailer == nil {
		opts.Thumbnailer = FirstFrameThumbnail
	}
	if err := os.MkdirAll(opts.Library, 0o755); err != nil {
		return nil, fmt.Errorf("the library folder %s cannot be created: %w", opts.Library, err)
	}
	lock, err := lockLibrary(opts.Library)
	// A Vivify that has just quit may still hold it for a moment (and a
	// program it started may hold the folder's descriptor between its
	// fork and its exec): a second is given before it counts as taken.
	for wait := 0; errors.Is(err, ErrLibraryInUse) && wait < 20; wait++ {
		time.Sleep(50 * time.Millisecond)
		lock, err = lockLibrary(opts.Library)
	}
	if err != nil {
		return nil, err
	}
	if opts.Locked != nil {
		opts.Locked()
	}
	removeUnplaced(opts.Library)
	emptyTrash(opts.Library, time.Now())
	library := libraryID(opts.Library)
	loaded, warns, err := loadLibrary(opts.Library, library, nil, opts.Readers)
	if err != nil {
		lock.Close()
		return nil, fmt.Errorf("the library folder %s cannot be read: %w", opts.Library, err)
	}
	ctx, stop := context.WithCancelCause(context.Background())
	e := &Engine{
		opts: opts, clock: opts.Clock, log: opts.Logger, client: opts.Client, practice: opts.InPractice,
		jobs: make(map[string]*Job, len(loaded)), running: map[string]*runHandle{},
		warnings: warns, subs: map[int]*subscriber{},
		slots: newSlots(opts.MaxInFlight), prepares: make(chan struct{}, opts.MaxPreparing),
		ctx: ctx, stop: stop, lock: lock, library: library,
	}
	for _, w := range warns {
		e.log.Warn("library folder passed over", "folder", w.Folder, "reason", w.Reason)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, j := range loaded {
		e.jobs[j.ID] = j
		e.adoptLocked(j)
	}
	return e, nil
}

// adoptLocked takes up a job read from disk: one the server has is followed
// again, one still waiting to be sent goes on, and one cut off while being
// sent is marked interrupted.
func (e *Engine) adoptLocked(j *Job) {
	switch j.State {
	case Queued, Preparing:
		// Never sent (a submission is recorded before it goes out), so
		// going on cannot charge twice.
		removeLeftovers(j.Folder)
		e.startLocked(j)
	case Submitting:
		e.interrupt(j, "Vivify was closed while sending this job, before the server answered. "+
			"The server may have received it and may charge for it.", true)
	case Processing, Downloading:
		removeLeftovers(j.Folder)
		if j.ServerID == "" && len(j.Links) == 0 { // cannot be followed
			e.interrupt(j, "Vivify was closed before the server confirmed this job.", true)
			return
		}
		if j.State == Processing {
			e.slots.force() // it is on the server already
		}
		e.startLocked(j)
	}
}

// Rescan reads the library folder again, since it is the source of truth:
// jobs whose folders are gone (moved or deleted outside Vivify) leave the
// list, and job folders that appeared (copied in) join it.
func (e *Engine) Rescan() error {
	removeUnplaced(e.opts.Library)
	e.mu.Lock()
	known := make(map[string]bool, len(e.jobs))
	for id := range e.jobs {
		known[id] = true
	}
	e.mu.Unlock()
	loaded, warns, err := loadLibrary(e.opts.Library, e.library, func(id string) bool { return known[id] }, 0)
	if err != nil {
		return fmt.Errorf("the library folder %s cannot be read: %w", e.opts.Library, err)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return ErrClosed
	}
	e.warnings = warns
	onDisk := make(map[string]bool, len(loaded))
	for _, j := range loaded {
		onDisk[j.ID] = true
		if _, known := e.jobs[j.ID]; known {
			continue
		}
		e.jobs[j.ID] = j
		e.emitLocked(JobAdded, j)
		e.adoptLocked(j)
	}
	for id, j := range e.jobs {
		if !onDisk[id] && e.running[id] == nil {
			delete(e.jobs, id)
			e.emitLocked(JobRemoved, j)
		}
	}
	return nil
}

func (e *Engine) interrupt(j *Job, msg string, mayBeCharged bool) {
	j.Failure = &Failure{Message: msg, Kind: "interrupted", Retryable: true, MayBeCharged: mayBeCharged,
		Advice: "Retry sends it again."}
	if mayBeCharged {
		j.Failure.Advice = "Check your ModelsLab dashboard before you retry: a retry sends it again and may be charged again."
	}
	e.setStateLocked(j, Interrupted)
}

// Close stops the engine's work and waits for it. Jobs being made on the
// server stay recorded as such, and are followed again by the next Open.
func (e *Engine) Close() {
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		return
	}
	e.closed = true
	e.mu.Unlock()
	e.stop(errClosing)
	e.wg.Wait()
	e.mu.Lock()
	for id, s := range e.subs {
		s.close()
		delete(e.subs, id)
	}
	e.mu.Unlock()
	e.lock.Close() // lets another copy of Vivify open the library
}

// Library is the folder the engine keeps its jobs in.
func (e *Engine) Library() string { return e.opts.Library }

// Warnings lists the library folders that were passed over when it was read.
func (e *Engine) Warnings() []Warning {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]Warning(nil), e.warnings...)
}

// SetClient sets the client of the key, which jobs made outside practice
// use (after the key changes). Jobs in flight keep the client they started
// with.
func (e *Engine) SetClient(c *client.Client) {
	e.mu.Lock()
	e.client = c
	e.mu.Unlock()
}

// SetPractice sets whether new jobs are practice jobs, made by the built-in
// practice server (Options.Practice) at no cost. Jobs keep the mode they
// were made in.
func (e *Engine) SetPractice(on bool) {
	e.mu.Lock()
	e.practice = on
	e.mu.Unlock()
}

// InPractice reports whether new jobs are practice jobs.
func (e *Engine) InPractice() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.practice
}

// ErrNoPractice is the error of a practice job when the engine was given no
// way to start the practice server.
var ErrNoPractice = errors.New("practice mode is not available")

// clientFor is the client a job runs with: the practice server's for a
// practice job (started now, if it is not yet), the key's for the others.
func (e *Engine) clientFor(practice bool) (*client.Client, error) {
	if practice {
		if e.opts.Practice == nil {
			return nil, ErrNoPractice
		}
		return e.opts.Practice()
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.client == nil {
		return nil, ErrNoClient
	}
	return e.client, nil
}

// Jobs returns copies of every job, newest first.
func (e *Engine) Jobs() []Job {
	e.mu.Lock()
	defer e.mu.Unlock()
	list := make([]*Job, 0, len(e.jobs))
	for _, j := range e.jobs {
		list = append(list, j)
	}
	sortNewestFirst(list)
	out := make([]Job, len(list))
	for i, j := range list {
		out[i] = j.clone()
	}
	return out
}

// Job returns a copy of one job.
func (e *Engine) Job(id string) (Job, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	j, ok := e.jobs[id]
	if !ok {
		return Job{}, false
	}
	return j.clone(), true
}

// InFlight is how many jobs are on the server now.
func (e *Engine) InFlight() int { return e.slots.used() }

// Spec describes a job to add: the request, and where its image comes from.
// Exactly one of File and URL is set; with neither, Request.InitImage is the
// link.
type Spec struct {
	Request client.Request
	File    string // a local image, scaled and uploaded first
	URL     string // a link to an image
	// EndFile is a local picture for the last frame, for a model that
	// takes one (otherwise Request.EndImage is its link).
	EndFile string
	// Set and Take make the job take Take (from 1) of the set of takes Set
	// (NewSetID): the set's takes are sent one after another, and once the
	// account's credits run out the takes not sent yet are not sent.
	Set  string
	Take int
}

// MaxTakes is the most takes a set has.
const MaxTakes = 4

// NewSetID is a new id for a set of takes.
func NewSetID() string { return newID() }

// jobMode is what addJobWith is told of a new job besides its request.
type jobMode struct {
	practice bool
	set      string
	take     int
}

// Add records a new job and queues it. It checks the settings and, for a
// local file, that the file is an image Vivify can read; it returns at once
// and the job runs in the background.
func (e *Engine) Add(spec Spec) (Job, error) {
	req := spec.Request
	src := Source{}
	switch {
	case spec.File != "":
		if err := checkImageFile(spec.File); err != nil {
			return Job{}, err
		}
		src.File = spec.File
		req.InitImage = ""
	default:
		if spec.URL != "" {
			req.InitImage = spec.URL
		}
		src.URL = strings.TrimSpace(req.InitImage)
	}
	if spec.EndFile != "" {
		if err := checkImageFile(spec.EndFile); err != nil {
			return Job{}, err
		}
		req.EndImage = ""
		src.EndName = filepath.Base(spec.EndFile)
	}
	check := req
	if src.File != "" {
		check.InitImage = "https://upload.invalid/" // checked once uploaded
	}
	if spec.EndFile != "" {
		check.EndImage = "https://upload.invalid/end"
	}
	if err := check.Validate(); err != nil {
		return Job{}, err
	}
	src.Name = sourceName(src)
	mode := jobMode{practice: e.InPractice()}
	if spec.Set != "" {
		if !plain.Token(spec.Set, maxIDLen) || spec.Take < 1 || spec.Take > MaxTakes {
			return Job{}, fmt.Errorf("a take must be 1 to %d of a set with a plain id", MaxTakes)
		}
		mode.set, mode.take = spec.Set, spec.Take
	}
	return e.addJobWith(req, src, src.File, spec.EndFile, "", time.Time{}, mode)
}

// addJobWith records a new job in a folder of its own. sourceFrom, when
// set, is the picture to keep in that folder (the creator's file, or the
// copy of the job being run again), and endFrom the last frame's: from then
// on the job reads its pictures only from its folder, never from a path its
// record holds.
func (e *Engine) addJobWith(req client.Request, src Source, sourceFrom, endFrom, uploadURL string, uploadedAt time.Time, mode jobMode) (Job, error) {
	diskErr := func(op string, err error) error {
		return &client.Error{Kind: client.ErrDisk, Op: op, Message: err.Error(), Err: err}
	}
	e.mu.Lock()
	closed := e.closed
	e.mu.Unlock()
	if closed {
		return Job{}, ErrClosed
	}
	// The folder and the picture's copy are made before the engine is
	// locked: copying a large picture takes a moment.
	tmp, err := os.MkdirTemp(e.opts.Library, newFolderPrefix)
	if err != nil {
		return Job{}, diskErr("create the job's folder", err)
	}
	j := &Job{ID: newID(), Request: req, Source: src, Folder: tmp, Practice: mode.practice, Library: e.library, Set: mode.set, Take: mode.take}
	if sourceFrom != "" {
		j.SourceFile, err = keepPicture(sourceFrom, tmp, "picture")
		j.UploadURL, j.UploadedAt = uploadURL, uploadedAt
	}
	if endFrom != "" && err == nil {
		j.EndFile, err = keepPicture(endFrom, tmp, "end-picture")
	}
	if err != nil {
		atomicfile.RemoveAll(tmp)
		return Job{}, err
	}

	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		atomicfile.RemoveAll(tmp)
		return Job{}, ErrClosed
	}
	now := e.clock.Now()
	j.Created = now
	j.State = Queued
	j.Steps = []Step{{Queued, now}}
	if err := saveJob(j); err != nil {
		atomicfile.RemoveAll(tmp)
		return Job{}, diskErr("record the job", err)
	}
	folder, err := placeFolder(e.opts.Library, tmp, now, src.Name)
	if err != nil {
		atomicfile.RemoveAll(tmp)
		return Job{}, diskErr("name the job's folder", err)
	}
	j.Folder = folder
	e.jobs[j.ID] = j
	e.emitLocked(JobAdded, j)
	e.startLocked(j)
	return j.clone(), nil
}

// copyPicture copies the picture at from (a regular file within the
// picture size limit) to dest, whole or not at all.
func copyPicture(from, dest string) error {
	op := "keep a copy of " + filepath.Base(from)
	data, err := picture.ReadFile(from, 0)
	switch {
	case errors.Is(err, picture.ErrNotRegular):
		return &client.Error{Kind: client.ErrNotImage, Op: op,
			Message: "it is not an ordinary file (a pipe, device or folder), so it cannot be a picture"}
	case errors.Is(err, picture.ErrTooLarge):
		return &client.Error{Kind: client.ErrImageTooLarge, Op: op,
			Message: fmt.Sprintf("the file is larger than %d MB", picture.MaxFileBytes>>20)}
	case err != nil:
		return &client.Error{Kind: client.ErrNotImage, Op: op, Message: "the picture could not be read", Err: err}
	}
	if err := writeAtomic(dest, data, 0o644); err != nil {
		return &client.Error{Kind: client.ErrDisk, Op: op, Message: err.Error(), Err: err}
	}
	return nil
}

// keepPicture copies the picture at from into the folder dir as base and
// its own extension, and returns the name it got there.
func keepPicture(from, dir, base string) (string, error) {
	name := base + strings.ToLower(filepath.Ext(from))
	if !localName(name) || !client.IsImageFile(name) {
		name = base + ".img"
	}
	return name, copyPicture(from, filepath.Join(dir, name))
}

// checkImageFile reads the header of the picture at path: a regular file,
// a picture, within the limits. It never blocks on a pipe.
func checkImageFile(path string) error {
	op := "read " + filepath.Base(path)
	_, err := picture.CheckFile(path)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, picture.ErrNotRegular):
		return &client.Error{Kind: client.ErrNotImage, Op: op,
			Message: "it is not an ordinary file (a pipe, device or folder), so it cannot be a picture"}
	case errors.Is(err, picture.ErrTooLarge):
		return &client.Error{Kind: client.ErrImageTooLarge, Op: op, Message: strings.TrimPrefix(err.Error(), picture.ErrTooLarge.Error()+": "), Err: err}
	case errors.Is(err, picture.ErrNotPicture), errors.Is(err, picture.ErrDamaged):
		return &client.Error{Kind: client.ErrNotImage, Op: op,
			Message: "this file is not a picture Vivify can read (PNG, JPEG, GIF or WebP)"}
	}
	return &client.Error{Kind: client.ErrNotImage, Op: op, Message: "the file could not be opened", Err: err}
}

// Cancel stops a job. Vivify stops following it; a job the server already
// has may still be finished and charged (the job's Failure says so).
func (e *Engine) Cancel(id string) error {
	_, stopped, err := e.stopRun(id, errUserCancel)
	if err == nil && !stopped {
		return ErrJobEnded
	}
	return err
}

// stopRun ends job id's run, if it has one, for cause, and waits for it.
func (e *Engine) stopRun(id string, cause error) (j *Job, stopped bool, err error) {
	e.mu.Lock()
	j, ok := e.jobs[id]
	h := e.running[id]
	e.mu.Unlock()
	if !ok {
		return nil, false, ErrUnknownJob
	}
	if h == nil {
		return j, false, nil
	}
	h.cancel(cause)
	<-h.done
	return j, true, nil
}

// Retry runs an ended job again. A job the server already made (or may
// still be making) is followed and downloaded again, at no cost; any other
// is sent again.
func (e *Engine) Retry(id string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	j, ok := e.jobs[id]
	if !ok {
		return ErrUnknownJob
	}
	if !j.State.Ended() || e.running[id] != nil {
		return ErrJobActive
	}
	if j.State == Done {
		return ErrJobEnded
	}
	if e.closed {
		return ErrClosed
	}
	if j.Damaged() {
		return ErrDamaged
	}
	follow := j.ServerID != "" || len(j.Links) > 0
	if j.Failure != nil {
		switch j.Failure.Kind {
		case "generation_failed", "not_found", "validation", "invalid_key", "no_credits", "bad_image", "too_large":
			follow = false
		}
	}
	j.Failure = nil
	j.Progress = 0
	j.Library = e.library // sent from here on, it is this library's
	e.sets.resume(j.Set)  // a retry is the creator's: credits may have been bought
	if follow {
		if len(j.Links) > 0 {
			j.State = Downloading
		} else {
			j.State = Processing
			e.slots.force() // it is on the server already
		}
	} else {
		j.ServerID, j.Links, j.Seed, j.Model, j.GenerationTime, j.ETA, j.Output = "", nil, nil, "", 0, 0, ""
		j.State = Queued
	}
	e.setStateLocked(j, j.State)
	e.startLocked(j)
	return nil
}

// RunAgain adds a new job with the settings and source of job id, in the
// mode it was made in: a practice job runs again in practice. With sameSeed
// it asks for the seed the server reported, so the result comes out the
// same; without, the server picks a new one.
func (e *Engine) RunAgain(id string, sameSeed bool) (Job, error) {
	e.mu.Lock()
	j, ok := e.jobs[id]
	if !ok {
		e.mu.Unlock()
		return Job{}, ErrUnknownJob
	}
	practice := j.Practice
	e.mu.Unlock()
	return e.RunAgainIn(id, sameSeed, practice)
}

// RunAgainIn is RunAgain in the mode the creator chose: practice, or with
// the key. A picture uploaded in the other mode is uploaded again.
func (e *Engine) RunAgainIn(id string, sameSeed, practice bool) (Job, error) {
	e.mu.Lock()
	j, ok := e.jobs[id]
	if !ok {
		e.mu.Unlock()
		return Job{}, ErrUnknownJob
	}
	old := j.clone()
	e.mu.Unlock()
	req := old.Request
	req.Seed = nil
	if sameSeed {
		if old.Seed == nil {
			return Job{}, ErrNoSeed
		}
		s := *old.Seed
		req.Seed = &s
	}
	sourceFrom, uploadURL, uploadedAt := "", "", time.Time{}
	if old.Source.File != "" {
		req.InitImage = ""
		// Only the copy in the job's folder is used: the path the record
		// holds may point anywhere.
		sourceFrom = old.File(old.SourceFile)
		if sourceFrom == "" {
			return Job{}, ErrNoPicture
		}
		if old.UploadURL != "" && e.clock.Now().Sub(old.UploadedAt) < uploadFresh && old.Practice == practice {
			uploadURL, uploadedAt = old.UploadURL, old.UploadedAt
		}
	}
	endFrom := ""
	if old.EndFile != "" {
		req.EndImage = ""
		if endFrom = old.File(old.EndFile); endFrom == "" {
			return Job{}, ErrNoPicture
		}
	}
	return e.addJobWith(req, old.Source, sourceFrom, endFrom, uploadURL, uploadedAt, jobMode{practice: practice})
}

// Delete stops a job if it runs, and removes it and its folder.
func (e *Engine) Delete(id string) error {
	j, _, err := e.stopRun(id, errDeleted)
	if err != nil {
		return err
	}
	if err := atomicfile.RemoveAll(j.Folder); err != nil {
		return &client.Error{Kind: client.ErrDisk, Op: "delete the job's folder", Message: err.Error(), Err: err}
	}
	syncDir(e.opts.Library)
	e.mu.Lock()
	delete(e.jobs, id)
	e.emitLocked(JobRemoved, j)
	e.mu.Unlock()
	return nil
}

// startLocked runs a job in the background.
func (e *Engine) startLocked(j *Job) {
	ctx, cancel := context.WithCancelCause(e.ctx)
	h := &runHandle{cancel: cancel, done: make(chan struct{})}
	e.running[j.ID] = h
	e.wg.Add(1)
	go func() {
		defer e.wg.Done()
		defer close(h.done)
		e.run(ctx, j.ID)
		e.mu.Lock()
		if e.running[j.ID] == h { // a Retry may have started a new run
			delete(e.running, j.ID)
		}
		e.mu.Unlock()
		cancel(nil)
	}()
}

// setStateLocked moves a job to state, records the step, saves job.json and
// announces the change.
func (e *Engine) setStateLocked(j *Job, s State) {
	if s.Ended() {
		// The run is over as far as anyone can see: a Retry may start anew
		// at once, though the goroutine has yet to return.
		delete(e.running, j.ID)
	}
	now := e.clock.Now()
	j.State = s
	j.Steps = append(j.Steps, Step{s, now})
	if s != Preparing && s != Downloading {
		j.Progress = 0
	}
	if err := saveJob(j); err != nil {
		e.log.Error("job record not saved", "job", j.ID, "error", err)
	}
	e.emitLocked(JobChanged, j)
}

// update changes a job under the lock; with persist, job.json is saved and a
// change announced, else a progress event.
func (e *Engine) update(id string, persist bool, f func(j *Job)) Job {
	e.mu.Lock()
	defer e.mu.Unlock()
	j := e.jobs[id]
	if j == nil {
		return Job{}
	}
	f(j)
	if persist {
		if err := saveJob(j); err != nil {
			e.log.Error("job record not saved", "job", j.ID, "error", err)
		}
		e.emitLocked(JobChanged, j)
	} else {
		e.emitLocked(JobProgress, j)
	}
	return j.clone()
}

func (e *Engine) setState(id string, s State, f func(j *Job)) Job {
	e.mu.Lock()
	defer e.mu.Unlock()
	j := e.jobs[id]
	if j == nil {
		return Job{}
	}
	if f != nil {
		f(j)
	}
	e.setStateLocked(j, s)
	return j.clone()
}

// Subscribe calls fn with every event, in order, on a goroutine of its own:
// a slow subscriber never holds the engine up, and misses nothing. The
// returned function stops the calls.
func (e *Engine) Subscribe(fn func(Event)) (unsubscribe func()) {
	s := &subscriber{fn: fn, wake: make(chan struct{}, 1), done: make(chan struct{})}
	e.mu.Lock()
	id := e.nextSub
	e.nextSub++
	e.subs[id] = s
	e.mu.Unlock()
	go s.loop()
	return func() {
		e.mu.Lock()
		delete(e.subs, id)
		e.mu.Unlock()
		s.close()
	}
}

func (e *Engine) emitLocked(kind EventKind, j *Job) {
	ev := Event{Kind: kind, Job: j.clone()}
	for _, s := range e.subs {
		s.push(ev)
	}
}

type subscriber struct {
	fn    func(Event)
	mu    sync.Mutex
	queue []Event
	wake  chan struct{}
	done  chan struct{}
	once  sync.Once
}

func (s *subscriber) push(ev Event) {
	s.mu.Lock()
	s.queue = append(s.queue, ev)
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

func (s *subscriber) loop() {
	for {
		select {
		case <-s.done:
			return
		case <-s.wake:
		}
		for {
			s.mu.Lock()
			batch := s.queue
			s.queue = nil
			s.mu.Unlock()
			if len(batch) == 0 {
				break
			}
			for _, ev := range batch {
				select {
				case <-s.done:
					return
				default:
				}
				s.fn(ev)
			}
		}
	}
}

func (s *subscriber) close() { s.once.Do(func() { close(s.done) }) }

// slots counts the jobs on the server, and lets a job wait for room.
type slots struct {
	mu    sync.Mutex
	max   int
	n     int
	freed chan struct{} // closed and replaced whenever a slot frees
}

func newSlots(max int) *slots { return &slots{max: max, freed: make(chan struct{})} }

func (s *slots) acquire(ctx context.Context) error {
	for {
		s.mu.Lock()
		if s.n < s.max {
			s.n++
			s.mu.Unlock()
			return nil
		}
		ch := s.freed
		s.mu.Unlock()
		select {
		case <-ctx.Done():
			return context.Cause(ctx)
		case <-ch:
		}
	}
}

// force takes a slot whatever the count: for jobs already on the server.
func (s *slots) force() {
	s.mu.Lock()
	s.n++
	s.mu.Unlock()
}

func (s *slots) release() {
	s.mu.Lock()
	s.n--
	close(s.freed)
	s.freed = make(chan struct{})
	s.mu.Unlock()
}

func (s *slots) used() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.n
}

// Balance asks the service for the account's balance with the key's
// client (the practice server's, in practice): the cheapest call that
// proves a key works.
func (e *Engine) Balance(ctx context.Context) (*client.Balance, error) {
	c, err := e.clientFor(e.InPractice())
	if err != nil {
		return nil, err
	}
	return c.Balance(ctx)
}

// KeyBalance asks the service for the balance with the key's client,
// whatever mode new jobs are made in: the check of a key.
func (e *Engine) KeyBalance(ctx context.Context) (*client.Balance, error) {
	c, err := e.clientFor(false)
	if err != nil {
		return nil, err
	}
	return c.Balance(ctx)
}

// CheckLink fetches the start of a picture's link, as the service will
// when a job of the current mode starts, and says what picture it is or
// what is wrong with it (see client.CheckPictureLink).
func (e *Engine) CheckLink(ctx context.Context, link string) (client.LinkInfo, error) {
	c, _ := e.clientFor(e.InPractice()) // none yet: checked as for any service
	return c.CheckPictureLink(ctx, link)
}

// HasClient reports whether new jobs have a client: a key, or in practice
// the practice server.
func (e *Engine) HasClient() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.practice {
		return e.opts.Practice != nil
	}
	return e.client != nil
}
