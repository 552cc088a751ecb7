package core

import (
	"math"
	"time"

	"github.com/warden-auth/warden/shared"
	"github.com/warden-auth/warden/shared/words"
)

// Client describes where a request comes from, for sessions and events.
type Client struct {
	IP        string
	UserAgent string
	Device    string // the device cookie, if the browser has one (package login)
	Trust     string // the trusted-browser cookie, if the browser has one (package sessions)
	// Origin is the server as the request reached it (scheme://host, or
	// PUBLIC_URL), which links in mail it asks for name.
	Origin string
}

// MaxStoredField bounds what an attacker-controlled header or name can make
// the server store.
const MaxStoredField = 256

// Clip returns c with every field cut to what is stored of it.
func (c Client) Clip() Client {
	return Client{IP: Clip(c.IP, 64), UserAgent: Clip(c.UserAgent, MaxStoredField), Device: Clip(c.Device, 128), Trust: Clip(c.Trust, 64),
		Origin: Clip(c.Origin, MaxStoredField)}
}

// Clip cuts s to n bytes.
func Clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

// ErrUnauthenticated is the answer to a request without a live session.
var ErrUnauthenticated = shared.Fail(shared.EUnauthenticated, words.PleaseLogIn)

// RateLimited is the answer to an attempt a lock refuses until until: what
// was too many, and in how many minutes (at least one) to try again; the
// seconds go in Retry-After.
func RateLimited(what words.Message, until, now time.Time) *shared.Error {
	secs := int(math.Ceil(until.Sub(now).Seconds()))
	return shared.Fail(shared.ERateLimited, words.TryAgainIn(what, max(1, (secs+59)/60))).WithRetryAfter(secs)
}

// RFC3339 is a time for the wire ("" for none).
func RFC3339(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// Deref is the string s points to, "" for none.
func Deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
