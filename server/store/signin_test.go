package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/server/store"
	"github.com/warden-auth/warden/server/store/storetest"
)

// A sign-in is one row: a step into a stage short of full writes its row
// pending and leaves its id to the new session (in one statement on
// PostgreSQL too); the step that continues it updates that row, but only
// a row of the same user; a row gone meanwhile (retention) is added again.
func TestCompleteLoginStep_ASignInIsOneRowOfItsUser(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		alice, bob := seed(t, s, "alice"), seed(t, s, "bob")
		n := 0
		step := func(u *domain.User, stage string, event *int64, method, methods string) *domain.Session {
			t.Helper()
			n++
			at := t0.Add(time.Duration(n) * time.Minute)
			sess := &domain.Session{TokenHash: []byte(fmt.Sprint("token", n)), UserID: u.ID, Stage: stage, CreatedAt: at, LastSeenAt: at,
				ExpiresAt: at.Add(time.Hour), IP: "ip", UserAgent: "ua", Methods: methods}
			e := &domain.LoginEvent{CreatedAt: at, UserID: &u.ID, Username: u.Username, Result: "success", Method: method,
				Methods: methods, Pending: stage != domain.StageFull}
			if event != nil {
				e.ID = *event
			}
			if err := s.CompleteLoginStep(ctx, domain.LoginStep{Session: sess, Event: e}); err != nil {
				t.Fatal(err)
			}
			return sess
		}
		rows := func() string {
			return fmt.Sprint(storetest.Rows(t, s, `SELECT username, method, methods, CASE WHEN pending THEN 'pending' ELSE 'done' END
				FROM login_events ORDER BY id`))
		}

		first := step(alice, domain.StagePasswordOK, nil, "password", "password")
		if first.LoginEventID == nil {
			t.Fatal("the pending step's session does not name its row")
		}
		stored := storetest.Rows(t, s, "SELECT login_event_id FROM sessions WHERE user_id = ?", alice.ID)
		if len(stored) != 1 || stored[0][0] != fmt.Sprint(*first.LoginEventID) {
			t.Fatalf("sessions.login_event_id: %v, want %d", stored, *first.LoginEventID)
		}
		step(alice, domain.StageFull, first.LoginEventID, "totp", "password totp")
		if got := rows(); got != "[[alice totp password totp done]]" {
			t.Fatalf("after the second step: %s", got)
		}

		// Bob's step naming alice's row adds his own.
		step(bob, domain.StageFull, first.LoginEventID, "totp", "password totp")
		if got := rows(); got != "[[alice totp password totp done] [bob totp password totp done]]" {
			t.Fatalf("bob's step naming alice's row: %s", got)
		}

		// The row swept meanwhile: the completing step adds it again.
		pending := step(alice, domain.StagePasswordOK, nil, "password", "password")
		if _, err := s.DeleteLoginEventsBefore(ctx, t0.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		step(alice, domain.StageFull, pending.LoginEventID, "totp", "password totp")
		if got := rows(); got != "[[alice totp password totp done]]" {
			t.Fatalf("after the sweep: %s", got)
		}
	})
}
