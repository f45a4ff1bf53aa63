package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"time"
)

func init() {
	p := os.Getenv("VIVIFY_HEAPPROFILE")
	if p == "" {
		return
	}
	go func() {
		time.Sleep(5 * time.Second)
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		fmt.Fprintf(os.Stderr, "MEM heapalloc=%dMB heapinuse=%dMB heapsys=%dMB sys=%dMB numgc=%d totalalloc=%dMB\n", m.HeapAlloc>>20, m.HeapInuse>>20, m.HeapSys>>20, m.Sys>>20, m.NumGC, m.TotalAlloc>>20)
		f, _ := os.Create(p)
		pprof.Lookup("heap").WriteTo(f, 0)
		f.Close()
		f, _ = os.Create(p + ".allocs")
		pprof.Lookup("allocs").WriteTo(f, 0)
		f.Close()
	}()
}
