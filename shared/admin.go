package shared

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/warden-auth/warden/shared/words"
)

// AccountSettings is an account and its policy, as the Administration Panel
// shows it (GET /api/admin/accounts, PUT /api/admin/accounts/{id}/settings).
type AccountSettings struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	CreatedAt string `json:"created_at,omitempty"` // RFC 3339
	Force2FA  bool   `json:"force_2fa"`
	// GraceDays is how many days a user without 2FA may skip its setup
	// under Force 2FA, from their first login after it applied to them.
	GraceDays int    `json:"grace_days"`
	ChangedAt string `json:"changed_at,omitempty"` // RFC 3339: the last change of the policy
	ChangedBy string `json:"changed_by,omitempty"` // the admin who made it
	// Users and UsersWith2FA count the account's users: what switching
	// Force 2FA on would ask of how many.
	Users        int `json:"users"`
	UsersWith2FA int `json:"users_with_2fa"`
	UsersInGrace int `json:"users_in_grace"`
	// RememberBrowserDays is how long a browser trusted at the second step
	// skips the code: 0 (off), 7 or 30.
	RememberBrowserDays int `json:"remember_browser_days"`
	// PasskeysAllowed lets the account's users sign in with a passkey alone.
	PasskeysAllowed bool `json:"passkeys_allowed"`
}

// AccountsPage answers GET /api/admin/accounts.
type AccountsPage struct {
	Accounts []AccountSettings `json:"accounts"`
}

// AccountRequest is the body of POST /api/admin/accounts and PATCH
// /api/admin/accounts/{id}.
type AccountRequest struct {
	Name string `json:"name"`
}

// Valid checks the name (NormalizeAccountName first).
func (r AccountRequest) Valid() *Error {
	var v validator
	v.check("name", ValidateAccountName(NormalizeAccountName(r.Name)))
	return v.err()
}

// NormalizeAccountName trims the spaces around a typed account name. Names
// are unique regardless of case; their case is kept as typed.
func NormalizeAccountName(s string) string { return strings.TrimSpace(s) }

// UserPatch is the body of PATCH /api/admin/users/{id}: the fields to change.
type UserPatch struct {
	Role     *string `json:"role,omitempty"`
	Disabled *bool   `json:"disabled,omitempty"`
	Email    *string `json:"email,omitempty"` // as EmailRequest: a new address waits for its link; "": none
}

// Valid requires something to change, a known role and a plain address.
func (p UserPatch) Valid() *Error {
	var v validator
	if p.Role == nil && p.Disabled == nil && p.Email == nil {
		v.add("role", words.PatchNothing)
	}
	if p.Role != nil {
		v.check("role", ValidateRole(*p.Role))
	}
	if p.Email != nil {
		v.check("email", ValidateEmail(*p.Email))
	}
	return v.err()
}

// NewUserRequest is the body of POST /api/admin/users. The server makes the
// password: one an administrator typed would be one they know and may reuse.
type NewUserRequest struct {
	Username  string `json:"username"`
	AccountID int64  `json:"account_id,omitempty"` // 0: the administrator's own account
	Role      string `json:"role"`
	Email     string `json:"email,omitempty"`
}

// Valid checks the normalized username, the role and the address.
func (r NewUserRequest) Valid() *Error {
	var v validator
	v.check("username", ValidateUsername(NormalizeUsername(r.Username)))
	if r.Role == "" {
		v.add("role", words.ChooseRole)
	} else {
		v.check("role", ValidateRole(r.Role))
	}
	v.check("email", ValidateEmail(r.Email))
	if r.AccountID < 0 {
		v.add("account_id", words.ExpectedAccountID)
	}
	return v.err()
}

// NewUserResponse answers POST /api/admin/users: the user and their
// one-time password, shown once and never stored in the clear.
type NewUserResponse struct {
	User     AdminUser `json:"user"`
	Password string    `json:"password"`
}

