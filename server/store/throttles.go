package store

import (
	"context"
	"maps"
	"slices"
	"time"

	"github.com/uptrace/bun"
	"github.com/warden-auth/warden/server/domain"
)

// Throttles returns the failure counters that exist for keys, locked or
// not, by key.
func (s *Store) Throttles(ctx context.Context, keys []string) (map[string]domain.LoginThrottle, error) {
	var rows []domain.LoginThrottle
	err := s.conn(ctx).NewSelect().Model(&rows).Where("key IN (?)", bun.In(keys)).Scan(ctx)
	counters := make(map[string]domain.LoginThrottle, len(rows))
	for _, r := range rows {
		counters[r.Key] = r
	}
	return counters, s.wrap(err)
}

// ThrottledUntil returns the latest time until which any of the keys is
// locked at now, or the zero time if none is.
func (s *Store) ThrottledUntil(ctx context.Context, keys []string, now time.Time) (time.Time, error) {
	counters, err := s.Throttles(ctx, keys)
	var until time.Time
	for _, t := range counters {
		if t.Locked(now) && t.LockedUntil.After(until) {
			until = *t.LockedUntil
		}
	}
	return until, err
}

// RecordLoginFailure counts a failed attempt for each key under its rule and
// locks the keys that reach their threshold. It returns the latest lock it
// set, or the zero time. The keys' rows are written in the order of the keys,
// so that concurrent failures on the same keys (a flood of one name from one
// network) wait for each other rather than deadlock.
func (s *Store) RecordLoginFailure(ctx context.Context, rules map[string]domain.ThrottleRule, now time.Time) (time.Time, error) {
	var until time.Time
	err := s.tx(ctx, func(tx bun.Tx) error {
		for _, key := range slices.Sorted(maps.Keys(rules)) {
			rule := rules[key]
			row := &domain.LoginThrottle{Key: key, Failures: 1, UpdatedAt: now}
			var failures int
			err := tx.NewInsert().Model(row).
				On("CONFLICT (key) DO UPDATE").
				Set("failures = CASE WHEN lt.updated_at < ? THEN 1 WHEN lt.failures < ? THEN lt.failures + 1 ELSE lt.failures END",
					now.Add(-rule.Window), MaxCountedFailures).
				Set("updated_at = EXCLUDED.updated_at").
				Returning("failures").Scan(ctx, &failures)
			if err != nil {
				return err
			}
			if failures >= rule.Threshold {
				lock := now.Add(rule.LockFor(failures))
				if lock.After(until) {
					until = lock
				}
				if _, err := tx.NewUpdate().Model((*domain.LoginThrottle)(nil)).Set("locked_until = ?", lock).
					Where("key = ?", key).Exec(ctx); err != nil {
					return err
				}
			}
		}
		return nil
	})
	return until, err
}

// DeleteStaleThrottles removes counters last touched before before whose
// lock, if any, has ended.
func (s *Store) DeleteStaleThrottles(ctx context.Context, before, now time.Time) (int64, error) {
	res, err := s.conn(ctx).NewDelete().Model((*domain.LoginThrottle)(nil)).
		Where("updated_at < ?", before).Where("(locked_until IS NULL OR locked_until <= ?)", now).Exec(ctx)
	return s.rowsAffected(res, err)
}

// UserAndThrottles returns the user with this username (nil if none) with
// its account, and the failure counters that exist for keys: what a password
// step reads, in one statement. It is the same statement whether or not the
// user exists, so an unknown username costs what a known one does.
func (s *Store) UserAndThrottles(ctx context.Context, username string, keys []string) (*domain.User, map[string]domain.LoginThrottle, error) {
	// One row per counter found, or a single row if none is; the user's
	// columns are NULL (scanned as zero) when the username is unknown.
	type row struct {
		bun.BaseModel `bun:"table:users,alias:u"`
		domain.User
		ThrottleKey         *string    `bun:"throttle_key"`
		ThrottleFailures    int        `bun:"throttle_failures"`
		ThrottleLockedUntil *time.Time `bun:"throttle_locked_until"`
	}
	var rows []row
	err := s.conn(ctx).NewSelect().Model(&rows).
		ModelTableExpr("(SELECT 1) AS one LEFT JOIN users AS u ON u.username = ?", username).
		Relation("Account").
		Join("LEFT JOIN login_throttles AS lt ON lt.key IN (?)", bun.In(keys)).
		ColumnExpr("u.*").
		ColumnExpr("lt.key AS throttle_key, lt.failures AS throttle_failures, lt.locked_until AS throttle_locked_until").
		Scan(ctx)
	if err != nil {
		return nil, nil, s.wrap(err)
	}
	var u *domain.User
	counters := make(map[string]domain.LoginThrottle, len(rows))
	for _, r := range rows {
		if r.ID != 0 {
			u = &r.User
		}
		if r.ThrottleKey != nil {
			counters[*r.ThrottleKey] = domain.LoginThrottle{Key: *r.ThrottleKey, Failures: r.ThrottleFailures, LockedUntil: r.ThrottleLockedUntil}
		}
	}
	return u, counters, nil
}
