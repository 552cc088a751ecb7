// Package idp makes Warden the platform's OpenID Connect provider: other
// applications send their users here to sign in, and get who they are in
// an ID token, with what the sign-in proved (amr, acr). The protocol is
// zitadel/oidc's op package; this package is its Storage over Warden's
// store, the registered clients, the signing key sealed under the key
// ring, and the step that hands a full Warden session's sign-in to an
// authorization request (Provider.Callback).
//
// A request, its code and every token go with the Warden session they came
// from: whatever ends the session (logout, an ended session, a password
// change, a 2FA reset, a disabled user) ends them at once, on every server
// process.
package idp

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/warden-auth/warden/server/auth/core"
	"github.com/warden-auth/warden/server/auth/keys"
	"github.com/warden-auth/warden/server/auth/stage"
	"github.com/warden-auth/warden/server/domain"
	"github.com/zitadel/oidc/v3/pkg/oidc"
)

// Clients is where the registered applications are kept. Client returns
// domain.ErrNotFound for none; SetClientSecret and DeleteClient too.
type Clients interface {
	AddClient(ctx context.Context, c *domain.OIDCClient) error
	Client(ctx context.Context, id string) (*domain.OIDCClient, error)
	Clients(ctx context.Context) ([]*domain.OIDCClient, error)
	SetClientSecret(ctx context.Context, id string, hash []byte) error
	DeleteClient(ctx context.Context, id string) error
}

// Store is where the sign-ins to applications are kept (server/store's
// idpstore). The lookups return domain.ErrNotFound for what is not there or
// (but TokenGrant's) has expired; TakeAuthCode gives a code's request to one caller only,
// and presented a spent code, ends the grant it made and returns domain.ErrReplay;
// UseRefreshToken spends a refresh token once and, presented a spent one,
// ends its grant and returns domain.ErrReplay.
type Store interface {
	AddAuthRequest(ctx context.Context, r *domain.OIDCAuthRequest) error
	AuthRequest(ctx context.Context, id string, now time.Time) (*domain.OIDCAuthRequest, error)
	CompleteAuthRequest(ctx context.Context, id string, sess *domain.Session, methods string, authTime, now time.Time) error
	SetAuthCode(ctx context.Context, id string, codeHash []byte, until time.Time) error
	TakeAuthCode(ctx context.Context, codeHash []byte, now, keepUntil time.Time) (*domain.OIDCAuthRequest, error)
	DeleteAuthRequest(ctx context.Context, id string) error
	AddGrant(ctx context.Context, g *domain.OIDCGrant, tokens ...*domain.OIDCToken) error
	TokenGrant(ctx context.Context, hash []byte) (*domain.OIDCToken, *domain.OIDCGrant, error)
	DeleteGrant(ctx context.Context, id int64) error
	DeleteToken(ctx context.Context, hash []byte) error
	UseRefreshToken(ctx context.Context, hash []byte, now time.Time) (*domain.OIDCGrant, error)
	AddTokens(ctx context.Context, grantID int64, tokens ...*domain.OIDCToken) error
	GrantSession(ctx context.Context, sessionID int64, now time.Time) (*domain.Session, error)
	UserByID(ctx context.Context, id int64) (*domain.User, error)
	SweepIDP(ctx context.Context, now time.Time) (int64, error)
}

// Lifetimes.
const (
	RequestLife = 15 * time.Minute // from /authorize to the code: the whole login, 2FA and all
	codeLife    = 2 * time.Minute  // from the code to its exchange, a server-to-server call
	accessLife  = 10 * time.Minute // an access token; the ID token lives as long
	refreshLife = 30 * 24 * time.Hour
)

// The names of the keys the database keeps sealed for the provider
// (keys.Service.Named).
const (
	signingKeyName = "oidc-signing-es256" // the ES256 key ID tokens are signed with
	cryptoKeyName  = "oidc-crypto"        // op's AES key for codes and access tokens
	subjectKeyName = "oidc-subject"       // the HMAC key of the users' sub
)

