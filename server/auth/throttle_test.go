package auth

import (
	"context"
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
	svc, c := newService(t, storetest.Open(t, store.SQLite))
	mustCreate(t, svc, "alice", shared.RoleUser, "Acme")
	for _, name := range []string{"alice", "nobody"} {
		for i := range 5 {
			// From a new IP each time: the username's count alone locks.
			if err := login(svc, name, "wrong-password", "198.51.100."+string(rune('1'+i))); shared.ErrorCode(err) != shared.EWrongCredentials {
				t.Fatalf("%s failure %d: %v", name, i+1, err)
			}
		}
		// Locked: even the right password gets the wrong-password answer,
		// word for word, so a lock tells nothing.
		err := login(svc, name, "s3cret-password", "203.0.113.9")
		if err == nil || err.Error() != errWrongCredentials.Error() || shared.ErrorCode(err) != shared.EWrongCredentials {
			t.Fatalf("%s after five failures: %#v", name, err)
		}
	}
	c.Advance(61 * time.Second)
	if err := login(svc, "alice", "s3cret-password", "203.0.113.9"); err != nil {
		t.Fatalf("after the lock: %v", err)
	}
	// The success cleared alice's count: one more failure does not lock.
	login(svc, "alice", "wrong-password", "203.0.113.9")
	if err := login(svc, "alice", "s3cret-password", "203.0.113.9"); err != nil {
		t.Fatalf("count not cleared by success: %v", err)
	}
	u, _ := svc.Store.UserByUsername(context.Background(), "alice")
	events, _, _ := svc.Store.LoginEvents(context.Background(), store.LoginEventFilter{UserID: u.ID, Limit: 100, OnlyFails: true})
	if len(events) == 0 || events[len(events)-6].Reason != store.ReasonThrottled {
		t.Fatalf("the throttled attempt is not in the history: %+v", events)
	}
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
