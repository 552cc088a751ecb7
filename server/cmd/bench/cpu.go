package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// usage is what a process has spent so far: CPU time (user + system), the
// kernel's share of it, and minor page faults (memory the kernel mapped in).
type usage struct {
	cpu, sys time.Duration
	faults   int64
}

func (a usage) sub(b usage) usage { return usage{a.cpu - b.cpu, a.sys - b.sys, a.faults - b.faults} }
func (a usage) add(b usage) usage { return usage{a.cpu + b.cpu, a.sys + b.sys, a.faults + b.faults} }

// cpuSample is the usage so far of the server, of this process, and the CPU
// time of PostgreSQL's processes on this machine: where a phase's cores went.
type cpuSample struct {
	server, self usage
	postgres     time.Duration
}

func sampleCPU(serverPID int) cpuSample {
	s := cpuSample{server: procUsage(strconv.Itoa(serverPID))}
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	for _, dir := range dirs {
		if comm, _ := os.ReadFile(dir + "/comm"); strings.TrimSpace(string(comm)) == "postgres" {
			s.postgres += procUsage(filepath.Base(dir)).cpu
		}
	}
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	s.self = usage{cpu: time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), sys: time.Duration(ru.Stime.Nano()), faults: ru.Minflt}
	return s
}

func (a cpuSample) sub(b cpuSample) cpuSample {
	return cpuSample{a.server.sub(b.server), a.self.sub(b.self), a.postgres - b.postgres}
}

func (a cpuSample) add(b cpuSample) cpuSample {
	return cpuSample{a.server.add(b.server), a.self.add(b.self), a.postgres + b.postgres}
}

// procUsage reads minflt, utime and stime of /proc/pid/stat (fields 10, 14
// and 15; times in USER_HZ ticks: 100 per second on Linux). A process that
// has gone counts 0.
func procUsage(pid string) usage {
	b, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		return usage{}
	}
	// The command name (field 2) may hold spaces; fields resume after ')'.
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
	if len(f) < 13 {
		return usage{}
	}
	faults, _ := strconv.ParseInt(f[7], 10, 64)
	u, _ := strconv.ParseInt(f[11], 10, 64)
	s, _ := strconv.ParseInt(f[12], 10, 64)
	return usage{cpu: time.Duration(u+s) * 10 * time.Millisecond, sys: time.Duration(s) * 10 * time.Millisecond, faults: faults}
}
