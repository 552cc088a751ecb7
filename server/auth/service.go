// Package auth is the login state machine and the account-security rules:
// password hashing, sessions and their stages, and the login history. Its
// clock and random source are fields so tests can fix them.
package auth

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/warden-auth/warden/server/auth/passwords"
	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/server/sealing"
	"github.com/warden-auth/warden/shared"
)

// Service holds the auth rules. Create it with New; the exported fields may be
// changed before first use.
type Service struct {
	Store  Store
	Keys   *sealing.Keyring // seals TOTP secrets at rest
	Hasher *passwords.Hasher
	Log    *slog.Logger
	Now    func() time.Time
	Rand   io.Reader
	// Issuer names the platform in authenticator apps.
	Issuer string

	// Session lifetimes. A session ends when it has been idle for SessionIdle
	// or is older than SessionMax, whichever comes first; a session still
	// waiting for its second factor or its 2FA setup has a short life of its
	// own.
	SessionIdle   time.Duration
	SessionMax    time.Duration
	SecondStepTTL time.Duration
	EnrollmentTTL time.Duration

	// HistoryRetention is how long login events are kept.
	HistoryRetention time.Duration

	// ReauthWindow is how long a proof of the user (the login, a password
	// or a code given again) lets them take sensitive actions.
	ReauthWindow time.Duration

	// MailEnabled sends each notice by e-mail too, to users with a
	// confirmed address, and the links that confirm one (mail.go delivers
	// them).
	MailEnabled bool
	// MailCaps bound the mail each recipient address gets in a day.
	MailCaps domain.MailCaps
	// LinkBase is the origin (scheme://host[:port]) that links in mail
	// name when the request that asked for one named none (the command
	// line): PUBLIC_URL, or this server in development.
	LinkBase string

	dummyOnce sync.Once
	dummyHash string
	// locks are the networks this process found locked (throttle.go).
	locks networkLocks
}

// New returns a Service with the production defaults: the system clock,
// crypto/rand, and OWASP's argon2id parameters.
func New(s Store, keys *sealing.Keyring, log *slog.Logger) *Service {
	svc := &Service{
		Store:            s,
		Keys:             keys,
		Issuer:           "Warden",
		Hasher:           passwords.NewHasher(passwords.OWASPParams, rand.Reader),
		Log:              log,
		Now:              time.Now,
		Rand:             rand.Reader,
		SessionIdle:      30 * time.Minute,
		SessionMax:       12 * time.Hour,
		SecondStepTTL:    5 * time.Minute,
		EnrollmentTTL:    30 * time.Minute,
		HistoryRetention: 180 * 24 * time.Hour,
		ReauthWindow:     10 * time.Minute,
		MailCaps:         domain.MailCaps{PerDay: DefaultMailPerDay, LinksPerDay: 5},
		LinkBase:         "http://localhost:8000",
	}
	return svc
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

// DefaultMailPerDay is how many mails a recipient address gets in a day
// at most (MAIL_PER_DAY).
const DefaultMailPerDay = 20

// Client describes where a request comes from, for sessions and events.
type Client struct {
	IP        string
	UserAgent string
	Device    string // the device cookie, if the browser has one (device.go)
	Trust     string // the trusted-browser cookie, if the browser has one (sessions.go)
	// Origin is the server as the request reached it (scheme://host, or
	// PUBLIC_URL), which links in mail it asks for name.
	Origin string
}

// maxStoredField bounds what an attacker-controlled header or name can make
// the server store.
const maxStoredField = 256

func (c Client) clip() Client {
	return Client{IP: clip(c.IP, 64), UserAgent: clip(c.UserAgent, maxStoredField), Device: clip(c.Device, 128), Trust: clip(c.Trust, 64),
		Origin: clip(c.Origin, maxStoredField)}
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
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
	audit := s.audit(acc.ID, nil, shared.AuditUserCreated, nil, Client{}, "role "+role)
	if email != "" {
		u.EmailPending = &email
		audit.Notice = s.linkNotice(u, email, Client{})
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
		func() (int64, error) { return s.Store.DeleteStaleThrottles(ctx, now.Add(-24*time.Hour), now) },
		func() (int64, error) { return s.Store.DeleteLoginEventsBefore(ctx, now.Add(-s.HistoryRetention)) },
		func() (int64, error) { return s.Store.DeleteExpiredTrustedBrowsers(ctx, now) },
		func() (int64, error) { return s.Store.DeleteExpiredCeremonies(ctx, now) },
		func() (int64, error) { return s.Store.DeleteStaleMailRecords(ctx, now) },
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
