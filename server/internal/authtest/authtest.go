// Package authtest wires auth for the tests of its concerns: every concern
// on one test database, cheap password hashes, a fixed clock, and the
// database's keys opened.
package authtest

import (
	"context"
	"crypto/rand"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/warden-auth/warden/server/auth"
	"github.com/warden-auth/warden/server/auth/passwords"
	"github.com/warden-auth/warden/server/internal/testclock"
	"github.com/warden-auth/warden/server/sealing"
	"github.com/warden-auth/warden/server/store"
)

// Stores is st as every concern needs it.
func Stores(st *store.Store) auth.Stores {
	return auth.Stores{Health: st, History: st, Notices: st, Throttle: st, Keys: st, Factors: st, Recovery: st, TOTP: st,
		WebAuthn: st, Sessions: st, Login: st, Accounts: st, Users: st, IDP: st, IDPClients: st}
}

// Cheap keeps tests' password hashes fast.
var Cheap = passwords.Argon2Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

// Clock is a settable time.
type Clock struct{ T time.Time }

// Now is the clock's time.
func (c *Clock) Now() time.Time { return c.T }

// New returns the rules over st, its clock fixed at testclock.Base.
func New(t testing.TB, st *store.Store) (*auth.Service, *Clock) {
	t.Helper()
	c := &Clock{T: testclock.Base}
	svc := auth.New(Stores(st), sealing.Ephemeral(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	svc.Hasher = passwords.NewHasher(Cheap, rand.Reader)
	svc.Now = c.Now
	if err := svc.SealedKeys.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	return svc, c
}
