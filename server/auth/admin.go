package auth

import (
	"context"
	"errors"

	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/shared"
)

// Administrators administer their own account, and only it: another
// account's id answers as if it did not exist, so the panel reveals nothing
// about other tenants.
var errNoSuchThing = shared.Errorf(shared.ENotFound, "There is no such account or user.")

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
		return errNoSuchThing
	}
	return nil
}

// SetForceTwoFactor switches "Force 2FA for users" for the admin's account.
// Sessions of users without 2FA turn into enrollment sessions at their next
// request (see Authenticate). Returns ENotFound for another account.
func (s *Service) SetForceTwoFactor(ctx context.Context, admin *domain.User, accountID int64, on bool, c Client) (*domain.Account, error) {
	if err := ownAccount(admin, accountID); err != nil {
		return nil, err
	}
	if on && !admin.TwoFactorEnabled() {
		// The policy binds its admin too: switched on without 2FA, it
		// would send them to the setup window at once.
		return nil, errTwoFactorRequired
	}
	detail := "off"
	if on {
		detail = "on"
	}
	a, err := s.Store.SetForceTwoFactor(ctx, accountID, on, admin.ID, s.Now(),
		s.audit(accountID, admin, shared.AuditPolicyChanged, nil, c, detail))
	if errors.Is(err, domain.ErrNotFound) {
		return nil, errNoSuchThing
	}
	return a, err
}

// AccountUsers lists the users of the admin's account.
func (s *Service) AccountUsers(ctx context.Context, admin *domain.User, accountID int64) ([]domain.UserSummary, error) {
	if err := ownAccount(admin, accountID); err != nil {
		return nil, err
	}
	return s.Store.AccountUsers(ctx, accountID)
}

// ResetTwoFactor switches 2FA off for a user of the admin's account who lost
// their phone: secret and recovery codes go, every session of the user ends,
// and the audit log records it. Returns ENotFound for anyone else.
func (s *Service) ResetTwoFactor(ctx context.Context, admin *domain.User, targetID int64, c Client) error {
	target, err := s.Store.UserByID(ctx, targetID)
	if errors.Is(err, domain.ErrNotFound) {
		return errNoSuchThing
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

var (
	errNotConnected    = shared.Errorf(shared.EConflict, "Two-factor authentication is not connected.")
	errWrongPassword   = shared.Errorf(shared.EWrongCredentials, "That password is not right.")
	errConfirmRequired = shared.Errorf(shared.EConfirmRequired, "Two-factor authentication is mandatory for your account. "+
		"If you disconnect it, you will be logged out everywhere and must set it up again at your next login.")
)

// Disconnect switches the user's 2FA off after their password proves it is
// them. Where the account forces 2FA, it first answers EConfirmRequired
// (the app shows the warning); confirmed, it removes 2FA and ends every
// session of the user, and loggedOut is true. Wrong passwords count toward
// the username's throttle, as at login.
func (s *Service) Disconnect(ctx context.Context, sess *domain.Session, password string, confirm bool, c Client) (loggedOut bool, err error) {
	c = c.clip()
	u := sess.User
	if !u.TwoFactorEnabled() {
		return false, errNotConnected
	}
	now := s.Now()
	if err := s.checkOwnPassword(ctx, u, password); errors.Is(err, errWrongPassword) {
		if err := s.Store.RecordAudit(ctx, s.audit(u.AccountID, u, shared.AuditDisconnectRefused, u, c, shared.ReasonWrongPassword)); err != nil {
			return false, err
		}
		return false, errWrongPassword
	} else if err != nil {
		return false, err
	}
	forced := u.Account.ForceTwoFactor
	if forced && !confirm {
		return false, errConfirmRequired
	}
	_, err = s.Store.RemoveTOTP(ctx, u.ID, 0, forced, now, s.audit(u.AccountID, u, shared.AuditDisconnected, u, c, ""))
	return forced, err
}
