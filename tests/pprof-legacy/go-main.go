package main

import (
	"os"
	"runtime"
	"runtime/pprof"
	"sync"
	"time"
)

var sink [][]byte
var mu sync.Mutex

//go:noinline
func alloc(n int) { sink = append(sink, make([]byte, n)) }

//go:noinline
func spin(d time.Duration) { t := time.Now(); for time.Since(t) < d {} }

func main() {
	runtime.MemProfileRate = 4096
	runtime.SetMutexProfileFraction(1)
	runtime.SetBlockProfileRate(1)
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); for j := 0; j < 50; j++ { mu.Lock(); spin(200 * time.Microsecond); alloc(1000 + j*100); mu.Unlock() } }()
	}
	block := make(chan int)
	go func() { <-block }()
	wg.Wait()
	for _, name := range []string{"heap", "goroutine", "mutex", "block", "threadcreate"} {
		f, _ := os.Create(name + ".txt")
		pprof.Lookup(name).WriteTo(f, 1)
		f.Close()
	}
}