// Service is the provider's rules.
type Service struct {
	*core.Env
	Store   Store
	Clients Clients
	sealed  *keys.Service

	mu     sync.Mutex
	opened *openKeys
}

// New returns the provider over st and clients, its keys kept sealed by
// sealed.
func New(env *core.Env, st Store, clients Clients, sealed *keys.Service) *Service {
	return &Service{Env: env, Store: st, Clients: clients, sealed: sealed}
}

// openKeys are the provider's keys, opened from the database.
type openKeys struct {
	signing *ecdsa.PrivateKey
	kid     string
	crypto  [32]byte
	subject []byte
}

// keys opens the provider's keys on first use (making them on a fresh
// database); a failure is tried again at the next use.
func (s *Service) keys(ctx context.Context) (*openKeys, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.opened != nil {
		return s.opened, nil
	}
	raw := map[string][]byte{}
	for _, name := range []string{signingKeyName, cryptoKeyName, subjectKeyName} {
		b, err := s.sealed.Named(ctx, name)
		if err != nil {
			return nil, err
		}
		raw[name] = b
	}
	// The sealed key is the private scalar itself: 32 random bytes are a
	// valid P-256 key but for a chance of about 2^-32.
	signing, err := ecdsa.ParseRawPrivateKey(elliptic.P256(), raw[signingKeyName])
	if err != nil {
		return nil, fmt.Errorf("the OpenID Connect signing key: %w", err)
	}
	pub, err := signing.PublicKey.Bytes()
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(pub)
	k := &openKeys{signing: signing, kid: base64.RawURLEncoding.EncodeToString(sum[:12]), subject: raw[subjectKeyName]}
	copy(k.crypto[:], raw[cryptoKeyName])
	s.opened = k
	return k, nil
}

// subject is the user's sub: stable, the same to every client, and not the
// username (which an administrator may change) nor the row's number.
func (s *Service) subject(ctx context.Context, userID int64) (string, error) {
	k, err := s.keys(ctx)
	if err != nil {
		return "", err
	}
	mac := hmac.New(sha256.New, k.subject)
	mac.Write([]byte("user:" + strconv.FormatInt(userID, 10)))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil)[:18]), nil
}

// errEnded refuses a token whose sign-in Warden no longer stands by.
var errEnded = oidc.ErrInvalidGrant().WithDescription("the sign-in has ended")

// live checks that a sign-in, of the Warden session sessionID to the
// client clientID, still stands: the session not expired (before the sweep
// deletes it, and its grants with it), its user not disabled, not sent back
// to the 2FA setup by the account's Force 2FA (the policy holds for
// sign-ins from before it, as for the session), and still one the client
// is for (a role or account changed since).
func (s *Service) live(ctx context.Context, sessionID int64, clientID string) error {
	now := s.Now()
	sess, err := s.Store.GrantSession(ctx, sessionID, now)
	if errors.Is(err, domain.ErrNotFound) {
		return errEnded
	} else if err != nil {
		return err
	}
	u := sess.User
	if u.Disabled() || sess.Stage != stage.Full {
		return errEnded
	}
	if ev, moved := stage.PolicyEvent(u, now); moved && ev == stage.PolicyForces {
		return errEnded
	}
	c, err := s.Clients.Client(ctx, clientID)
	if errors.Is(err, domain.ErrNotFound) || err == nil && !may(c, u) {
		return errEnded
	}
	return err
}

// Sweep deletes the requests and tokens that have expired.
func (s *Service) Sweep(ctx context.Context) (int64, error) { return s.Store.SweepIDP(ctx, s.Now()) }

// newSecret is 256 random bits, base64url.
func (s *Service) newSecret() (string, error) {
	token, _, err := core.NewToken(s.Rand)
	return token, err
}
