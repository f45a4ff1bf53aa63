package client

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// The polling schedule of Await. Between two fetches there is never more than
// max(MinPollInterval, PollFraction × the time since submission), capped at
// MaxPollInterval, so a finished job is noticed within max(5 s, 10% of the
// time it took). Jitter only ever shortens an interval, so it keeps the bound.
const (
	MinPollInterval = 5 * time.Second
	MaxPollInterval = 60 * time.Second
	PollFraction    = 0.10
	pollJitter      = 0.10 // an interval is shortened by up to this fraction
	missingLinkWait = 2 * time.Second
	missingLinkMax  = 5
)

// AwaitOptions tune Await. The zero value is usable.
type AwaitOptions struct {
	// Submitted is when the request was submitted; zero means now. A job
	// followed again after a restart passes its original time.
	Submitted time.Time
	// ETA is the eta the server announced when the request was submitted.
	ETA time.Duration
	// MaxWait bounds the whole wait from Submitted. Zero means
	// DefaultMaxWait(ETA).
	MaxWait time.Duration
	// OnPoll, if set, is called after every fetch that says the job is still
	// being made, with the number of fetches so far.
	OnPoll func(r *Response, fetches int)
	// Family is the endpoint family the request went to, which decides
	// the path it is followed on; "" is FamilySeed.
	Family Family
}

// DefaultMaxWait is how long Await follows a job by default: three times the
// announced eta, and at least 30 minutes.
func DefaultMaxWait(eta time.Duration) time.Duration {
	return max(30*time.Minute, 3*eta)
}

// PollInterval is the longest wait between two fetches at elapsed time since
// submission.
func PollInterval(elapsed time.Duration) time.Duration {
	d := time.Duration(PollFraction * float64(elapsed))
	return min(max(d, MinPollInterval), MaxPollInterval)
}

// Await follows the request id until it ends, and returns the success answer
// with its links. It returns at once when ctx is cancelled (with ctx's error),
// when the server says the request failed or is unknown, when the key stops
// working, and when MaxWait has passed (ErrStillProcessing: the job may still
// end, and a later Await can pick it up). Passing faults of the network and
// the server are retried; a rate limit is honoured.
func (c *Client) Await(ctx context.Context, id string, opts AwaitOptions) (*Response, error) {
	start := opts.Submitted
	if start.IsZero() {
		start = c.clock.Now()
	}
	maxWait := opts.MaxWait
	if maxWait <= 0 {
		maxWait = DefaultMaxWait(opts.ETA)
	}
	deadline := start.Add(maxWait)
	etaAt := start.Add(opts.ETA)
	etaPolled := opts.ETA <= 0

	fetches, faults, missingLinks := 0, 0, 0
	var wait time.Duration // the first fetch is one interval after submission
	var lastErr error
	for {
		now := c.clock.Now()
		if wait == 0 {
			wait = c.interval(now.Sub(start))
			if fetches == 0 && now.Sub(start) > wait {
				// Followed again long after it was sent (Vivify was
				// closed meanwhile): it has likely ended, so look now,
				// not one long interval later.
				wait = min(wait, MinPollInterval)
			}
		}
		next := now.Add(wait)
		// One fetch just after the announced eta, when the job most likely ends.
		if !etaPolled && etaAt.After(now) && !etaAt.Add(time.Second).After(next) {
			next = etaAt.Add(time.Second)
			etaPolled = true
		}
		if next.After(deadline) {
			if !now.Before(deadline) {
				return nil, c.stillProcessing(id, maxWait, lastErr)
			}
			next = deadline
		}
		if err := c.clock.Sleep(ctx, next.Sub(now)); err != nil {
			return nil, err
		}

		fetches++
		r, err := c.FetchIn(ctx, opts.Family, id)
		wait = 0
		switch {
		case err != nil:
			if ctxErr := ctx.Err(); ctxErr != nil {
				return nil, ctxErr
			}
			var e *Error
			if !errors.As(err, &e) || !e.Temporary() {
				return nil, err
			}
			lastErr = err
			faults++
			if e.RetryAfter > 0 {
				wait = max(e.RetryAfter, c.interval(c.clock.Now().Sub(start)))
			} else if faults > 1 {
				// Repeated faults: back off, but never past the cap.
				wait = min(c.interval(c.clock.Now().Sub(start))<<min(faults-1, 4), MaxPollInterval)
			}
			c.log.Info("modelslab fetch will be retried", "id", id, "fetches", fetches, "error", err.Error())
		case r.IsSuccess():
			if len(r.Links()) > 0 {
				return r, nil
			}
			// Seen: success with no links at all; the next fetch has them.
			missingLinks++
			if missingLinks >= missingLinkMax {
				return nil, &Error{Kind: ErrNoOutput, Op: "fetch " + id, Status: r.Status,
					Message: fmt.Sprintf("the server said the video is ready but gave no link to it %d times", missingLinks)}
			}
			wait = missingLinkWait
		case r.IsPending():
			faults = 0
			if opts.OnPoll != nil {
				opts.OnPoll(r, fetches)
			}
		default:
			return nil, classify("fetch "+id, 200, r)
		}
	}
}

func (c *Client) interval(elapsed time.Duration) time.Duration {
	d := PollInterval(elapsed)
	return d - time.Duration(pollJitter*c.jitter()*float64(d))
}

func (c *Client) stillProcessing(id string, waited time.Duration, last error) error {
	return &Error{Kind: ErrStillProcessing, Op: "fetch " + id,
		Message: fmt.Sprintf("no result after %s of waiting", waited.Round(time.Second)), Err: last}
}
