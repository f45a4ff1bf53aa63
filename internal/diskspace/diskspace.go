// Package diskspace tells how much room is left on the disk that holds a
// folder, so that work which writes a lot (an export at full size, which
// keeps its frames on the disk) can say before it starts that it will not
// fit, rather than fail half-way.
package diskspace

import (
	"errors"
	"fmt"
)

// ErrNoRoom is the error of work that needs more room than the disk has.
var ErrNoRoom = errors.New("not enough room on the disk")

// Short is the error that says how much room work needs, and where.
type Short struct {
	Dir        string
	Need, Have uint64
}

func (e *Short) Error() string {
	return fmt.Sprintf("this needs about %s free on the disk of %s, and it has %s", Words(e.Need), e.Dir, Words(e.Have))
}

func (e *Short) Is(target error) bool { return target == ErrNoRoom }

// Check returns a *Short when the disk of dir has less than need bytes
// free (with a margin of 64 MB for the rest of the computer), nil when it
// has room or cannot tell.
func Check(dir string, need uint64) error {
	have, err := Free(dir)
	if err != nil {
		return nil // unknown: the work itself will say if the disk fills
	}
	const margin = 64 << 20
	if have < need+margin {
		return &Short{Dir: dir, Need: need + margin, Have: have}
	}
	return nil
}

// Words is a size in bytes as people say it: "850 MB", "2.1 GB".
func Words(n uint64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%d MB", n>>20)
	default:
		return fmt.Sprintf("%d KB", (n+1023)>>10)
	}
}
