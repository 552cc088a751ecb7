package factor

import (
	"context"
	"errors"
	"time"

	"github.com/warden-auth/warden/server/auth/core"
	"github.com/warden-auth/warden/server/auth/history"
	"github.com/warden-auth/warden/server/auth/notices"
	"github.com/warden-auth/warden/server/auth/stage"
	"github.com/warden-auth/warden/server/auth/throttle"
	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/shared"
	"github.com/warden-auth/warden/shared/words"
)

// Store is what switching 2FA off needs kept, besides each factor's wipe.
type Store interface {
	domain.Tx
	// SwitchOff clears the user's lockout and ends their sessions (all,
	// or only those still waiting for a code) and trusted browsers, and
	// returns how many sessions ended. byAdminID scopes it to that
	// administrator's account in SQL (0: the user or the command line):
	// another account's user answers domain.ErrNotFound.
	SwitchOff(ctx context.Context, userID, byAdminID int64, endSessions bool, now time.Time) (int64, error)
	// StartGrace starts the user's grace period at now unless it started
	// before; domain.ErrNotFound when the account has no grace period now.
	StartGrace(ctx context.Context, userID int64, now time.Time) (time.Time, error)
}

// Base is what the factors, and the steps that prove one, run with
// besides their stores: the environment, the history, the notices and the
// throttles.
type Base struct {
	*core.Env
	History  *history.Service
	Notices  *notices.Service
	Throttle *throttle.Service
}

// Service is the registry of the factors, and what goes through them.
type Service struct {
	Base
	Store Store

	factors []Factor
}

// New returns an empty registry; Register adds the factors.
func New(b Base, st Store) *Service { return &Service{Base: b, Store: st} }

// Register adds factors, in the order the user's list shows them.
func (s *Service) Register(fs ...Factor) { s.factors = append(s.factors, fs...) }

// Get returns the factor of kind.
func (s *Service) Get(kind string) (Factor, bool) {
	for _, f := range s.factors {
		if f.Kind() == kind {
			return f, true
		}
	}
	return nil, false
}

var (
	errNoSuchMethod       = shared.Fail(shared.ENotFound, words.NoSuchFactor)
	errNotConnected       = shared.Fail(shared.EConflict, words.TwoFactorNotConnected)
	errLastFactorPassword = shared.Fail(shared.EInvalid, words.LastFactorConfirm).WithField("password", words.EnterYourPassword)
	errConfirmRequired    = shared.Fail(shared.EConfirmRequired, words.MandatoryLoggedOut)
)

// Kinds lists the kinds of second factor u has, as the second step offers
// them.
func (s *Service) Kinds(u *domain.User) []string {
	var kinds []string
	for _, f := range s.factors {
		if f.Enrolled(u) {
			kinds = append(kinds, f.Kind())
		}
	}
	return kinds
}

// SecondStep is what the password step answered a user whose second factor
// is due, again: a page reloaded at the second step knows from it which
// factors to offer (a key first).
func (s *Service) SecondStep(u *domain.User) shared.LoginResponse {
	res := shared.LoginResponse{Next: shared.NextTOTP, Methods: s.Kinds(u)}
	if u.Account != nil {
		res.RememberBrowserDays = u.Account.RememberBrowserDays
	}
	return res
}

// Methods lists the user's second factors, each factor's in the order they
// are registered: the authenticator app, if connected, then the security
// keys, oldest first.
func (s *Service) Methods(ctx context.Context, u *domain.User) ([]shared.SecondFactor, error) {
	out := []shared.SecondFactor{}
	for _, f := range s.factors {
		list, err := f.List(ctx, u)
		if err != nil {
			return nil, err
		}
		out = append(out, list...)
	}
	return out, nil
}

// owner is the factor one of whose u's id names.
func (s *Service) owner(u *domain.User, id string) (Factor, error) {
	for _, f := range s.factors {
		if f.Owns(u, id) {
			return f, nil
		}
	}
	return nil, errNoSuchMethod
}

// RenameMethod renames one of the user's second factors.
func (s *Service) RenameMethod(ctx context.Context, u *domain.User, id, name string) (shared.SecondFactor, error) {
	f, err := s.owner(u, id)
	if err != nil {
		return shared.SecondFactor{}, err
	}
	return f.Rename(ctx, u, id, name)
}

