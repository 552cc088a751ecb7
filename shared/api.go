package shared

// What comes after a correct password (LoginResponse.Next).
const (
	NextDone   = "done"   // fully logged in
	NextTOTP   = "totp"   // the six-digit code (or a recovery code) is due
	NextEnroll = "enroll" // the account forces 2FA and the user must set it up now
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
	if r.Password == "" {
		v.add("password", "Enter your password.")
	} else if len(r.Password) > PasswordMaxBytes {
		v.add("password", "The password is too long.")
	}
	return v.err()
}

// LoginResponse answers POST /api/login and the second-step endpoints.
type LoginResponse struct {
	Next string `json:"next"`
}

// Me answers GET /api/me.
type Me struct {
	Username          string `json:"username"`
	Role              string `json:"role"`
	Account           string `json:"account"`
	TOTPEnabled       bool   `json:"totp_enabled"`
	Force2FA          bool   `json:"force_2fa"`
	RecoveryCodesLeft int    `json:"recovery_codes_left"`
}

// CodeRequest is the body of POST /api/login/totp and /api/login/recovery:
// a six-digit authenticator code or a recovery code.
type CodeRequest struct {
	Code string `json:"code"`
}

// RecoveryLoginResponse answers POST /api/login/recovery.
type RecoveryLoginResponse struct {
	Next              string `json:"next"`
	RecoveryCodesLeft int    `json:"recovery_codes_left"`
}
