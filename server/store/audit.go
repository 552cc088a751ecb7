package store

import (
	"context"
	"time"

	"github.com/uptrace/bun"
)

// AuditEvent is one administrative action or security change, written in the
// same transaction as the change itself.
type AuditEvent struct {
	bun.BaseModel `bun:"table:audit_events,alias:ae"`

	ID         int64     `bun:"id,pk,autoincrement"`
	CreatedAt  time.Time `bun:"created_at,notnull"`
	AccountID  int64     `bun:"account_id,notnull"`
	ActorID    *int64    `bun:"actor_id"` // nil for the command line
	ActorName  string    `bun:"actor_name,notnull"`
	Action     string    `bun:"action,notnull"`
	TargetID   *int64    `bun:"target_id"`
	TargetName string    `bun:"target_name,notnull"`
	IP         string    `bun:"ip,notnull"`
	Detail     string    `bun:"detail,notnull"`
}

func insertAudit(ctx context.Context, db bun.IDB, e *AuditEvent) error {
	if e == nil {
		return nil
	}
	_, err := db.NewInsert().Model(e).Returning("id").Exec(ctx)
	return err
}

// RecordAudit stores an audit event that goes with no change: a refused
// attempt at one.
func (s *Store) RecordAudit(ctx context.Context, e *AuditEvent) error {
	return s.wrap(insertAudit(ctx, s.db, e))
}

// AuditEvents returns a page of an account's audit log, newest first, and
// the cursor of the next page (0 on the last).
func (s *Store) AuditEvents(ctx context.Context, accountID, before int64, limit int) (events []AuditEvent, next int64, err error) {
	limit = min(max(limit, 1), 100)
	q := s.db.NewSelect().Model(&events).Where("ae.account_id = ?", accountID)
	if before > 0 {
		q = q.Where("ae.id < ?", before)
	}
	if err := q.OrderExpr("ae.id DESC").Limit(limit + 1).Scan(ctx); err != nil {
		return nil, 0, s.wrap(err)
	}
	if len(events) > limit {
		events = events[:limit]
		next = events[limit-1].ID
	}
	return events, next, nil
}
