// Package accounts is accounts and their users, and who may administer
// whom: a platform administrator every account, an account administrator
// their own; creating users (with a one-time password), changing their
// role, disabling, unlocking and resetting them; each account's policies
// (Force 2FA and its grace period, trusted browsers, passkey sign-in); and
// what a user sees of themself (Me).
package accounts

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/warden-auth/warden/server/auth/core"
	"github.com/warden-auth/warden/server/auth/factor"
	"github.com/warden-auth/warden/server/auth/factor/recovery"
	"github.com/warden-auth/warden/server/auth/history"
	"github.com/warden-auth/warden/server/auth/notices"
	"github.com/warden-auth/warden/server/auth/stage"
	"github.com/warden-auth/warden/server/auth/throttle"
	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/shared"
	"github.com/warden-auth/warden/shared/words"
)

// Store is where accounts are kept. byAdminID, where taken, scopes the
// change to that administrator's own account in SQL (0: the command line):
// another account's row answers domain.ErrNotFound. Lookups return
// domain.ErrNotFound when there is none.
type Store interface {
	CreateAccount(ctx context.Context, name string, now time.Time) (*domain.Account, error)
	AccountByID(ctx context.Context, id int64) (*domain.Account, error)
	AccountByName(ctx context.Context, name string) (*domain.Account, error)
	Accounts(ctx context.Context) ([]domain.Account, error)
	AccountStats(ctx context.Context, accountIDs ...int64) (map[int64]domain.AccountStats, error)
	// CreateAccountAudited and RenameAccount return domain.ErrConflict
	// when another account has the name in any case.
	CreateAccountAudited(ctx context.Context, name string, now time.Time, audit *domain.AuditEvent) (*domain.Account, error)
	RenameAccount(ctx context.Context, id int64, name string, audit *domain.AuditEvent) (*domain.Account, error)
	// SetTwoFactorPolicy sets Force 2FA and its grace period (nil: kept);
	// switching off forgets every user's grace start.
	SetTwoFactorPolicy(ctx context.Context, accountID int64, on bool, graceDays *int, byAdminID int64, now time.Time, audit *domain.AuditEvent) (*domain.Account, error)
	SetRememberBrowserDays(ctx context.Context, accountID int64, days int, byAdminID int64, audit *domain.AuditEvent) (*domain.Account, error)
	SetPasskeysAllowed(ctx context.Context, accountID int64, on bool, byAdminID int64, audit *domain.AuditEvent) error
}

// Users is where users are kept (byAdminID as for Store).
type Users interface {
	CountUsers(ctx context.Context) (int, error)
	// CreateUser returns domain.ErrConflict when the username is taken.
	CreateUser(ctx context.Context, u *domain.User, audit *domain.AuditEvent) error
	UserByID(ctx context.Context, id int64) (*domain.User, error)
	UserByUsername(ctx context.Context, username string) (*domain.User, error)
	AccountUsers(ctx context.Context, f domain.UserFilter) ([]domain.UserSummary, error)
	// ChangeUser ends every session of a user it disables.
	ChangeUser(ctx context.Context, userID, byAdminID int64, c domain.UserChange, now time.Time, audits []*domain.AuditEvent) (*domain.User, int64, error)
	UnlockUser(ctx context.Context, userID int64, username string, byAdminID int64, now time.Time, audit *domain.AuditEvent) error
	// SetOneTimePassword sets a hash the user must replace at the next
	// login and ends all their sessions; domain.ErrNotFound if the user is
	// gone.
	SetOneTimePassword(ctx context.Context, userID, byAdminID int64, hash string, now time.Time, audit *domain.AuditEvent) error
	// SetUserLanguage sets the language the user reads Warden in.
	SetUserLanguage(ctx context.Context, userID int64, tag string, now time.Time) error
}

// Service administers accounts and users.
type Service struct {
	*core.Env
	Store    Store
	Users    Users
	History  *history.Service
	Notices  *notices.Service
	Factors  *factor.Service
	Recovery *recovery.Factor
}

