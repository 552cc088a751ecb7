package domain

import (
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun"
)

// OIDCClient is an application that signs its users in with Warden, the
// platform's OpenID Connect provider (server/auth/idp).
type OIDCClient struct {
	bun.BaseModel `bun:"table:oidc_clients,alias:oc"`

	ID string `bun:"id,pk"` // the client_id: random, public
	// AccountID is the account whose users may use it; nil: every account's
	// (a platform-wide client).
	AccountID *int64 `bun:"account_id"`
	Name      string `bun:"name,notnull"`
	// RedirectURIs are matched exactly, one per line.
	RedirectURIs string `bun:"redirect_uris,notnull"`
	// PostLogoutRedirectURIs are where it may have the browser sent after
	// Warden signed the user out at its request, one per line, matched
	// exactly.
	PostLogoutRedirectURIs string `bun:"post_logout_redirect_uris,notnull"`
	// SecretHash is the SHA-256 of a confidential client's secret; nil for a
	// public client, which must use PKCE.
	SecretHash []byte `bun:"secret_hash" json:"-"`
	// Roles are the roles that may use it, space-separated; empty: every role.
	Roles string `bun:"roles,notnull"`
	// MinACR is the proof every sign-in to it must have given (an acr of
	// server/auth/idp: a second factor, a phishing-resistant one); empty:
	// any.
	MinACR    string    `bun:"min_acr,notnull"`
	CreatedAt time.Time `bun:"created_at,notnull"`
}

// Redirects lists the client's redirect URIs.
func (c *OIDCClient) Redirects() []string { return strings.Fields(c.RedirectURIs) }

// PostLogouts lists the client's post-logout redirect URIs.
func (c *OIDCClient) PostLogouts() []string { return strings.Fields(c.PostLogoutRedirectURIs) }

// Public reports whether the client has no secret.
func (c *OIDCClient) Public() bool { return c.SecretHash == nil }

// AllowsRole reports whether a user of role may use the client.
func (c *OIDCClient) AllowsRole(role string) bool {
	roles := strings.Fields(c.Roles)
	return len(roles) == 0 || slices.Contains(roles, role)
}

// OIDCAuthRequest is an authorization request on its way through the login.
// A full session completes it (SessionID, UserID, Methods, AuthTime); its
// code, kept as a hash, is exchanged once, which spends it.
type OIDCAuthRequest struct {
	bun.BaseModel `bun:"table:oidc_auth_requests,alias:oar"`

	ID        string     `bun:"id,pk"`
	ClientID  string     `bun:"client_id,notnull"`
	Params    string     `bun:"params,notnull"` // the request's parameters, as JSON (idp's params)
	SessionID *int64     `bun:"session_id"`
	UserID    *int64     `bun:"user_id"`
	Methods   string     `bun:"methods,notnull"`
	AuthTime  *time.Time `bun:"auth_time"`
	CodeHash  []byte     `bun:"code_hash" json:"-"`
	// CodeUsedAt is when its code was exchanged: the spent code is kept,
	// so that one presented again revokes what it gave.
	CodeUsedAt *time.Time `bun:"code_used_at"`
	CreatedAt  time.Time  `bun:"created_at,notnull"`
	ExpiresAt  time.Time  `bun:"expires_at,notnull"`
}

// OIDCGrant is what one code exchange gave a client, with every token
// refreshed from it: one family, which ends with its Warden session.
type OIDCGrant struct {
	bun.BaseModel `bun:"table:oidc_grants,alias:og"`

	ID        int64     `bun:"id,pk,autoincrement"`
	ClientID  string    `bun:"client_id,notnull"`
	SessionID int64     `bun:"session_id,notnull"`
	UserID    int64     `bun:"user_id,notnull"`
	Scopes    string    `bun:"scopes,notnull"`  // space-separated
	Methods   string    `bun:"methods,notnull"` // what the sign-in proved (Session.Methods)
	AuthTime  time.Time `bun:"auth_time,notnull"`
	CreatedAt time.Time `bun:"created_at,notnull"`
	// RequestID is the authorization request whose code made it; a replay
	// of that code ends it.
	RequestID string `bun:"request_id,nullzero"`
}

// Token kinds.
const (
	TokenAccess  = "access"
	TokenRefresh = "refresh"
)

// OIDCToken is an access or refresh token of a grant, by the SHA-256 of its
// secret.
type OIDCToken struct {
	bun.BaseModel `bun:"table:oidc_tokens,alias:ot"`

	Hash      []byte     `bun:"hash,pk" json:"-"`
	GrantID   int64      `bun:"grant_id,notnull"`
	Kind      string     `bun:"kind,notnull"`
	ExpiresAt time.Time  `bun:"expires_at,notnull"`
	UsedAt    *time.Time `bun:"used_at"` // a refresh token, once rotated
}
