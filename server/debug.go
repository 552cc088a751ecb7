package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/pprof"
	"time"
)

// serveProfiles serves the Go runtime's profiles (net/http/pprof) on addr
// (DEBUG_ADDR) until ctx ends: where the server's CPU and memory go, read
// with `go tool pprof` (make bench -cpuprofile takes the login phase's). It
// is a listener of its own, never the API's: profiles tell nothing secret,
// but a CPU profile costs while it runs and the goroutine dump shows
// requests in flight, so it belongs on loopback or a private network.
func serveProfiles(ctx context.Context, addr string, stdout io.Writer) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("DEBUG_ADDR: %w", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	fmt.Fprintf(stdout, "Profiles on http://%s/debug/pprof/\n", ln.Addr())
	go srv.Serve(ln)
	go func() {
		<-ctx.Done()
		srv.Close()
	}()
	return nil
}
