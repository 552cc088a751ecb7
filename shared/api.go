package shared

// What comes after a correct password (LoginResponse.Next).
const (
	NextDone   = "done"   // fully logged in
	NextTOTP   = "totp"   // the six-digit code (or a recovery code) is due
	NextEnroll = "enroll" // the account forces 2FA and the user must set it up now
	// NextChangePassword: the password was one-time (generated, or set by an
	// administrator) and must be replaced before anything else.
	NextChangePassword = "change_password"
)

// Roles of a user.
const (
	RoleUser  = "user"
	RoleAdmin = "admin"
)

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
	TOTPEnabled       bool   `json:"totp_enabled"`
	TOTPEnabledAt     string `json:"totp_enabled_at,omitempty"` // RFC 3339
	Force2FA          bool   `json:"force_2fa"`
	RecoveryCodesLeft int    `json:"recovery_codes_left"`
}

// ReauthRequest is the body of POST /api/me/reauth: the password, or a
// current authenticator code, exactly one of them.
type ReauthRequest struct {
	Password string `json:"password,omitempty"`
	Code     string `json:"code,omitempty"`
}

// Valid checks that exactly one proof was sent.
func (r ReauthRequest) Valid() *Error {
	var v validator
	switch {
	case r.Password != "" && r.Code != "":
		v.add("code", "Give your password or a code, not both.")
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
