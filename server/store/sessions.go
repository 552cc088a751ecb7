package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/uptrace/bun"
	"github.com/warden-auth/warden/server/domain"
)

// CreateSession inserts sess (all fields but ID set by the caller).
func (s *Store) CreateSession(ctx context.Context, sess *domain.Session) error {
	_, err := s.conn(ctx).NewInsert().Model(sess).Returning("id").Exec(ctx)
	return s.wrap(err)
}

// SessionByTokenHash returns the session, its user and the user's account, if
// the session has not expired at now (absolute expiry; idle expiry is the
// caller's policy). Returns ErrNotFound otherwise.
func (s *Store) SessionByTokenHash(ctx context.Context, tokenHash []byte, now time.Time) (*domain.Session, error) {
	sess := new(domain.Session)
	err := s.conn(ctx).NewSelect().Model(sess).
		Relation("User").Relation("User.Account").
		Where("s.token_hash = ?", tokenHash).
		Where("s.expires_at > ?", now).
		Scan(ctx)
	return sess, s.wrap(err)
}

// TouchSession records activity on a session, which keeps it from idling out.
func (s *Store) TouchSession(ctx context.Context, id int64, now time.Time) error {
	_, err := s.conn(ctx).NewUpdate().Model((*domain.Session)(nil)).Set("last_seen_at = ?", now).Where("id = ?", id).Exec(ctx)
	return s.wrap(err)
}

// DeleteSession ends the session with this token hash; ending one that does
// not exist is not an error (logout is idempotent).
func (s *Store) DeleteSession(ctx context.Context, tokenHash []byte) error {
	_, err := s.conn(ctx).NewDelete().Model((*domain.Session)(nil)).Where("token_hash = ?", tokenHash).Exec(ctx)
	return s.wrap(err)
}

// DeleteUserSessions ends every session of the user and returns how many.
func (s *Store) DeleteUserSessions(ctx context.Context, userID int64) (int64, error) {
	res, err := s.conn(ctx).NewDelete().Model((*domain.Session)(nil)).Where("user_id = ?", userID).Exec(ctx)
	return s.rowsAffected(res, err)
}

// DeleteExpiredSessions removes sessions past their absolute expiry or idle
// since before idleBefore, and returns how many.
func (s *Store) DeleteExpiredSessions(ctx context.Context, now, idleBefore time.Time) (int64, error) {
	res, err := s.conn(ctx).NewDelete().Model((*domain.Session)(nil)).
		WhereOr("expires_at <= ?", now).WhereOr("last_seen_at < ?", idleBefore).Exec(ctx)
	return s.rowsAffected(res, err)
}

// CompleteLoginStep applies step.
func (s *Store) CompleteLoginStep(ctx context.Context, step domain.LoginStep) error {
	// A new trusted browser goes with a code (so this is rare) and wants
	// its id back, which the one statement does not scan.
	// (A step that continues a sign-in updates its row: that is no
	// insert the one statement could make.)
	if s.dialect == Postgres && step.Proof == (domain.Proof{}) && len(step.Notices) == 0 && step.TrustBrowser == nil && step.Event.ID == 0 {
		return s.completeInOneStatement(ctx, step)
	}
	return s.tx(ctx, func(tx bun.Tx) error {
		if err := acceptProof(ctx, tx, step.Session.UserID, step.Proof, step.Session.CreatedAt); err != nil {
			return err
		}
		if err := writeSignInRow(ctx, tx, step.Event, step.Session.UserID); err != nil {
			return err
		}
		if step.Event.Pending {
			step.Session.LoginEventID = &step.Event.ID
		}
		if _, err := tx.NewInsert().Model(step.Session).Returning("id").Exec(ctx); err != nil {
			return err
		}
		for _, q := range sideWrites(step, tx) {
			if _, err := q.Exec(ctx); err != nil {
				return err
			}
		}
		for _, n := range step.Notices {
			if err := insertNotice(ctx, tx, n); err != nil {
				return err
			}
		}
		return nil
	})
}

// completeInOneStatement applies a step that has no condition to check (a
// password step) as one PostgreSQL statement: data-modifying WITH clauses
// are atomic and all run, and it saves the BEGIN and COMMIT round trips,
// which are most of a login's database cost (docs/PERFORMANCE.md).
func (s *Store) completeInOneStatement(ctx context.Context, step domain.LoginStep) error {
	session := s.conn(ctx).NewInsert().Model(step.Session).Returning("id")
	if step.Event.Pending {
		// A data-modifying WITH clause sees what an earlier one returns.
		session = session.Value("login_event_id", "(SELECT id FROM new_event)")
	}
	q := s.conn(ctx).NewSelect().
		With("new_event", s.conn(ctx).NewInsert().Model(step.Event).Returning("id")).
		With("new_session", session)
	for i, w := range sideWrites(step, s.conn(ctx)) {
		q = q.With(fmt.Sprintf("side_%d", i), w)
	}
	err := q.ColumnExpr("(SELECT id FROM new_session), (SELECT id FROM new_event)").
		Scan(ctx, &step.Session.ID, &step.Event.ID)
	if err == nil && step.Event.Pending {
		step.Session.LoginEventID = &step.Event.ID
	}
	return s.wrap(err)
}

// writeSignInRow writes e, the row of a successful step: a step that
// continues a sign-in (e.ID set) updates the sign-in's row, one of userID's;
// a row gone meanwhile (the history's retention) is added again, and so is
// every other step's.
func writeSignInRow(ctx context.Context, tx bun.Tx, e *domain.LoginEvent, userID int64) error {
	if e.ID != 0 {
		res, err := tx.NewUpdate().Model(e).Column("method", "methods", "pending").
			Where("e.id = ?", e.ID).Where("e.user_id = ?", userID).Exec(ctx)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 1 {
			return err
		}
		e.ID = 0
	}
	_, err := tx.NewInsert().Model(e).Returning("id").Exec(ctx)
	return err
}

// sideWrites are the step's writes besides its session and event.
func sideWrites(step domain.LoginStep, db bun.IDB) []execer {
	var qs []execer
	if step.EndSession != nil {
		qs = append(qs, db.NewDelete().Model((*domain.Session)(nil)).Where("token_hash = ?", step.EndSession))
	}
	if step.ClearThrottle != "" {
		qs = append(qs, db.NewDelete().Model((*domain.LoginThrottle)(nil)).Where("key = ?", step.ClearThrottle))
	}
	if step.LoggedInAt != nil {
		q := db.NewUpdate().Model((*domain.User)(nil)).Set("last_login_at = ?", *step.LoggedInAt)
		if step.StartGrace != nil {
			q = q.Set(graceStartSet, *step.StartGrace)
		}
		qs = append(qs, q.Where("u.id = ?", step.Session.UserID))
	}
	if step.TrustBrowser != nil {
		qs = append(qs, db.NewInsert().Model(step.TrustBrowser).Returning("id"))
	}
	if step.UsedTrustedBrowser != nil {
		qs = append(qs, db.NewUpdate().Model((*domain.TrustedBrowser)(nil)).Set("last_used_at = ?", step.Session.CreatedAt).
			Where("id = ?", *step.UsedTrustedBrowser).Where("user_id = ?", step.Session.UserID))
	}
	return qs
}

// execer is a write query, run alone or as part of a larger statement.
type execer interface {
	bun.Query
	Exec(ctx context.Context, dest ...any) (sql.Result, error)
}
