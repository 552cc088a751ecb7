package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"
)

// result is what a load phase measured.
type result struct {
	ok, failed int
	shed       int // 503s: the server refused work under load

	lat      []time.Duration // of the successes, sorted
	elapsed  time.Duration
	firstErr error
}

func (r result) rate() float64 { return float64(r.ok) / r.elapsed.Seconds() }

func (r result) String() string {
	s := fmt.Sprintf("%d ok in %.1f s = %.1f/s, p50 %s, p99 %s", r.ok, r.elapsed.Seconds(), r.rate(),
		ms(percentile(r.lat, 0.50)), ms(percentile(r.lat, 0.99)))
	if r.shed > 0 {
		s += fmt.Sprintf(", %d shed with 503 and retried", r.shed)
	}
	if r.failed > 0 {
		s += fmt.Sprintf(", %d failed (first: %v)", r.failed, r.firstErr)
	}
	return s
}

// load runs clients at once, each with a connection of its own from an
// address of its own (clientAddr), each calling send until d has passed (or
// send reports it has nothing left).
func load(ctx context.Context, clients int, d time.Duration, send func(c *http.Client, i int) (more bool, err error)) result {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var mu sync.Mutex
	var r result
	var wg sync.WaitGroup
	start := time.Now()
	for i := range clients {
		wg.Go(func() {
			c := clientFrom(clientAddr(i))
			var lat []time.Duration
			var ok, failed, shed int
			var first error
			for ctx.Err() == nil {
				t0 := time.Now()
				more, err := send(c, i)
				if errors.Is(err, errBusy) {
					shed++
				} else if err != nil {
					failed++
					if first == nil {
						first = err
					}
				} else {
					ok++
					lat = append(lat, time.Since(t0))
				}
				if !more {
					break
				}
			}
			mu.Lock()
			r.ok, r.failed, r.shed, r.lat = r.ok+ok, r.failed+failed, r.shed+shed, append(r.lat, lat...)
			if r.firstErr == nil {
				r.firstErr = first
			}
			mu.Unlock()
		})
	}
	wg.Wait()
	r.elapsed = time.Since(start)
	slices.Sort(r.lat)
	return r
}

// clientAddr is the loopback address of the i-th load client. Linux answers
// all of 127.0.0.0/8, so each client is a network of its own to the server,
// as the people of a real crowd are: the server shares its password checks
// among networks (auth/admission.go).
func clientAddr(i int) string {
	return fmt.Sprintf("127.0.%d.%d", 1+i/250, 1+i%250)
}

// clientFrom is an HTTP client whose connections come from the loopback
// address addr.
func clientFrom(addr string) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(addr)}, Timeout: 10 * time.Second}
	return &http.Client{Transport: &http.Transport{DialContext: d.DialContext, MaxIdleConnsPerHost: 1}, Timeout: 30 * time.Second}
}

// call sends one request and fails unless the status is want.
func call(c *http.Client, method, url, body string, want int, cookie string) error {
	req, err := http.NewRequest(method, url, bytes.NewReader([]byte(body)))
	if err != nil {
		return err
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if cookie != "" {
		req.Header.Set("Cookie", cookie)
	}
	res, err := c.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != want {
		return fmt.Errorf("%s %s: %d %s", method, req.URL.Path, res.StatusCode, bytes.TrimSpace(b))
	}
	return nil
}

// spin runs fn from n goroutines for d and returns how many calls ended.
func spin(n int, d time.Duration, fn func()) (calls int, elapsed time.Duration) {
	var mu sync.Mutex
	var wg sync.WaitGroup
	deadline := time.Now().Add(d)
	start := time.Now()
	for range n {
		wg.Go(func() {
			k := 0
			for time.Now().Before(deadline) {
				fn()
				k++
			}
			mu.Lock()
			calls += k
			mu.Unlock()
		})
	}
	wg.Wait()
	return calls, time.Since(start)
}

// errBusy is a 503: the server shed the request under load.
var errBusy = errors.New("503: the server is busy")

// login logs in and returns the session cookie for the next requests.
func login(c *http.Client, base, body string) (string, error) {
	res, err := c.Post(base+"/api/login", "application/json", bytes.NewReader([]byte(body)))
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	io.Copy(io.Discard, res.Body)
	switch {
	case res.StatusCode == http.StatusServiceUnavailable:
		// Come back when told to, as a well-behaved client does: retrying
		// at once would only take the CPU from the checks under way.
		if s, err := strconv.Atoi(res.Header.Get("Retry-After")); err == nil {
			time.Sleep(time.Duration(s) * time.Second)
		}
		return "", errBusy
	case res.StatusCode != 200 || len(res.Cookies()) == 0:
		return "", fmt.Errorf("login: %d", res.StatusCode)
	}
	ck := res.Cookies()[0]
	return ck.Name + "=" + ck.Value, nil
}
