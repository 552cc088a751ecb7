package httpapi

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/shared"
)

// What FuzzAPI reads of the database to tell what an input changed: every
// row of every table, read beside the store through a connection of its own,
// so that a table the checks below do not know is a change nobody allowed.

// dbValue is a column's value: nil, int64, float64, string, blob or a time
// as RFC 3339 text; comparable with ==.
type dbValue any

// blob is a BLOB column's value, kept apart from text.
type blob string

func (b blob) String() string {
	if len(b) > 8 {
		return fmt.Sprintf("blob(%d bytes, %x...)", len(b), string(b[:8]))
	}
	return fmt.Sprintf("blob(%x)", string(b))
}

type dbTable struct {
	cols []string
	rows map[dbValue][]dbValue // by the first column: each table's primary key
}

// dbState is the whole database at one moment.
type dbState map[string]*dbTable

// openBeside opens the store's SQLite file a second time, with the store's
// pragmas (store.Open).
func openBeside(dataDir string) (*sql.DB, error) {
	return sql.Open("sqlite", "file:"+filepath.Join(dataDir, "warden.db")+
		"?_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)")
}

// snapshot reads every table in one transaction: one moment, not seven.
func snapshot(ctx context.Context, db *sql.DB) (dbState, error) {
	tx, err := db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	names, err := tableNames(ctx, tx)
	if err != nil {
		return nil, err
	}
	state := dbState{}
	for _, name := range names {
		rows, err := tx.QueryContext(ctx, `SELECT * FROM "`+name+`"`)
		if err != nil {
			return nil, err
		}
		t := &dbTable{rows: map[dbValue][]dbValue{}}
		if t.cols, err = rows.Columns(); err != nil {
			rows.Close()
			return nil, err
		}
		for rows.Next() {
			raw := make([]any, len(t.cols))
			ptrs := make([]any, len(raw))
			for i := range raw {
				ptrs[i] = &raw[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				rows.Close()
				return nil, err
			}
			row := make([]dbValue, len(raw))
			for i, v := range raw {
				switch v := v.(type) {
				case []byte:
					row[i] = blob(v)
				case time.Time:
					row[i] = v.UTC().Format(time.RFC3339Nano)
				default:
					row[i] = v
				}
			}
			t.rows[row[0]] = row
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
		state[name] = t
	}
	return state, nil
}

func tableNames(ctx context.Context, db *sql.Tx) ([]string, error) {
	// sqlite_sequence is SQLite's own AUTOINCREMENT counter, not data.
	rows, err := db.QueryContext(ctx, `SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		names = append(names, n)
	}
	return names, rows.Err()
}

// rowChange is one row added, removed or changed.
type rowChange struct {
	table         string
	cols          []string
	before, after []dbValue // before nil: added; after nil: removed
}

func (c rowChange) added() bool   { return c.before == nil }
func (c rowChange) removed() bool { return c.after == nil }

// get reads a column of the row as it is now, or as it was if removed.
func (c rowChange) get(col string) dbValue {
	row := c.after
	if row == nil {
		row = c.before
	}
	if i := slices.Index(c.cols, col); i >= 0 {
		return row[i]
	}
	return nil
}

// owners returns col before and after: an update must be allowed for both,
// or a row could be handed to someone else.
func (c rowChange) owners(col string) []dbValue {
	i := slices.Index(c.cols, col)
	var out []dbValue
	for _, row := range [][]dbValue{c.before, c.after} {
		if row != nil && i >= 0 {
			out = append(out, row[i])
		}
	}
	return out
}

// changed lists the columns an update changed.
func (c rowChange) changed() []string {
	var out []string
	if c.added() || c.removed() {
		return out
	}
	for i, col := range c.cols {
		if c.before[i] != c.after[i] {
			out = append(out, col)
		}
	}
	return out
}

func (c rowChange) String() string {
	show := func(row []dbValue) string {
		parts := make([]string, len(row))
		for i, v := range row {
			parts[i] = fmt.Sprintf("%s=%v", c.cols[i], v)
		}
		return strings.Join(parts, " ")
	}
	switch {
	case c.added():
		return fmt.Sprintf("%s: added {%s}", c.table, show(c.after))
	case c.removed():
		return fmt.Sprintf("%s: removed {%s}", c.table, show(c.before))
	}
	var parts []string
	for _, col := range c.changed() {
		i := slices.Index(c.cols, col)
		parts = append(parts, fmt.Sprintf("%s %v -> %v", col, c.before[i], c.after[i]))
	}
	return fmt.Sprintf("%s %s=%v: %s", c.table, c.cols[0], c.before[0], strings.Join(parts, ", "))
}

// diff lists what changed from a to b, in a stable order.
func diff(a, b dbState) []rowChange {
	var out []rowChange
	names := make([]string, 0, len(a)+len(b))
	for n := range a {
		names = append(names, n)
	}
	for n := range b {
		if _, ok := a[n]; !ok {
			names = append(names, n)
		}
	}
	// What matters most first: the first change broken is the one reported.
	rank := func(n string) int {
		if i := slices.Index([]string{"accounts", "users", "recovery_codes", "sessions", "login_throttles"}, n); i >= 0 {
			return i
		}
		return 5
	}
	slices.SortFunc(names, func(x, y string) int { return cmp.Or(cmp.Compare(rank(x), rank(y)), strings.Compare(x, y)) })
	for _, n := range names {
		ta, tb := a[n], b[n]
		if ta == nil {
			ta = &dbTable{cols: tb.cols}
		}
		if tb == nil {
			tb = &dbTable{cols: ta.cols}
		}
		var keys []dbValue
		for k, ra := range ta.rows {
			if rb, ok := tb.rows[k]; !ok || !slices.Equal(ra, rb) {
				keys = append(keys, k)
			}
		}
		for k := range tb.rows {
			if _, ok := ta.rows[k]; !ok {
				keys = append(keys, k)
			}
		}
		slices.SortFunc(keys, func(x, y dbValue) int { return strings.Compare(fmt.Sprint(x), fmt.Sprint(y)) })
		for _, k := range keys {
			out = append(out, rowChange{table: n, cols: tb.cols, before: ta.rows[k], after: tb.rows[k]})
		}
	}
	return out
}

// exchange is one input as the state check sees it.
type exchange struct {
	method, pattern string // the route the request was aimed at ("{id}" unfilled)
	status          int
	caller          *domain.User // whose session the request carried; nil: none
	stage           string       // that session's stage
	presented       int64        // that session's id
}

func (x exchange) route() string { return x.method + " " + x.pattern }

// failureRecord is what an error answer may write on a route: the record of
// a failed attempt and the counters that slow down the next one. Every other
// error answer writes nothing.
type failureRecord struct {
	event         string // the method of the failed attempt it records ("": none)
	codeFailures  bool   // counts a wrong second-factor code for the caller
	anyThrottle   bool   // counts a wrong password for the client IP and the attempted name
	ownThrottle   bool   // counts a wrong password for the caller's username
	callerIsActor bool   // the attempt recorded is the caller's (the second step)
	refusal       string // the audit action of a refused security change, by and on the caller ("": none)
	ceremony      bool   // takes the WebAuthn ceremony it answers, right or wrong (single use)
	spends        bool   // spends the challenge of a passkey answer that verified (a refusal may follow)
}

var failureRecords = map[string]failureRecord{
	"POST /api/login":                {event: shared.MethodPassword, anyThrottle: true},
	"POST /api/login/totp":           {event: shared.MethodTOTP, codeFailures: true, callerIsActor: true},
	"POST /api/login/recovery":       {event: shared.MethodRecoveryCode, codeFailures: true, callerIsActor: true},
	"POST /api/2fa/recovery-codes":   {codeFailures: true, refusal: shared.AuditRegenerateRefused, ceremony: true},
	"POST /api/2fa/disconnect":       {ownThrottle: true, refusal: shared.AuditDisconnectRefused},
	"POST /api/me/reauth":            {ownThrottle: true, codeFailures: true, refusal: shared.AuditReauthRefused, ceremony: true},
	"POST /api/login/key/finish":     {event: shared.MethodSecurityKey, codeFailures: true, callerIsActor: true, ceremony: true},
	"POST /api/login/passkey/finish": {event: shared.MethodPasskey, anyThrottle: true, spends: true},
	"POST /api/2fa/keys/finish":      {ceremony: true},
}

// Columns that make a user who they are: no answer changes them.
var identityColumns = []string{"id", "account_id", "username", "role", "created_at"}

// policyColumns are the account's columns an admin's settings change writes.
var policyColumns = []string{"force_2fa", "force_2fa_changed_at", "force_2fa_changed_by", "passkeys_allowed"}

// unjustified returns the first change the answer to x had no right to make,
// with the rule it broke, or "" when every change was its to make.
func (w *fuzzWorld) unjustified(x exchange, changes []rowChange) string {
	for _, c := range changes {
		// Using a session is activity, whatever the answer (Authenticate).
		if c.table == "sessions" && c.get("id") == x.presented && slices.Equal(c.changed(), []string{"last_seen_at"}) {
			continue
		}
		var why string
		switch {
		case x.status >= 400:
			why = w.mayFail(x, c)
		case x.status >= 300:
			why = "a redirect changes nothing"
		case x.method == "GET" || x.method == "HEAD" || x.method == "OPTIONS":
			why = "a safe method changes nothing (RFC 9110 §9.2.1)"
		default:
			why = w.maySucceed(x, w.actor(x, changes), c)
		}
		if why != "" {
			return fmt.Sprintf("%v\n(%s)", c, why)
		}
	}
	if x.status >= 400 {
		var events, refusals, ipKeys, userKeys int
		for _, c := range changes {
			key, _ := c.get("key").(string)
			switch {
			case c.table == "login_events":
				events++
			case c.table == "audit_events":
				refusals++
			case c.table == "login_throttles" && strings.HasPrefix(key, "ip:"):
				ipKeys++
			case c.table == "login_throttles":
				userKeys++
			}
		}
		if events+refusals > 1 || ipKeys > 1 || userKeys > 1 {
			return fmt.Sprintf("one failed request recorded %d attempts and %d refusals and counted %d IPs and %d usernames: at most one each",
				events, refusals, ipKeys, userKeys)
		}
	}
	return ""
}

// mayFail is the rule for error answers.
func (w *fuzzWorld) mayFail(x exchange, c rowChange) string {
	const why = "an error answer may write only the record of a failed attempt and the counters that slow the next one"
	rec, ok := failureRecords[x.route()]
	if !ok {
		return "an error answer on this route changes nothing"
	}
	switch c.table {
	case "login_events":
		if c.added() && rec.event != "" && c.get("result") == shared.ResultFailure && c.get("method") == rec.event &&
			(!rec.callerIsActor || (x.caller != nil && c.get("user_id") == x.caller.ID)) {
			return ""
		}
		// An attempt a lock blocked counts into its lock's row (of any
		// route that records attempts).
		if !c.added() && !c.removed() && rec.event != "" && c.get("lock_period") != nil &&
			subset(c.changed(), []string{"attempts", "last_at"}) {
			return ""
		}
	case "login_throttles":
		key, _ := c.get("key").(string)
		switch {
		case c.removed():
			return "an error answer never clears a throttle counter"
		case rec.anyThrottle && (strings.HasPrefix(key, "ip:") || strings.HasPrefix(key, "user:")),
			rec.ownThrottle && x.caller != nil && key == "user:"+x.caller.Username:
			return ""
		}
	case "audit_events":
		if c.added() && rec.refusal != "" && c.get("action") == rec.refusal && x.caller != nil &&
			c.get("actor_id") == x.caller.ID && c.get("target_id") == x.caller.ID {
			return ""
		}
	case "notices":
		// The wrong code that locks the second step tells its user.
		if rec.codeFailures && x.caller != nil && c.added() && c.get("user_id") == x.caller.ID &&
			c.get("kind") == shared.NoticeSecondStepLocked {
			return ""
		}
	case "webauthn_ceremonies":
		if c.removed() && rec.ceremony {
			return ""
		}
	case "webauthn_spent_challenges":
		if c.added() && rec.spends {
			return ""
		}
	case "users":
		if rec.codeFailures && x.caller != nil && c.get("id") == x.caller.ID && !c.added() && !c.removed() &&
			subset(c.changed(), []string{"failed_code_count", "locked_until"}) {
			return ""
		}
	}
	return why
}

// actor is whom a successful answer acts for: the caller, or for a login the
// user it logs in (the one whose session it creates).
func (w *fuzzWorld) actor(x exchange, changes []rowChange) *domain.User {
	if x.route() != "POST /api/login" {
		return x.caller
	}
	var in *domain.User
	for _, c := range changes {
		if c.table == "sessions" && c.added() {
			if in != nil {
				return nil // two new sessions: nobody may make that
			}
			in = w.userByID(c.get("user_id"))
		}
	}
	return in
}

// maySucceed is the rule for successful answers: users change what is
// theirs; an admin, through the admin routes and with a full session, also
// changes their own account's policy and its users' 2FA, never another
// account's.
func (w *fuzzWorld) maySucceed(x exchange, self *domain.User, c rowChange) string {
	admin := self != nil && self == x.caller && self.Role == shared.RoleAdmin && x.stage == domain.StageFull
	mine := func(col string) bool {
		owners := c.owners(col)
		return self != nil && len(owners) > 0 && !slices.ContainsFunc(owners, func(v dbValue) bool { return v != self.ID })
	}
	inMyAccount := func(col string) bool {
		owners := c.owners(col)
		return admin && len(owners) > 0 && !slices.ContainsFunc(owners, func(v dbValue) bool {
			u := w.userByID(v)
			return u == nil || u.AccountID != self.AccountID
		})
	}
	const settings, reset = "PUT /api/admin/accounts/{id}/settings", "POST /api/admin/users/{id}/reset-2fa"
	switch c.table {
	case "accounts":
		if !admin {
			return "only an admin changes an account"
		}
		if x.route() == settings && !c.added() && !c.removed() && c.get("id") == self.AccountID && subset(c.changed(), policyColumns) {
			return ""
		}
		return "an admin changes only the policy of their own account, by its settings route"
	case "users":
		switch {
		case c.added() || c.removed():
			return "no answer creates or deletes a user"
		case slices.ContainsFunc(c.changed(), func(col string) bool { return slices.Contains(identityColumns, col) }):
			return "no answer changes who a user is, their role or their account"
		case mine("id"), x.route() == reset && inMyAccount("id"):
			return ""
		}
		return "a user changes only themselves; an admin resets 2FA only in their own account"
	case "sessions", "recovery_codes":
		switch {
		case mine("user_id"):
			return ""
		case c.table == "sessions" && c.removed() && c.get("id") == x.presented:
			return "" // a login or logout ends the session it came with
		case x.route() == reset && c.removed() && inMyAccount("user_id"):
			return ""
		}
		return "a user changes only their own sessions and recovery codes; an admin's reset only ends those of their own account's users"
	case "webauthn_credentials":
		if mine("user_id") || (x.route() == reset && c.removed() && inMyAccount("user_id")) {
			return ""
		}
		return "a user changes only their own security keys; an admin's reset only removes those of their own account's users"
	case "webauthn_ceremonies":
		switch {
		case mine("user_id"):
			return ""
		case c.removed() && c.get("session_id") == x.presented:
			return "" // the session ended, and its ceremony with it
		}
		return "a ceremony is begun and taken by its own session (a passkey sign-in's is the browser's)"
	case "webauthn_spent_challenges":
		if c.added() && x.route() == "POST /api/login/passkey/finish" {
			return ""
		}
		return "only a passkey sign-in spends a challenge"
	case "login_events":
		if c.added() && mine("user_id") && self.AccountID == c.get("account_id") {
			return ""
		}
		return "a success records only its own user's attempt"
	case "audit_events":
		target := c.get("target_id")
		if c.added() && self != nil && c.get("account_id") == self.AccountID && mine("actor_id") &&
			(target == nil || target == self.ID || (x.route() == reset && inMyAccount("target_id"))) {
			return ""
		}
		return "a success is audited in its own account, by its own actor, about a user of that account"
	case "notices":
		switch {
		case c.added() && mine("user_id"), c.added() && x.route() == reset && inMyAccount("user_id"):
			return ""
		case !c.added() && !c.removed() && mine("user_id") && slices.Equal(c.changed(), []string{"read_at"}):
			return "" // read marks
		}
		return "a success tells only its own user, or an admin's reset the user reset; a user marks only their own notices read"
	case "login_throttles":
		key, _ := c.get("key").(string)
		switch {
		case c.removed() && self != nil && key == "user:"+self.Username:
			return "" // a right password clears its username's count
		}
		return "a success clears at most its own username's failure count"
	}
	return "no answer changes " + c.table
}

func (w *fuzzWorld) userByID(id dbValue) *domain.User {
	for _, m := range w.cast {
		if m.user.ID == id {
			return m.user
		}
	}
	return nil
}

func subset(cols, allowed []string) bool {
	return !slices.ContainsFunc(cols, func(c string) bool { return !slices.Contains(allowed, c) })
}
