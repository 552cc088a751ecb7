package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
)

// logBuffer keeps what the server writes (its JSON log), for the bench to
// read while the server runs.
type logBuffer struct {
	mu  sync.Mutex
	buf strings.Builder
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// memory is how the server said at start it holds its password checks: its
// Go memory limit and how many checks it runs at once (the log record
// "memory" of command_serve.go), so that the raw baseline hashes under the
// same conditions.
func (p *serverProc) memory() (limitMiB int64, checks int, err error) {
	sc := bufio.NewScanner(strings.NewReader(p.output.String()))
	for sc.Scan() {
		var rec struct {
			Msg    string `json:"msg"`
			Limit  int64  `json:"limit_mib"`
			Checks int    `json:"concurrent_password_checks"`
		}
		if json.Unmarshal(sc.Bytes(), &rec) == nil && rec.Msg == "memory" && rec.Checks > 0 {
			return rec.Limit, rec.Checks, nil
		}
	}
	return 0, 0, fmt.Errorf("the server's log says nothing of its memory limit and password checks")
}

// gcCycles is how many collections the server has run so far: the NumGC of
// the memory statistics at the end of its heap profile's text form.
func (p *serverProc) gcCycles() (int64, error) {
	res, err := http.Get(p.profiles + "heap?debug=1")
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return 0, err
	}
	_, after, ok := strings.Cut(string(b), "\n# NumGC = ")
	if !ok {
		return 0, fmt.Errorf("the server's heap profile has no NumGC")
	}
	n, _, _ := strings.Cut(after, "\n")
	return strconv.ParseInt(n, 10, 64)
}

// ownGCCycles is how many collections this process has run so far.
func ownGCCycles() int64 {
	s := []metrics.Sample{{Name: "/gc/cycles/total:gc-cycles"}}
	metrics.Read(s)
	return int64(s[0].Value.Uint64())
}
