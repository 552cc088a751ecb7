// Package auth puts the account-security rules together. Each concern is a
// package below this one, with the store interface it needs:
//
//	stage      the login state machine as a table, and Force 2FA's policy
//	core       what all share: the environment (clock, random source, keys,
//	           settings), the client, tokens, values sealed for a browser
//	passwords  argon2id, the admission of the checks, the strength rules
//	history    the login history and the audit log
//	notices    security notices, their mail, e-mail addresses and links
//	throttle   password throttles, network locks, the second factor's lockout
//	keys       the database's sealed keys and their rotation
//	factor     the one interface of second factors, and what goes through it;
//	           factor/recovery, factor/totp, factor/webauthn are the factors
//	sessions   a request's session, the user's sessions and trusted browsers,
//	           re-authentication
//	login      the login's steps: password, second step, passkey, one-time
//	           password, enrollment
//	accounts   accounts, users and who may administer whom, Me
//	idp        Warden as the platform's OpenID Connect provider: clients,
//	           sign-ins to applications, their tokens
//
// New wires them to the database (Stores) and to each other; a package
// depends only on packages above it in this list
// (server/internal/architecture keeps that true).
package auth

import (
	"context"
	"log/slog"

	"github.com/warden-auth/warden/server/auth/accounts"
	"github.com/warden-auth/warden/server/auth/core"
	"github.com/warden-auth/warden/server/auth/factor"
	"github.com/warden-auth/warden/server/auth/factor/recovery"
	"github.com/warden-auth/warden/server/auth/factor/totp"
	"github.com/warden-auth/warden/server/auth/factor/webauthn"
	"github.com/warden-auth/warden/server/auth/history"
	"github.com/warden-auth/warden/server/auth/idp"
	"github.com/warden-auth/warden/server/auth/keys"
	"github.com/warden-auth/warden/server/auth/login"
	"github.com/warden-auth/warden/server/auth/notices"
	"github.com/warden-auth/warden/server/auth/sessions"
	"github.com/warden-auth/warden/server/auth/throttle"
	"github.com/warden-auth/warden/server/sealing"
)

// Stores is the database as each concern declared it needs it; one
// database (server/store's Store) serves every one. Every method may return
// domain.ErrUnavailable when the database cannot be reached.
type Stores struct {
	Health   Health
	History  history.Store
	Notices  notices.Store
	Throttle throttle.Store
	Keys     keys.Store
	Factors  factor.Store
	Recovery recovery.Store
	TOTP     totp.Store
	WebAuthn webauthn.Store
	Sessions sessions.Store
	Login    login.Store
	Accounts accounts.Store
	Users    accounts.Users
	// IDP and IDPClients are the OpenID Connect provider's.
	IDP        idp.Store
	IDPClients idp.Clients
}

// Health is whether the database answers.
type Health interface {
	Ping(ctx context.Context) error
}

// Service is the rules, each concern's service in a field. Create it with
// New; the fields of its Env may be changed before first use, and every
// concern sees the change.
type Service struct {
	*core.Env
	health Health

	History  *history.Service
	Notices  *notices.Service
	Throttle *throttle.Service
	// SealedKeys are the keys the database keeps sealed under Env.Keys.
	SealedKeys *keys.Service
	Factors    *factor.Service
	Recovery   *recovery.Factor
	TOTP       *totp.Factor
	WebAuthn   *webauthn.Factor
	Sessions   *sessions.Service
	Login      *login.Service
	Accounts   *accounts.Service
	// IDP is Warden as the platform's OpenID Connect provider.
	IDP *idp.Service
}

// New returns the rules over st with the production defaults
// (core.NewEnv), every factor registered.
func New(st Stores, ring *sealing.Keyring, log *slog.Logger) *Service {
	env := core.NewEnv(ring, log)
	s := &Service{Env: env, health: st.Health}
	s.History = history.New(env, st.History)
	s.Notices = notices.New(env, st.Notices, s.History)
	s.Throttle = throttle.New(env, st.Throttle, s.History, s.Notices)
	s.SealedKeys = keys.New(env, st.Keys)
	base := factor.Base{Env: env, History: s.History, Notices: s.Notices, Throttle: s.Throttle}
	s.Factors = factor.New(base, st.Factors)
	s.Recovery = recovery.New(base, st.Recovery, s.Factors)
	s.TOTP = totp.New(base, st.TOTP, s.Recovery)
	s.WebAuthn = webauthn.New(base, st.WebAuthn, s.Recovery)
	// The order is the user's list's: the app, then the keys.
	s.Factors.Register(s.TOTP, s.WebAuthn, s.Recovery)
	s.Sessions = sessions.New(base, st.Sessions, s.Factors)
	s.Login = login.New(base, st.Login, s.Factors, s.Sessions, s.WebAuthn)
	s.Accounts = accounts.New(env, st.Accounts, st.Users, s.History, s.Notices, s.Factors, s.Recovery)
	s.IDP = idp.New(env, st.IDP, st.IDPClients, s.SealedKeys)
	return s
}

// Sweep deletes expired and idle sessions, stale throttle counters, login
// events past their retention, expired trusted browsers, WebAuthn ceremonies
// nobody finished, past days' mail counters and e-mail links, and
// authorization requests and tokens of applications past their end, and
// returns how many rows it removed.
func (s *Service) Sweep(ctx context.Context) (int64, error) {
	var total int64
	for _, sweep := range []func(context.Context) (int64, error){
		s.Sessions.Sweep, s.Throttle.Sweep, s.History.Sweep, s.WebAuthn.Sweep, s.Notices.Sweep, s.IDP.Sweep,
	} {
		n, err := sweep(ctx)
		total += n
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

// Ready reports whether the database answers, for the readiness probe.
func (s *Service) Ready(ctx context.Context) error { return s.health.Ping(ctx) }
