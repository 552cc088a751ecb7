package store

import (
	"context"

	"github.com/warden-auth/warden/server/domain"
)

// RecordAudit stores an audit event that goes with no change: a refused
// attempt at one.
func (s *Store) RecordAudit(ctx context.Context, e *domain.AuditEvent) error {
	return s.wrap(insertAudit(ctx, s.conn(ctx), e))
}

// AuditEvents returns a page of an account's audit log, newest first, and
// the cursor of the next page (0 on the last).
func (s *Store) AuditEvents(ctx context.Context, accountID, before int64, limit int) (events []domain.AuditEvent, next int64, err error) {
	limit = min(max(limit, 1), 100)
	q := s.conn(ctx).NewSelect().Model(&events).Where("ae.account_id = ?", accountID)
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
