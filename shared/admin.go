package shared

import (
	"strconv"
	"time"
)

// AccountSettings is an account and its policy, as the Administration Panel
// shows it (GET /api/admin/accounts, PUT /api/admin/accounts/{id}/settings).
type AccountSettings struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	Force2FA  bool   `json:"force_2fa"`
	ChangedAt string `json:"changed_at,omitempty"` // RFC 3339: the last change of the policy
	ChangedBy string `json:"changed_by,omitempty"` // the admin who made it
	// PasskeysAllowed lets the account's users sign in with a passkey alone.
	PasskeysAllowed bool `json:"passkeys_allowed"`
}

// SettingsRequest is the body of PUT /api/admin/accounts/{id}/settings.
type SettingsRequest struct {
	Force2FA        *bool `json:"force_2fa"`
	PasskeysAllowed *bool `json:"passkeys_allowed,omitempty"`
}

// Valid requires a switch's new position.
func (r SettingsRequest) Valid() *Error {
	var v validator
	if r.Force2FA == nil && r.PasskeysAllowed == nil {
		v.add("force_2fa", "Say whether 2FA is forced: true or false.")
	}
	return v.err()
}

// AdminUser is a user as the Administration Panel lists them.
type AdminUser struct {
	ID                int64    `json:"id"`
	Username          string   `json:"username"`
	Role              string   `json:"role"`
	TOTPEnabled       bool     `json:"totp_enabled"`      // 2FA on: at least one second factor
	Methods           []string `json:"methods,omitempty"` // the kinds of second factor the user has
	RecoveryCodesLeft int      `json:"recovery_codes_left"`
	LastLoginAt       string   `json:"last_login_at,omitempty"` // RFC 3339
	LockedUntil       string   `json:"locked_until,omitempty"`  // RFC 3339, while second-factor attempts are locked
}

// DisconnectRequest is the body of POST /api/2fa/disconnect: the password
// proves it is the user; confirm accepts the warning shown when the account
// forces 2FA.
type DisconnectRequest struct {
	Password string `json:"password"`
	Confirm  bool   `json:"confirm"`
}

// Valid requires the password.
func (r DisconnectRequest) Valid() *Error {
	var v validator
	v.check("password", validateGivenPassword(r.Password))
	return v.err()
}

// DisconnectResponse answers POST /api/2fa/disconnect.
type DisconnectResponse struct {
	LoggedOut bool `json:"logged_out"`
}

// AuditEvent is one entry of the audit log.
type AuditEvent struct {
	ID     int64  `json:"id"`
	Time   string `json:"time"` // RFC 3339
	Actor  string `json:"actor"`
	Action string `json:"action"`
	Target string `json:"target,omitempty"`
	IP     string `json:"ip,omitempty"`
	Detail string `json:"detail,omitempty"`
}

// AuditPage answers GET /api/admin/audit.
type AuditPage struct {
	Events []AuditEvent `json:"events"`
	Next   string       `json:"next,omitempty"`
}

// AdminLoginsQuery is the query of GET /api/admin/logins.
type AdminLoginsQuery struct {
	HistoryQuery
	Username string    // only this user's attempts
	Since    time.Time // only attempts at or after
	Until    time.Time // only attempts before
}

// ParseAdminLoginsQuery reads limit, before and result as for a user's own
// history, plus user, since and until (RFC 3339 or YYYY-MM-DD).
func ParseAdminLoginsQuery(get func(string) string) (AdminLoginsQuery, *Error) {
	var q AdminLoginsQuery
	var v validator
	h, err := ParseHistoryQuery(get)
	if err != nil {
		v.fields = err.Fields
	}
	q.HistoryQuery = h
	q.Username = NormalizeUsername(get("user"))
	if len(q.Username) > 2*UsernameMaxLen {
		v.add("user", "That is not a valid username.")
	}
	for _, f := range []struct {
		name string
		dst  *time.Time
	}{{"since", &q.Since}, {"until", &q.Until}} {
		s := get(f.name)
		if s == "" {
			continue
		}
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t, err = time.Parse("2006-01-02", s)
		}
		switch {
		case err != nil:
			v.add(f.name, "Give a date as YYYY-MM-DD or an RFC 3339 time.")
		case t.Year() < 1970:
			// The zero time means "no bound": an earlier date must not
			// pass as one.
			v.add(f.name, "Give a date from 1970 on.")
		}
		*f.dst = t
	}
	if !q.Since.IsZero() && !q.Until.IsZero() && !q.Since.Before(q.Until) {
		v.add("until", "The end of the range must come after its start.")
	}
	return q, v.err()
}

// FormatCursor writes a keyset cursor for the wire ("" for none).
func FormatCursor(id int64) string {
	if id <= 0 {
		return ""
	}
	return strconv.FormatInt(id, 10)
}
