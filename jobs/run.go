package jobs

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"

	"vivify/client"
)

// uploadFresh is how long an uploaded image is reused; the service keeps it
// 24 hours.
const uploadFresh = 23 * time.Hour

// unsentRetries is how often a submission that certainly never left this
// computer (no connection) is tried again before the job fails.
const unsentRetries = 5

// run takes a job from its current state to an end. Each state change is
// saved before the work of the next state starts, so a process killed at
// any moment leaves a record that says what is known.
func (e *Engine) run(ctx context.Context, id string) {
	j, ok := e.Job(id)
	if !ok {
		return
	}
	holding := j.State == Processing // resumed jobs were given their slot
	release := func() {
		if holding {
			holding = false
			e.slots.release()
		}
	}
	defer release()

	c, err := e.clientFor(j.Practice)
	switch {
	case errors.Is(err, ErrNoClient):
		e.fail(ctx, id, &client.Error{Kind: client.ErrInvalidKey, Op: "start", Message: "no API key is set", Unsent: true, Err: ErrNoClient}, false)
		return
	case err != nil:
		// The practice server could not start: nothing was sent, and
		// Retry tries it again.
		e.fail(ctx, id, &client.Error{Kind: client.ErrTransient, Op: "start practice mode", Message: err.Error(), Unsent: true, Err: err}, false)
		return
	}

	state := j.State
	var meter *costMeter
	if state == Processing || state == Downloading { // followed again after a restart
		meter = e.resumeCost(j)
		defer e.costDone()
	}
	for {
		var err error
		switch state {
		case Queued, Preparing:
			err = e.prepare(ctx, c, id)
			state = Submitting
		case Submitting:
			// A set's takes are sent one after another; once its
			// credits ran out, the takes left are not sent at all.
			endTurn := e.sets.hold(j.Set)
			if why := e.sets.why(j.Set); why != "" {
				endTurn()
				e.fail(ctx, id, creditsOut(why), false)
				return
			}
			if meter == nil {
				meter = e.startCost(ctx, c, id)
				defer e.costDone()
			}
			resp, sent, serr := e.submit(ctx, c, id, &holding)
			if errors.Is(serr, client.ErrInsufficientCredits) {
				e.sets.stop(j.Set, fmt.Sprintf(NoteCreditsRanOut, j.Take))
			}
			endTurn()
			if serr == nil {
				state = e.acknowledged(id, resp)
				if state == Downloading {
					release()
				}
			} else {
				// Sent and not explicitly refused: it may have arrived,
				// and a request cut off mid-way may have too.
				mayBeCharged := sent && !client.Unsent(serr) && !isRefusal(serr)
				e.fail(ctx, id, serr, mayBeCharged)
				return
			}
		case Processing:
			err = e.follow(ctx, c, id)
			release()
			state = Downloading
		case Downloading:
			// The video is made and charged: its cost is known now, and
			// kept with the record that says it is done.
			e.endCost(ctx, c, id, meter)
			err = e.download(ctx, c, id)
			state = Done
		default:
			return
		}
		if err != nil {
			e.fail(ctx, id, err, false)
			return
		}
		if state == Done {
			return
		}
	}
}

// costMeter is what a job's cost is measured from: the balance before it
// was sent, and how many jobs had been sent then.
type costMeter struct {
	balance float64
	sent    int64
}

// startCost reads the balance before job id is sent, when it is the only
// job on the server: no price is published, so the difference in the
// balance is the only honest measure. Its sent is -1 when it is not alone.
func (e *Engine) startCost(ctx context.Context, c *client.Client, id string) *costMeter {
	e.mu.Lock()
	alone := e.busy == 0
	e.busy++
	n := e.sent.Add(1) // every submission counts: it spoils another's measure
	e.mu.Unlock()
	if e.opts.NoCosts || !alone {
		return &costMeter{sent: -1}
	}
	bctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	b, err := c.Balance(bctx)
	if err != nil {
		return &costMeter{sent: -1}
	}
	// Kept with the job (saved with its submission), for a restart
	// before it is made.
	at := e.clock.Now()
	e.update(id, false, func(j *Job) { j.Meter = &Meter{Balance: b.Amount, At: at} })
	return &costMeter{balance: b.Amount, sent: n}
}

