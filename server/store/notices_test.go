package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/server/store"
	"github.com/warden-auth/warden/server/store/storetest"
	"github.com/warden-auth/warden/shared"
)

func notice(u *domain.User, kind string, mail bool) *domain.Notice {
	return &domain.Notice{UserID: u.ID, CreatedAt: t0, Kind: kind, IP: "192.0.2.1", Device: "Firefox on Linux", Mail: mail}
}

func countNotices(t *testing.T, s *store.Store, u *domain.User) int {
	t.Helper()
	n, _, _, err := s.Notices(context.Background(), u.ID, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	return len(n)
}

func TestNotices_WrittenWithTheEventOnlyWhenItCommits(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		u := seed(t, s, "alice")
		// A change that fails (no pending secret) writes no notice.
		audit := &domain.AuditEvent{CreatedAt: t0, AccountID: u.AccountID, Action: shared.AuditConnected,
			Notice: notice(u, shared.NoticeTwoFactorConnected, false)}
		if err := s.ConnectTOTP(ctx, u.ID, 1, nil, 0, t0, audit); !errors.Is(err, domain.ErrConflict) {
			t.Fatalf("connect without a pending secret: %v", err)
		}
		if n := countNotices(t, s, u); n != 0 {
			t.Fatalf("a failed change left %d notices", n)
		}
		// One that commits writes exactly one.
		if err := s.SetPendingTOTP(ctx, u.ID, []byte("sealed"), t0); err != nil {
			t.Fatal(err)
		}
		audit.Notice = notice(u, shared.NoticeTwoFactorConnected, false)
		if err := s.ConnectTOTP(ctx, u.ID, 1, nil, 0, t0, audit); err != nil {
			t.Fatal(err)
		}
		// A retry of the same step fails and adds nothing.
		audit.Notice = notice(u, shared.NoticeTwoFactorConnected, false)
		_ = s.ConnectTOTP(ctx, u.ID, 1, nil, 0, t0, audit)
		if n := countNotices(t, s, u); n != 1 {
			t.Fatalf("%d notices, want 1", n)
		}
		// A login step refused as a replay writes none.
		step := int64(1)
		err := s.CompleteLoginStep(ctx, domain.LoginStep{
			Session: &domain.Session{TokenHash: []byte("t1"), UserID: u.ID, Stage: domain.StageFull, CreatedAt: t0, LastSeenAt: t0, ExpiresAt: t0.Add(time.Hour)},
			Event:   &domain.LoginEvent{CreatedAt: t0, UserID: &u.ID, Username: "alice", Method: "totp", Result: "success"},
			Proof:   domain.Proof{TOTPStep: &step},
			Notices: []*domain.Notice{notice(u, shared.NoticeNewBrowserLogin, false)},
		})
		if !errors.Is(err, domain.ErrReplay) {
			t.Fatalf("replayed step: %v", err)
		}
		if n := countNotices(t, s, u); n != 1 {
			t.Fatalf("a refused login step left a notice: %d", n)
		}
	})
}

func TestNotices_PagedNewestFirstAndReadMarksAreTheUsersOwn(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		alice, bob := seed(t, s, "alice"), seed(t, s, "bob")
		var ids []int64
		for range 25 {
			n := notice(alice, shared.NoticePasswordChanged, false)
			if err := s.RecordAudit(ctx, &domain.AuditEvent{CreatedAt: t0, AccountID: alice.AccountID, Action: "x", Notice: n}); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, n.ID)
		}
		bobs := notice(bob, shared.NoticePasswordChanged, false)
		if err := s.RecordAudit(ctx, &domain.AuditEvent{CreatedAt: t0, AccountID: bob.AccountID, Action: "x", Notice: bobs}); err != nil {
			t.Fatal(err)
		}
		page, next, unread, err := s.Notices(ctx, alice.ID, 0, 20)
		if err != nil || len(page) != 20 || unread != 25 || page[0].ID != ids[24] || next != page[19].ID {
			t.Fatalf("first page: %d notices, unread %d, next %d, err %v", len(page), unread, next, err)
		}
		page, next, _, _ = s.Notices(ctx, alice.ID, next, 20)
		if len(page) != 5 || next != 0 || page[4].ID != ids[0] {
			t.Fatalf("second page: %d, next %d", len(page), next)
		}
		// Bob marking everything up to a large id touches only his own.
		if err := s.MarkNoticesRead(ctx, bob.ID, ids[24]+100, t0); err != nil {
			t.Fatal(err)
		}
		if n, _ := s.UnreadNotices(ctx, alice.ID); n != 25 {
			t.Fatalf("bob's read mark changed alice's unread to %d", n)
		}
		if err := s.MarkNoticesRead(ctx, alice.ID, ids[9], t0); err != nil {
			t.Fatal(err)
		}
		if n, _ := s.UnreadNotices(ctx, alice.ID); n != 15 {
			t.Fatalf("unread after marking 10: %d", n)
		}
	})
}

