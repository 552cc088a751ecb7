package store

import (
	"context"
	"time"

	"github.com/uptrace/bun"
	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/server/store/sqldb"
)

// CreateAccount inserts an account. Returns ErrConflict if the name is taken
// (names are compared by sqldb.AccountNameKey).
func (s *Store) CreateAccount(ctx context.Context, name string, now time.Time) (*domain.Account, error) {
	a := domain.NewAccount(name, now)
	a.NameKey = sqldb.AccountNameKey(name)
	if _, err := s.conn(ctx).NewInsert().Model(a).Returning("id").Exec(ctx); err != nil {
		return nil, s.wrap(err)
	}
	return a, nil
}

// AccountByName returns the account whose name looks like name
// (sqldb.AccountNameKey: whatever the case, width and invisible
// characters). Returns ErrNotFound if none.
func (s *Store) AccountByName(ctx context.Context, name string) (*domain.Account, error) {
	a := new(domain.Account)
	err := s.conn(ctx).NewSelect().Model(a).Where("a.name_key = ?", sqldb.AccountNameKey(name)).Scan(ctx)
	return a, s.wrap(err)
}

// CreateAccountAudited inserts an account with its audit event (which names
// it) in one transaction. Returns ErrConflict if the name is taken
// (sqldb.AccountNameKey).
func (s *Store) CreateAccountAudited(ctx context.Context, name string, now time.Time, audit *domain.AuditEvent) (*domain.Account, error) {
	a := domain.NewAccount(name, now)
	a.NameKey = sqldb.AccountNameKey(name)
	err := s.tx(ctx, func(tx bun.Tx) error {
		if _, err := tx.NewInsert().Model(a).Returning("id").Exec(ctx); err != nil {
			return err
		}
		audit.AccountID = a.ID
		return insertAudit(ctx, tx, audit)
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// RenameAccount renames the account and writes the audit event in one
// transaction. Returns ErrNotFound if there is none, ErrConflict if the name
// is another account's (sqldb.AccountNameKey).
func (s *Store) RenameAccount(ctx context.Context, id int64, name string, audit *domain.AuditEvent) (*domain.Account, error) {
	return s.updateAccount(ctx, id, 0, func(q *bun.UpdateQuery) *bun.UpdateQuery {
		return q.Set("name = ?", name).Set("name_key = ?", sqldb.AccountNameKey(name))
	}, nil, audit)
}

// updateAccount applies set to the account, limited to the accounts
// byAdminID administers (byAdmin; 0: the command line), then runs then (if
// not nil) and writes the audit event, in one transaction, and returns the
// account as it is now. Returns ErrNotFound if there is no account, or none
// of that admin.
func (s *Store) updateAccount(ctx context.Context, accountID, byAdminID int64, set func(*bun.UpdateQuery) *bun.UpdateQuery,
	then func(tx bun.Tx) error, audit *domain.AuditEvent) (*domain.Account, error) {
	a := &domain.Account{ID: accountID}
	err := s.tx(ctx, func(tx bun.Tx) error {
		res, err := sqldb.ByAdmin(set(tx.NewUpdate().Model(a)).WherePK(), "a.id", byAdminID).Returning("*").Exec(ctx)
		if err != nil {
			return err
		}
		if err := affectedOne(res); err != nil {
			return err
		}
		if then != nil {
			if err := then(tx); err != nil {
				return err
			}
		}
		return insertAudit(ctx, tx, audit)
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// twoFactorOn is domain.User.TwoFactorEnabled in SQL: an authenticator app
// or at least one security key.
const twoFactorOn = "(u.totp_enabled_at IS NOT NULL OR u.security_keys > 0)"

// AccountStats counts the users of the accounts (none given: every
// account), and how many of them have 2FA, by account id, with the grace
// starts of those without.
func (s *Store) AccountStats(ctx context.Context, accountIDs ...int64) (map[int64]domain.AccountStats, error) {
	only := func(q *bun.SelectQuery) *bun.SelectQuery {
		if len(accountIDs) > 0 {
			q = q.Where("u.account_id IN (?)", bun.In(accountIDs))
		}
		return q
	}
	var rows []struct {
		AccountID int64 `bun:"account_id"`
		Users     int   `bun:"users"`
		With2FA   int   `bun:"with_2fa"`
	}
	err := s.conn(ctx).NewSelect().Model((*domain.User)(nil)).ColumnExpr("u.account_id").
		ColumnExpr("count(*) AS users").ColumnExpr("sum(CASE WHEN "+twoFactorOn+" THEN 1 ELSE 0 END) AS with_2fa").
		Apply(only).Group("u.account_id").Scan(ctx, &rows)
	if err != nil {
		return nil, s.wrap(err)
	}
	out := make(map[int64]domain.AccountStats, len(rows))
	for _, r := range rows {
		out[r.AccountID] = domain.AccountStats{Users: r.Users, UsersWith2FA: r.With2FA}
	}
	var starts []struct {
		AccountID int64     `bun:"account_id"`
		Started   time.Time `bun:"twofa_grace_started_at"`
	}
	err = s.conn(ctx).NewSelect().Model((*domain.User)(nil)).Column("u.account_id", "u.twofa_grace_started_at").
		Where("NOT "+twoFactorOn).Where("u.twofa_grace_started_at IS NOT NULL").Apply(only).Scan(ctx, &starts)
	if err != nil {
		return nil, s.wrap(err)
	}
	for _, r := range starts {
		st := out[r.AccountID]
		st.GraceStarts = append(st.GraceStarts, r.Started)
		out[r.AccountID] = st
	}
	return out, nil
}

// Accounts lists every account by id.
func (s *Store) Accounts(ctx context.Context) ([]domain.Account, error) {
	var as []domain.Account
	err := s.conn(ctx).NewSelect().Model(&as).Order("a.id").Scan(ctx)
	return as, s.wrap(err)
}

// AccountByID returns the account. Returns ErrNotFound if none.
func (s *Store) AccountByID(ctx context.Context, id int64) (*domain.Account, error) {
	a := new(domain.Account)
	err := s.conn(ctx).NewSelect().Model(a).Where("a.id = ?", id).Scan(ctx)
	return a, s.wrap(err)
}

// summaryColumns are the users' columns a listing reads: everything but the
// password hash and the sealed secrets.
var summaryColumns = []string{"u.id", "u.account_id", "u.username", "u.role", "u.totp_enabled_at", "u.totp_last_step",
	"u.failed_code_count", "u.locked_until", "u.last_login_at", "u.disabled_at", "u.security_keys", "u.created_at", "u.updated_at",
	"u.email", "u.email_verified_at", "u.email_pending", "u.twofa_grace_started_at"}

// AccountUsers lists the users of an account that pass the filter by
// username, with how many recovery codes each has left and their username's
// password lock.
func (s *Store) AccountUsers(ctx context.Context, f domain.UserFilter) ([]domain.UserSummary, error) {
	var users []domain.UserSummary
	left := s.conn(ctx).NewSelect().Model((*domain.RecoveryCode)(nil)).ColumnExpr("count(*)").
		Where("rc.user_id = u.id").Where("rc.used_at IS NULL")
	q := s.conn(ctx).NewSelect().Model(&users).ModelTableExpr("users AS u")
	for _, col := range summaryColumns {
		q = q.ColumnExpr(col)
	}
	q = q.ColumnExpr("(?) AS recovery_codes_left", left).
		ColumnExpr("lt.locked_until AS password_locked_until").
		Join("LEFT JOIN login_throttles AS lt ON lt.key = 'user:' || u.username").
		Where("u.account_id = ?", f.AccountID)
	switch f.TwoFA {
	case "on":
		q = q.Where(twoFactorOn)
	case "off":
		q = q.Where("NOT " + twoFactorOn)
	}
	if f.Prefix != "" {
		q = q.Where(`u.username LIKE ? ESCAPE '\'`, likePrefix(f.Prefix))
	}
	if f.After != "" {
		q = q.Where("u.username > ?", f.After)
	}
	if f.Limit > 0 {
		q = q.Limit(f.Limit)
	}
	err := q.Order("u.username").Scan(ctx)
	return users, s.wrap(err)
}

// ChangeUser applies an administrator's change to a user of an account that
// byAdminID administers (0: the command line), with its audit events, in
// one transaction; disabling also ends every session of the user. Returns
// the changed user and how many sessions ended, ErrNotFound if there is no
// such user for that admin.
func (s *Store) ChangeUser(ctx context.Context, userID, byAdminID int64, c domain.UserChange, now time.Time, audits []*domain.AuditEvent) (*domain.User, int64, error) {
	var ended int64
	err := s.tx(ctx, func(tx bun.Tx) error {
		q := tx.NewUpdate().Model((*domain.User)(nil)).Set("updated_at = ?", now).Where("u.id = ?", userID)
		if c.Role != nil {
			q = q.Set("role = ?", *c.Role)
		}
		if c.Disabled != nil && *c.Disabled {
			q = q.Set("disabled_at = COALESCE(disabled_at, ?)", now)
		} else if c.Disabled != nil {
			q = q.Set("disabled_at = NULL")
		}
		res, err := sqldb.ByAdminOfUser(q, byAdminID).Exec(ctx)
		if err != nil {
			return err
		}
		if err := affectedOne(res); err != nil {
			return err
		}
		if c.Disabled != nil && *c.Disabled {
			if ended, err = s.rowsAffected(tx.NewDelete().Model((*domain.Session)(nil)).Where("user_id = ?", userID).Exec(ctx)); err != nil {
				return err
			}
		}
		for _, a := range audits {
			if err := insertAudit(ctx, tx, a); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	u, err := s.UserByID(ctx, userID)
	return u, ended, err
}

// UnlockUser ends the user's lockouts: wrong second-factor codes (also the
// stop after a long run of them) and the password throttle of their
// username, with the audit event, in one transaction. byAdminID scopes it as
// for ChangeUser; username must be the user's. Returns ErrNotFound if there
// is no such user for that admin.
func (s *Store) UnlockUser(ctx context.Context, userID int64, username string, byAdminID int64, now time.Time, audit *domain.AuditEvent) error {
	return s.tx(ctx, func(tx bun.Tx) error {
		res, err := sqldb.ByAdminOfUser(tx.NewUpdate().Model((*domain.User)(nil)).
			Set("failed_code_count = 0").Set("locked_until = NULL").Set("updated_at = ?", now).
			Where("u.id = ?", userID).Where("u.username = ?", username), byAdminID).Exec(ctx)
		if err != nil {
			return err
		}
		if err := affectedOne(res); err != nil {
			return err
		}
		if _, err := tx.NewDelete().Model((*domain.LoginThrottle)(nil)).Where("key = ?", "user:"+username).Exec(ctx); err != nil {
			return err
		}
		return insertAudit(ctx, tx, audit)
	})
}

// SetForceTwoFactor switches the account's "Force 2FA for users" policy,
// records who did it and when, and writes the audit event, in one
// transaction: SetTwoFactorPolicy keeping the grace period.
func (s *Store) SetForceTwoFactor(ctx context.Context, accountID int64, on bool, byAdminID int64, now time.Time, audit *domain.AuditEvent) (*domain.Account, error) {
	return s.SetTwoFactorPolicy(ctx, accountID, on, nil, byAdminID, now, audit)
}

// SetTwoFactorPolicy switches the account's "Force 2FA for users" policy,
// sets its grace period (graceDays nil: kept), records who did it and when,
// and writes the audit event, in one transaction. Switching it off forgets
// every user's grace start, so switched on again it grants a new grace
// period. byAdminID must be an admin of the account (0: the command line).
// Returns ErrNotFound if there is no account, or none of that admin.
func (s *Store) SetTwoFactorPolicy(ctx context.Context, accountID int64, on bool, graceDays *int, byAdminID int64, now time.Time, audit *domain.AuditEvent) (*domain.Account, error) {
	var by *int64
	if byAdminID != 0 {
		by = &byAdminID
	}
	set := func(q *bun.UpdateQuery) *bun.UpdateQuery {
		// When and by whom is the switch's last move: a new grace period
		// alone leaves "on since" as it was (the audit log has both).
		q = q.Set("force_2fa_changed_at = CASE WHEN force_2fa = ? THEN force_2fa_changed_at ELSE ? END", on, now).
			Set("force_2fa_changed_by = CASE WHEN force_2fa = ? THEN force_2fa_changed_by ELSE ? END", on, by).
			Set("force_2fa = ?", on)
		if graceDays != nil {
			q = q.Set("grace_days = ?", *graceDays)
		}
		return q
	}
	forgetStarts := func(tx bun.Tx) error {
		if on {
			return nil
		}
		_, err := tx.NewUpdate().Model((*domain.User)(nil)).Set("twofa_grace_started_at = NULL").
			Where("account_id = ?", accountID).Where("twofa_grace_started_at IS NOT NULL").Exec(ctx)
		return err
	}
	return s.updateAccount(ctx, accountID, byAdminID, set, forgetStarts, audit)
}

// graceStartSet is the SET clause that starts a user's grace period at its
// argument, unless it has started already (the first start counts) or their
// account no longer forces 2FA with a grace period (switched off meanwhile:
// no start may outlive the switch). A clause, not a statement, so a login
// writes it with last_login_at: PostgreSQL cannot update one row twice in
// one statement.
const graceStartSet = "twofa_grace_started_at = CASE WHEN u.twofa_grace_started_at IS NULL AND EXISTS " +
	"(SELECT 1 FROM accounts AS ga WHERE ga.id = u.account_id AND ga.force_2fa AND ga.grace_days > 0) " +
	"THEN ? ELSE u.twofa_grace_started_at END"

// StartGrace starts the user's grace period at now (see graceStartSet) and
// returns when it started: now, or the earlier start that stands. Returns
// ErrNotFound when none stands (the account has no grace period now).
func (s *Store) StartGrace(ctx context.Context, userID int64, now time.Time) (time.Time, error) {
	var started *time.Time
	err := s.conn(ctx).NewUpdate().Model((*domain.User)(nil)).Set(graceStartSet, now).Where("u.id = ?", userID).
		Returning("twofa_grace_started_at").Scan(ctx, &started)
	if err != nil {
		return time.Time{}, s.wrap(err)
	}
	if started == nil {
		return time.Time{}, domain.ErrNotFound
	}
	return *started, nil
}