// resumeCost takes up the measure of job j's cost when it is followed again
// after a restart: from the balance kept with it, when it was alone on the
// server then and no job of the library was sent after it. It counts as
// busy, like a job sent now, until costDone.
func (e *Engine) resumeCost(j Job) *costMeter {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.busy++
	n := e.sent.Load()
	if e.opts.NoCosts || j.Meter == nil || j.Cost != nil {
		return &costMeter{sent: -1}
	}
	for _, o := range e.jobs {
		if o.ID == j.ID {
			continue
		}
		for _, s := range o.Steps {
			if s.State == Submitting && !s.At.Before(j.Meter.At) {
				return &costMeter{sent: -1} // another was sent meanwhile
			}
		}
	}
	return &costMeter{balance: j.Meter.Balance, sent: n}
}

// costDone ends a job's part in the measure of costs.
func (e *Engine) costDone() {
	e.mu.Lock()
	e.busy--
	e.mu.Unlock()
}

// endCost reads the balance again once job id is made, and keeps the
// difference in its record, if no other job was sent meanwhile.
func (e *Engine) endCost(ctx context.Context, c *client.Client, id string, m *costMeter) {
	if m == nil || m.sent < 0 || e.sent.Load() != m.sent {
		return
	}
	bctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	b, err := c.Balance(bctx)
	if err != nil || e.sent.Load() != m.sent {
		return
	}
	spent := math.Round((m.balance-b.Amount)*1e4) / 1e4
	if spent < 0 {
		return
	}
	now := e.clock.Now()
	e.update(id, false, func(j *Job) { // saved with Done
		j.Cost = &Cost{Amount: spent, At: now, Practice: j.Practice, Before: m.balance, After: b.Amount}
		j.Meter = nil
	})
}

// LastCost is the cost last seen for a video of model id of family f.
func (e *Engine) LastCost(f client.Family, id string) (Cost, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	var best *Cost
	for _, j := range e.jobs {
		if j.Cost != nil && j.Request.Family.Or() == f.Or() && j.Request.ModelID == id && (best == nil || j.Cost.At.After(best.At)) {
			best = j.Cost
		}
	}
	if best == nil {
		return Cost{}, false
	}
	return *best, true
}

// isRefusal reports whether the server explicitly turned the request down,
// so it certainly did not start a job.
func isRefusal(err error) bool {
	for _, k := range []error{client.ErrInvalidKey, client.ErrInsufficientCredits, client.ErrRateLimited,
		client.ErrValidation, client.ErrBadRequest} {
		if errors.Is(err, k) {
			return true
		}
	}
	return false
}

// fail ends a job: cancelled when the user asked, left as it is when
// Vivify is closing (the next Open picks it up), failed otherwise.
func (e *Engine) fail(ctx context.Context, id string, err error, mayBeCharged bool) {
	cause := context.Cause(ctx)
	switch {
	case errors.Is(cause, errClosing), errors.Is(cause, errDeleted):
		return
	case errors.Is(cause, errUserCancel):
		e.setState(id, Cancelled, func(j *Job) {
			j.Note = ""
			if j.ServerID != "" || mayBeCharged {
				j.Failure = &Failure{Kind: "cancelled", Retryable: true, MayBeCharged: true,
					Message: "Vivify stopped following this job. The server may still finish it, and charge for it.",
					Advice:  "Retry follows it again at no extra cost if the server still has it."}
				if j.ServerID == "" {
					j.Failure.Advice = "Check your ModelsLab dashboard before you retry: a retry sends it again."
				}
			} else {
				j.Failure = &Failure{Kind: "cancelled", Retryable: true,
					Message: "Cancelled before it was sent. Nothing was charged."}
			}
		})
		return
	}
	f := failureFrom(err)
	f.MayBeCharged = mayBeCharged
	if mayBeCharged && f.Kind == "transient" {
		f.Message = "The connection failed while sending this job. The server may have received it."
		f.Advice = "Check your ModelsLab dashboard before you retry: a retry sends it again and may be charged again."
	}
	e.log.Info("job failed", "job", id, "kind", f.Kind, "error", err.Error())
	e.setState(id, Failed, func(j *Job) { j.Failure, j.Note = f, "" })
}

