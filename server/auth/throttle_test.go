package auth

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/warden-auth/warden/server/auth/core"
	"github.com/warden-auth/warden/server/auth/throttle"
	"github.com/warden-auth/warden/server/store"
	"github.com/warden-auth/warden/server/store/storetest"
	"github.com/warden-auth/warden/shared"
)

func logIn(svc *Service, username, password, ip string) error {
	_, err := svc.Login.Login(context.Background(), shared.LoginRequest{Username: username, Password: password},
		core.Client{IP: ip, UserAgent: "test"}, "")
	return err
}

func TestLogin_ThrottlesAUsernameAfterFiveFailuresKnownOrNot(t *testing.T) {
	s := storetest.Open(t, store.SQLite)
	svc, c := newService(t, s)
	mustCreate(t, svc, "alice", shared.RoleUser, "Acme")
	for name, failure := range map[string]string{"alice": shared.ReasonWrongPassword, "nobody": shared.ReasonUnknownUser} {
		for i := range 5 {
			// From a new IP each time: the username's count alone locks.
			if err := logIn(svc, name, "wrong-password", fmt.Sprintf("198.51.100.%d", i+1)); shared.ErrorCode(err) != shared.EWrongCredentials {
				t.Fatalf("%s failure %d: %v", name, i+1, err)
			}
		}
		// Locked: even the right password gets the wrong-password answer,
		// word for word, so a lock tells nothing; only the history says
		// why, for the unknown name as for the real one.
		err := logIn(svc, name, "s3cret-password", "203.0.113.9")
		if err == nil || err.Error() != throttle.ErrWrongCredentials.Error() || shared.ErrorCode(err) != shared.EWrongCredentials {
			t.Fatalf("%s after five failures: %#v", name, err)
		}
		want := []string{failure, failure, failure, failure, failure, shared.ReasonThrottled}
		if got := reasons(t, s, name); !slices.Equal(got, want) {
			t.Fatalf("%s's attempts were recorded as %q, want %q", name, got, want)
		}
	}
	c.Advance(61 * time.Second)
	if err := logIn(svc, "alice", "s3cret-password", "203.0.113.9"); err != nil {
		t.Fatalf("after the lock: %v", err)
	}
	// The success cleared alice's count: four more failures do not lock.
	for range 4 {
		logIn(svc, "alice", "wrong-password", "203.0.113.9")
	}
	if err := logIn(svc, "alice", "s3cret-password", "203.0.113.9"); err != nil {
		t.Fatalf("count not cleared by success: %v", err)
	}
	if got := reasons(t, s, "alice"); len(got) != 12 || got[6] != "" || got[11] != "" || slices.Contains(got[7:11], shared.ReasonThrottled) {
		t.Fatalf("alice's attempts after the lock: %q", got)
	}
}

// reasons lists the reasons of every recorded attempt at a username, oldest
// first ("" for a success), whether or not the username exists.
func reasons(t *testing.T, s *store.Store, username string) []string {
	t.Helper()
	var out []string
	for _, row := range storetest.Rows(t, s, "SELECT reason FROM login_events WHERE username = ? ORDER BY id", username) {
		out = append(out, row[0])
	}
	return out
}

func TestLogin_ThrottlesAnIPThatTriesManyUsernames(t *testing.T) {
	svc, _ := newService(t, storetest.Open(t, store.SQLite))
	mustCreate(t, svc, "alice", shared.RoleUser, "Acme")
	for i := range 20 {
		logIn(svc, "user"+string(rune('a'+i)), "wrong-password", "192.0.2.66")
	}
	if err := logIn(svc, "alice", "s3cret-password", "192.0.2.66"); shared.ErrorCode(err) != shared.ERateLimited {
		t.Fatalf("twenty failures from one IP: %v", err)
	}
	if err := logIn(svc, "alice", "s3cret-password", "192.0.2.67"); err != nil {
		t.Fatalf("another IP is throttled too: %v", err)
	}
}

// Whatever the bytes of a username, if the database finds a user by them,
// five wrong passwords through them lock that user: no spelling of a name
// (a NUL, a case, an invisible character) may count under a key of its own.
func FuzzLogin_ANameThatFindsAUserIsThrottledAsThatUser(f *testing.F) {
	for _, seed := range []string{"vic", "VIC", " vic ", "vic\x00", "\x00vic", "v\x00ic", "vic\u200b", "v\u0131c", "v\u0130c", "vic\t", "vic%", "vi_"} {
		f.Add(seed)
	}
	s := storetest.Open(f, store.SQLite)
	svc, c := newService(f, s)
	ctx := context.Background()
	if _, err := svc.Accounts.CreateUser(ctx, "vic", "s3cret-password", shared.RoleUser, "Acme"); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, name string) {
		u, _, err := s.UserAndThrottles(ctx, shared.NormalizeUsername(name), []string{"-"})
		if err != nil {
			t.Fatal(err)
		}
		found := u != nil // the name finds vic
		wrongFive := func(as string) bool {
			for i := range 5 {
				err := logIn(svc, as, "wrong-password", fmt.Sprintf("198.51.100.%d", i+1))
				if shared.ErrorCode(err) == shared.EInvalid {
					if i > 0 {
						t.Fatalf("%q was refused only at attempt %d", as, i+1)
					}
					return false // refused before anything was counted
				}
				if err == nil {
					t.Fatalf("%q logged in with a wrong password", as)
				}
			}
			return true
		}

		// vic is locked: the name gets no further than "vic" would.
		c.Advance(24 * time.Hour) // every lock and window of the input before is over
		wrongFive("vic")
		if err := logIn(svc, name, "s3cret-password", "203.0.113.9"); err == nil {
			t.Fatalf("%q logged in through vic's lock (found: %v)", name, found)
		}

		// Five wrong passwords through the name lock vic, if it finds vic.
		c.Advance(24 * time.Hour)
		if !wrongFive(name) || !found {
			return
		}
		if err := logIn(svc, "vic", "s3cret-password", "203.0.113.9"); shared.ErrorCode(err) != shared.EWrongCredentials {
			t.Fatalf("five wrong passwords as %q found vic but did not lock it: %v", name, err)
		}
	})
}

// An IPv6 host chooses its own address within its /64, so the network, not
// the address, is what a client's failures count under; IPv4 addresses and
// IPv4 mapped into IPv6 count one by one.
func TestLogin_AnIPv6NetworkCountsAsOneAddress(t *testing.T) {
	svc, _ := newService(t, storetest.Open(t, store.SQLite))
	mustCreate(t, svc, "alice", shared.RoleUser, "Acme")
	for i := range 20 {
		logIn(svc, fmt.Sprintf("user%d", i), "wrong-password", fmt.Sprintf("2001:db8:0:7::%x", i+1))
	}
	for ip, locked := range map[string]bool{
		"2001:db8:0:7:ffff:ffff:ffff:ffff": true,  // same /64, a new address
		"2001:db8:0:8::1":                  false, // the next /64
		"198.51.100.7":                     false,
	} {
		err := logIn(svc, "alice", "s3cret-password", ip)
		if got := shared.ErrorCode(err) == shared.ERateLimited; got != locked {
			t.Errorf("%s: %v, want locked %v", ip, err, locked)
		}
	}
	for i := range 20 {
		logIn(svc, fmt.Sprintf("other%d", i), "wrong-password", fmt.Sprintf("::ffff:192.0.2.%d", i+1))
	}
	if err := logIn(svc, "alice", "s3cret-password", "::ffff:192.0.2.200"); err != nil {
		t.Errorf("IPv4 in IPv6 counted as one network: %v", err)
	}
}
