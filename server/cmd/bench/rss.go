package main

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
)

// rssClients are the concurrencies the memory figure is asked at (the
// first alone, and smaller, under -quick).
var rssClients = []int{200, 2000}

// benchRSS reports the server's resident memory, idle and under 200 and
// 2,000 concurrent clients that all log in at once (the costliest request:
// each password check holds 19 MiB while it runs) and then use the app.
func benchRSS(ctx context.Context, o options) error {
	fmt.Println("| clients | server RSS idle, MiB | highest sampled (every 50 ms) | peak (VmHWM) | requests |")
	fmt.Println("|---|---|---|---|---|")
	for _, n := range rssClients[:o.size(len(rssClients), 1)] {
		n = o.size(n, n/4)
		if err := benchRSSAt(ctx, o, n); err != nil {
			return err
		}
	}
	fmt.Println()
	return nil
}

func benchRSSAt(ctx context.Context, o options, rssClients int) error {
	s, err := openSchema(ctx, o.dbURL, "bench_rss", true)
	if err != nil {
		return err
	}
	defer s.drop(ctx)
	srv, err := startServer(o, "DATABASE_URL="+s.url)
	if err != nil {
		return err
	}
	defer srv.stop()
	pid := srv.cmd.Process.Pid
	idle, _ := procStatus(pid, "VmRSS") // before the user's first login hashes
	password, err := createUser(ctx, o, srv, "bench")
	if err != nil {
		return err
	}

	body := loginBody("bench", password)
	var peak int
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		for {
			if kb, err := procStatus(pid, "VmRSS"); err == nil {
				peak = max(peak, kb)
			}
			select {
			case <-stop:
				return
			case <-time.After(50 * time.Millisecond):
			}
		}
	}()
	// Each client logs in once (all at the start: the worst moment for
	// memory), then uses the app: its profile and its login history.
	// A login the server sheds (503: the checks' queue is full, or its turn
	// did not come before its deadline) is tried again after Retry-After,
	// as the app's user would.
	cookies := make([]string, rssClients)
	n := make([]int, rssClients)
	r := load(ctx, rssClients, o.duration, func(c *http.Client, i int) (bool, error) {
		n[i]++
		if cookies[i] == "" {
			ck, err := login(c, srv.URL, body)
			cookies[i] = ck
			return true, err
		}
		if n[i]%2 == 0 {
			return true, call(c, "GET", srv.URL+"/api/me", "", 200, cookies[i])
		}
		return true, call(c, "GET", srv.URL+"/api/me/logins?limit=20", "", 200, cookies[i])
	})
	close(stop)
	<-sampled
	hwm, err := procStatus(pid, "VmHWM")
	if err != nil {
		return err
	}
	if r.failed > 0 {
		return fmt.Errorf("logins: %v", r)
	}
	fmt.Printf("| %d | %.1f | %.1f | %.1f | %v |\n", rssClients, float64(idle)/1024, float64(peak)/1024, float64(hwm)/1024, r)
	return nil
}

// procStatus reads a kB field of /proc/PID/status.
func procStatus(pid int, field string) (int, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), field+":"); ok {
			return strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
		}
	}
	return 0, fmt.Errorf("no %s in /proc/%d/status", field, pid)
}
