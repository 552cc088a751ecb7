package main

import (
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
)

// The server's memory: each password check holds argon2id's 19 MiB while it
// runs, so a burst of logins is what decides the peak. The server keeps the
// Go runtime under a memory limit and lets only as many checks run at once
// as fit under it, and no more than one per CPU (a check with p=1 runs on
// one: a further one would only hold its 19 MiB while waiting for a CPU).
// The rest wait for a slot in a bounded queue; past it, or past the
// request's deadline, they get 503 with Retry-After (passwords.Hasher.Admit).
//
// A check fits when the limit holds its memory twice: while it runs, and
// as garbage until the next collection. With less room the collector runs
// at the limit, and the runtime hands memory back to the kernel between
// checks only to fault it in again for the next: about a thousand page
// faults and a sixth more CPU per login (docs/PERFORMANCE.md, 2026-12-07).
//
// The limit is GOMEMLIMIT when set, else three quarters of the container's
// (cgroup's) memory limit, leaving room for what the Go runtime does not
// count, else defaultMemoryLimit: a server that knows nothing of its
// machine behaves as if it had a small container.
const (
	defaultMemoryLimit = 128 << 20
	// baseMemory is what the server needs besides the password checks:
	// the heap at rest, goroutine stacks and buffers of a few thousand
	// connections (measured: docs/PERFORMANCE.md).
	baseMemory = 40 << 20
)

// limitMemory sets the Go memory limit of the process, unless GOMEMLIMIT
// did. main calls it: it is the whole process's, which a test that runs the
// server in-process must not have changed under it.
func limitMemory(getenv func(string) string) {
	if getenv("GOMEMLIMIT") != "" {
		return // the runtime read it at start
	}
	limit := int64(defaultMemoryLimit)
	if c := cgroupMemoryLimit(); c > 0 {
		limit = c / 4 * 3
	}
	debug.SetMemoryLimit(limit)
}

// passwordChecks is how many checks of hashMemory bytes each may run at once
// under the process's memory limit (defaultMemoryLimit when it has none),
// and that limit.
func passwordChecks(hashMemory int64) (checks int, limit int64) {
	limit = debug.SetMemoryLimit(-1)
	if limit == math.MaxInt64 {
		limit = defaultMemoryLimit
	}
	return int(min(max((limit-baseMemory)/(2*(hashMemory+1<<20)), 1), int64(runtime.NumCPU()))), limit
}

// cgroupMemoryLimit is the memory limit of the server's cgroup (v2, else
// v1), or 0 when there is none.
func cgroupMemoryLimit() int64 {
	for _, f := range []string{"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"} {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		n, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
		// "max", or v1's page-rounded MaxInt64, mean no limit.
		if err != nil || n <= 0 || n >= math.MaxInt64/2 {
			return 0
		}
		return n
	}
	return 0
}
