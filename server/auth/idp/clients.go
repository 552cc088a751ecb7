package idp

import (
	"context"
	"crypto/subtle"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/warden-auth/warden/server/auth/core"
	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/shared"
	"github.com/warden-auth/warden/shared/words"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// NewClient is what registers an application.
type NewClient struct {
	Name         string
	AccountID    *int64   // nil: every account's users (a platform-wide client)
	RedirectURIs []string // matched exactly
	// PostLogoutRedirectURIs are where its logout may send the browser
	// back to, matched exactly; none: Warden's page.
	PostLogoutRedirectURIs []string
	Public                 bool     // no secret: a browser or native app, which must use PKCE
	Roles                  []string // the roles that may use it; none: every role
	// MinACR is the proof every sign-in to it must give (ACRMultiFactor:
	// "require 2FA"; ACRPhishingResistant: a security key or passkey);
	// empty: what the account's policy asks.
	MinACR string
}

// CreateClient registers an application and returns it with its secret
// (empty for a public client), which is shown this once: only its hash is
// kept.
func (s *Service) CreateClient(ctx context.Context, nc NewClient) (*domain.OIDCClient, string, error) {
	if err := checkClient(nc); err != nil {
		return nil, "", err
	}
	id, err := s.newSecret()
	if err != nil {
		return nil, "", err
	}
	c := &domain.OIDCClient{ID: id[:22], AccountID: nc.AccountID, Name: strings.TrimSpace(nc.Name),
		RedirectURIs:           strings.Join(nc.RedirectURIs, "\n"),
		PostLogoutRedirectURIs: strings.Join(nc.PostLogoutRedirectURIs, "\n"), Roles: strings.Join(nc.Roles, " "), MinACR: nc.MinACR, CreatedAt: s.Now()}
	var secret string
	if !nc.Public {
		if secret, err = s.newSecret(); err != nil {
			return nil, "", err
		}
		c.SecretHash = core.HashToken(secret)
	}
	if err := s.Clients.AddClient(ctx, c); err != nil {
		return nil, "", err
	}
	return c, secret, nil
}

// checkClient refuses what no exact redirect match could make safe: an
// address that is not absolute http(s), that has a fragment (RFC 6749
// 3.1.2) or user information, and plain http but to this machine.
func checkClient(nc NewClient) error {
	if strings.TrimSpace(nc.Name) == "" {
		return shared.Fail(shared.EInvalid, words.ClientNeedsName)
	}
	if len(nc.RedirectURIs) == 0 {
		return shared.Fail(shared.EInvalid, words.ClientNeedsRedirectURI)
	}
	for _, r := range slices.Concat(nc.RedirectURIs, nc.PostLogoutRedirectURIs) {
		if err := checkRedirect(r); err != nil {
			return err
		}
	}
	if !CheckACR(nc.MinACR) {
		return shared.Fail(shared.EInvalid, words.ACRUnknown)
	}
	for _, role := range nc.Roles {
		if !slices.Contains(shared.Roles, role) {
			return shared.Fail(shared.EInvalid, words.NoSuchRole(role))
		}
	}
	return nil
}

// checkRedirect refuses a redirect address that is not absolute http(s),
// has a fragment or user information, or is plain http but to this
// machine.
func checkRedirect(r string) error {
	u, err := url.Parse(r)
	switch {
	case err != nil, !u.IsAbs(), u.Host == "", u.Fragment != "", strings.Contains(r, "#"), u.User != nil:
		return shared.Fail(shared.EInvalid, words.RedirectURIMalformed(r))
	case u.Scheme == "https":
	case u.Scheme == "http" && isLoopback(u.Hostname()):
	default:
		return shared.Fail(shared.EInvalid, words.RedirectURINotHTTPS(r))
	}
	return nil
}

func isLoopback(host string) bool {
	return host == "localhost" || host == "127.0.0.1" || host == "::1"
}

// RotateSecret gives a confidential client a new secret, returned this
// once; the old one stops working, and so do the client's grants.
func (s *Service) RotateSecret(ctx context.Context, id string) (string, error) {
	c, err := s.Clients.Client(ctx, id)
	if err != nil {
		return "", err
	}
	if c.Public() {
		return "", shared.Fail(shared.EInvalid, words.PublicClientHasNoSecret)
	}
	secret, err := s.newSecret()
	if err != nil {
		return "", err
	}
	return secret, s.Clients.SetClientSecret(ctx, id, core.HashToken(secret))
}

// may says whether u may sign in to c: a user of its account (any, for a
// platform-wide client) in one of its roles.
func may(c *domain.OIDCClient, u *domain.User) bool {
	return (c.AccountID == nil || *c.AccountID == u.AccountID) && c.AllowsRole(u.Role)
}

// client is a registered application as op sees it.
type client struct{ c *domain.OIDCClient }

var _ op.Client = client{}

func (c client) GetID() string                    { return c.c.ID }
func (c client) RedirectURIs() []string           { return c.c.Redirects() }
func (c client) PostLogoutRedirectURIs() []string { return c.c.PostLogouts() }
func (c client) ApplicationType() op.ApplicationType {
	// Web: redirect URIs match exactly, no loopback port is let go.
	return op.ApplicationTypeWeb
}

func (c client) AuthMethod() oidc.AuthMethod {
	if c.c.Public() {
		return oidc.AuthMethodNone
	}
	return oidc.AuthMethodBasic
}

func (c client) ResponseTypes() []oidc.ResponseType {
	return []oidc.ResponseType{oidc.ResponseTypeCode}
}
func (c client) GrantTypes() []oidc.GrantType {
	return []oidc.GrantType{oidc.GrantTypeCode, oidc.GrantTypeRefreshToken}
}

// LoginURL is where /authorize sends the browser: the callback, which
// sends it on to Warden's login when its session is not a full one.
func (c client) LoginURL(id string) string           { return CallbackPath + "?id=" + url.QueryEscape(id) }
func (c client) AccessTokenType() op.AccessTokenType { return op.AccessTokenTypeBearer }
func (c client) IDTokenLifetime() time.Duration      { return accessLife }
func (c client) DevMode() bool                       { return false }
func (c client) RestrictAdditionalIdTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}
func (c client) RestrictAdditionalAccessTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}
func (c client) IsScopeAllowed(string) bool { return false }

// IDTokenUserinfoClaimsAssertion puts the claims of the scopes asked for
// (e-mail, profile) in the ID token too, as most relying parties expect.
func (c client) IDTokenUserinfoClaimsAssertion() bool { return true }
func (c client) ClockSkew() time.Duration             { return 0 }

// checkSecret compares a client's secret with the stored hash.
func checkSecret(c *domain.OIDCClient, secret string) bool {
	return c.SecretHash != nil && subtle.ConstantTimeCompare(c.SecretHash, core.HashToken(secret)) == 1
}
