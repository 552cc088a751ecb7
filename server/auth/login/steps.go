package login

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/warden-auth/warden/server/auth/core"
	"github.com/warden-auth/warden/server/auth/history"
	"github.com/warden-auth/warden/server/auth/stage"
	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/shared"
	"github.com/warden-auth/warden/shared/words"
)

// move is one step of the login state machine (package stage), as advance
// runs it.
type move struct {
	from  string // the stage of the session the request came with (stage.None: none, or one the step ends whatever it is)
	event stage.Event
	end   []byte // the token hash of the session the step ends (nil: none)
	user  *domain.User
	// client, clipped, and now are where and when the step happens.
	client core.Client
	now    time.Time
	// record is the history's row of the step; advance writes it as a
	// success.
	record *domain.LoginEvent
	// newBrowser: the login is from a browser and a network the user has
	// not used (isNewBrowser), news once the login is complete.
	newBrowser bool
	// trust, where the account allows it, trusts the browser from now on.
	trust bool
	// proven is what the sign-in proved before this step (the ended
	// session's Methods); the new session adds the step's method to it.
	proven string
	// signIn is the history's row of the sign-in the ended session is a
	// step of (its LoginEventID), if it is not complete: the step updates
	// it rather than add a row, so that a sign-in is one row.
	signIn *int64
	// with adds what else the step writes in its transaction: a factor's
	// use, a throttle to clear.
	with func(*domain.LoginStep)
}

// advance runs m as the stage table says: it writes, in one transaction
// (Store.CompleteLoginStep), a session of the stage the event leads to
// under a new token, ending the one the browser came with, and the step's
// row of the history. A step into a full session completes the login
// (LoggedInAt), starts the grace period it was granted and tells of a new
// browser; a step short of it carries that news to the step that completes
// it. A row that keeps the stage writes nothing and returns nil; a row to
// stage.None only ends the session. A pair the table does not have is
// refused, with nothing written.
func (s *Service) advance(ctx context.Context, m move) (*Result, error) {
	to, err := stage.Must(m.from, m.event)
	switch {
	case err != nil:
		return nil, err
	case to == stage.None:
		if m.end == nil {
			return nil, nil
		}
		return nil, s.Store.DeleteSession(ctx, m.end)
	case to == m.from:
		return nil, nil
	}
	u, c, now := m.user, m.client, m.now
	token, hash, err := core.NewToken(s.Rand)
	if err != nil {
		return nil, err
	}
	info := stage.Of(to)
	methods := withMethod(m.proven, m.record.Method)
	step := domain.LoginStep{
		EndSession: m.end,
		Session: &domain.Session{TokenHash: hash, UserID: u.ID, User: u, Stage: to, CreatedAt: now,
			LastSeenAt: now, ExpiresAt: now.Add(s.lifetime(info.Life)), IP: c.IP, UserAgent: c.UserAgent, ReauthAt: &now,
			Methods: methods},
		Event: m.signInRow(to, methods),
	}
	if to == stage.Full {
		step.LoggedInAt = &now
		if m.event == stage.GraceAllows {
			step.StartGrace = &now
		}
		if m.newBrowser {
			step.Notices = append(step.Notices, s.Notices.Notice(u, shared.NoticeNewBrowserLogin, c, ""))
		}
	} else {
		step.Session.NewBrowser = m.newBrowser
	}
	if m.with != nil {
		m.with(&step)
	}
	res := &Result{Token: token, Session: step.Session, Next: info.Next}
	if m.trust && u.Account.RememberBrowserDays > 0 {
		if res.Trust, step.TrustBrowser, err = s.Sessions.NewTrust(u, c, now); err != nil {
			return nil, err
		}
		res.TrustExpires = step.TrustBrowser.ExpiresAt
	}
	if err := s.Store.CompleteLoginStep(ctx, step); err != nil {
		return nil, err
	}
	if res.Next == shared.NextTOTP {
		res.RememberDays, res.Methods = u.Account.RememberBrowserDays, s.Factors.Kinds(u)
	}
	return res, nil
}

// signInRow is the history's row of m's success leading to the stage to:
// the sign-in's, so far (methods), pending until it is complete; a step
// that continues a sign-in updates the row its first step wrote.
func (m move) signInRow(to string, methods string) *domain.LoginEvent {
	e := history.WithTime(m.record, m.now)
	e.Result, e.Methods, e.Pending = shared.ResultSuccess, methods, to != stage.Full
	if m.from != stage.None && m.signIn != nil {
		e.ID = *m.signIn
	}
	return e
}

// withMethod is proven with method added once, in the order proven.
func withMethod(proven, method string) string {
	methods := strings.Fields(proven)
	if method == "" || slices.Contains(methods, method) {
		return proven
	}
	return strings.Join(append(methods, method), " ")
}

// lifetime is how long a session may live at most.
func (s *Service) lifetime(l stage.Lifetime) time.Duration {
	switch l {
	case stage.SecondStepLife:
		return s.SecondStepTTL
	case stage.SetupLife:
		return s.EnrollmentTTL
	case stage.SessionLife:
		return s.SessionMax
	}
	return 0
}

// errMustChange refuses a full session to a user whose one-time password
// is not yet replaced.
var errMustChange = shared.Fail(shared.EForbidden, words.PasswordGivenByAdmin)

// completeStep moves sess, of the stage from, on event into a full session
// (stage.Must: FactorProven, EnrollmentDone or PasskeySignIn), recording the
// success; with trust, the browser is trusted from now on, in the same
// step. A row that keeps the stage (a full session connecting a factor)
// returns nil. Every step that ends in a full session but Login and
// ChangeOneTimePassword (which route the same users themselves) comes here,
// so its refusals hold for each: a disabled user, and a user who must first
// replace a one-time password (a passkey, say, proves the user but not that
// they replaced it).
func (s *Service) completeStep(ctx context.Context, sess *domain.Session, from string, event stage.Event, u *domain.User, method string, c core.Client, trust bool, with func(*domain.LoginStep)) (*Result, error) {
	c = c.Clip()
	if to, err := stage.Must(from, event); err != nil || to == from {
		return nil, err
	}
	switch {
	case u.Disabled():
		return nil, s.History.Fail(ctx, history.LoginEvent(u.Username, u, method, c, s.Now()), shared.ReasonDisabled, errDisabled)
	case u.PasswordMustChange:
		return nil, s.History.Fail(ctx, history.LoginEvent(u.Username, u, method, c, s.Now()), shared.ReasonMustChange, errMustChange)
	}
	now := s.Now()
	return s.advance(ctx, move{from: from, event: event, end: sess.TokenHash, proven: sess.Methods, signIn: sess.LoginEventID, user: u, client: c, now: now,
		record: history.LoginEvent(u.Username, u, method, c, now), newBrowser: sess.NewBrowser, trust: trust, with: with})
}