// New returns the accounts kept in st and their users in users.
func New(env *core.Env, st Store, users Users, h *history.Service, n *notices.Service, fs *factor.Service, r *recovery.Factor) *Service {
	return &Service{Env: env, Store: st, Users: users, History: h, Notices: n, Factors: fs, Recovery: r}
}

// Account administration. This file is the one place that decides who may
// see or change an account and its users:
//   - a platform administrator administers every account (and creates and
//     renames accounts: mayRunPlatform);
//   - an account administrator administers their own account, and only it
//     (mayAdminister); another account's id answers as if it did not exist,
//     so the panel reveals nothing about other tenants;
//   - a user administers nothing.
// Changing a user (mayChangeUser) adds: nobody changes their own role or
// disables themselves (the panel must not lock out the one using it), and
// only a platform administrator makes or changes a platform administrator.
// The store scopes the same changes by account in SQL as a second line.

// ErrNoSuchThing is the answer for an account or user that does not exist
// or is not the caller's to see.
var ErrNoSuchThing = shared.Fail(shared.ENotFound, words.NoSuchAccountOrUser)

// scoped answers a write the store scoped to an administrator (byAdminID)
// as the checks here would have: its refusal, domain.ErrNotFound, means no
// such row or none the database says they administer (demoted or disabled
// since their request was let in, say), and both are ErrNoSuchThing, not an
// internal error.
func scoped(err error) error {
	if errors.Is(err, domain.ErrNotFound) {
		return ErrNoSuchThing
	}
	return err
}

var (
	errTwoFactorRequired = shared.Fail(shared.ETwoFactorRequired, words.TwoFactorYoursFirst)
	errResetSelf         = shared.Fail(shared.EConflict, words.ResetOwnTwoFactor)
)

var (
	errPlatformOnly = shared.Fail(shared.EForbidden, words.PlatformAdminOnly)
	errSelfRole     = shared.Fail(shared.EConflict, words.CannotChangeOwnRole)
	errSelfDisable  = shared.Fail(shared.EConflict, words.CannotDisableYourself)
	errPlatformRole = shared.Fail(shared.EForbidden, words.PlatformRoleOnly)
)

// mayAdminister checks that actor may administer accountID.
func mayAdminister(actor *domain.User, accountID int64) error {
	switch {
	case actor.Disabled():
	case actor.Role == shared.RolePlatformAdmin:
		return nil
	case actor.Role == shared.RoleAdmin && actor.AccountID == accountID:
		return nil
	}
	return ErrNoSuchThing
}

// mayRunPlatform checks that actor may create and rename accounts.
func mayRunPlatform(actor *domain.User) error {
	if actor.Disabled() || actor.Role != shared.RolePlatformAdmin {
		return errPlatformOnly
	}
	return nil
}

// mayChangeUser checks that actor may make change to target.
func mayChangeUser(actor, target *domain.User, change domain.UserChange) error {
	if err := mayAdminister(actor, target.AccountID); err != nil {
		return err
	}
	if change.Role != nil && target.ID == actor.ID && *change.Role != target.Role {
		return errSelfRole
	}
	if change.Disabled != nil && *change.Disabled && target.ID == actor.ID {
		return errSelfDisable
	}
	if actor.Role != shared.RolePlatformAdmin &&
		(target.Role == shared.RolePlatformAdmin || (change.Role != nil && *change.Role == shared.RolePlatformAdmin)) {
		return errPlatformRole
	}
	return nil
}

// accountOf resolves the account an administrator's request is about: 0
// means their own. A platform administrator's id must exist.
func (s *Service) accountOf(ctx context.Context, admin *domain.User, accountID int64) (int64, error) {
	if accountID == 0 {
		accountID = admin.AccountID
	}
	if err := mayAdminister(admin, accountID); err != nil {
		return 0, err
	}
	if accountID != admin.AccountID {
		if _, err := s.Store.AccountByID(ctx, accountID); errors.Is(err, domain.ErrNotFound) {
			return 0, ErrNoSuchThing
		} else if err != nil {
			return 0, err
		}
	}
	return accountID, nil
}