// RemoveMethod removes one of the user's second factors. Removing the last
// one is switching 2FA off, under the same rules as Disconnect (the
// password, the warning where the account forces 2FA, then the logout
// everywhere); password is needed for that one only.
func (s *Service) RemoveMethod(ctx context.Context, sess *domain.Session, id, password string, confirm bool, c core.Client) (loggedOut bool, err error) {
	c = c.Clip()
	u := sess.User
	f, err := s.owner(u, id)
	if err != nil {
		return false, err
	}
	switch err := f.Remove(ctx, u, id, c); {
	case errors.Is(err, domain.ErrConflict): // the last factor
		if password == "" {
			return false, errLastFactorPassword
		}
		if err := s.switchOffProof(ctx, u, password, c); err != nil {
			return false, err
		}
		return s.switchOff(ctx, u, confirm, c)
	case errors.Is(err, domain.ErrNotFound):
		return false, errNoSuchMethod
	default:
		return false, err
	}
}

// Disconnect switches the user's 2FA off after their password proves it is
// them. Where the account forces 2FA, it first answers EConfirmRequired
// (the app shows the warning); confirmed, it removes 2FA and ends every
// session of the user, and loggedOut is true, unless the user's grace
// period still runs: then the sessions stay until the deadline. Wrong
// passwords count toward the username's throttle, as at login.
func (s *Service) Disconnect(ctx context.Context, sess *domain.Session, password string, confirm bool, c core.Client) (loggedOut bool, err error) {
	c = c.Clip()
	u := sess.User
	if !u.TwoFactorEnabled() {
		return false, errNotConnected
	}
	if err := s.switchOffProof(ctx, u, password, c); err != nil {
		return false, err
	}
	return s.switchOff(ctx, u, confirm, c)
}

// switchOffProof checks the password that switching 2FA off needs, however
// it is switched off (Disconnect, or the removal of the last factor), so
// that a stolen session alone cannot do it. Wrong passwords count toward the
// username's throttle (throttle.CheckOwnPassword) and are audited.
func (s *Service) switchOffProof(ctx context.Context, u *domain.User, password string, c core.Client) error {
	if err := s.Throttle.CheckOwnPassword(ctx, u, password, c); errors.Is(err, throttle.ErrWrongPassword) {
		if err := s.History.RecordAudit(ctx, s.History.Audit(u.AccountID, u, shared.AuditDisconnectRefused, u, c, shared.ReasonWrongPassword)); err != nil {
			return err
		}
		return throttle.ErrWrongPassword
	} else if err != nil {
		return err
	}
	return nil
}

// switchOff removes every second factor of the user: Disconnect, and the
// removal of the last one. Where the account forces 2FA, it first answers
// EConfirmRequired (the app shows the warning); confirmed, it also ends
// every session of the user, and loggedOut is true.
func (s *Service) switchOff(ctx context.Context, u *domain.User, confirm bool, c core.Client) (loggedOut bool, err error) {
	now := s.Now()
	forced := u.Account.ForceTwoFactor
	// Within a grace period the user may go without 2FA until their
	// deadline, as GitLab allows: the sessions stay, and the deadline of a
	// grace started earlier stands (a disconnect earns no new one).
	loggedOut = forced
	var deadline time.Time
	if forced && u.Account.GraceDays > 0 {
		start := now
		if u.GraceStartedAt != nil {
			start = *u.GraceStartedAt
		}
		deadline = stage.GraceEnd(u.Account, start)
		loggedOut = !now.Before(deadline)
	}
	switch {
	case forced && !confirm && loggedOut:
		return false, errConfirmRequired
	case forced && !confirm:
		return false, shared.Fail(shared.EConfirmRequired, words.MandatoryDisconnectBy(words.DateTime(deadline.UTC())))
	}
	audit := s.Notices.WithNotice(s.History.Audit(u.AccountID, u, shared.AuditDisconnected, u, c, ""), u, shared.NoticeTwoFactorDisconnected, c, "")
	if _, err = s.SwitchOff(ctx, u.ID, 0, loggedOut, audit); err != nil {
		return false, err
	}
	if forced && !loggedOut && u.GraceStartedAt == nil {
		// The policy applies to the user from now: their grace starts.
		if _, err := s.Store.StartGrace(ctx, u.ID, now); err != nil && !errors.Is(err, domain.ErrNotFound) {
			return false, err
		}
	}
	return loggedOut, nil
}

