package jobs

import (
	"sort"
	"time"
)

// Estimate is how long a job still has to go on the server.
type Estimate struct {
	Left time.Duration
	// Overdue is set when the job has taken longer than expected: it may
	// end at any moment, and Left is 0.
	Overdue bool
	// Basis says what the estimate rests on: "server" (its eta alone),
	// "history" (the eta corrected by the user's similar jobs, or their
	// times alone when the server gave no eta).
	Basis string
}

// Remaining estimates the time a processing job has left: the server's eta,
// corrected by how long the user's past jobs with similar settings took
// against their own eta. ok is false when nothing is known to go on.
func (e *Engine) Remaining(id string) (est Estimate, ok bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	j := e.jobs[id]
	if j == nil || (j.State != Processing && j.State != Submitting) {
		return Estimate{}, false
	}
	var ratios, similarRatios, similarTimes []float64
	for _, p := range e.jobs {
		took, ok := serverTime(p)
		if !ok {
			continue
		}
		similar := similarSettings(p, j)
		if p.ETA > 0 {
			r := took.Seconds() / p.ETA.Seconds()
			ratios = append(ratios, r)
			if similar {
				similarRatios = append(similarRatios, r)
			}
		}
		if similar {
			similarTimes = append(similarTimes, took.Seconds())
		}
	}
	var expected time.Duration
	switch {
	case j.ETA > 0 && len(similarRatios) > 0:
		expected, est.Basis = time.Duration(float64(j.ETA)*median(similarRatios)), "history"
	case j.ETA > 0 && len(ratios) > 0:
		expected, est.Basis = time.Duration(float64(j.ETA)*median(ratios)), "history"
	case j.ETA > 0:
		expected, est.Basis = j.ETA, "server"
	case len(similarTimes) > 0:
		expected, est.Basis = time.Duration(median(similarTimes)*float64(time.Second)), "history"
	default:
		return Estimate{}, false
	}
	start := j.StepAt(Submitting)
	if start.IsZero() {
		start = j.StepAt(Processing)
	}
	elapsed := e.clock.Now().Sub(start)
	est.Left = expected - elapsed
	if est.Left <= 0 {
		est.Left, est.Overdue = 0, true
	}
	return est, true
}

// serverTime is how long a finished job was on the server: from sending it
// to the result being ready.
func serverTime(j *Job) (time.Duration, bool) {
	if j.State != Done {
		return 0, false
	}
	sent, ready := j.StepAt(Submitting), j.StepAt(Downloading)
	if sent.IsZero() || ready.IsZero() || !ready.After(sent) {
		return 0, false
	}
	return ready.Sub(sent), true
}

// similarSettings: the same model, and frames, steps and pixels within a
// quarter of each other: what the server's time mostly depends on.
func similarSettings(a, b *Job) bool {
	ra, rb := a.Request, b.Request
	near := func(x, y int) bool { return x*4 >= y*3 && y*4 >= x*3 }
	return ra.ModelID == rb.ModelID && near(ra.NumFrames, rb.NumFrames) &&
		near(ra.NumInferenceSteps, rb.NumInferenceSteps) && near(ra.Width*ra.Height, rb.Width*rb.Height)
}

func median(v []float64) float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}
