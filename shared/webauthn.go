package shared

import (
	"encoding/json"
	"net/netip"
	"strings"

	"github.com/warden-auth/warden/shared/words"
)

// Kinds of second factor (SecondFactor.Kind, LoginResponse.Methods).
const (
	FactorTOTP        = "totp"
	FactorSecurityKey = "security_key"
)

// IsAddressHost reports whether host (as a URL or the Host header names it,
// without a port) is an IP address rather than a name: no WebAuthn there.
func IsAddressHost(host string) bool {
	_, err := netip.ParseAddr(strings.TrimSuffix(strings.TrimPrefix(host, "["), "]"))
	return err == nil
}

// TOTPMethodID is the id of the authenticator app among a user's second
// factors; security keys have "key-" and a number.
const TOTPMethodID = "totp"

// SecurityKeyNameMax bounds the name a user gives a key.
const SecurityKeyNameMax = 64

// SecondFactor is one of a user's second factors (GET /api/2fa/methods).
type SecondFactor struct {
	ID         string `json:"id"`
	Kind       string `json:"kind"`
	Name       string `json:"name"`
	AddedAt    string `json:"added_at,omitempty"`     // RFC 3339
	LastUsedAt string `json:"last_used_at,omitempty"` // RFC 3339
	Passkey    bool   `json:"passkey"`                // a discoverable key: it can sign in alone
}

// MethodsResponse answers GET /api/2fa/methods.
type MethodsResponse struct {
	Methods []SecondFactor `json:"methods"`
}

// KeyNameRequest is the body of POST /api/2fa/keys/begin and PATCH
// /api/2fa/methods/{id}.
type KeyNameRequest struct {
	Name string `json:"name"`
}

// Valid checks the name.
func (r KeyNameRequest) Valid() *Error {
	var v validator
	v.check("name", ValidateKeyName(r.Name))
	return v.err()
}

// ValidateKeyName returns what is wrong with a security key's name, or the
// zero Message: a name people read (nameRule).
func ValidateKeyName(s string) words.Message { return keyNameRule.check(s) }

var keyNameRule = nameRule{max: SecurityKeyNameMax, empty: words.KeyNameEmpty,
	long: words.KeyNameTooLong(SecurityKeyNameMax), invisible: words.KeyNameInvisible}

// CredentialRequest is the body of the WebAuthn finish endpoints: the
// PublicKeyCredential as the browser gave it, in its JSON form.
type CredentialRequest struct {
	Credential json.RawMessage `json:"credential"`
}

// Valid requires the credential.
func (r CredentialRequest) Valid() *Error {
	var v validator
	if !hasCredential(r.Credential) {
		v.add("credential", words.KeyAnswerMissing)
	}
	return v.err()
}

func hasCredential(raw json.RawMessage) bool { return len(raw) != 0 && string(raw) != "null" }

// RegenerateCodesRequest is the body of POST /api/2fa/recovery-codes: a
// current authenticator code, or a security key's answer to POST
// /api/me/reauth/key/begin, which proves it is the user.
type RegenerateCodesRequest struct {
	Code       string          `json:"code,omitempty"`
	Credential json.RawMessage `json:"credential,omitempty"`
}

// Valid checks that exactly one proof was sent.
func (r RegenerateCodesRequest) Valid() *Error {
	if hasCredential(r.Credential) {
		if r.Code != "" {
			return Invalid("code", words.CodeOrKey)
		}
		return nil
	}
	return CodeRequest{Code: r.Code}.Valid()
}

// KeyAddedResponse answers POST /api/2fa/keys/finish.
type KeyAddedResponse struct {
	Method        SecondFactor `json:"method"`
	RecoveryCodes []string     `json:"recovery_codes,omitempty"` // when it is the user's first factor
}

// RemoveMethodRequest is the body of DELETE /api/2fa/methods/{id}: the
// password, which removing the last factor needs (it switches 2FA off, as
// POST /api/2fa/disconnect does); confirm accepts the warning shown when
// removing the last factor of an account that forces 2FA.
type RemoveMethodRequest struct {
	Password string `json:"password,omitempty"`
	Confirm  bool   `json:"confirm"`
}

// Valid bounds the password, which only the last factor needs.
func (r RemoveMethodRequest) Valid() *Error {
	var v validator
	if r.Password != "" {
		v.check("password", validateGivenPassword(r.Password))
	}
	return v.err()
}
