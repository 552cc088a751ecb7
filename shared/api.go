package shared

import (
	"encoding/json"

	"github.com/warden-auth/warden/shared/words"
)

// What comes after a correct password (LoginResponse.Next).
const (
	NextDone   = "done"   // fully logged in
	NextTOTP   = "totp"   // the six-digit code (or a recovery code) is due
	NextEnroll = "enroll" // the account forces 2FA and the user must set it up now
	// NextChangePassword: the password was one-time (generated, or set by an
	// administrator) and must be replaced before anything else.
	NextChangePassword = "change_password"
)

// Roles of a user: a platform administrator administers every account, an
// administrator their own (server/auth/accounts.go decides).
const (
	RoleUser          = "user"
	RoleAdmin         = "admin"
	RolePlatformAdmin = "platform_admin"
)

// Roles is every role, least powerful first.
var Roles = []string{RoleUser, RoleAdmin, RolePlatformAdmin}

// ValidateRole checks a role's name.
func ValidateRole(role string) words.Message {
	for _, r := range Roles {
		if role == r {
			return words.Message{}
		}
	}
	return words.RoleUnknown
}

// IsAdministrator reports whether role opens the Administration Panel.
func IsAdministrator(role string) bool { return role == RoleAdmin || role == RolePlatformAdmin }

// LoginRequest is the body of POST /api/login.
type LoginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

// Valid checks the shape of the fields, not whether they are right: a wrong
// password is EWrongCredentials, decided by the server. The password is only
// checked for presence and length here; the length rule for new passwords is
// ValidatePassword.
func (r LoginRequest) Valid() *Error {
	var v validator
	v.check("username", validateLoginUsername(r.Username))
	v.check("password", validateGivenPassword(r.Password))
	return v.err()
}

// LoginResponse answers POST /api/login and the second-step endpoints.
type LoginResponse struct {
	Next string `json:"next"`
	// RememberBrowserDays, with Next "totp", is how many days the second
	// step may trust this browser for (remember_browser); 0: not offered.
	RememberBrowserDays int `json:"remember_browser_days,omitempty"`
	// Methods are the kinds of second factor the user has (FactorTOTP,
	// FactorSecurityKey), with next "totp": the app offers a key first.
	Methods []string `json:"methods,omitempty"`
}

// Me answers GET /api/me.
type Me struct {
	// Stage is what the session may do: NextDone, everything its role
	// allows, NextEnroll, only set up 2FA (the account forces it), or
	// NextChangePassword, only replace a one-time password. The
	// server decides; the app follows it and never restates the policy.
	Stage             string `json:"stage"`
	Username          string `json:"username"`
	Role              string `json:"role"`
	Account           string `json:"account"`
	TOTPEnabled       bool   `json:"totp_enabled"`              // 2FA on: at least one second factor (GET /api/2fa/methods lists them)
	TOTPEnabledAt     string `json:"totp_enabled_at,omitempty"` // RFC 3339
	Force2FA          bool   `json:"force_2fa"`
	RecoveryCodesLeft int    `json:"recovery_codes_left"`
	// Email is the confirmed address notices go to by mail (EmailVerifiedAt,
	// RFC 3339: since when); EmailPending a new one that waits for the link
	// mailed to it, and gets nothing else. See EmailRequest.
	Email           string `json:"email,omitempty"`
	EmailVerifiedAt string `json:"email_verified_at,omitempty"`
	EmailPending    string `json:"email_pending,omitempty"`
	UnreadNotices   int    `json:"unread_notices"`
	// TwoFADeadline (RFC 3339), while the account's Force 2FA grace period
	// runs for this user: the app asks them to set up 2FA by then; after
	// it, the stage is NextEnroll.
	TwoFADeadline string `json:"twofa_deadline,omitempty"`
	SecurityKeys  int    `json:"security_keys"` // how many; TOTPEnabledAt is set only with the app
	// Language is the tag of the language the user chose to read Warden in
	// ("": none; PUT /api/me/language sets it).
	Language string `json:"language,omitempty"`
}

// ReauthRequest is the body of POST /api/me/reauth: the password, a
// current authenticator code, or a security key's answer to POST
// /api/me/reauth/key/begin, exactly one of them.
type ReauthRequest struct {
	Password   string          `json:"password,omitempty"`
	Code       string          `json:"code,omitempty"`
	Credential json.RawMessage `json:"credential,omitempty"`
}

// HasCredential says whether a security key's answer was sent.
func (r ReauthRequest) HasCredential() bool { return hasCredential(r.Credential) }

// Valid checks that exactly one proof was sent.
func (r ReauthRequest) Valid() *Error {
	var v validator
	switch {
	case r.HasCredential() && (r.Password != "" || r.Code != ""):
		v.add("credential", words.OneProofOnly)
	case r.Password != "" && r.Code != "":
		v.add("code", words.PasswordOrCode)
	case r.HasCredential():
	case r.Code != "":
		v.check("code", validateGivenCode(r.Code))
	default:
		v.check("password", validateGivenPassword(r.Password))
	}
	return v.err()
}

// ChangePasswordRequest is the body of POST /api/me/password: the current
// password proves it is the user; the app checks the new one's repeat.
type ChangePasswordRequest struct {
	Current string `json:"current"`
	New     string `json:"new"`
}

