package store_test

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/server/store"
	"github.com/warden-auth/warden/server/store/storetest"
	"github.com/warden-auth/warden/shared"
)

// linkAudit is the audit event of asking for a link to confirm addr for u
// at at, with its notice (no mail).
func linkAudit(u *domain.User, addr string, at time.Time) *domain.AuditEvent {
	return &domain.AuditEvent{CreatedAt: at, AccountID: u.AccountID, Action: shared.AuditEmailChanged,
		Notice: &domain.Notice{UserID: u.ID, CreatedAt: at, Kind: shared.NoticeEmailConfirmationSent, Detail: addr,
			Confirmation: &domain.EmailConfirmation{Address: addr, CreatedAt: at}}}
}

// requestEmail makes addr u's pending address and returns its link.
func requestEmail(t *testing.T, s *store.Store, u *domain.User, addr string, at time.Time) *domain.EmailConfirmation {
	t.Helper()
	audit := linkAudit(u, addr, at)
	if _, err := s.RequestEmail(context.Background(), u.ID, 0, addr, at, 100, time.Hour, audit); err != nil {
		t.Fatal(err)
	}
	return audit.Notice.Confirmation
}

// confirmEmail makes addr u's confirmed address, through its link.
func confirmEmail(t *testing.T, s *store.Store, u *domain.User, addr string, at time.Time) {
	t.Helper()
	c := requestEmail(t, s, u, addr, at)
	ctx := context.Background()
	if err := s.IssueEmailToken(ctx, c.ID, tokenHash(addr), at.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := s.ConfirmEmail(ctx, c, at, nil); err != nil {
		t.Fatal(err)
	}
}

func tokenHash(s string) []byte { h := sha256.Sum256([]byte(s)); return h[:] }

// A new address waits: the confirmed one stays where mail goes until the
// link is used, and the notice of the change goes to the address replaced.
func TestConfirmEmail_TheNoticeGoesToTheOldAddress(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		u := seed(t, s, "alice")
		confirmEmail(t, s, u, "old@example.com", t0)
		link := requestEmail(t, s, u, "new@example.com", t0)
		if back, _ := s.UserByID(ctx, u.ID); back.Email == nil || *back.Email != "old@example.com" || back.EmailPending == nil ||
			*back.EmailPending != "new@example.com" || back.EmailVerifiedAt == nil {
			t.Fatalf("after the request: %v %v %v", back.Email, back.EmailPending, back.EmailVerifiedAt)
		}
		if err := s.IssueEmailToken(ctx, link.ID, tokenHash("t"), t0.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if err := s.ConfirmEmail(ctx, link, t0.Add(time.Minute), &domain.AuditEvent{CreatedAt: t0, AccountID: u.AccountID,
			Action: shared.AuditEmailConfirmed, Notice: notice(u, shared.NoticeEmailChanged, true)}); err != nil {
			t.Fatal(err)
		}
		got, _, err := s.ClaimMail(ctx, t0, time.Minute, 10, noCaps)
		if err != nil || len(got) != 1 || got[0].ToAddress != "old@example.com" {
			t.Fatalf("mails %+v, err %v", got, err)
		}
		if back, _ := s.UserByID(ctx, u.ID); back.Email == nil || *back.Email != "new@example.com" || back.EmailPending != nil {
			t.Fatalf("email now %v, pending %v", back.Email, back.EmailPending)
		}
		// Used once.
		if err := s.ConfirmEmail(ctx, link, t0.Add(2*time.Minute), nil); !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("the link used again: %v", err)
		}
	})
}

// Links are counted per user over the window, also when many ask at once;
// past the limit nothing changes and the answer says when to try again.
func TestRequestEmail_AtMostTheLimitOfLinksPerWindowEvenAtOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		u := seed(t, s, "alice")
		var wg sync.WaitGroup
		var mu sync.Mutex
		var ok, locked int
		var retryAt time.Time
		for i := range 20 {
			wg.Go(func() {
				addr := fmt.Sprintf("a%d@example.com", i)
				at, err := s.RequestEmail(ctx, u.ID, 0, addr, t0.Add(time.Duration(i)*time.Second), 5, time.Hour, linkAudit(u, addr, t0))
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					ok++
				case errors.Is(err, domain.ErrLocked):
					locked, retryAt = locked+1, at
				default:
					t.Error(err)
				}
			})
		}
		wg.Wait()
		if ok != 5 || locked != 15 || !retryAt.Equal(t0.Add(time.Hour)) {
			t.Fatalf("%d asked, %d refused, retry at %v", ok, locked, retryAt)
		}
		if got := fmt.Sprint(storetest.Rows(t, s, "SELECT count(*) FROM email_confirmations WHERE spent_at IS NULL"),
			storetest.Rows(t, s, "SELECT count(*) FROM email_confirmations"), storetest.Rows(t, s, "SELECT count(*) FROM notices")); got != "[[1]] [[5]] [[5]]" {
			t.Fatalf("live links, links, notices: %s", got)
		}
		// An hour after the first, one more.
		if _, err := s.RequestEmail(ctx, u.ID, 0, "b@example.com", t0.Add(time.Hour+time.Second), 5, time.Hour, linkAudit(u, "b@example.com", t0)); err != nil {
			t.Fatal(err)
		}
	})
}

