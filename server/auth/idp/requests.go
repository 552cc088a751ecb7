package idp

import (
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/shared"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// params are what an authorization request asked for, kept as JSON in its
// row until the code is exchanged.
type params struct {
	RedirectURI         string                   `json:"redirect_uri"`
	Scopes              []string                 `json:"scopes"`
	State               string                   `json:"state"`
	Nonce               string                   `json:"nonce"`
	ResponseType        oidc.ResponseType        `json:"response_type"`
	ResponseMode        oidc.ResponseMode        `json:"response_mode,omitempty"`
	CodeChallenge       string                   `json:"code_challenge,omitempty"`
	CodeChallengeMethod oidc.CodeChallengeMethod `json:"code_challenge_method,omitempty"`
	Prompt              []string                 `json:"prompt,omitempty"`
	MaxAge              *uint                    `json:"max_age,omitempty"`    // seconds
	ACRValues           []string                 `json:"acr_values,omitempty"` // what the client would accept
}

// authRequest is a stored request as op sees it.
type authRequest struct {
	row     *domain.OIDCAuthRequest
	p       params
	subject string // set once a session completed it
}

var _ op.AuthRequest = (*authRequest)(nil)

func newAuthRequest(row *domain.OIDCAuthRequest, subject string) (*authRequest, error) {
	r := &authRequest{row: row, subject: subject}
	return r, json.Unmarshal([]byte(row.Params), &r.p)
}

func (r *authRequest) GetID() string         { return r.row.ID }
func (r *authRequest) GetACR() string        { return acr(r.row.Methods) }
func (r *authRequest) GetAMR() []string      { return amr(r.row.Methods) }
func (r *authRequest) GetAudience() []string { return []string{r.row.ClientID} }
func (r *authRequest) GetAuthTime() time.Time {
	if r.row.AuthTime == nil {
		return time.Time{}
	}
	return *r.row.AuthTime
}
func (r *authRequest) GetClientID() string { return r.row.ClientID }
func (r *authRequest) GetCodeChallenge() *oidc.CodeChallenge {
	if r.p.CodeChallenge == "" {
		return nil
	}
	return &oidc.CodeChallenge{Challenge: r.p.CodeChallenge, Method: r.p.CodeChallengeMethod}
}
func (r *authRequest) GetNonce() string                   { return r.p.Nonce }
func (r *authRequest) GetRedirectURI() string             { return r.p.RedirectURI }
func (r *authRequest) GetResponseType() oidc.ResponseType { return r.p.ResponseType }
func (r *authRequest) GetResponseMode() oidc.ResponseMode { return r.p.ResponseMode }
func (r *authRequest) GetScopes() []string                { return r.p.Scopes }
func (r *authRequest) GetState() string                   { return r.p.State }
func (r *authRequest) GetSubject() string                 { return r.subject }
func (r *authRequest) Done() bool                         { return r.row.SessionID != nil }

// refreshRequest is a grant as op sees it when a refresh token is
// exchanged.
type refreshRequest struct {
	g       *domain.OIDCGrant
	subject string
	scopes  []string
}

var _ op.RefreshTokenRequest = (*refreshRequest)(nil)

func (r *refreshRequest) GetAMR() []string            { return amr(r.g.Methods) }
func (r *refreshRequest) GetAudience() []string       { return []string{r.g.ClientID} }
func (r *refreshRequest) GetAuthTime() time.Time      { return r.g.AuthTime }
func (r *refreshRequest) GetClientID() string         { return r.g.ClientID }
func (r *refreshRequest) GetScopes() []string         { return r.scopes }
func (r *refreshRequest) GetSubject() string          { return r.subject }
func (r *refreshRequest) SetCurrentScopes(s []string) { r.scopes = s }

// The acr values: what kind of proof the sign-in was.
const (
	ACRPassword          = "urn:warden:acr:password"           // a password alone (or with a trusted browser)
	ACRMultiFactor       = "urn:warden:acr:mfa"                // a password and a second factor
	ACRPhishingResistant = "urn:warden:acr:phishing-resistant" // a security key or passkey, bound to this origin
)

// amr says a sign-in's methods (domain.Session.Methods) in RFC 8176's
// values: pwd, otp (an authenticator app's code or a recovery code), hwk
// (a security key), swk (a passkey, which may be synced between devices),
// and mfa when two kinds of proof were given. A trusted browser that spared
// the second step adds nothing: the user proved only the password.
func amr(methods string) []string {
	var out []string
	for _, m := range strings.Fields(methods) {
		var v string
		switch m {
		case shared.MethodPassword, shared.MethodTrustedBrowser:
			v = "pwd"
		case shared.MethodTOTP, shared.MethodRecoveryCode:
			v = "otp"
		case shared.MethodSecurityKey:
			v = "hwk"
		case shared.MethodPasskey:
			// A passkey asks the user for their PIN or biometric: two
			// factors in one.
			out = append(out, "swk", "user")
			continue
		}
		if v != "" && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	if len(out) > 1 {
		out = append(out, "mfa")
	}
	return out
}

// acr names the strongest kind of proof of a sign-in's methods.
func acr(methods string) string {
	ms := strings.Fields(methods)
	switch {
	case len(ms) == 0:
		return ""
	case slices.Contains(ms, shared.MethodSecurityKey) || slices.Contains(ms, shared.MethodPasskey):
		return ACRPhishingResistant
	case len(amr(methods)) > 1:
		return ACRMultiFactor
	}
	return ACRPassword
}
