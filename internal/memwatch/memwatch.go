// Package memwatch measures the peak of the Go heap while a piece of work
// runs, for the memory-ceiling tests of the picture and GIF decoders, and
// tells how much memory the system has free (Available).
package memwatch

import (
	"runtime"
	"runtime/metrics"
	"time"
)

const heapObjects = "/memory/classes/heap/objects:bytes"

// Peak runs work and returns the most heap it held at once above what was
// held before it started, sampled every half millisecond. Large buffers
// live far longer than that, so the sample is close to the true peak.
func Peak(work func()) uint64 {
	runtime.GC()
	sample := []metrics.Sample{{Name: heapObjects}}
	read := func() uint64 {
		metrics.Read(sample)
		return sample[0].Value.Uint64()
	}
	base := read()
	stop, done := make(chan struct{}), make(chan uint64)
	go func() {
		peak := base
		t := time.NewTicker(500 * time.Microsecond)
		defer t.Stop()
		for {
			if v := read(); v > peak {
				peak = v
			}
			select {
			case <-stop:
				if v := read(); v > peak {
					peak = v
				}
				done <- peak
				return
			case <-t.C:
			}
		}
	}()
	work()
	close(stop)
	peak := <-done
	if peak < base {
		return 0
	}
	return peak - base
}
