package auth

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/warden-auth/warden/server/store"
	"github.com/warden-auth/warden/server/store/storetest"
	"github.com/warden-auth/warden/shared"
)

func login(svc *Service, username, password, ip string) error {
	_, err := svc.Login(context.Background(), shared.LoginRequest{Username: username, Password: password},
		Client{IP: ip, UserAgent: "test"}, "")
	return err
}

func TestLogin_ThrottlesAUsernameAfterFiveFailuresKnownOrNot(t *testing.T) {
	s := storetest.Open(t, store.SQLite)
	svc, c := newService(t, s)
	mustCreate(t, svc, "alice", shared.RoleUser, "Acme")
	for name, failure := range map[string]string{"alice": store.ReasonWrongPassword, "nobody": store.ReasonUnknownUser} {
		for i := range 5 {
			// From a new IP each time: the username's count alone locks.
			if err := login(svc, name, "wrong-password", fmt.Sprintf("198.51.100.%d", i+1)); shared.ErrorCode(err) != shared.EWrongCredentials {
				t.Fatalf("%s failure %d: %v", name, i+1, err)
			}
		}
		// Locked: even the right password gets the wrong-password answer,
		// word for word, so a lock tells nothing; only the history says
		// why, for the unknown name as for the real one.
		err := login(svc, name, "s3cret-password", "203.0.113.9")
		if err == nil || err.Error() != errWrongCredentials.Error() || shared.ErrorCode(err) != shared.EWrongCredentials {
			t.Fatalf("%s after five failures: %#v", name, err)
		}
		want := []string{failure, failure, failure, failure, failure, store.ReasonThrottled}
		if got := reasons(t, s, name); !slices.Equal(got, want) {
			t.Fatalf("%s's attempts were recorded as %q, want %q", name, got, want)
		}
	}
	c.Advance(61 * time.Second)
	if err := login(svc, "alice", "s3cret-password", "203.0.113.9"); err != nil {
		t.Fatalf("after the lock: %v", err)
	}
	// The success cleared alice's count: four more failures do not lock.
	for range 4 {
		login(svc, "alice", "wrong-password", "203.0.113.9")
	}
	if err := login(svc, "alice", "s3cret-password", "203.0.113.9"); err != nil {
		t.Fatalf("count not cleared by success: %v", err)
	}
	if got := reasons(t, s, "alice"); len(got) != 12 || got[6] != "" || got[11] != "" || slices.Contains(got[7:11], store.ReasonThrottled) {
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
		login(svc, "user"+string(rune('a'+i)), "wrong-password", "192.0.2.66")
	}
	if err := login(svc, "alice", "s3cret-password", "192.0.2.66"); shared.ErrorCode(err) != shared.ERateLimited {
		t.Fatalf("twenty failures from one IP: %v", err)
	}
	if err := login(svc, "alice", "s3cret-password", "192.0.2.67"); err != nil {
		t.Fatalf("another IP is throttled too: %v", err)
	}
}
