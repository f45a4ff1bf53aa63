package diskspace

import (
	"errors"
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	dir := t.TempDir()
	have, err := Free(dir)
	if err != nil || have == 0 {
		t.Fatalf("free: %d %v", have, err)
	}
	if err := Check(dir, 1<<20); err != nil {
		t.Fatalf("1 MB: %v", err)
	}
	err = Check(dir, have+1<<30)
	if !errors.Is(err, ErrNoRoom) || !strings.Contains(err.Error(), dir) || !strings.Contains(err.Error(), "GB") {
		t.Fatalf("more than there is: %v", err)
	}
	if Words(850<<20) != "850 MB" || Words(2254857830) != "2.1 GB" {
		t.Fatal(Words(850<<20), Words(2254857830))
	}
}
