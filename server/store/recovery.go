package store

import (
	"context"
	"time"

	"github.com/uptrace/bun"
)

// RecoveryCode is one single-use recovery code, kept only as a keyed hash.
type RecoveryCode struct {
	bun.BaseModel `bun:"table:recovery_codes,alias:rc"`

	ID        int64      `bun:"id,pk,autoincrement"`
	UserID    int64      `bun:"user_id,notnull"`
	CodeHash  string     `bun:"code_hash,notnull" json:"-"`
	UsedAt    *time.Time `bun:"used_at"`
	CreatedAt time.Time  `bun:"created_at,notnull"`
}

// replaceRecoveryCodes deletes the user's codes and inserts the new hashes.
func replaceRecoveryCodes(ctx context.Context, db bun.IDB, userID int64, hashes []string, now time.Time) error {
	if _, err := db.NewDelete().Model((*RecoveryCode)(nil)).Where("user_id = ?", userID).Exec(ctx); err != nil {
		return err
	}
	if len(hashes) == 0 {
		return nil
	}
	codes := make([]RecoveryCode, len(hashes))
	for i, h := range hashes {
		codes[i] = RecoveryCode{UserID: userID, CodeHash: h, CreatedAt: now}
	}
	_, err := db.NewInsert().Model(&codes).Exec(ctx)
	return err
}

// RecoveryCodes returns the user's current set, used codes included (so a
// second use can be told apart from a wrong code).
func (s *Store) RecoveryCodes(ctx context.Context, userID int64) ([]RecoveryCode, error) {
	var codes []RecoveryCode
	err := s.db.NewSelect().Model(&codes).Where("user_id = ?", userID).Order("id").Scan(ctx)
	return codes, s.wrap(err)
}

// RecoveryCodesLeft counts the user's unused codes.
func (s *Store) RecoveryCodesLeft(ctx context.Context, userID int64) (int, error) {
	n, err := s.db.NewSelect().Model((*RecoveryCode)(nil)).Where("user_id = ?", userID).Where("used_at IS NULL").Count(ctx)
	return n, s.wrap(err)
}

// spendRecoveryCode marks the code used if it still is unused: one
// conditional UPDATE, so of racing requests with one code exactly one wins.
// Returns ErrReplay if it was already used.
func spendRecoveryCode(ctx context.Context, db bun.IDB, userID, codeID int64, now time.Time) error {
	res, err := db.NewUpdate().Model((*RecoveryCode)(nil)).Set("used_at = ?", now).
		Where("id = ?", codeID).Where("user_id = ?", userID).Where("used_at IS NULL").Exec(ctx)
	if err != nil {
		return err
	}
	if affectedOne(res) != nil {
		return ErrReplay
	}
	// A right recovery code proves the user as a code would: the run of
	// wrong codes is over, and an authenticator stopped by it works again.
	_, err = db.NewUpdate().Model((*User)(nil)).Set("failed_code_count = 0").Set("locked_until = NULL").
		Where("id = ?", userID).Exec(ctx)
	return err
}