// Valid checks that the current password was given and that the new one
// follows the length rules; the username rules need the user
// (ValidateNewPassword), and the strength score is the server's.
func (r ChangePasswordRequest) Valid() *Error {
	var v validator
	v.check("current", validateGivenPassword(r.Current))
	v.check("new", ValidatePassword(r.New))
	return v.err()
}

// ValidWithoutCurrent is Valid for the replacement of a one-time password
// in the session its login just made: that login proved it, so the
// current one may be left out (given, it is checked as ever). Whether the
// session may do without is the server's to say.
func (r ChangePasswordRequest) ValidWithoutCurrent() *Error {
	if r.Current != "" {
		return r.Valid()
	}
	var v validator
	v.check("new", ValidatePassword(r.New))
	return v.err()
}

// OneTimeChangeRequest is the body of POST /api/me/password in a
// password_change session: a ChangePasswordRequest whose current password
// may be left out (ValidWithoutCurrent).
type OneTimeChangeRequest ChangePasswordRequest

func (r OneTimeChangeRequest) Valid() *Error { return ChangePasswordRequest(r).ValidWithoutCurrent() }

// PasswordStrengthRequest is the body of POST /api/password/strength: a
// password being typed, scored for the caller (or, for an administrator
// choosing one, for Username).
type PasswordStrengthRequest struct {
	Password string `json:"password"`
	Username string `json:"username,omitempty"`
}

// Valid accepts any password: scoring says what is wrong with one. The
// server bounds its length.
func (r PasswordStrengthRequest) Valid() *Error { return nil }

// PasswordStrength answers POST /api/password/strength with the server's own
// rules: Score is zxcvbn's 0 to 4, OK whether the password would be
// accepted, Warning why not in words ("" when OK).
type PasswordStrength struct {
	Score       int      `json:"score"`
	OK          bool     `json:"ok"`
	Warning     string   `json:"warning"`
	Suggestions []string `json:"suggestions"`
}

// CodeRequest is the body of POST /api/login/totp and /api/login/recovery:
// a six-digit authenticator code or a recovery code.
type CodeRequest struct {
	Code string `json:"code"`
}

// Valid checks that a code was sent; its format (six digits for TOTP) is
// checked by the server, which counts attempts.
func (r CodeRequest) Valid() *Error {
	var v validator
	v.check("code", validateGivenCode(r.Code))
	return v.err()
}

// SecondStepRequest is the body of POST /api/login/totp and
// /api/login/recovery: the code, and whether to trust this browser for the
// account's remember_browser_days (refused when the account does not allow it).
type SecondStepRequest struct {
	Code            string `json:"code"`
	RememberBrowser bool   `json:"remember_browser,omitempty"`
}

// Valid checks that a code was sent, as CodeRequest.
func (r SecondStepRequest) Valid() *Error { return CodeRequest{Code: r.Code}.Valid() }

// Session is one of the user's sessions (GET /api/me/sessions). Its id is
// the session's row number: it names the session, and it is no token.
type Session struct {
	ID         int64  `json:"id"`
	CreatedAt  string `json:"created_at"`   // RFC 3339
	LastSeenAt string `json:"last_seen_at"` // RFC 3339, to the minute or so
	IP         string `json:"ip"`
	Device     string `json:"device"` // browser and OS, from the User-Agent
	Current    bool   `json:"current"`
}

// TrustedBrowser is a browser the user trusted at the second step.
type TrustedBrowser struct {
	ID         int64  `json:"id"`
	CreatedAt  string `json:"created_at"`   // RFC 3339
	LastUsedAt string `json:"last_used_at"` // RFC 3339
	ExpiresAt  string `json:"expires_at"`   // RFC 3339
	IP         string `json:"ip"`
	Device     string `json:"device"`
}

// Sessions answers GET /api/me/sessions.
type Sessions struct {
	Sessions        []Session        `json:"sessions"`
	TrustedBrowsers []TrustedBrowser `json:"trusted_browsers"`
}

// EndedSessions answers POST /api/me/sessions/end-others.
type EndedSessions struct {
	Ended int64 `json:"ended"`
}

// TOTPSetup answers POST /api/2fa/setup: the new secret in base32 (for typing
// into an app), the otpauth:// URI the QR code holds, and the QR code as a
// base64 PNG.
type TOTPSetup struct {
	Secret     string `json:"secret"`
	OTPAuthURL string `json:"otpauth_url"`
	QRPNG      string `json:"qr_png"`
}

// ConnectResponse answers POST /api/2fa/connect.
type ConnectResponse struct {
	RecoveryCodes []string `json:"recovery_codes"`
}

// RecoveryLoginResponse answers POST /api/login/recovery.
type RecoveryLoginResponse struct {
	Next              string `json:"next"`
	RecoveryCodesLeft int    `json:"recovery_codes_left"`
}

// LanguageRequest is the body of PUT /api/me/language: the tag of the
// language the user reads Warden in, one there is a catalog for.
type LanguageRequest struct {
	Language string `json:"language"`
}

// Valid checks that there is a catalog for the language.
func (r LanguageRequest) Valid() *Error {
	var v validator
	if !words.Known(r.Language) {
		v.check("language", words.LanguageUnknown)
	}
	return v.err()
}
