package preview

import (
	"bytes"
	"compress/lzw"
	"io"
	"math/rand/v2"
	"testing"
)

func noisyFrame() ([]byte, []byte) {
	rng := rand.New(rand.NewPCG(3, 4))
	src := make([]byte, 512*512)
	for i := range src {
		x, y := i%512, i/512
		src[i] = uint8((x+y)/4 + rng.IntN(6))
	}
	var z bytes.Buffer
	w := lzw.NewWriter(&z, lzw.LSB, 8)
	w.Write(src)
	w.Close()
	return src, z.Bytes()
}

func BenchmarkLZWOurs(b *testing.B) {
	src, z := noisyFrame()
	b.ReportMetric(float64(len(z)), "compressed-bytes")
	dst := make([]byte, len(src))
	for b.Loop() {
		lzwDecode(z, 8, dst)
	}
}

func BenchmarkLZWStd(b *testing.B) {
	src, z := noisyFrame()
	dst := make([]byte, len(src))
	for b.Loop() {
		r := lzw.NewReader(bytes.NewReader(z), lzw.LSB, 8)
		io.ReadFull(r, dst)
		r.Close()
	}
}
