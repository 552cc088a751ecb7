package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// cpuSample is the CPU time (user + system) spent so far by the server, by
// PostgreSQL's processes on this machine and by this process: where a
// phase's cores went.
type cpuSample struct{ server, postgres, self time.Duration }

func sampleCPU(serverPID int) cpuSample {
	s := cpuSample{server: procCPU(strconv.Itoa(serverPID))}
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	for _, dir := range dirs {
		if comm, _ := os.ReadFile(dir + "/comm"); strings.TrimSpace(string(comm)) == "postgres" {
			s.postgres += procCPU(filepath.Base(dir))
		}
	}
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	s.self = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	return s
}

func (a cpuSample) sub(b cpuSample) cpuSample {
	return cpuSample{a.server - b.server, a.postgres - b.postgres, a.self - b.self}
}

func (a cpuSample) add(b cpuSample) cpuSample {
	return cpuSample{a.server + b.server, a.postgres + b.postgres, a.self + b.self}
}

// procCPU reads utime + stime of /proc/pid/stat (fields 14 and 15, in
// USER_HZ ticks: 100 per second on Linux). A process that has gone counts 0.
func procCPU(pid string) time.Duration {
	b, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		return 0
	}
	// The command name (field 2) may hold spaces; fields resume after ')'.
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseInt(f[11], 10, 64)
	s, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(u+s) * 10 * time.Millisecond
}
