// Package auth is the login state machine and the account-security rules:
// password hashing, sessions and their stages, and the login history. Its
// clock and random source are fields so tests can fix them.
package auth

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/warden-auth/warden/server/auth/core"
	"github.com/warden-auth/warden/server/auth/history"
	"github.com/warden-auth/warden/server/auth/keys"
	"github.com/warden-auth/warden/server/auth/notices"
	"github.com/warden-auth/warden/server/auth/passwords"
	"github.com/warden-auth/warden/server/auth/throttle"
	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/server/sealing"
	"github.com/warden-auth/warden/shared"
)

// Service holds the auth rules. Create it with New; the fields of its Env
// may be changed before first use.
type Service struct {
	*core.Env
	Store    Store
	History  *history.Service
	Notices  *notices.Service
	Throttle *throttle.Service
	// SealedKeys are the keys the database keeps sealed under Keys.
	SealedKeys *keys.Service

	dummyOnce sync.Once
	dummyHash string
}

// New returns a Service with the production defaults (core.NewEnv).
func New(s Store, ring *sealing.Keyring, log *slog.Logger) *Service {
	env := core.NewEnv(ring, log)
	hist := history.New(env, s)
	nt := notices.New(env, s, hist)
	return &Service{Env: env, Store: s, History: hist, Notices: nt, Throttle: throttle.New(env, s, hist, nt),
		SealedKeys: keys.New(env, s)}
}

// dummy returns a hash of a random password under the Hasher's parameters.
// Unknown usernames are checked against it so that they cost the same time
// as a wrong password and reveal nothing.
func (s *Service) dummy() string {
	s.dummyOnce.Do(func() {
		h, err := s.Hasher.Hash(rand.Text())
		if err != nil {
			panic(fmt.Sprintf("auth: hash a dummy password: %v", err)) // only if crypto/rand fails
		}
		s.dummyHash = h
	})
	return s.dummyHash
}

// CreateUser adds a user to the named account, creating the account if it
// does not exist. Returns EInvalid for a bad username, password or account
// name, and EConflict if the username is taken.
func (s *Service) CreateUser(ctx context.Context, username, password, role, accountName string) (*domain.User, error) {
	return s.createUser(ctx, username, password, role, accountName, "", false)
}

// createUser is CreateUser; a oneTime password must also be strong
// (passwords.Verdict), and the user must replace it at the first login.
func (s *Service) createUser(ctx context.Context, username, password, role, accountName, email string, oneTime bool) (*domain.User, error) {
	username = shared.NormalizeUsername(username)
	fields := map[string]string{}
	for field, msg := range map[string]string{
		"username": shared.ValidateUsername(username),
		"password": shared.ValidatePassword(password),
		"account":  shared.ValidateAccountName(accountName),
		"email":    shared.ValidateEmail(email),
	} {
		if msg != "" {
			fields[field] = msg
		}
	}
	if _, problem := passwords.Verdict(password, username, &domain.Account{Name: accountName}); oneTime && fields["password"] == "" && problem != "" {
		fields["password"] = problem
	}
	if msg := shared.ValidateRole(role); msg != "" {
		fields["role"] = msg
	}
	if len(fields) > 0 {
		return nil, &shared.Error{Code: shared.EInvalid, Message: "The user cannot be created.", Fields: fields}
	}
	now := s.Now()
	acc, err := s.Store.AccountByName(ctx, accountName)
	if errors.Is(err, domain.ErrNotFound) {
		acc, err = s.Store.CreateAccount(ctx, accountName, now)
		if errors.Is(err, domain.ErrConflict) { // created meanwhile by someone else
			acc, err = s.Store.AccountByName(ctx, accountName)
		}
	}
	if err != nil {
		return nil, err
	}
	hash, err := s.Hasher.Hash(password)
	if err != nil {
		return nil, err
	}
	u := &domain.User{AccountID: acc.ID, Account: acc, Username: username, PasswordHash: hash, Role: role, CreatedAt: now,
		PasswordMustChange: oneTime}
	audit := s.History.Audit(acc.ID, nil, shared.AuditUserCreated, nil, core.Client{}, "role "+role)
	if email != "" {
		u.EmailPending = &email
		audit.Notice = s.Notices.LinkNotice(u, email, core.Client{})
	}
	if err := s.Store.CreateUser(ctx, u, audit); errors.Is(err, domain.ErrConflict) {
		return nil, shared.Errorf(shared.EConflict, "The username %q is taken.", username)
	} else if err != nil {
		return nil, err
	}
	return u, nil
}

// DefaultAccount is the account a fresh install creates.
const DefaultAccount = "Default"

// Bootstrap creates the first administrator, a platform administrator, when there are no users at all,
// and returns its generated password, to be shown once. It returns "" when
// users exist.
func (s *Service) Bootstrap(ctx context.Context) (username, password string, err error) {
	n, err := s.Store.CountUsers(ctx)
	if err != nil || n > 0 {
		return "", "", err
	}
	password = rand.Text() // 26 base32 characters: 130 bits
	// It was printed to a log: the first login must replace it.
	if _, err := s.CreateOneTimeUser(ctx, "admin", password, shared.RolePlatformAdmin, DefaultAccount, ""); err != nil {
		if shared.ErrorCode(err) == shared.EConflict { // another server bootstrapped first
			return "", "", nil
		}
		return "", "", fmt.Errorf("create the first administrator: %w", err)
	}
	return "admin", password, nil
}

// Sweep deletes expired and idle sessions, stale throttle counters, login
// events past their retention, expired trusted browsers, WebAuthn ceremonies
// nobody finished, and past days' mail counters and e-mail links, and
// returns how many rows it removed.
func (s *Service) Sweep(ctx context.Context) (int64, error) {
	now := s.Now()
	var total int64
	for _, del := range []func() (int64, error){
		func() (int64, error) { return s.Store.DeleteExpiredSessions(ctx, now, now.Add(-s.SessionIdle)) },
		func() (int64, error) { return s.Throttle.Sweep(ctx) },
		func() (int64, error) { return s.History.Sweep(ctx) },
		func() (int64, error) { return s.Store.DeleteExpiredTrustedBrowsers(ctx, now) },
		func() (int64, error) { return s.Store.DeleteExpiredCeremonies(ctx, now) },
		func() (int64, error) { return s.Notices.Sweep(ctx) },
	} {
		n, err := del()
		total += n
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

// Ready reports whether the database answers, for the readiness probe.
func (s *Service) Ready(ctx context.Context) error { return s.Store.Ping(ctx) }