// SetForceTwoFactor switches "Force 2FA for users" for an account the admin
// administers,
// with its grace period in days (nil: kept). Sessions of users without 2FA
// turn into enrollment sessions at their next request once their grace is
// over (see Authenticate). Returns ENotFound for another account, EInvalid
// for a grace period out of range.
func (s *Service) SetForceTwoFactor(ctx context.Context, admin *domain.User, accountID int64, on bool, graceDays *int, c core.Client) (shared.AccountSettings, error) {
	if err := mayAdminister(admin, accountID); err != nil {
		return shared.AccountSettings{}, err
	}
	if e := (shared.SettingsRequest{Force2FA: &on, GraceDays: graceDays}).Valid(); e != nil {
		return shared.AccountSettings{}, e
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
	if graceDays != nil {
		detail += fmt.Sprintf(", grace period %d days", *graceDays)
	}
	a, err := s.Store.SetTwoFactorPolicy(ctx, accountID, on, graceDays, admin.ID, s.Now(),
		s.History.Audit(accountID, admin, shared.AuditPolicyChanged, nil, c, detail))
	if err != nil {
		return shared.AccountSettings{}, scoped(err)
	}
	return s.accountSettings(ctx, a)
}

// SetAccountSettings applies the settings the request names, each as its
// own change with its own audit event: Force 2FA (SetForceTwoFactor), how
// many days a browser may be trusted at the second step, and passkey
// sign-in (SetPasskeysAllowed). Returns
// ENotFound for another account.
func (s *Service) SetAccountSettings(ctx context.Context, admin *domain.User, accountID int64, req shared.SettingsRequest, c core.Client) (shared.AccountSettings, error) {
	if e := req.Valid(); e != nil {
		return shared.AccountSettings{}, e
	}
	if err := mayAdminister(admin, accountID); err != nil {
		return shared.AccountSettings{}, err
	}
	var out shared.AccountSettings
	var err error
	if req.Force2FA != nil {
		if out, err = s.SetForceTwoFactor(ctx, admin, accountID, *req.Force2FA, req.GraceDays, c); err != nil {
			return out, err
		}
	}
	if d := req.RememberBrowserDays; d != nil {
		// Turning it off (or shortening it) takes effect at the next
		// login: trustedBrowser reads the account's days each time.
		a, err := s.Store.SetRememberBrowserDays(ctx, accountID, *d, admin.ID,
			s.History.Audit(accountID, admin, shared.AuditTrustPolicy, nil, c.Clip(), strconv.Itoa(*d)+" days"))
		if err != nil {
			return shared.AccountSettings{}, scoped(err)
		}
		if out, err = s.accountSettings(ctx, a); err != nil {
			return out, err
		}
	}
	if p := req.PasskeysAllowed; p != nil {
		if out, err = s.SetPasskeysAllowed(ctx, admin, accountID, *p, c); err != nil {
			return out, err
		}
	}
	return out, nil
}

// AccountUsers lists a page of the users of an account the admin
// administers (q's account, 0: their own), in username order, filtered by
// 2FA and a username prefix; Next is the last username when more follow.
func (s *Service) AccountUsers(ctx context.Context, admin *domain.User, q shared.AdminUsersQuery) (shared.UsersPage, error) {
	accountID, err := s.accountOf(ctx, admin, q.AccountID)
	if err != nil {
		return shared.UsersPage{}, err
	}
	a, err := s.Store.AccountByID(ctx, accountID)
	if err != nil {
		return shared.UsersPage{}, err
	}
	limit := min(max(q.Limit, 1), 100)
	// One row more than asked tells whether there is a next page.
	users, err := s.Users.AccountUsers(ctx, domain.UserFilter{AccountID: accountID, TwoFA: q.TwoFA, Prefix: q.Prefix,
		After: q.After, Limit: limit + 1})
	if err != nil {
		return shared.UsersPage{}, err
	}
	var out shared.UsersPage
	if len(users) > limit {
		users = users[:limit]
		out.Next = users[limit-1].Username
	}
	out.Users = make([]shared.AdminUser, len(users))
	for i := range users {
		out.Users[i] = s.listedUser(&users[i], a)
	}
	return out, nil
}

// listedUser puts one user of account a on the wire as the panel lists them.
func (s *Service) listedUser(sum *domain.UserSummary, a *domain.Account) shared.AdminUser {
	now := s.Now()
	u := &sum.User
	u.Account = a
	passwordLocked := sum.PasswordLockedUntil != nil && sum.PasswordLockedUntil.After(now)
	out := shared.AdminUser{ID: u.ID, Username: u.Username, AccountID: a.ID, Account: a.Name, Role: u.Role,
		TwoFA: u.TwoFactorEnabled(), TOTPEnabled: u.TwoFactorEnabled(), Methods: s.Factors.Kinds(u), Disabled: u.Disabled(),
		Locked:            passwordLocked || u.CodesLocked(now) || throttle.Stopped(u),
		RecoveryCodesLeft: sum.RecoveryCodesLeft, LastLoginAt: core.RFC3339(u.LastLoginAt)}
	if u.CodesLocked(now) {
		out.LockedUntil = core.RFC3339(u.LockedUntil)
	}
	out.Email, out.EmailVerifiedAt, out.EmailPending = notices.EmailState(u)
	if deadline, ok := stage.GraceDeadline(u); ok {
		out.TwoFADeadline = core.RFC3339(&deadline)
	}
	return out
}

// adminUser puts one user on the wire as the panel lists them.
func (s *Service) adminUser(ctx context.Context, u *domain.User) (shared.AdminUser, error) {
	a := u.Account
	if a == nil {
		var err error
		if a, err = s.Store.AccountByID(ctx, u.AccountID); err != nil {
			return shared.AdminUser{}, err
		}
	}
	page, err := s.Users.AccountUsers(ctx, domain.UserFilter{AccountID: u.AccountID, Prefix: u.Username})
	if err != nil {
		return shared.AdminUser{}, err
	}
	for i := range page {
		if page[i].ID == u.ID {
			return s.listedUser(&page[i], a), nil
		}
	}
	return shared.AdminUser{}, ErrNoSuchThing
}

// targetUser loads the user an administrator acts on; one they may not see
// answers as if it did not exist.
func (s *Service) targetUser(ctx context.Context, admin *domain.User, targetID int64) (*domain.User, error) {
	target, err := s.Users.UserByID(ctx, targetID)
	if errors.Is(err, domain.ErrNotFound) {
		return nil, ErrNoSuchThing
	} else if err != nil {
		return nil, err
	}
	if err := mayAdminister(admin, target.AccountID); err != nil {
		return nil, err
	}
	return target, nil
}

// ChangeUser changes a user's role, whether they are disabled and their
// e-mail address (setEmail: a new one gets a link to confirm it), as mayChangeUser
// allows. Disabling ends every session of the user at once
// (the sessions are rows: every server process sees them gone), and a
// disabled user cannot log in again until enabled.
func (s *Service) ChangeUser(ctx context.Context, admin *domain.User, targetID int64, p shared.UserPatch, c core.Client) (shared.AdminUser, error) {
	if e := p.Valid(); e != nil {
		return shared.AdminUser{}, e
	}
	target, err := s.targetUser(ctx, admin, targetID)
	if err != nil {
		return shared.AdminUser{}, err
	}
	change := domain.UserChange{Role: p.Role, Disabled: p.Disabled}
	if err := mayChangeUser(admin, target, change); err != nil {
		return shared.AdminUser{}, err
	}
	var audits []*domain.AuditEvent
	if p.Role != nil && *p.Role != target.Role {
		audits = append(audits, s.History.Audit(target.AccountID, admin, shared.AuditRoleChanged, target, c, target.Role+" → "+*p.Role))
	}
	if p.Disabled != nil && *p.Disabled != target.Disabled() {
		action := shared.AuditUserEnabled
		if *p.Disabled {
			action = shared.AuditUserDisabled
		}
		audits = append(audits, s.History.Audit(target.AccountID, admin, action, target, c, ""))
	}
	u := target
	if p.Role != nil || p.Disabled != nil {
		if u, _, err = s.Users.ChangeUser(ctx, target.ID, admin.ID, change, s.Now(), audits); err != nil {
			return shared.AdminUser{}, scoped(err)
		}
	}
	if p.Email != nil {
		if err := s.Notices.SetAddress(ctx, admin, u, *p.Email, c); err != nil {
			return shared.AdminUser{}, scoped(err)
		}
		if u, err = s.Users.UserByID(ctx, target.ID); err != nil {
			return shared.AdminUser{}, err
		}
	}
	return s.adminUser(ctx, u)
}

// UnlockUser ends a user's lockouts after wrong passwords (their username's
// throttle) and wrong codes. A browser's own counter (package login's device cookies) stays: only
// failures from that browser locked it.
func (s *Service) UnlockUser(ctx context.Context, admin *domain.User, targetID int64, c core.Client) error {
	target, err := s.targetUser(ctx, admin, targetID)
	if err != nil {
		return err
	}
	if err := mayChangeUser(admin, target, domain.UserChange{}); err != nil {
		return err
	}
	return scoped(s.Users.UnlockUser(ctx, target.ID, target.Username, admin.ID, s.Now(),
		s.History.Audit(target.AccountID, admin, shared.AuditUserUnlocked, target, c, "")))
}

// SetRoleByUsername is the command line's role change; it answers to no one
// but the operator, so only the role's name is checked.
func (s *Service) SetRoleByUsername(ctx context.Context, username, role string) (*domain.User, error) {
	if msg := shared.ValidateRole(role); !msg.IsZero() {
		return nil, shared.Invalid("role", msg)
	}
	target, err := s.Users.UserByUsername(ctx, shared.NormalizeUsername(username))
	if errors.Is(err, domain.ErrNotFound) {
		return nil, shared.Fail(shared.ENotFound, words.NoSuchUser(username))
	} else if err != nil {
		return nil, err
	}
	var audits []*domain.AuditEvent
	if role != target.Role {
		audits = append(audits, s.History.Audit(target.AccountID, nil, shared.AuditRoleChanged, target, core.Client{}, target.Role+" → "+role))
	}
	u, _, err := s.Users.ChangeUser(ctx, target.ID, 0, domain.UserChange{Role: &role}, s.Now(), audits)
	return u, err
}

var errAccountTaken = shared.Fail(shared.EConflict, words.AccountNameTaken)

// accountName validates a typed account name and returns it trimmed.
func accountName(name string) (string, error) {
	if e := (shared.AccountRequest{Name: name}).Valid(); e != nil {
		return "", e
	}
	return shared.NormalizeAccountName(name), nil
}

// CreateAccount creates an empty account (platform administrator only;
// admin nil: the command line).
func (s *Service) CreateAccount(ctx context.Context, admin *domain.User, name string, c core.Client) (shared.AccountSettings, error) {
	if admin != nil {
		if err := mayRunPlatform(admin); err != nil {
			return shared.AccountSettings{}, err
		}
	}
	name, err := accountName(name)
	if err != nil {
		return shared.AccountSettings{}, err
	}
	a, err := s.Store.CreateAccountAudited(ctx, name, s.Now(), s.History.Audit(0, admin, shared.AuditAccountCreated, nil, c, name))
	if errors.Is(err, domain.ErrConflict) {
		return shared.AccountSettings{}, errAccountTaken
	} else if err != nil {
		return shared.AccountSettings{}, err
	}
	return s.accountSettings(ctx, a)
}

// RenameAccount renames an account (platform administrator only).
func (s *Service) RenameAccount(ctx context.Context, admin *domain.User, accountID int64, name string, c core.Client) (shared.AccountSettings, error) {
	if err := mayRunPlatform(admin); err != nil {
		return shared.AccountSettings{}, err
	}
	name, err := accountName(name)
	if err != nil {
		return shared.AccountSettings{}, err
	}
	old, err := s.Store.AccountByID(ctx, accountID)
	if errors.Is(err, domain.ErrNotFound) {
		return shared.AccountSettings{}, ErrNoSuchThing
	} else if err != nil {
		return shared.AccountSettings{}, err
	}
	a, err := s.Store.RenameAccount(ctx, accountID, name, s.History.Audit(accountID, admin, shared.AuditAccountRenamed, nil, c, old.Name+" → "+name))
	switch {
	case errors.Is(err, domain.ErrConflict):
		return shared.AccountSettings{}, errAccountTaken
	case errors.Is(err, domain.ErrNotFound):
		return shared.AccountSettings{}, ErrNoSuchThing
	case err != nil:
		return shared.AccountSettings{}, err
	}
	return s.accountSettings(ctx, a)
}

// ResetTwoFactor switches 2FA off for a user of the admin's account who lost
// their phone: secret and recovery codes go, every session of the user ends,
// and the audit log records it. Returns ENotFound for anyone else.
func (s *Service) ResetTwoFactor(ctx context.Context, admin *domain.User, targetID int64, c core.Client) error {
	target, err := s.targetUser(ctx, admin, targetID)
	if err != nil {
		return err
	}
	if err := mayChangeUser(admin, target, domain.UserChange{}); err != nil {
		return err
	}
	if target.ID == admin.ID {
		// Their own 2FA goes through Disconnect: the password, and the
		// policy's warning.
		return errResetSelf
	}
	return scoped(s.Factors.Reset(ctx, admin, target, c))
}

// ResetTwoFactorByUsername is the command line's reset for a lost phone.
func (s *Service) ResetTwoFactorByUsername(ctx context.Context, username string) (*domain.User, error) {
	target, err := s.Users.UserByUsername(ctx, shared.NormalizeUsername(username))
	if errors.Is(err, domain.ErrNotFound) {
		return nil, shared.Fail(shared.ENotFound, words.NoSuchUser(username))
	} else if err != nil {
		return nil, err
	}
	return target, s.Factors.Reset(ctx, nil, target, core.Client{})
}

// Accounts lists the accounts the admin administers, with their users
// counted: every account for a platform administrator, their own for an
// account administrator.
func (s *Service) Accounts(ctx context.Context, admin *domain.User) (shared.AccountsPage, error) {
	if err := mayAdminister(admin, admin.AccountID); err != nil {
		return shared.AccountsPage{}, err
	}
	var accounts []domain.Account
	if mayRunPlatform(admin) == nil {
		all, err := s.Store.Accounts(ctx)
		if err != nil {
			return shared.AccountsPage{}, err
		}
		accounts = all
	} else {
		a, err := s.Store.AccountByID(ctx, admin.AccountID)
		if err != nil {
			return shared.AccountsPage{}, err
		}
		accounts = []domain.Account{*a}
	}
	stats, err := s.Store.AccountStats(ctx)
	if err != nil {
		return shared.AccountsPage{}, err
	}
	page := shared.AccountsPage{Accounts: make([]shared.AccountSettings, len(accounts))}
	for i := range accounts {
		if page.Accounts[i], err = s.accountSettingsWith(ctx, &accounts[i], stats[accounts[i].ID]); err != nil {
			return shared.AccountsPage{}, err
		}
	}
	return page, nil
}

// accountSettings puts an account's policy on the wire, with the name of the
// admin who last changed it.
func (s *Service) accountSettings(ctx context.Context, a *domain.Account) (shared.AccountSettings, error) {
	stats, err := s.Store.AccountStats(ctx, a.ID)
	if err != nil {
		return shared.AccountSettings{}, err
	}
	return s.accountSettingsWith(ctx, a, stats[a.ID])
}

// accountSettingsWith is accountSettings with the account's user counts
// already read.
func (s *Service) accountSettingsWith(ctx context.Context, a *domain.Account, st domain.AccountStats) (shared.AccountSettings, error) {
	out := shared.AccountSettings{ID: a.ID, Name: a.Name, CreatedAt: core.RFC3339(&a.CreatedAt), Force2FA: a.ForceTwoFactor,
		ChangedAt: core.RFC3339(a.ForceChangedAt), RememberBrowserDays: a.RememberBrowserDays,
		GraceDays: a.GraceDays, PasskeysAllowed: a.PasskeysAllowed, Users: st.Users, UsersWith2FA: st.UsersWith2FA}
	for _, start := range st.GraceStarts {
		if a.ForceTwoFactor && a.GraceDays > 0 && s.Now().Before(stage.GraceEnd(a, start)) {
			out.UsersInGrace++
		}
	}
	if a.ForceChangedByID != nil && *a.ForceChangedByID > 0 {
		u, err := s.Users.UserByID(ctx, *a.ForceChangedByID)
		switch {
		case err == nil:
			out.ChangedBy = u.Username
		case !errors.Is(err, domain.ErrNotFound):
			return out, err
		}
	}
	return out, nil
}

// AccountLogins is a page of the login attempts on an account the admin
// administers (0: their own), newest first; q.Username narrows it to the
// attempted names that start with it. q.Unknown lists instead the attempts
// that belong to no account (unknown usernames): the platform
// administrator's alone, since they are no account's, and any other
// administrator gets EForbidden rather than their own account's list under
// a filter it did not apply. Returns EInvalid for q.Unknown with an account.
func (s *Service) AccountLogins(ctx context.Context, admin *domain.User, accountID int64, q shared.AdminLoginsQuery) (shared.LoginEventPage, error) {
	f := domain.LoginEventFilter{Before: q.Before, Limit: q.Limit,
		OnlyFails: q.FailedOnly, Since: q.From, Until: q.To, UsernamePrefix: q.Username}
	if q.Unknown {
		if err := mayRunPlatform(admin); err != nil {
			return shared.LoginEventPage{}, err
		}
		if accountID != 0 {
			return shared.LoginEventPage{}, shared.Invalid("account", words.UnknownNamesNoAccount)
		}
		f.NoAccount = true
		return s.History.LoginEvents(ctx, f, true)
	}
	accountID, err := s.accountOf(ctx, admin, accountID)
	if err != nil {
		return shared.LoginEventPage{}, err
	}
	f.AccountID = accountID
	return s.History.LoginEvents(ctx, f, true)
}

// AccountAudit is a page of an administered account's audit log (0: the
// admin's own), newest first.
func (s *Service) AccountAudit(ctx context.Context, admin *domain.User, accountID int64, q shared.HistoryQuery) (shared.AuditPage, error) {
	accountID, err := s.accountOf(ctx, admin, accountID)
	if err != nil {
		return shared.AuditPage{}, err
	}
	return s.History.AuditPage(ctx, accountID, q)
}

// SetPasskeysAllowed switches passkey sign-in on or off for the admin's own
// account. Returns ENotFound for any other account.
func (s *Service) SetPasskeysAllowed(ctx context.Context, admin *domain.User, accountID int64, on bool, c core.Client) (shared.AccountSettings, error) {
	if err := mayAdminister(admin, accountID); err != nil {
		return shared.AccountSettings{}, err
	}
	detail := "off"
	if on {
		detail = "on"
	}
	if err := s.Store.SetPasskeysAllowed(ctx, accountID, on, admin.ID, s.History.Audit(accountID, admin, shared.AuditPasskeysChanged, nil, c, detail)); err != nil {
		return shared.AccountSettings{}, scoped(err)
	}
	a, err := s.Store.AccountByID(ctx, accountID)
	if err != nil {
		return shared.AccountSettings{}, err
	}
	return s.accountSettings(ctx, a)
}
