package memwatch

import (
	"runtime"
	"testing"
)

// The memory free is told where the system tells it, and is less than
// all there is and more than nothing.
func TestAvailable(t *testing.T) {
	free := Available()
	switch runtime.GOOS {
	case "linux", "windows":
		if free < 1<<20 || free > 1<<50 {
			t.Fatalf("%d bytes free", free)
		}
	default:
		if free != 0 {
			t.Fatalf("%d bytes free where it cannot be told", free)
		}
	}
}