// AdminUsersQuery is the query of GET /api/admin/users.
type AdminUsersQuery struct {
	AccountID int64  // 0: the caller's own account
	TwoFA     string // "", "on" or "off"
	Prefix    string // usernames starting with it, normalized
	After     string // the page after this username (the "before" cursor)
	Limit     int    // users per page
}

// UsersPageSize is how many users a page of GET /api/admin/users holds
// unless limit= says otherwise.
const UsersPageSize = 50

// ParseAdminUsersQuery reads account, twofa, q, before and limit. The list
// is in username order, so its cursor is the last username of a page.
func ParseAdminUsersQuery(get func(string) string) (AdminUsersQuery, *Error) {
	var q AdminUsersQuery
	var v validator
	if s := get("account"); s != "" {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id < 1 {
			v.add("account", words.ExpectedAccountID)
		}
		q.AccountID = id
	}
	switch q.TwoFA = get("twofa"); q.TwoFA {
	case "", "on", "off":
	default:
		v.add("twofa", words.TwoFAFilter)
	}
	q.Prefix = NormalizeUsername(get("q"))
	if len(q.Prefix) > 2*UsernameMaxLen {
		v.add("q", words.NotUsernamePrefix)
	}
	if q.After = get("before"); q.After != "" && !ValidateUsername(q.After).IsZero() {
		v.add("before", words.NotPageCursor)
	}
	q.Limit = UsersPageSize
	if s := get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 100 {
			v.add("limit", words.LimitRange)
		}
		q.Limit = n
	}
	return q, v.err()
}

// UsersPage answers GET /api/admin/users; Next, when set, is the before= of
// the next page.
type UsersPage struct {
	Users []AdminUser `json:"users"`
	Next  string      `json:"next,omitempty"`
}

// RememberBrowserChoices are the allowed remember_browser_days.
var RememberBrowserChoices = []int{0, 7, 30}

// The grace period's bounds, in days (GitLab allows more; a month is
// enough to set up an app, and a longer one is a policy in name only).
const (
	GraceDaysMin = 0
	GraceDaysMax = 30
)

// SettingsRequest is the body of PUT /api/admin/accounts/{id}/settings.
// Each setting left out stays as it is; at least one is needed.
type SettingsRequest struct {
	Force2FA            *bool `json:"force_2fa,omitempty"`
	GraceDays           *int  `json:"grace_days,omitempty"` // with force_2fa; nil: kept as it is
	RememberBrowserDays *int  `json:"remember_browser_days,omitempty"`
	PasskeysAllowed     *bool `json:"passkeys_allowed,omitempty"`
}

// Valid requires a setting, a grace period in range that goes with the
// switch's position, and a remember_browser_days of the choices.
func (r SettingsRequest) Valid() *Error {
	var v validator
	if r.Force2FA == nil && r.RememberBrowserDays == nil && r.PasskeysAllowed == nil {
		v.add("force_2fa", words.Force2FAMissing)
	}
	if d := r.RememberBrowserDays; d != nil && !slices.Contains(RememberBrowserChoices, *d) {
		v.add("remember_browser_days", words.RememberBrowserDays)
	}
	if r.GraceDays != nil {
		v.check("grace_days", ValidateGraceDays(*r.GraceDays))
		if r.Force2FA == nil {
			v.add("force_2fa", words.GraceWithoutForce)
		}
	}
	return v.err()
}

// ValidateGraceDays checks a grace period in days (the zero Message when
// it is fine).
func ValidateGraceDays(days int) words.Message {
	if days < GraceDaysMin || days > GraceDaysMax {
		return words.GraceDaysRange(GraceDaysMin, GraceDaysMax)
	}
	return words.Message{}
}

