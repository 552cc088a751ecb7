package auth

import (
	"context"
	"errors"

	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/shared"
)

// Account administration. This file is the one place that decides who may
// see or change an account: administrators administer their own account, and
// only it (ownAccount); another account's id answers as if it did not exist,
// so the panel reveals nothing about other tenants. The store scopes the same
// changes by account in SQL as a second line.

// ErrNoSuchThing is the answer for an account or user that does not exist
// or is not the caller's to see.
var ErrNoSuchThing = shared.Errorf(shared.ENotFound, "There is no such account or user.")

// audit builds an audit event for an action by actor (nil: the command
// line) on target (nil: the account itself).
func (s *Service) audit(accountID int64, actor *domain.User, action string, target *domain.User, c Client, detail string) *domain.AuditEvent {
	e := &domain.AuditEvent{CreatedAt: s.Now(), AccountID: accountID, ActorName: "command line", Action: action,
		IP: clip(c.IP, 64), Detail: detail}
	if actor != nil {
		e.ActorID, e.ActorName = &actor.ID, actor.Username
	}
	if target != nil {
		e.TargetID, e.TargetName = &target.ID, target.Username
	}
	return e
}

var (
	errTwoFactorRequired = shared.Errorf(shared.ETwoFactorRequired,
		"Connect two-factor authentication to your own account before you make it mandatory for everyone.")
	errResetSelf = shared.Errorf(shared.EConflict,
		"To switch off your own two-factor authentication, use Disconnect in your security settings.")
)

// ownAccount checks that admin may administer accountID.
func ownAccount(admin *domain.User, accountID int64) error {
	if admin.Role != shared.RoleAdmin || admin.AccountID != accountID {
		return ErrNoSuchThing
	}
	return nil
}

// SetForceTwoFactor switches "Force 2FA for users" for the admin's account.
// Sessions of users without 2FA turn into enrollment sessions at their next
// request (see Authenticate). Returns ENotFound for another account.
func (s *Service) SetForceTwoFactor(ctx context.Context, admin *domain.User, accountID int64, on bool, c Client) (shared.AccountSettings, error) {
	if err := ownAccount(admin, accountID); err != nil {
		return shared.AccountSettings{}, err
	}
	if on && !admin.TwoFactorEnabled() {
		// The policy binds its admin too: switched on without 2FA, it
		// would send them to the setup window at once.
		return shared.AccountSettings{}, errTwoFactorRequired
	}
	detail := "off"
	if on {
		detail = "on"
	}
	a, err := s.Store.SetForceTwoFactor(ctx, accountID, on, admin.ID, s.Now(),
		s.audit(accountID, admin, shared.AuditPolicyChanged, nil, c, detail))
	if errors.Is(err, domain.ErrNotFound) {
		return shared.AccountSettings{}, ErrNoSuchThing
	} else if err != nil {
		return shared.AccountSettings{}, err
	}
	return s.accountSettings(ctx, a)
}

// AccountUsers lists the users of the admin's account.
func (s *Service) AccountUsers(ctx context.Context, admin *domain.User, accountID int64) ([]shared.AdminUser, error) {
	if err := ownAccount(admin, accountID); err != nil {
		return nil, err
	}
	users, err := s.Store.AccountUsers(ctx, accountID)
	if err != nil {
		return nil, err
	}
	now := s.Now()
	out := make([]shared.AdminUser, len(users))
	for i, u := range users {
		out[i] = shared.AdminUser{ID: u.ID, Username: u.Username, Role: u.Role, TOTPEnabled: u.TwoFactorEnabled(),
			Methods: factorKinds(&u.User), RecoveryCodesLeft: u.RecoveryCodesLeft, LastLoginAt: rfc3339(u.LastLoginAt)}
		if u.CodesLocked(now) {
			out[i].LockedUntil = rfc3339(u.LockedUntil)
		}
	}
	return out, nil
}