// Each recipient gets at most the day's cap, however many senders claim
// at once, and however its address is spelt; links count under their own,
// smaller cap too. A mail that was not sent gives its count back, and the
// next day counts anew.
func TestOutbox_ClaimersTogetherKeepEachRecipientsDailyCaps(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		caps := domain.MailCaps{PerDay: 6, LinksPerDay: 2}
		spellings := []string{"victim@example.com", "Victim@Example.com", "victim+1@example.com", "VICTIM+x@example.COM"}
		for i := range 8 {
			u := seed(t, s, fmt.Sprintf("user%d", i))
			audit := linkAudit(u, spellings[i%len(spellings)], t0)
			audit.Notice.Mail = true
			if _, err := s.RequestEmail(ctx, u.ID, 0, audit.Notice.Detail, t0, 5, time.Hour, audit); err != nil {
				t.Fatal(err)
			}
		}
		owner := seed(t, s, "owner")
		confirmEmail(t, s, owner, "victim@example.com", t0)
		for range 10 {
			if err := s.RecordAudit(ctx, &domain.AuditEvent{CreatedAt: t0, AccountID: owner.AccountID, Action: "x",
				Notice: notice(owner, shared.NoticePasswordChanged, true)}); err != nil {
				t.Fatal(err)
			}
		}
		var mu sync.Mutex
		var sent, dropped []domain.OutboxMail
		var wg sync.WaitGroup
		for range 3 {
			wg.Go(func() {
				for {
					got, over, err := s.ClaimMail(ctx, t0, time.Minute, 2, caps)
					if err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					sent, dropped = append(sent, got...), append(dropped, over...)
					mu.Unlock()
					if len(got)+len(over) == 0 {
						return
					}
				}
			})
		}
		wg.Wait()
		links := 0
		for _, m := range sent {
			if m.ConfirmationID != nil {
				links++
			}
		}
		if len(sent) != 6 || links > 2 || len(sent)+len(dropped) != 18 {
			t.Fatalf("%d to send (%d links), %d dropped", len(sent), links, len(dropped))
		}
		if got := fmt.Sprint(storetest.Rows(t, s, "SELECT count(*) FROM mail_outbox")); got != "[[6]]" {
			t.Fatalf("outbox rows: %s", got)
		}
		if got := fmt.Sprint(storetest.Rows(t, s, "SELECT key FROM mail_quotas")); strings.Contains(got, "victim") {
			t.Fatalf("the counters hold the address: %s", got)
		}
		// One not sent after all gives its place back; the others went.
		for _, m := range sent[1:] {
			if err := s.MailSent(ctx, m.ID); err != nil {
				t.Fatal(err)
			}
		}
		retry := t0.Add(time.Second)
		if err := s.MailNotSent(ctx, &sent[0], &retry, "refused"); err != nil {
			t.Fatal(err)
		}
		if got, over, err := s.ClaimMail(ctx, t0.Add(time.Minute), time.Minute, 10, caps); err != nil || len(got) != 1 || len(over) != 0 {
			t.Fatalf("the one retried: %d claimed, %d dropped, %v", len(got), len(over), err)
		} else if err := s.MailSent(ctx, got[0].ID); err != nil {
			t.Fatal(err)
		}
		more := func() {
			t.Helper()
			if err := s.RecordAudit(ctx, &domain.AuditEvent{CreatedAt: t0, AccountID: owner.AccountID, Action: "x",
				Notice: notice(owner, shared.NoticePasswordChanged, true)}); err != nil {
				t.Fatal(err)
			}
		}
		more()
		if got, over, err := s.ClaimMail(ctx, t0.Add(time.Hour), time.Minute, 10, caps); err != nil || len(got) != 0 || len(over) != 1 {
			t.Fatalf("a seventh the same day: %d claimed, %d dropped, %v", len(got), len(over), err)
		}
		// A day after the first, the recipient may get mail again.
		more()
		if got, over, err := s.ClaimMail(ctx, t0.Add(24*time.Hour), time.Minute, 10, caps); err != nil || len(got) != 1 || len(over) != 0 {
			t.Fatalf("the next day: %d to send, %d dropped, %v", len(got), len(over), err)
		}
		// The sweep forgets past days' counters.
		if n, err := s.DeleteStaleMailRecords(ctx, t0.Add(72*time.Hour)); err != nil || n == 0 {
			t.Fatalf("swept %d, %v", n, err)
		}
	})
}
