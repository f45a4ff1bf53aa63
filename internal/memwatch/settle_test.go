package memwatch

import (
	"runtime"
	"testing"
	"time"
)

var sink [][]byte

// After a burst that allocated and dropped 96 MB, Settle gives the freed
// memory back to the system: the heap's free but still-held pages fall to
// a few MB, where Go on its own keeps most of them for minutes.
func TestSettleGivesBackWhatABurstLeft(t *testing.T) {
	for range 96 {
		b := make([]byte, 1<<20)
		b[0] = 1
		sink = append(sink, b)
	}
	sink = nil
	runtime.GC()
	held := func() uint64 {
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapIdle - m.HeapReleased
	}
	before := held()
	if before < 32<<20 {
		t.Skipf("the runtime gave back the burst itself (%d MB still held)", before>>20)
	}
	Settle()
	Settle() // bursts ending together settle once
	deadline := time.Now().Add(10 * time.Second)
	for held() > 8<<20 {
		if time.Now().After(deadline) {
			t.Fatalf("%d MB of freed heap still held after Settle (%d MB before)", held()>>20, before>>20)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
