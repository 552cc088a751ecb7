package idp

import (
	"context"
	"errors"
	"strings"

	"github.com/warden-auth/warden/server/auth/core"
	"github.com/warden-auth/warden/server/domain"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// accessGrant is the live access token whose id (its secret) is tokenID,
// with its grant: not expired, its sign-in still standing (live).
func (s *Service) accessGrant(ctx context.Context, tokenID string) (*domain.OIDCToken, *domain.OIDCGrant, error) {
	t, g, err := s.Store.TokenGrant(ctx, core.HashToken(tokenID))
	if err != nil {
		return nil, nil, err
	}
	if t.Kind != domain.TokenAccess || !t.ExpiresAt.After(s.Now()) {
		return nil, nil, errEnded
	}
	return t, g, s.live(ctx, g.SessionID, g.ClientID)
}

// refreshPrefix marks what GetRefreshTokenInfo hands RevokeToken: a refresh
// token, which op would otherwise pass as an access token's id.
const refreshPrefix = "refresh:"

// GetRefreshTokenInfo tells op whether token is a refresh token (of any
// client: RevokeToken checks whose), for revocation (RFC 7009).
func (st storage) GetRefreshTokenInfo(ctx context.Context, _ string, token string) (string, string, error) {
	t, g, err := st.s.Store.TokenGrant(ctx, core.HashToken(token))
	if errors.Is(err, domain.ErrNotFound) || err == nil && t.Kind != domain.TokenRefresh {
		return "", "", op.ErrInvalidRefreshToken
	} else if err != nil {
		return "", "", err
	}
	sub, err := st.s.subject(ctx, g.UserID)
	return sub, refreshPrefix + token, err
}

// RevokeToken ends a token at its client's request (RFC 7009): a refresh
// token with its whole grant (every access token refreshed from it), an
// access token alone. A token of another client is refused; one unknown
// or ended already is no error (section 2.2: the client's purpose is met).
func (st storage) RevokeToken(ctx context.Context, tokenOrID, _ string, clientID string) *oidc.Error {
	secret, refresh := strings.CutPrefix(tokenOrID, refreshPrefix)
	t, g, err := st.s.Store.TokenGrant(ctx, core.HashToken(secret))
	switch {
	case errors.Is(err, domain.ErrNotFound):
		return nil
	case err != nil:
		return oidc.ErrServerError().WithParent(err)
	case g.ClientID != clientID:
		return oidc.ErrInvalidClient().WithDescription("the token was not issued to this client")
	case refresh:
		err = st.s.Store.DeleteGrant(ctx, g.ID)
	default:
		err = st.s.Store.DeleteToken(ctx, t.Hash)
	}
	if err != nil {
		return oidc.ErrServerError().WithParent(err)
	}
	return nil
}

// SetIntrospectionFromToken answers a resource server about an access
// token (RFC 7662): active only while its sign-in stands, and only to the
// client it was issued to; anything else answers inactive.
func (st storage) SetIntrospectionFromToken(ctx context.Context, resp *oidc.IntrospectionResponse, tokenID, subject, clientID string) error {
	t, g, err := st.s.accessGrant(ctx, tokenID)
	if err != nil {
		return err
	}
	if g.ClientID != clientID {
		return errEnded
	}
	scopes := strings.Fields(g.Scopes)
	info := new(oidc.UserInfo)
	if err := st.s.userinfo(ctx, info, g.UserID, scopes); err != nil {
		return err
	}
	if info.Subject != subject {
		return errEnded
	}
	resp.SetUserInfo(info)
	resp.Scope, resp.ClientID, resp.TokenType = scopes, g.ClientID, oidc.BearerToken
	resp.Expiration, resp.AuthTime = oidc.FromTime(t.ExpiresAt), oidc.FromTime(g.AuthTime)
	resp.Audience, resp.AuthenticationMethodsReferences = []string{g.ClientID}, amr(g.Methods)
	return nil
}
