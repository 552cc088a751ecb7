package store

import (
	"context"
	"time"

	"github.com/uptrace/bun"
	"github.com/warden-auth/warden/server/domain"
)

// replaceRecoveryCodes deletes the user's codes and inserts the new hashes.
func replaceRecoveryCodes(ctx context.Context, db bun.IDB, userID int64, hashes []string, now time.Time) error {
	if _, err := db.NewDelete().Model((*domain.RecoveryCode)(nil)).Where("user_id = ?", userID).Exec(ctx); err != nil {
		return err
	}
	if len(hashes) == 0 {
		return nil
	}
	codes := make([]domain.RecoveryCode, len(hashes))
	for i, h := range hashes {
		codes[i] = domain.RecoveryCode{UserID: userID, CodeHash: h, CreatedAt: now}
	}
	_, err := db.NewInsert().Model(&codes).Exec(ctx)
	return err
}

// RecoveryCodes returns the user's current set, used codes included (so a
// second use can be told apart from a wrong code).
func (s *Store) RecoveryCodes(ctx context.Context, userID int64) ([]domain.RecoveryCode, error) {
	var codes []domain.RecoveryCode
	err := s.conn(ctx).NewSelect().Model(&codes).Where("user_id = ?", userID).Order("id").Scan(ctx)
	return codes, s.wrap(err)
}

// RecoveryCodesLeft counts the user's unused codes.
func (s *Store) RecoveryCodesLeft(ctx context.Context, userID int64) (int, error) {
	n, err := s.conn(ctx).NewSelect().Model((*domain.RecoveryCode)(nil)).Where("user_id = ?", userID).Where("used_at IS NULL").Count(ctx)
	return n, s.wrap(err)
}

// spendRecoveryCode marks the code used if it still is unused: one
// conditional UPDATE, so of racing requests with one code exactly one wins.
// Returns ErrReplay if it was already used.
func spendRecoveryCode(ctx context.Context, db bun.IDB, userID, codeID int64, now time.Time) error {
	res, err := db.NewUpdate().Model((*domain.RecoveryCode)(nil)).Set("used_at = ?", now).
		Where("id = ?", codeID).Where("user_id = ?", userID).Where("used_at IS NULL").Exec(ctx)
	if err != nil {
		return err
	}
	if affectedOne(res) != nil {
		return domain.ErrReplay
	}
	// A right recovery code proves the user as a code would: the run of
	// wrong codes is over, and an authenticator stopped by it works again.
	_, err = db.NewUpdate().Model((*domain.User)(nil)).Set("failed_code_count = 0").Set("locked_until = NULL").
		Where("id = ?", userID).Exec(ctx)
	return err
}