// prepareFromFolder reads and prepares the job's picture called name (what
// says which, for the error). It is read from the job's folder only (Add
// kept a copy there), never from a path in its record, which may point
// anywhere.
func prepareFromFolder(j Job, name, what string) (*client.PreparedImage, error) {
	from := j.File(name)
	if from == "" {
		return nil, &client.Error{Kind: client.ErrNotImage, Op: "read the " + what,
			Message: "this job's " + what + " is no longer in its folder; choose it again and generate"}
	}
	return client.PrepareImageFile(from)
}

// prepareEnd uploads the job's last-frame picture, kept in its folder,
// unless its link is known.
func (e *Engine) prepareEnd(ctx context.Context, c *client.Client, id string) error {
	j, _ := e.Job(id)
	if j.EndFile == "" || j.Request.EndImage != "" {
		return nil
	}
	p, err := prepareFromFolder(j, j.EndFile, "last-frame picture")
	if err != nil {
		return err
	}
	link, err := c.UploadImage(ctx, p)
	if err != nil {
		return err
	}
	e.update(id, true, func(j *Job) { j.Request.EndImage = link })
	return nil
}

// prepare makes the job's init image ready: a local file is scaled,
// stored in the folder and uploaded (an upload under 23 hours old is used
// again). A link is used as it is.
func (e *Engine) prepare(ctx context.Context, c *client.Client, id string) error {
	if err := e.prepareEnd(ctx, c, id); err != nil {
		return err
	}
	j, _ := e.Job(id)
	if j.Source.File == "" {
		return nil
	}
	if j.UploadURL != "" && e.clock.Now().Sub(j.UploadedAt) < uploadFresh {
		e.update(id, true, func(j *Job) { j.Request.InitImage = j.UploadURL })
		return nil
	}
	select {
	case e.prepares <- struct{}{}:
		defer func() { <-e.prepares }()
	case <-ctx.Done():
		return context.Cause(ctx)
	}
	e.setState(id, Preparing, func(j *Job) { j.Progress = 0.05 })

	p, err := prepareFromFolder(j, j.SourceFile, "picture")
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return context.Cause(ctx)
	}
	name := "source.jpg"
	if p.MIME == "image/png" {
		name = "source.png"
	}
	if err := writeAtomic(filepath.Join(j.Folder, name), p.Data, 0o644); err != nil {
		return &client.Error{Kind: client.ErrDisk, Op: "keep a copy of the image", Message: err.Error(), Err: err}
	}
	e.update(id, true, func(j *Job) { j.SourceFile, j.Progress = name, 0.5 })
	if old := j.SourceFile; old != name {
		os.Remove(filepath.Join(j.Folder, old)) // the creator's copy, now prepared
	}
	link, err := c.UploadImage(ctx, p)
	if err != nil {
		return err
	}
	now := e.clock.Now()
	e.update(id, true, func(j *Job) {
		j.UploadURL, j.UploadedAt, j.Request.InitImage, j.Progress = link, now, link, 1
	})
	return nil
}

// submit waits for room on the server, records that the request is on its
// way, and sends it. When the server says its queue is full or asks to slow
// down, it waits and tries again: the server refused, so nothing was made.
// Notes a queued job may carry; Notes lists them for the window, which
// says them in its own language.
const (
	noteWaitingSlot = "Waiting for one of the jobs on the server to finish."
	noteOffline     = "Cannot reach ModelsLab; trying again shortly. Check your internet connection."
)

// Notes are the notes of fixed words (a rate limit's note says how long).
var Notes = []string{noteWaitingSlot, noteOffline}

