package login_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/warden-auth/warden/server/auth/core"
	"github.com/warden-auth/warden/server/auth/stage"
	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/server/internal/authtest"
	"github.com/warden-auth/warden/server/store"
	"github.com/warden-auth/warden/server/store/storetest"
	"github.com/warden-auth/warden/shared"
)

// TestStages_EveryPairLeadsWhereTheDesignSaysOrIsRefused walks every
// (stage, event) pair through the one function every step goes through
// (advance, by Walk), as the route-table test walks every route: a pair the design
// allows leaves the user with a session of its stage and lifetime under a
// new token, the one it came with ended (or kept, or only ended, as the
// design says); any other pair is refused and changes nothing. The design
// is written out here, apart from the table, so a row added, changed or
// dropped in package stage fails this test until the design says so too.
func TestStages_EveryPairLeadsWhereTheDesignSaysOrIsRefused(t *testing.T) {
	const keep, end = "(keeps its session)", "(ends the session)"
	design := map[string]map[stage.Event]string{
		stage.None: {
			stage.PasswordRight:      stage.Full,
			stage.GraceAllows:        stage.Full,
			stage.TrustedBrowser:     stage.Full,
			stage.FactorDue:          stage.PasswordOK,
			stage.PolicyForces:       stage.Enrollment,
			stage.MustChangePassword: stage.PasswordChange,
			stage.PasskeySignIn:      stage.Full,
			stage.Ended:              end,
		},
		stage.PasswordChange: {
			stage.PasswordRight: stage.Full,
			stage.GraceAllows:   stage.Full,
			stage.FactorDue:     stage.PasswordOK,
			stage.PolicyForces:  stage.Enrollment,
		},
		stage.PasswordOK: {
			stage.FactorProven: stage.Full,
		},
		stage.Enrollment: {
			stage.EnrollmentDone:  stage.Full,
			stage.Reauthenticated: keep,
		},
		stage.Full: {
			stage.EnrollmentDone:  keep,
			stage.Reauthenticated: keep,
			stage.GraceAllows:     keep,
			stage.PolicyForces:    stage.Enrollment,
		},
	}
	lifetimes := map[string]time.Duration{
		stage.PasswordOK: 5 * time.Minute, stage.PasswordChange: 30 * time.Minute,
		stage.Enrollment: 30 * time.Minute, stage.Full: 12 * time.Hour,
	}
	next := map[string]string{
		stage.PasswordOK: shared.NextTOTP, stage.PasswordChange: shared.NextChangePassword,
		stage.Enrollment: shared.NextEnroll, stage.Full: shared.NextDone,
	}

	st := storetest.Open(t, store.SQLite)
	svc, clk := authtest.New(t, st)
	ctx := context.Background()
	u, err := svc.Accounts.CreateUser(ctx, "walker", "s3cret-password", shared.RoleUser, "Acme")
	if err != nil {
		t.Fatal(err)
	}
	browser := core.Client{IP: "198.51.100.7", UserAgent: "Mozilla/5.0 test"}
	pairs := 0
	for _, from := range stage.Stages {
		for _, ev := range stage.Events {
			pairs++
			name := fmt.Sprintf("%q on %q", from, ev)
			want, allowed := design[from][ev]
			to, ok := stage.Next(from, ev)
			switch {
			case ok != allowed:
				t.Errorf("%s: the table allows it: %v, the design: %v", name, ok, allowed)
			case ok && want != keep && want != end && to != want:
				t.Errorf("%s: the table leads to %q, the design to %q", name, to, want)
			}

			// The session the request comes with, at from (none at None:
			// a cookie of a session that does not exist).
			_, hash, err := core.NewToken(svc.Rand)
			if err != nil {
				t.Fatal(err)
			}
			now := clk.T
			if from != stage.None {
				if err := st.CreateSession(ctx, &domain.Session{TokenHash: hash, UserID: u.ID, Stage: from, CreatedAt: now,
					LastSeenAt: now, ExpiresAt: now.Add(time.Hour), IP: browser.IP, UserAgent: browser.UserAgent}); err != nil {
					t.Fatal(err)
				}
			}
			before := sessionsOf(t, st, u.ID, now)
			res, err := svc.Login.Walk(ctx, from, ev, hash, u, browser, now)
			after := sessionsOf(t, st, u.ID, now)
			_, stillThere := after[string(hash)]

			var refused *stage.ErrNoTransition
			switch {
			case !allowed:
				if !errors.As(err, &refused) || res != nil {
					t.Errorf("%s: not refused: %+v, %v", name, res, err)
				}
				if len(after) != len(before) || (from != stage.None && !stillThere) {
					t.Errorf("%s: refused, but the sessions changed: %d before, %d after", name, len(before), len(after))
				}
			case err != nil:
				t.Errorf("%s: %v", name, err)
			case want == keep:
				if res != nil || !stillThere || len(after) != len(before) {
					t.Errorf("%s: the session is not kept as it was: %+v", name, res)
				}
			case want == end:
				if res != nil || stillThere {
					t.Errorf("%s: the session did not end: %+v", name, res)
				}
			default:
				got, ok := after[string(core.HashToken(res.Token))]
				switch {
				case stillThere:
					t.Errorf("%s: the session the request came with did not end", name)
				case !ok || got.Stage != want || !got.ExpiresAt.Equal(now.Add(lifetimes[want])):
					t.Errorf("%s: the new session is %+v, want stage %q for %v", name, got, want, lifetimes[want])
				case res.Next != next[want]:
					t.Errorf("%s: next %q, want %q", name, res.Next, next[want])
				}
			}
			for h := range sessionsOf(t, st, u.ID, now) {
				if err := st.DeleteSession(ctx, []byte(h)); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	if pairs != len(stage.Stages)*len(stage.Events) || pairs < 50 {
		t.Fatalf("walked %d pairs", pairs)
	}
	for from, events := range design {
		for ev := range events {
			if _, ok := stage.Next(from, ev); !ok {
				t.Errorf("the design's %q on %q is no row of the table", from, ev)
			}
		}
	}
}

// sessionsOf is the user's live sessions by token hash.
func sessionsOf(t *testing.T, st *store.Store, userID int64, now time.Time) map[string]domain.Session {
	t.Helper()
	list, err := st.UserSessions(context.Background(), userID, now)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]domain.Session{}
	for _, s := range list {
		out[string(s.TokenHash)] = s
	}
	return out
}
