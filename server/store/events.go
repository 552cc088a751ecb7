package store

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/uptrace/bun"
	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/shared"
)

// RecordLoginEvent appends one attempt to the login history.
func (s *Store) RecordLoginEvent(ctx context.Context, e *domain.LoginEvent) error {
	_, err := s.conn(ctx).NewInsert().Model(e).Returning("id").Exec(ctx)
	return s.wrap(err)
}

// RecordBlockedAttempt records an attempt a lock refused, e.LockPeriod
// naming the lock: the lock's first makes its row, every later one (on any
// server process) counts into it and moves its last time, in one statement.
func (s *Store) RecordBlockedAttempt(ctx context.Context, e *domain.LoginEvent) error {
	_, err := s.conn(ctx).NewInsert().Model(e).
		On("CONFLICT (lock_period) WHERE lock_period IS NOT NULL DO UPDATE").
		Set("attempts = e.attempts + 1").Set("last_at = EXCLUDED.last_at").
		Exec(ctx)
	return s.wrap(err)
}

// LoginEvents returns a page of login events and the cursor of the next page
// (0 when this is the last). Pages are keyset-paginated on the id, so a page
// costs the same however deep it is and concurrent inserts never shift it.
func (s *Store) LoginEvents(ctx context.Context, f domain.LoginEventFilter) (events []domain.LoginEvent, next int64, err error) {
	limit := min(max(f.Limit, 1), 100)
	q := s.conn(ctx).NewSelect().Model(&events)
	// Both when both are given: an admin's look at one user is limited to
	// the admin's account in SQL too, whatever the caller checked.
	if f.UserID > 0 {
		q = q.Where("e.user_id = ?", f.UserID)
	}
	if f.AccountID > 0 {
		q = q.Where("e.account_id = ?", f.AccountID)
	}
	if f.NoAccount {
		q = q.Where("e.account_id IS NULL")
	}
	if f.NoAccount == (f.UserID > 0 || f.AccountID > 0) {
		return nil, 0, errors.New("store: a login event page needs a user or an account, or no account")
	}
	if !f.Since.IsZero() {
		q = q.Where("e.created_at >= ?", f.Since)
	}
	if !f.Until.IsZero() {
		q = q.Where("e.created_at < ?", f.Until)
	}
	if f.Before > 0 {
		q = q.Where("e.id < ?", f.Before)
	}
	if f.OnlyFails {
		q = q.Where("e.result = ?", shared.ResultFailure)
	}
	if f.UsernamePrefix != "" {
		q = q.Where(`e.username LIKE ? ESCAPE '\'`, likePrefix(f.UsernamePrefix))
	}
	// One row more than asked tells whether there is a next page.
	if err := q.OrderExpr("e.id DESC").Limit(limit + 1).Scan(ctx); err != nil {
		return nil, 0, s.wrap(err)
	}
	if len(events) > limit {
		events = events[:limit]
		next = events[limit-1].ID
	}
	return events, next, nil
}

// DeleteLoginEventsBefore removes events older than before, in batches so
// that a large backlog never holds a long lock, and returns how many.
func (s *Store) DeleteLoginEventsBefore(ctx context.Context, before time.Time) (int64, error) {
	const batch = 5000
	var total int64
	for {
		ids := s.conn(ctx).NewSelect().Model((*domain.LoginEvent)(nil)).Column("id").Where("created_at < ?", before).Limit(batch)
		n, err := s.rowsAffected(s.conn(ctx).NewDelete().Model((*domain.LoginEvent)(nil)).Where("id IN (?)", ids).Exec(ctx))
		total += n
		if err != nil || n < batch {
			return total, err
		}
	}
}

// RecordLoginEvents appends many events in one statement (imports, seeds
// for tests and benchmarks).
func (s *Store) RecordLoginEvents(ctx context.Context, events []domain.LoginEvent) error {
	if len(events) == 0 {
		return nil
	}
	_, err := s.conn(ctx).NewInsert().Model(&events).Exec(ctx)
	return s.wrap(err)
}

// likePrefix is a LIKE pattern for the strings that start with prefix: its
// own % and _ (and the escape) stand for themselves.
func likePrefix(prefix string) string {
	return strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(prefix) + "%"
}

// HasLoggedInFrom reports whether the history has a successful login step
// of the user from ip. With passwordsBefore set, a password step counts only
// until then (a code step always).
func (s *Store) HasLoggedInFrom(ctx context.Context, userID int64, ip string, passwordsBefore *time.Time) (bool, error) {
	q := s.conn(ctx).NewSelect().Model((*domain.LoginEvent)(nil)).
		Where("user_id = ?", userID).Where("ip = ?", ip).Where("result = ?", shared.ResultSuccess)
	if passwordsBefore != nil {
		q = q.WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
			return q.Where("method <> ?", shared.MethodPassword).WhereOr("created_at <= ?", *passwordsBefore)
		})
	}
	ok, err := q.Exists(ctx)
	return ok, s.wrap(err)
}
