// Package core is what every concern of auth shares: the environment (the
// clock, the random source, the key ring, the password hasher, the logger
// and the settings), the client a request comes from, session tokens,
// values sealed for a browser to keep, and the few answers every concern
// gives alike. Its clock and random source are fields so tests can fix
// them: no auth logic calls time.Now.
package core

import (
	"crypto/rand"
	"io"
	"log/slog"
	"time"

	"github.com/warden-auth/warden/server/auth/passwords"
	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/server/sealing"
)

// Env is the environment every concern's service runs in. One Env is shared
// by all of them (auth.New), so a setting changed before first use is seen
// by each.
type Env struct {
	Keys   *sealing.Keyring // seals TOTP secrets and browser-kept values at rest
	Hasher *passwords.Hasher
	Log    *slog.Logger
	Now    func() time.Time
	Rand   io.Reader
	// Issuer names the platform in authenticator apps and mail.
	Issuer string

	// Session lifetimes. A session ends when it has been idle for SessionIdle
	// or is older than SessionMax, whichever comes first; a session still
	// waiting for its second factor or its 2FA setup has a short life of its
	// own (package stage says which).
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
	// confirmed address, and the links that confirm one.
	MailEnabled bool
	// MailCaps bound the mail each recipient address gets in a day.
	MailCaps domain.MailCaps
	// LinkBase is the origin (scheme://host[:port]) that links in mail
	// name when the request that asked for one named none (the command
	// line): PUBLIC_URL, or this server in development.
	LinkBase string
}

// DefaultMailPerDay is how many mails a recipient address gets in a day
// at most (MAIL_PER_DAY).
const DefaultMailPerDay = 20

// NewEnv returns the production defaults: the system clock, crypto/rand,
// and OWASP's argon2id parameters.
func NewEnv(keys *sealing.Keyring, log *slog.Logger) *Env {
	return &Env{
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
}
