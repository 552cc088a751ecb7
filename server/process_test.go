package main

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestProcess_SIGTERMFinishesRequestsInFlightAndExitsZero sends SIGTERM to
// the server program while a request is half sent: the server stops
// accepting connections, still answers that request, and exits 0. Each step
// waits for its event: the server's 100 Continue says its handler is
// reading the body, and its log says when it closed its listener.
func TestProcess_SIGTERMFinishesRequestsInFlightAndExitsZero(t *testing.T) {
	p := startProcess(t, "", t.TempDir())
	addr := strings.TrimPrefix(p.URL, "http://")
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(time.Minute)) // a bound for a server that never answers, not a wait
	body := fmt.Sprintf(`{"username":"admin","password":%q}`, p.AdminPassword)
	fmt.Fprintf(conn, "POST /api/login HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\nExpect: 100-continue\r\n\r\n",
		addr, len(body))
	answers := bufio.NewReader(conn)
	if res, err := http.ReadResponse(answers, nil); err != nil || res.StatusCode != http.StatusContinue {
		t.Fatalf("no 100 Continue: %v %v", res, err)
	}
	// The handler asked for the body: send half of it.
	if _, err := conn.Write([]byte(body[:10])); err != nil {
		t.Fatal(err)
	}

	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	p.logs.waitFor(t, "no longer accepting connections")
	if c, err := net.DialTimeout("tcp", addr, 5*time.Second); err == nil {
		c.Close()
		t.Fatal("the server still accepts connections after it said it stopped")
	}
	select {
	case <-p.done:
		t.Fatalf("the server exited with a request in flight: %v", p.err)
	default:
	}

	if _, err := conn.Write([]byte(body[10:])); err != nil {
		t.Fatal(err)
	}
	res, err := http.ReadResponse(answers, nil)
	if err != nil {
		t.Fatalf("the request in flight got no answer: %v", err)
	}
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(res.Header.Get("Set-Cookie"), "warden_session") {
		t.Fatalf("the request in flight: %d %v", res.StatusCode, res.Header)
	}
	select {
	case <-p.done:
		if p.err != nil {
			t.Fatalf("exit: %v, want 0", p.err)
		}
	case <-time.After(time.Minute):
		t.Fatal("the server did not exit after its last request")
	}
}