// The notes and failures jobs writes with something filled in (Formats),
// and the reasons NoteRetry gives: the window finds which a text was made
// from and says it in its language.
const (
	NoteRetry         = "%s; trying again in %d seconds."
	NoteCreditsRanOut = "Not sent: the account's credits ran out at take %d of this set, so the takes after it were not sent (nothing was charged for them)."
)

var (
	Formats      = []string{NoteRetry, NoteCreditsRanOut}
	RetryReasons = []string{"ModelsLab asked Vivify to slow down", "The server's queue is full"}
)

// sent reports whether the last attempt went out (an error after it may
// hide a job the server made).
func (e *Engine) submit(ctx context.Context, c *client.Client, id string, holding *bool) (resp *client.Response, sent bool, err error) {
	unsent := 0
	for {
		if !*holding {
			if e.slots.used() >= e.opts.MaxInFlight {
				e.update(id, true, func(j *Job) { j.Note = noteWaitingSlot })
			}
			if err := e.slots.acquire(ctx); err != nil {
				return nil, false, err
			}
			*holding = true
		}
		j := e.setState(id, Submitting, func(j *Job) { j.Note = "" })
		resp, err := c.Submit(ctx, j.Request)
		if err == nil {
			return resp, true, nil
		}
		if ctx.Err() != nil {
			return nil, true, err
		}
		var wait time.Duration
		switch {
		case errors.Is(err, client.ErrRateLimited):
			var ce *client.Error
			errors.As(err, &ce)
			wait = ce.RetryAfter
			if wait <= 0 {
				wait = client.DefaultRetryAfter
			}
			msg := RetryReasons[0]
			if errors.Is(err, client.ErrQueueFull) {
				msg = RetryReasons[1]
			}
			e.setState(id, Queued, func(j *Job) {
				j.Note = fmt.Sprintf(NoteRetry, msg, int(wait.Seconds()+0.5))
			})
		case client.Unsent(err) && errors.Is(err, client.ErrTransient) && unsent < unsentRetries:
			unsent++
			wait = time.Duration(unsent*unsent) * 2 * time.Second
			e.setState(id, Queued, func(j *Job) {
				j.Note = noteOffline
			})
		default:
			return nil, true, err
		}
		if e.opts.RetryWait > 0 {
			wait = min(wait, e.opts.RetryWait)
		}
		wait += time.Duration(rand.Float64() * 0.1 * float64(wait)) // spread out jobs that wait together
		if err := e.clock.Sleep(ctx, wait); err != nil {
			return nil, false, context.Cause(ctx)
		}
	}
}

// acknowledged records the server's answer to a submission and returns the
// next state.
func (e *Engine) acknowledged(id string, r *client.Response) State {
	next := Processing
	if r.IsSuccess() && len(r.Links()) > 0 {
		next = Downloading
	}
	e.setState(id, next, func(j *Job) {
		j.ServerID = r.ID
		j.ETA = r.ETA
		if r.Meta.Seed != nil {
			s := *r.Meta.Seed
			j.Seed = &s
		}
		j.Model = r.Meta.ModelID
		if next == Downloading {
			j.Links = r.Links()
			j.GenerationTime = r.GenerationTime
		}
	})
	return next
}

// follow waits for the server to finish the job.
func (e *Engine) follow(ctx context.Context, c *client.Client, id string) error {
	j, _ := e.Job(id)
	if j.SourceFile == "" && j.Source.URL != "" {
		e.keepSourceCopy(ctx, c, j) // while the server works
	}
	since := j.StepAt(Submitting)
	if since.IsZero() {
		since = j.StepAt(Processing)
	}
	resp, err := c.Await(ctx, j.ServerID, client.AwaitOptions{
		Family:    j.Request.Family,
		Submitted: since,
		ETA:       j.ETA,
		OnPoll:    func(*client.Response, int) { e.update(id, false, func(*Job) {}) },
	})
	if err != nil {
		return err
	}
	e.setState(id, Downloading, func(j *Job) {
		j.Links = resp.Links()
		if resp.GenerationTime > 0 {
			j.GenerationTime = resp.GenerationTime
		}
		if resp.Meta.ModelID != "" {
			j.Model = resp.Meta.ModelID
		}
		if j.Seed == nil && resp.Meta.Seed != nil {
			s := *resp.Meta.Seed
			j.Seed = &s
		}
	})
	return nil
}

