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
// accepting connections, still answers that request, and exits 0.
func TestProcess_SIGTERMFinishesRequestsInFlightAndExitsZero(t *testing.T) {
	p := startProcess(t, "", t.TempDir())
	addr := strings.TrimPrefix(p.URL, "http://")
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	body := fmt.Sprintf(`{"username":"admin","password":%q}`, p.AdminPassword)
	fmt.Fprintf(conn, "POST /api/login HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s",
		addr, len(body), body[:10])
	time.Sleep(300 * time.Millisecond) // the handler is reading the body

	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	refused := false
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err != nil {
			refused = true
			break
		}
		c.Close()
	}
	if !refused {
		t.Fatal("the server still accepts connections 5 s after SIGTERM")
	}
	select {
	case <-p.done:
		t.Fatalf("the server exited with a request in flight: %v", p.err)
	default:
	}

	if _, err := conn.Write([]byte(body[10:])); err != nil {
		t.Fatal(err)
	}
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
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
	case <-time.After(10 * time.Second):
		t.Fatal("the server did not exit after its last request")
	}
}
