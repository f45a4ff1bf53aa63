package memwatch

import (
	"runtime/debug"
	"sync"
	"time"
)

// settleAfter is how long work must have been quiet before Settle returns
// its memory.
const settleAfter = 700 * time.Millisecond

var settling struct {
	sync.Mutex
	timer *time.Timer
}

// Settle returns to the system, once no more work has asked for a moment,
// the memory a burst of work used and no longer holds: start-up's reading
// of the library and its thumbnails, an export's frames, a closed video's.
// Go gives freed memory back slowly on its own, so a window that has
// settled would otherwise keep the size of its busiest moment for minutes.
// Settle returns at once; the collection it asks for runs on a goroutine of
// its own, never on the caller's (the UI's) and once however many bursts
// end together.
func Settle() {
	settling.Lock()
	defer settling.Unlock()
	if settling.timer == nil {
		settling.timer = time.AfterFunc(settleAfter, debug.FreeOSMemory)
		return
	}
	settling.timer.Reset(settleAfter)
}