// download saves the video into the job's folder, named after the folder,
// makes its thumbnail, and marks the job done.
func (e *Engine) download(ctx context.Context, c *client.Client, id string) error {
	j, _ := e.Job(id)
	if len(j.Links) == 0 {
		return &client.Error{Kind: client.ErrNoOutput, Op: "download", Message: "the server gave no link to the video"}
	}
	name := filepath.Base(j.Folder) + outputExt(j)
	dest := filepath.Join(j.Folder, name)
	var last time.Time
	opts := client.DownloadOptions{
		LinkWindow: e.opts.LinkWindow,
		OnProgress: func(done, total int64) {
			if total <= 0 || (e.clock.Now().Sub(last) < 100*time.Millisecond && done < total) {
				return
			}
			last = e.clock.Now()
			e.update(id, false, func(j *Job) { j.Progress = float64(done) / float64(total) })
		},
	}
	_, err := c.Download(ctx, j.Links, dest, opts)
	if errors.Is(err, client.ErrNotFound) && j.ServerID != "" && ctx.Err() == nil {
		// The links may have gone stale; the server may know newer ones.
		if r, ferr := c.FetchIn(ctx, j.Request.Family, j.ServerID); ferr == nil && r.IsSuccess() && len(r.Links()) > 0 {
			e.update(id, true, func(j *Job) { j.Links = r.Links() })
			_, err = c.Download(ctx, r.Links(), dest, opts)
		}
	}
	if err != nil {
		return err
	}
	thumb := ""
	source := j.File(j.SourceFile)
	if terr := e.opts.Thumbnailer(dest, source, filepath.Join(j.Folder, "thumb.png")); terr == nil {
		thumb = "thumb.png"
	} else {
		e.log.Info("no thumbnail", "job", id, "error", terr)
	}
	e.setState(id, Done, func(j *Job) {
		j.Output, j.Thumbnail, j.Progress, j.Failure, j.Note = name, thumb, 1, nil, ""
	})
	return nil
}

// outputExt is the extension of a job's video: Vivify's own choice among
// the kinds it makes, from the link when it names one, else from what the
// model makes. No text of the record or the answer becomes part of the
// name.
func outputExt(j Job) string {
	switch strings.ToLower(filepath.Ext(linkPath(j.Links[0]))) {
	case ".gif":
		return ".gif"
	case ".mp4":
		return ".mp4"
	case ".webm":
		return ".webm"
	}
	if m, ok := j.Request.Model(); ok && m.Video.Format == client.OutputMP4 {
		return ".mp4"
	}
	if j.Request.Family.Or() == client.FamilySeed && j.Request.OutputType == client.OutputGIF {
		return ".gif"
	}
	return ".mp4"
}

func linkPath(link string) string {
	if i := strings.IndexAny(link, "?#"); i >= 0 {
		link = link[:i]
	}
	return link
}

// keepSourceCopy stores the image of a job made from a link in its folder,
// so the library holds it even when the link dies. It is a courtesy: a host
// that will not give the image to Vivify does not stop the job, since the
// server fetches the link itself.
func (e *Engine) keepSourceCopy(ctx context.Context, c *client.Client, j Job) {
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	p, err := c.FetchImage(ctx, j.Source.URL)
	if err != nil {
		e.log.Info("no copy of the source image", "job", j.ID, "error", err.Error())
		return
	}
	name := "source.jpg"
	if p.MIME == "image/png" {
		name = "source.png"
	}
	if err := writeAtomic(filepath.Join(j.Folder, name), p.Data, 0o644); err != nil {
		e.log.Info("no copy of the source image", "job", j.ID, "error", err.Error())
		return
	}
	e.update(j.ID, true, func(j *Job) { j.SourceFile = name })
}