// AdminUser is a user as the Administration Panel lists them.
type AdminUser struct {
	ID                int64    `json:"id"`
	Username          string   `json:"username"`
	AccountID         int64    `json:"account_id"`
	Account           string   `json:"account"`
	Role              string   `json:"role"`
	TwoFA             bool     `json:"twofa"`
	TOTPEnabled       bool     `json:"totp_enabled"`      // 2FA on: at least one second factor (as TwoFA)
	Methods           []string `json:"methods,omitempty"` // the kinds of second factor the user has
	Locked            bool     `json:"locked"`            // by wrong passwords or wrong codes: Unlock clears it
	Disabled          bool     `json:"disabled"`          // cannot log in
	RecoveryCodesLeft int      `json:"recovery_codes_left"`
	LastLoginAt       string   `json:"last_login_at,omitempty"` // RFC 3339
	LockedUntil       string   `json:"locked_until,omitempty"`  // RFC 3339, while second-factor attempts are locked
	// Email, EmailVerifiedAt and EmailPending are as in Me: the confirmed
	// address, and one waiting for its link.
	Email           string `json:"email,omitempty"`
	EmailVerifiedAt string `json:"email_verified_at,omitempty"`
	EmailPending    string `json:"email_pending,omitempty"`
	// TwoFADeadline is when the user must have set up 2FA under the
	// account's grace period (RFC 3339; past ones too), while one runs.
	TwoFADeadline string `json:"twofa_deadline,omitempty"`
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
	Username string    // only the attempted names that start with it
	From     time.Time // only attempts at or after
	To       time.Time // only attempts before
	// Unknown selects the attempts that belong to no account: usernames no
	// user has (password spraying), and passkeys no user registered. The
	// platform administrator's alone.
	Unknown bool
}

// ParseAdminLoginsQuery reads limit, before and result as for a user's own
// history, plus user, unknown, from and to. A bound is an RFC 3339 instant
// (to exclusive) or a day YYYY-MM-DD in UTC, both days included: to=DAY
// is through the last instant of DAY.
func ParseAdminLoginsQuery(get func(string) string) (AdminLoginsQuery, *Error) {
	var q AdminLoginsQuery
	var v validator
	h, err := ParseHistoryQuery(get)
	if err != nil {
		v.fields = err.SaidFields
	}
	q.HistoryQuery = h
	q.Username = NormalizeUsername(get("user"))
	if len(q.Username) > 2*UsernameMaxLen {
		v.add("user", words.NotAUsername)
	}
	switch get("unknown") {
	case "", "false":
	case "true":
		q.Unknown = true
	default:
		v.add("unknown", words.UnknownFilter)
	}
	for _, f := range []struct {
		name    string
		dst     *time.Time
		dayNext bool // a day given: its end, i.e. the next day's start
	}{{"from", &q.From, false}, {"to", &q.To, true}} {
		s := get(f.name)
		if s == "" {
			continue
		}
		t, err := parseBound(s, f.dayNext)
		switch {
		case err != nil:
			v.add(f.name, words.DateForm)
		case t.Year() < 1970:
			// The zero time means "no bound": an earlier date must not
			// pass as one.
			v.add(f.name, words.DateFrom1970)
		case t.Year() > 9999:
			v.add(f.name, words.DateBefore10000)
		}
		*f.dst = t
	}
	if !q.From.IsZero() && !q.To.IsZero() && !q.From.Before(q.To) {
		v.add("to", words.RangeOrder)
	}
	// The bounds' old names: refused in words rather than ignored, which
	// would answer a filtered question with every attempt.
	for old, name := range map[string]string{"since": "from", "until": "to"} {
		if get(old) != "" {
			v.add(old, words.FilterRenamed(name))
		}
	}
	return q, v.err()
}

// parseBound reads a bound of a range: an RFC 3339 instant, or a day
// YYYY-MM-DD in UTC, which as the range's end (end) is the next day's start.
func parseBound(s string, end bool) (time.Time, error) {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		if t, err = time.Parse("2006-01-02", s); err == nil && end {
			t = t.AddDate(0, 0, 1)
		}
	}
	return t, err
}

// FormatCursor writes a keyset cursor for the wire ("" for none).
func FormatCursor(id int64) string {
	if id <= 0 {
		return ""
	}
	return strconv.FormatInt(id, 10)
}