// ResetTwoFactor switches 2FA off for a user of the admin's account who lost
// their phone: secret and recovery codes go, every session of the user ends,
// and the audit log records it. Returns ENotFound for anyone else.
func (s *Service) ResetTwoFactor(ctx context.Context, admin *domain.User, targetID int64, c Client) error {
	target, err := s.Store.UserByID(ctx, targetID)
	if errors.Is(err, domain.ErrNotFound) {
		return ErrNoSuchThing
	} else if err != nil {
		return err
	}
	if err := ownAccount(admin, target.AccountID); err != nil {
		return err
	}
	if target.ID == admin.ID {
		// Their own 2FA goes through Disconnect: the password, and the
		// policy's warning.
		return errResetSelf
	}
	_, err = s.Store.RemoveTOTP(ctx, target.ID, admin.ID, true, s.Now(), s.audit(target.AccountID, admin, shared.AuditTwoFactorReset, target, c, ""))
	return err
}

// ResetTwoFactorByUsername is the command line's reset for a lost phone.
func (s *Service) ResetTwoFactorByUsername(ctx context.Context, username string) (*domain.User, error) {
	target, err := s.Store.UserByUsername(ctx, shared.NormalizeUsername(username))
	if errors.Is(err, domain.ErrNotFound) {
		return nil, shared.Errorf(shared.ENotFound, "There is no user %q.", username)
	} else if err != nil {
		return nil, err
	}
	_, err = s.Store.RemoveTOTP(ctx, target.ID, 0, true, s.Now(), s.audit(target.AccountID, nil, shared.AuditTwoFactorReset, target, Client{}, ""))
	return target, err
}

// Accounts lists the accounts the admin administers: their own.
func (s *Service) Accounts(ctx context.Context, admin *domain.User) ([]shared.AccountSettings, error) {
	if err := ownAccount(admin, admin.AccountID); err != nil {
		return nil, err
	}
	a, err := s.Store.AccountByID(ctx, admin.AccountID)
	if err != nil {
		return nil, err
	}
	settings, err := s.accountSettings(ctx, a)
	if err != nil {
		return nil, err
	}
	return []shared.AccountSettings{settings}, nil
}

// accountSettings puts an account's policy on the wire, with the name of the
// admin who last changed it.
func (s *Service) accountSettings(ctx context.Context, a *domain.Account) (shared.AccountSettings, error) {
	out := shared.AccountSettings{ID: a.ID, Name: a.Name, Force2FA: a.ForceTwoFactor, ChangedAt: rfc3339(a.ForceChangedAt),
		PasskeysAllowed: a.PasskeysAllowed}
	if a.ForceChangedByID != nil && *a.ForceChangedByID > 0 {
		u, err := s.Store.UserByID(ctx, *a.ForceChangedByID)
		switch {
		case err == nil:
			out.ChangedBy = u.Username
		case !errors.Is(err, domain.ErrNotFound):
			return out, err
		}
	}
	return out, nil
}

// AccountLogins is a page of the login attempts on the admin's account,
// newest first; q.Username narrows it to the attempted names that start
// with it.
func (s *Service) AccountLogins(ctx context.Context, admin *domain.User, q shared.AdminLoginsQuery) (shared.LoginEventPage, error) {
	if err := ownAccount(admin, admin.AccountID); err != nil {
		return shared.LoginEventPage{}, err
	}
	return s.loginEvents(ctx, domain.LoginEventFilter{AccountID: admin.AccountID, Before: q.Before, Limit: q.Limit,
		OnlyFails: q.FailedOnly, Since: q.Since, Until: q.Until, UsernamePrefix: q.Username}, true)
}

// AccountAudit is a page of the admin's account's audit log, newest first.
func (s *Service) AccountAudit(ctx context.Context, admin *domain.User, q shared.HistoryQuery) (shared.AuditPage, error) {
	if err := ownAccount(admin, admin.AccountID); err != nil {
		return shared.AuditPage{}, err
	}
	events, next, err := s.Store.AuditEvents(ctx, admin.AccountID, q.Before, q.Limit)
	if err != nil {
		return shared.AuditPage{}, err
	}
	page := shared.AuditPage{Events: make([]shared.AuditEvent, len(events)), Next: shared.FormatCursor(next)}
	for i, e := range events {
		page.Events[i] = shared.AuditEvent{ID: e.ID, Time: rfc3339(&e.CreatedAt), Actor: e.ActorName,
			Action: e.Action, Target: e.TargetName, IP: e.IP, Detail: e.Detail}
	}
	return page, nil
}
