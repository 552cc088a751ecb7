package login

import (
	"context"
	"time"

	"github.com/warden-auth/warden/server/auth/core"
	"github.com/warden-auth/warden/server/auth/factor"
	"github.com/warden-auth/warden/server/auth/history"
	"github.com/warden-auth/warden/server/auth/sessions"
	"github.com/warden-auth/warden/server/auth/stage"
	"github.com/warden-auth/warden/server/auth/throttle"
	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/shared"
	"github.com/warden-auth/warden/shared/words"
)

// SecondStep is the login's second step: a session whose password was
// right proves a factor of kind (a code from the authenticator app, a
// recovery code, a security key's answer to its BeginKeyLogin). A right
// proof, not used before, turns it into a full session under a new token,
// and is used up by the same transaction, so of racing requests exactly one
// logs in. Wrong and reused proofs count toward the lockout; every attempt
// is a login event. remember asks to trust the browser (refused before
// anything is looked at where the account does not allow it).
func (s *Service) SecondStep(ctx context.Context, sess *domain.Session, kind string, in factor.Input, remember bool, c core.Client) (*Result, error) {
	c = c.Clip()
	u := sess.User
	if remember && u.Account.RememberBrowserDays == 0 {
		return nil, sessions.ErrRememberOff
	}
	event := history.LoginEvent(u.Username, u, kind, c, s.Now())
	a := &factor.Attempt{Session: sess, Input: in, Client: c, AtLogin: true, Refusals: refusals{s: s, u: u, event: event}}
	p, err := s.Factors.Prove(ctx, kind, a)
	if err != nil {
		return nil, err
	}
	res, err := s.completeStep(ctx, sess, sess.Stage, stage.FactorProven, u, kind, c, remember, func(step *domain.LoginStep) {
		step.Proof = p.Use
		step.Notices = append(step.Notices, p.Notices...)
	})
	if err := s.Factors.Used(ctx, a, p, err); err != nil {
		return nil, err
	}
	if p.CodesLeft != nil {
		if res.CodesLeft, err = p.CodesLeft(ctx); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// refusals are the second step's: each refused attempt is a login event
// (with its reason), and a wrong one counts toward the lockout.
type refusals struct {
	s     *Service
	u     *domain.User
	event *domain.LoginEvent
}

func (r refusals) Locked(ctx context.Context, u *domain.User) error {
	return r.s.Throttle.CodesBlocked(ctx, u, r.event)
}

func (r refusals) Stopped(ctx context.Context) error {
	return r.s.History.Fail(ctx, r.event, shared.ReasonStopped, throttle.ErrStopped)
}

func (r refusals) Refuse(ctx context.Context, reason string, answer *shared.Error) error {
	return r.s.History.Fail(ctx, r.event, reason, answer)
}

func (r refusals) Count(ctx context.Context, reason string, answer *shared.Error, reserved int) error {
	return r.s.Throttle.ReservedFailure(ctx, r.u, r.event, reserved, reason, answer)
}

func (r refusals) Reservation(ctx context.Context, err error) error {
	return r.s.Throttle.FailReservation(ctx, r.event, err)
}

// LockedMeanwhile: another request locked the user between the proof's
// check and its write; the answer says the lock that runs.
func (r refusals) LockedMeanwhile(ctx context.Context, u *domain.User) error {
	fresh, err := r.s.Store.UserByID(ctx, u.ID)
	if err != nil {
		return err
	}
	now := r.s.Now()
	until := now.Add(time.Minute) // a reset may have cleared the lock since
	if fresh.LockedUntil != nil {
		until = *fresh.LockedUntil
	}
	return r.s.History.Fail(ctx, r.event, shared.ReasonLockedOut, throttle.LockedOut(until, now))
}

// Enrol finishes adding a factor of kind for the session's user, whose
// effective stage is current (connecting the authenticator app with its
// first code, adding a security key with its answer): the factor's Enrol,
// then the stage table's EnrollmentDone. A session that was enrolling
// becomes a full one under a new token (res); a full one stays (res nil).
func (s *Service) Enrol(ctx context.Context, sess *domain.Session, current, kind string, in factor.Input, c core.Client) (*factor.Enrolled, *Result, error) {
	f, ok := s.Factors.Get(kind)
	if !ok {
		return nil, nil, shared.Fail(shared.ENotFound, words.NoSuchFactor)
	}
	done, err := f.Enrol(ctx, sess, in, c)
	if err != nil {
		return nil, nil, err
	}
	res, err := s.completeStep(ctx, sess, current, stage.EnrollmentDone, sess.User, kind, c, false, nil)
	if err != nil {
		return nil, nil, err
	}
	return done, res, nil
}
