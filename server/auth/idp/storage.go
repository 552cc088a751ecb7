package idp

import (
	"context"
	"crypto/ecdsa"
	"encoding/json"
	"errors"
	"strings"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/warden-auth/warden/server/auth/core"
	"github.com/warden-auth/warden/server/domain"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// storage is the Service as op's Storage.
type storage struct{ s *Service }

var _ op.Storage = storage{}

// errPKCE refuses a public client's request without PKCE, and any request
// with a challenge method but S256 ("plain" proves nothing a thief of the
// request could not repeat).
var errPKCE = oidc.ErrInvalidRequest().WithDescription("PKCE with S256 is required")

func (st storage) CreateAuthRequest(ctx context.Context, req *oidc.AuthRequest, _ string) (op.AuthRequest, error) {
	s := st.s
	c, err := s.Clients.Client(ctx, req.ClientID)
	if err != nil {
		return nil, err
	}
	if (c.Public() || req.CodeChallenge != "") && (req.CodeChallenge == "" || req.CodeChallengeMethod != oidc.CodeChallengeMethodS256) {
		return nil, errPKCE
	}
	p := params{RedirectURI: req.RedirectURI, Scopes: req.Scopes, State: req.State, Nonce: req.Nonce,
		ResponseType: req.ResponseType, ResponseMode: req.ResponseMode,
		CodeChallenge: req.CodeChallenge, CodeChallengeMethod: req.CodeChallengeMethod, Prompt: req.Prompt,
		MaxAge: req.MaxAge, ACRValues: req.ACRValues}
	b, err := json.Marshal(p)
	if err != nil {
		return nil, err
	}
	id, err := s.newSecret()
	if err != nil {
		return nil, err
	}
	now := s.Now()
	row := &domain.OIDCAuthRequest{ID: id, ClientID: c.ID, Params: string(b), CreatedAt: now, ExpiresAt: now.Add(RequestLife)}
	if err := s.Store.AddAuthRequest(ctx, row); err != nil {
		return nil, err
	}
	return &authRequest{row: row, p: p}, nil
}

// request makes a stored request op's, with its user's subject once a
// session completed it.
func (st storage) request(ctx context.Context, row *domain.OIDCAuthRequest) (*authRequest, error) {
	var sub string
	if row.UserID != nil {
		var err error
		if sub, err = st.s.subject(ctx, *row.UserID); err != nil {
			return nil, err
		}
	}
	return newAuthRequest(row, sub)
}

func (st storage) AuthRequestByID(ctx context.Context, id string) (op.AuthRequest, error) {
	row, err := st.s.Store.AuthRequest(ctx, id, st.s.Now())
	if err != nil {
		return nil, err
	}
	return st.request(ctx, row)
}

// AuthRequestByCode spends the code: a code works once, and a request
// whose exchange then fails (a wrong verifier, another client) is spent all
// the same. The spent code is kept as long as an access token lives: shown
// again, it ends the grant it gave (RFC 6749 4.1.2).
func (st storage) AuthRequestByCode(ctx context.Context, code string) (op.AuthRequest, error) {
	now := st.s.Now()
	row, err := st.s.Store.TakeAuthCode(ctx, core.HashToken(code), now, now.Add(accessLife))
	if errors.Is(err, domain.ErrReplay) {
		st.s.Log.WarnContext(ctx, "a spent authorization code was presented again: its grant has ended")
		return nil, oidc.ErrInvalidGrant().WithDescription("the code was used already")
	}
	if err != nil {
		return nil, err
	}
	return st.request(ctx, row)
}

func (st storage) SaveAuthCode(ctx context.Context, id, code string) error {
	return st.s.Store.SetAuthCode(ctx, id, core.HashToken(code), st.s.Now().Add(codeLife))
}

func (st storage) DeleteAuthRequest(ctx context.Context, id string) error {
	return st.s.Store.DeleteAuthRequest(ctx, id)
}

func (st storage) CreateAccessToken(ctx context.Context, req op.TokenRequest) (string, time.Time, error) {
	access, _, exp, err := st.tokens(ctx, req, false)
	return access, exp, err
}

func (st storage) CreateAccessAndRefreshTokens(ctx context.Context, req op.TokenRequest, _ string) (string, string, time.Time, error) {
	return st.tokens(ctx, req, true)
}

// tokens makes an access token (and a refresh token, with refresh) for a
// completed request, as a new grant, or for a grant whose refresh token was
// just spent, in the same grant. The access token's id is its secret: op
// hands it out sealed under its crypto key, and the store keeps its hash.
func (st storage) tokens(ctx context.Context, req op.TokenRequest, refresh bool) (access, refreshToken string, exp time.Time, err error) {
	s := st.s
	now := s.Now()
	exp = now.Add(accessLife)
	if access, err = s.newSecret(); err != nil {
		return "", "", exp, err
	}
	toks := []*domain.OIDCToken{{Hash: core.HashToken(access), Kind: domain.TokenAccess, ExpiresAt: exp}}
	if refresh {
		if refreshToken, err = s.newSecret(); err != nil {
			return "", "", exp, err
		}
		toks = append(toks, &domain.OIDCToken{Hash: core.HashToken(refreshToken), Kind: domain.TokenRefresh, ExpiresAt: now.Add(refreshLife)})
	}
	switch r := req.(type) {
	case *authRequest:
		if r.row.SessionID == nil || r.row.UserID == nil {
			return "", "", exp, oidc.ErrInvalidGrant()
		}
		if err := s.live(ctx, *r.row.SessionID, r.row.ClientID); err != nil {
			return "", "", exp, err
		}
		g := &domain.OIDCGrant{ClientID: r.row.ClientID, SessionID: *r.row.SessionID, UserID: *r.row.UserID,
			Scopes: strings.Join(r.p.Scopes, " "), Methods: r.row.Methods, AuthTime: r.GetAuthTime(), CreatedAt: now,
			RequestID: r.row.ID}
		err = s.Store.AddGrant(ctx, g, toks...)
	case *refreshRequest:
		err = s.Store.AddTokens(ctx, r.g.ID, toks...)
	default:
		err = oidc.ErrUnsupportedGrantType()
	}
	if errors.Is(err, domain.ErrNotFound) {
		err = errEnded // the session ended between the code (or refresh token) and now
	}
	return access, refreshToken, exp, err
}

func (st storage) TokenRequestByRefreshToken(ctx context.Context, token string) (op.RefreshTokenRequest, error) {
	g, err := st.s.Store.UseRefreshToken(ctx, core.HashToken(token), st.s.Now())
	if errors.Is(err, domain.ErrReplay) {
		st.s.Log.WarnContext(ctx, "a spent refresh token was presented again: its grant has ended")
	}
	if err != nil {
		return nil, err
	}
	if err := st.s.live(ctx, g.SessionID, g.ClientID); err != nil {
		return nil, err
	}
	sub, err := st.s.subject(ctx, g.UserID)
	if err != nil {
		return nil, err
	}
	return &refreshRequest{g: g, subject: sub, scopes: strings.Fields(g.Scopes)}, nil
}

// errNoHint refuses a logout that names no user: a page of any site could
// send the browser there and sign the user out.
var errNoHint = oidc.ErrInvalidRequest().WithDescription("id_token_hint is required")

// TerminateSession ends the browser's Warden session (EndSession) if it is
// the session of the user the ID token hint names (subject): the user's
// other applications are signed out with it, their grants ended. The
// session of another user, or none, is left as it is: the hint's user is
// not signed in here.
func (st storage) TerminateSession(ctx context.Context, subject, _ string) error {
	lo, _ := ctx.Value(logoutKey{}).(*logout)
	if lo == nil || subject == "" {
		return errNoHint
	}
	if lo.sess == nil {
		return nil
	}
	sub, err := st.s.subject(ctx, lo.sess.UserID)
	if err != nil || sub != subject {
		return err
	}
	return lo.end(ctx)
}

// signingKey is the provider's ES256 key.
type signingKey struct {
	key *ecdsa.PrivateKey
	id  string
}

func (k signingKey) SignatureAlgorithm() jose.SignatureAlgorithm { return jose.ES256 }
func (k signingKey) Key() any                                    { return k.key }
func (k signingKey) ID() string                                  { return k.id }

// publicKey is its public half, in the JWKS.
type publicKey struct{ signingKey }

func (k publicKey) Algorithm() jose.SignatureAlgorithm { return jose.ES256 }
func (k publicKey) Use() string                        { return "sig" }
func (k publicKey) Key() any                           { return &k.key.PublicKey }

func (st storage) SigningKey(ctx context.Context) (op.SigningKey, error) {
	k, err := st.s.keys(ctx)
	if err != nil {
		return nil, err
	}
	return signingKey{key: k.signing, id: k.kid}, nil
}

func (st storage) SignatureAlgorithms(context.Context) ([]jose.SignatureAlgorithm, error) {
	return []jose.SignatureAlgorithm{jose.ES256}, nil
}

func (st storage) KeySet(ctx context.Context) ([]op.Key, error) {
	k, err := st.s.keys(ctx)
	if err != nil {
		return nil, err
	}
	return []op.Key{publicKey{signingKey{key: k.signing, id: k.kid}}}, nil
}

func (st storage) GetClientByClientID(ctx context.Context, id string) (op.Client, error) {
	c, err := st.s.Clients.Client(ctx, id)
	if err != nil {
		return nil, err
	}
	return client{c}, nil
}

func (st storage) AuthorizeClientIDSecret(ctx context.Context, id, secret string) error {
	c, err := st.s.Clients.Client(ctx, id)
	if err != nil {
		return err
	}
	if !checkSecret(c, secret) {
		return oidc.ErrInvalidClient().WithDescription("wrong client secret")
	}
	return nil
}

// SetUserinfoFromScopes is op's deprecated way; SetUserinfoFromRequest is
// the one.
func (st storage) SetUserinfoFromScopes(context.Context, *oidc.UserInfo, string, string, []string) error {
	return nil
}

// SetUserinfoFromRequest fills the ID token's claims.
func (st storage) SetUserinfoFromRequest(ctx context.Context, info *oidc.UserInfo, req op.IDTokenRequest, scopes []string) error {
	var userID int64
	switch r := req.(type) {
	case *authRequest:
		if r.row.UserID == nil {
			return oidc.ErrInvalidGrant()
		}
		userID = *r.row.UserID
	case *refreshRequest:
		userID = r.g.UserID
	default:
		return oidc.ErrUnsupportedGrantType()
	}
	return st.s.userinfo(ctx, info, userID, scopes)
}

// SetUserinfoFromToken answers /userinfo for a live access token: one of a
// grant whose session has not ended.
func (st storage) SetUserinfoFromToken(ctx context.Context, info *oidc.UserInfo, tokenID, subject, _ string) error {
	_, g, err := st.s.accessGrant(ctx, tokenID)
	if err != nil {
		return oidc.ErrAccessDenied().WithDescription("the access token is not valid")
	}
	if err := st.s.userinfo(ctx, info, g.UserID, strings.Fields(g.Scopes)); err != nil {
		return err
	}
	if info.Subject != subject {
		return oidc.ErrAccessDenied().WithDescription("the access token is not valid")
	}
	return nil
}

func (st storage) GetPrivateClaimsFromScopes(context.Context, string, string, []string) (map[string]any, error) {
	return nil, nil
}

func (st storage) GetKeyByIDAndClientID(context.Context, string, string) (*jose.JSONWebKey, error) {
	return nil, oidc.ErrRequestNotSupported()
}

func (st storage) ValidateJWTProfileScopes(context.Context, string, []string) ([]string, error) {
	return nil, oidc.ErrRequestNotSupported()
}

func (st storage) Health(context.Context) error { return nil }
