package store

import (
	"context"
	"time"

	"github.com/uptrace/bun"
)

// LoginThrottle counts recent failed password attempts for one key
// ("ip:192.0.2.1" or "user:alice").
type LoginThrottle struct {
	bun.BaseModel `bun:"table:login_throttles,alias:lt"`

	Key         string     `bun:"key,pk"`
	Failures    int        `bun:"failures,notnull"`
	LockedUntil *time.Time `bun:"locked_until"`
	UpdatedAt   time.Time  `bun:"updated_at,notnull"`
}

// Locks returns, for each of the keys locked at now, the time its lock ends.
func (s *Store) Locks(ctx context.Context, keys []string, now time.Time) (map[string]time.Time, error) {
	var rows []LoginThrottle
	err := s.db.NewSelect().Model(&rows).Column("key", "locked_until").
		Where("key IN (?)", bun.In(keys)).Where("locked_until > ?", now).Scan(ctx)
	locks := make(map[string]time.Time, len(rows))
	for _, r := range rows {
		locks[r.Key] = *r.LockedUntil
	}
	return locks, s.wrap(err)
}

// ThrottledUntil returns the latest time until which any of the keys is
// locked at now, or the zero time if none is.
func (s *Store) ThrottledUntil(ctx context.Context, keys []string, now time.Time) (time.Time, error) {
	locks, err := s.Locks(ctx, keys, now)
	var until time.Time
	for _, l := range locks {
		if l.After(until) {
			until = l
		}
	}
	return until, err
}

// ThrottleRule is how failures of one kind of key lock it.
type ThrottleRule struct {
	Threshold int           // failures within Window before a lock
	Window    time.Duration // a failure older than this starts the count anew
	LockFor   func(failures int) time.Duration
}

// RecordLoginFailure counts a failed attempt for each key under its rule and
// locks the keys that reach their threshold. It returns the latest lock it
// set, or the zero time.
func (s *Store) RecordLoginFailure(ctx context.Context, rules map[string]ThrottleRule, now time.Time) (time.Time, error) {
	var until time.Time
	err := s.tx(ctx, func(tx bun.Tx) error {
		for key, rule := range rules {
			row := &LoginThrottle{Key: key, Failures: 1, UpdatedAt: now}
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
				if _, err := tx.NewUpdate().Model((*LoginThrottle)(nil)).Set("locked_until = ?", lock).
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
	res, err := s.db.NewDelete().Model((*LoginThrottle)(nil)).
		Where("updated_at < ?", before).Where("(locked_until IS NULL OR locked_until <= ?)", now).Exec(ctx)
	return s.rowsAffected(res, err)
}