// caps that no test of claiming reaches.
var noCaps = domain.MailCaps{PerDay: 1000, LinksPerDay: 1000}

func TestOutbox_TwoWorkersClaimEachMailOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		alice, bob := seed(t, s, "alice"), seed(t, s, "bob")
		addr := "alice@example.com"
		confirmEmail(t, s, alice, addr, t0)
		requestEmail(t, s, bob, "bob@example.com", t0) // it waits for its link: no notice mail goes there
		const mails = 40
		for range mails {
			for _, u := range []*domain.User{alice, bob} {
				if err := s.RecordAudit(ctx, &domain.AuditEvent{CreatedAt: t0, AccountID: u.AccountID, Action: "x",
					Notice: notice(u, shared.NoticePasswordChanged, true)}); err != nil {
					t.Fatal(err)
				}
			}
		}
		// On PostgreSQL each worker's first claim holds its mails until
		// the other's has claimed too: the second must pass over the
		// first's, not wait for them or take them.
		var mu sync.Mutex
		seen := map[int64]int{}
		claimed := map[int64]domain.OutboxMail{}
		raceAt(t, s, store.PointMailClaimed, 2, func(int) {
			for {
				got, dropped, err := s.ClaimMail(ctx, t0, time.Minute, 3, noCaps)
				if err != nil || len(dropped) != 0 {
					t.Error(err, dropped)
					return
				}
				if len(got) == 0 {
					return
				}
				mu.Lock()
				for _, m := range got {
					seen[m.ID]++
					claimed[m.ID] = m
					if m.ToAddress != addr || m.Username != "alice" || m.Notice == nil || m.Notice.Kind != shared.NoticePasswordChanged {
						t.Errorf("claimed %+v", m)
					}
				}
				mu.Unlock()
			}
		})
		if len(seen) != mails {
			t.Fatalf("claimed %d distinct mails, want %d", len(seen), mails)
		}
		for id, n := range seen {
			if n != 1 {
				t.Fatalf("mail %d claimed %d times", id, n)
			}
		}
		// A failed one comes back after its backoff, a sent one never.
		var first, second int64
		for id := range seen {
			if first == 0 {
				first = id
			} else if second == 0 {
				second = id
			}
		}
		m := claimed[first]
		retry := t0.Add(time.Minute)
		if err := s.MailNotSent(ctx, &m, &retry, "connection refused"); err != nil {
			t.Fatal(err)
		}
		if err := s.MailSent(ctx, second); err != nil {
			t.Fatal(err)
		}
		if got, _, _ := s.ClaimMail(ctx, t0.Add(30*time.Second), time.Minute, 100, noCaps); len(got) != 0 {
			t.Fatalf("%d mails claimable before the backoff and the lease end", len(got))
		}
		got, _, err := s.ClaimMail(ctx, t0.Add(2*time.Minute), time.Minute, 100, noCaps)
		if err != nil || len(got) != mails-1 {
			t.Fatalf("after the lease: %d mails, want %d (err %v)", len(got), mails-1, err)
		}
		for _, m := range got {
			if m.ID == first && (m.Attempts != 2 || m.LastError != "connection refused") {
				t.Fatalf("retried mail: %+v", m)
			}
		}
	})
}