// Reset switches target's 2FA off for someone who lost their factors: an
// administrator (admin; nil: the command line), after their checks. Every
// factor goes and every session of target ends; the audit log and target
// are told. The store scopes it to admin's account: another account's user
// answers domain.ErrNotFound.
func (s *Service) Reset(ctx context.Context, admin, target *domain.User, c core.Client) error {
	var byAdminID int64
	if admin != nil {
		byAdminID = admin.ID
	}
	audit := s.Notices.WithNotice(s.History.Audit(target.AccountID, admin, shared.AuditTwoFactorReset, target, c, ""), target, shared.NoticeTwoFactorReset, c, "")
	_, err := s.SwitchOff(ctx, target.ID, byAdminID, true, audit)
	return err
}

// SwitchOff removes every second factor of the user, each registered
// factor wiping its own, in one transaction with what switching 2FA off
// does besides (Store.SwitchOff: the lockout cleared, the sessions that
// end, the trusted browsers) and the audit event (nil: none). Returns how
// many sessions ended, and domain.ErrNotFound for a user byAdminID does not
// administer, with nothing changed.
func (s *Service) SwitchOff(ctx context.Context, userID, byAdminID int64, endSessions bool, audit *domain.AuditEvent) (int64, error) {
	now := s.Now()
	var ended int64
	err := s.Store.InTx(ctx, func(ctx context.Context) error {
		var err error
		if ended, err = s.Store.SwitchOff(ctx, userID, byAdminID, endSessions, now); err != nil {
			return err
		}
		for _, f := range s.factors {
			if err := f.Wipe(ctx, userID, now); err != nil {
				return err
			}
		}
		if audit == nil {
			return nil
		}
		return s.History.RecordAudit(ctx, audit)
	})
	return ended, err
}

// Prove checks an attempt at the factor of kind.
func (s *Service) Prove(ctx context.Context, kind string, a *Attempt) (*Proof, error) {
	f, ok := s.Get(kind)
	if !ok {
		return nil, errNoSuchMethod
	}
	return f.Prove(ctx, a)
}

// Used answers what the write that used up p said (err): a proof used
// meanwhile (a TOTP step, a key whose counter another request moved first)
// counts as wrong; a lock written meanwhile refuses it. Other errors pass;
// on success p's After runs.
func (s *Service) Used(ctx context.Context, a *Attempt, p *Proof, err error) error {
	switch {
	case errors.Is(err, domain.ErrReplay):
		return a.Refusals.Count(ctx, p.ReplayReason, p.ReplayAnswer, p.Reserved)
	case errors.Is(err, domain.ErrLocked):
		return a.Refusals.LockedMeanwhile(ctx, a.Session.User)
	case err == nil && p.After != nil:
		p.After(ctx)
	}
	return err
}

// Audited is how a signed-in user's refused proof is answered: each refusal
// is an audit event of action (shared.AuditReauthRefused, say) with its
// reason, and a wrong one counts toward the same lockout as at login.
func (s *Service) Audited(u *domain.User, c core.Client, action string) Refusals {
	return audited{s: s, u: u, c: c, action: action}
}

type audited struct {
	s      *Service
	u      *domain.User
	c      core.Client
	action string
}

func (a audited) Locked(_ context.Context, u *domain.User) error {
	return throttle.LockedOut(*u.LockedUntil, a.s.Now())
}

func (a audited) Stopped(context.Context) error { return throttle.ErrStopped }

func (a audited) Refuse(ctx context.Context, reason string, answer *shared.Error) error {
	if err := a.record(ctx, reason); err != nil {
		return err
	}
	return answer
}

func (a audited) Count(ctx context.Context, reason string, answer *shared.Error, reserved int) error {
	if err := a.record(ctx, reason); err != nil {
		return err
	}
	return a.s.Throttle.CountFailure(ctx, a.u, a.c, reserved, answer)
}

func (a audited) Reservation(_ context.Context, err error) error { return err }

func (a audited) LockedMeanwhile(context.Context, *domain.User) error {
	now := a.s.Now()
	return throttle.LockedOut(now.Add(throttle.LockMin), now)
}

func (a audited) record(ctx context.Context, reason string) error {
	return a.s.History.RecordAudit(ctx, a.s.History.Audit(a.u.AccountID, a.u, a.action, a.u, a.c, reason))
}
