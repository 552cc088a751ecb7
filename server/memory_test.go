package main

import (
	"runtime"
	"runtime/debug"
	"testing"
)

// The number of concurrent password checks follows the memory limit: each
// needs argon2id's memory twice (while it runs, and as garbage until the
// next collection), and the rest of the server needs its share.
func TestPasswordChecks_FitUnderTheMemoryLimit(t *testing.T) {
	const hash = 19 << 20
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	for limit, want := range map[int64]int{
		64 << 20:  1, // 24 MiB left: one check
		90 << 20:  1, // 50 MiB left: one with room for its garbage
		128 << 20: min(2, runtime.NumCPU()),
		192 << 20: min(3, runtime.NumCPU()),
		16 << 20:  1, // never none
	} {
		debug.SetMemoryLimit(limit)
		if got, l := passwordChecks(hash); got != want || l != limit {
			t.Errorf("limit %d MiB: %d checks, want %d", limit>>20, got, want)
		}
	}
}
