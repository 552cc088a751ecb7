package main

import (
	"net/http"
	"strings"
	"testing"
)

func TestServer_ProfilesAreServedOnlyOnTheDebugAddress(t *testing.T) {
	inst := start(t, "", t.TempDir(), "DEBUG_ADDR", "127.0.0.1:0")
	if !strings.HasPrefix(inst.ProfilesURL, "http://127.0.0.1:") {
		t.Fatalf("no profiles address printed: %q", inst.ProfilesURL)
	}
	if res, body := get(t, inst.ProfilesURL+"goroutine?debug=1"); res.StatusCode != http.StatusOK || !strings.Contains(body, "goroutine profile") {
		t.Errorf("the debug address: %d %.100s", res.StatusCode, body)
	}
	// The API's listener never serves them, with or without DEBUG_ADDR.
	for _, base := range []string{inst.URL, start(t, "", t.TempDir()).URL} {
		if res, body := get(t, base+"/debug/pprof/goroutine?debug=1"); res.StatusCode == http.StatusOK && strings.Contains(body, "goroutine profile") {
			t.Errorf("%s serves profiles", base)
		}
	}
}
