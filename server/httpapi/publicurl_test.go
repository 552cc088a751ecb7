package httpapi

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/warden-auth/warden/server/store"
	"github.com/warden-auth/warden/shared"
)

// sessionCookieIn is the session cookie an answer sets, under either name.
func (e *env) sessionCookieIn(a answer) *http.Cookie {
	for _, ck := range (&http.Response{Header: a.header}).Cookies() {
		if ck.Name == cookieName || ck.Name == "__Host-"+cookieName {
			return ck
		}
	}
	return nil
}

// send is one request with the Host and Origin a browser on another site,
// or a rebound DNS name, would send.
func (e *env) send(method, path, host, origin, body string) answer {
	e.t.Helper()
	req, _ := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
	req.Host = host
	if origin != "" {
		req.Header.Set("Origin", origin)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return answer{status: res.StatusCode, header: res.Header, body: b}
}

// With PUBLIC_URL set, the server answers only for its host and takes state
// changes only from its exact origin; under https it marks cookies Secure
// with the __Host- prefix and sends HSTS, although a proxy in front speaks
// TLS and the server plain HTTP.
func TestPublicURL_OtherHostsAndOriginsAreRefused(t *testing.T) {
	e := newEnv(t, store.SQLite)
	public, _ := url.Parse("https://login.example.com")
	e.api = New(Config{Auth: e.svc, Log: e.api.log, Pages: e.api.pages, PublicURL: public})
	e.srv.Config.Handler = e.api
	e.user("vic", shared.RoleUser, "Acme")
	login := `{"username":"vic","password":"` + password + `"}`
	for _, tc := range []struct {
		name, host, origin string
		status             int
		code               string
	}{
		{"DNS rebinding: a hostile name and its own origin", "evil.example", "http://evil.example", 421, shared.EMisdirected},
		{"another host, no origin", "10.0.0.5:8000", "", 421, shared.EMisdirected},
		{"another site", "login.example.com", "https://evil.example", 403, shared.ECrossOrigin},
		{"the right host over the wrong scheme", "login.example.com", "http://login.example.com", 403, shared.ECrossOrigin},
		{"the right host on another port", "login.example.com", "https://login.example.com:8443", 403, shared.ECrossOrigin},
	} {
		a := e.send("POST", "/api/login", tc.host, tc.origin, login)
		if a.status != tc.status || a.apiError(t).Code != tc.code || len(a.header.Values("Set-Cookie")) != 0 {
			t.Errorf("%s: %d %s", tc.name, a.status, a.body)
		}
	}
	if a := e.send("GET", "/api/me", "evil.example", "", ""); a.status != 421 {
		t.Errorf("a read for another host: %d %s", a.status, a.body)
	}
	if a := e.send("GET", "/healthz", "10.0.0.5:8000", "", ""); a.status != 200 {
		t.Errorf("a load balancer's health check by address: %d", a.status)
	}

	a := e.send("POST", "/api/login", "LOGIN.example.com", "https://login.example.com", login)
	if a.status != 200 {
		t.Fatalf("the public origin: %d %s", a.status, a.body)
	}
	for _, ck := range (&http.Response{Header: a.header}).Cookies() {
		if !strings.HasPrefix(ck.Name, "__Host-") || !ck.Secure || !ck.HttpOnly || ck.Path != "/" {
			t.Fatalf("cookies behind https: %v", a.header.Values("Set-Cookie"))
		}
	}
	if e.sessionCookieIn(a) == nil {
		t.Fatalf("no session cookie: %v", a.header.Values("Set-Cookie"))
	}
	if hsts := a.header.Get("Strict-Transport-Security"); !strings.Contains(hsts, "max-age=") {
		t.Fatalf("no HSTS under an https PUBLIC_URL: %q", hsts)
	}
}

// Without PUBLIC_URL (development) the host is whatever the request names,
// and cookies follow the connection.
func TestPublicURL_UnsetTakesTheRequestsHost(t *testing.T) {
	e := newEnv(t, store.SQLite)
	e.user("vic", shared.RoleUser, "Acme")
	a := e.send("POST", "/api/login", "localhost:8000", "http://localhost:8000", `{"username":"vic","password":"`+password+`"}`)
	set := (&http.Response{Header: a.header}).Cookies()
	if a.status != 200 || len(set) != 2 || set[0].Name != cookieName || set[0].Secure || set[1].Secure || a.header.Get("Strict-Transport-Security") != "" {
		t.Fatalf("%d %v %v", a.status, a.header.Values("Set-Cookie"), a.header.Get("Strict-Transport-Security"))
	}
	if a := e.send("POST", "/api/login", "localhost:8000", "http://evil.example", `{"username":"vic","password":"x"}`); a.status != 403 {
		t.Fatalf("another origin in development: %d", a.status)
	}
}
