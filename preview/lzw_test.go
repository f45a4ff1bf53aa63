package preview

import (
	"bytes"
	"compress/lzw"
	"math/rand/v2"
	"testing"
)

// lzwDecode gives what compress/lzw gives, for every literal width, for
// data that repeats (long strings, the KwKwK case) and data that does not
// (the table fills and the encoder clears it).
func TestLZWDecodeMatchesTheStandardLibrary(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	for lit := 2; lit <= 8; lit++ {
		for _, n := range []int{0, 1, 2, 3, 100, 5000, 70000} {
			for _, kind := range []string{"random", "runs", "same"} {
				src := make([]byte, n)
				for i := range src {
					switch kind {
					case "random":
						src[i] = byte(rng.IntN(1 << lit))
					case "runs":
						src[i] = byte((i / (1 + rng.IntN(40))) % (1 << lit))
					}
				}
				var z bytes.Buffer
				w := lzw.NewWriter(&z, lzw.LSB, lit)
				w.Write(src)
				w.Close()
				dst := make([]byte, n)
				if got := lzwDecode(z.Bytes(), lit, dst); got != n || !bytes.Equal(dst, src) {
					t.Fatalf("lit %d, %d bytes of %s: decoded %d, equal %v", lit, n, kind, got, bytes.Equal(dst, src))
				}
				// A short destination gets the beginning, exactly.
				if n > 10 {
					short := make([]byte, n/3)
					if got := lzwDecode(z.Bytes(), lit, short); got != len(short) || !bytes.Equal(short, src[:n/3]) {
						t.Fatalf("lit %d %s: short destination wrong", lit, kind)
					}
				}
				// Cut data gives a correct beginning.
				if z.Len() > 8 {
					cut := make([]byte, n)
					got := lzwDecode(z.Bytes()[:z.Len()/2], lit, cut)
					if got > n || !bytes.Equal(cut[:got], src[:got]) {
						t.Fatalf("lit %d %s: cut data decoded wrongly", lit, kind)
					}
				}
			}
		}
	}
}

func FuzzLZWDecode(f *testing.F) {
	f.Add([]byte{0x8c, 0x2d, 0x99, 0x87, 0x2a, 0x1c, 0xdc}, 2)
	f.Fuzz(func(t *testing.T, src []byte, lit int) {
		dst := make([]byte, 300)
		if n := lzwDecode(src, lit%10, dst); n < 0 || n > len(dst) {
			t.Fatalf("%d", n)
		}
	})
}
