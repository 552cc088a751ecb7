package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/uptrace/bun"
	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/server/store/sqldb"
)

// SetPendingTOTP stores a new, not yet confirmed TOTP secret (sealed by the
// caller), replacing any earlier pending one. Returns ErrConflict if the
// user already has 2FA connected, and ErrNotFound if there is no such user.
func (s *Store) SetPendingTOTP(ctx context.Context, userID int64, sealed []byte, now time.Time) error {
	res, err := s.conn(ctx).NewUpdate().Model((*domain.User)(nil)).
		Set("totp_pending_secret = ?", sealed).Set("updated_at = ?", now).
		Where("id = ?", userID).Where("totp_enabled_at IS NULL").Exec(ctx)
	if err != nil {
		return s.wrap(err)
	}
	if err := affectedOne(res); err != nil {
		if _, err := s.UserByID(ctx, userID); err != nil {
			return err
		}
		return domain.ErrConflict
	}
	return nil
}

// acceptStep records step as the user's last accepted TOTP time step, only
// if it is later than the one stored, and now as the app's last use, and
// clears the failure count. It is one conditional UPDATE, so of two
// requests racing with the same code exactly one wins (RFC 6238 §5.2).
// Returns ErrReplay if the step was not later, and ErrLocked if the user is
// locked out at now.
func acceptStep(ctx context.Context, db bun.IDB, userID, step int64, now time.Time) error {
	res, err := db.NewUpdate().Model((*domain.User)(nil)).
		Set("totp_last_step = ?", step).Set("totp_last_used_at = ?", now).Set("failed_code_count = 0").Set("locked_until = NULL").
		Where("id = ?", userID).Where("totp_last_step < ?", step).
		Where("(locked_until IS NULL OR locked_until <= ?)", now).
		Exec(ctx)
	if err != nil {
		return err
	}
	if affectedOne(res) == nil {
		return nil
	}
	var u domain.User
	if err := db.NewSelect().Model(&u).Column("totp_last_step", "locked_until").Where("id = ?", userID).Scan(ctx); err != nil {
		return err
	}
	if u.CodesLocked(now) {
		return domain.ErrLocked
	}
	return domain.ErrReplay
}

// ConnectTOTP makes the pending secret the user's TOTP secret, with step (the
// confirming code's) as the last accepted one, so the code that connected
// cannot log in again, and replaces the user's recovery codes with
// recoveryHashes, and ends every session of the user but keepSession, in one
// transaction (recoveryHashes nil: the codes stay). Returns ErrConflict if
// there is no pending secret or the app is already connected.
func (s *Store) ConnectTOTP(ctx context.Context, userID, step int64, recoveryHashes []string, keepSession int64, now time.Time, audit *domain.AuditEvent) error {
	return s.tx(ctx, func(tx bun.Tx) error {
		res, err := tx.NewUpdate().Model((*domain.User)(nil)).
			Set("totp_secret = totp_pending_secret").Set("totp_pending_secret = NULL").
			Set("totp_enabled_at = ?", now).Set("totp_last_step = ?", step).Set("totp_last_used_at = NULL").
			Set("failed_code_count = 0").Set("locked_until = NULL").Set("updated_at = ?", now).
			Where("id = ?", userID).Where("totp_pending_secret IS NOT NULL").Where("totp_enabled_at IS NULL").
			Exec(ctx)
		if err != nil {
			return err
		}
		if affectedOne(res) != nil {
			return domain.ErrConflict
		}
		// nil: the user has a security key already, whose codes serve the app too.
		if recoveryHashes != nil {
			if err := replaceRecoveryCodes(ctx, tx, userID, recoveryHashes, now); err != nil {
				return err
			}
		}
		// Every other session was made without the second factor that now
		// guards the account, perhaps by whoever made 2FA necessary.
		if _, err := tx.NewDelete().Model((*domain.Session)(nil)).Where("user_id = ?", userID).Where("id <> ?", keepSession).Exec(ctx); err != nil {
			return err
		}
		return insertAudit(ctx, tx, audit)
	})
}

// acceptProof uses up what proof names: the TOTP step, the recovery code,
// or the key's counter (ErrReplay when one was used since, ErrLocked while
// codes are locked). A right proof forgets the wrong codes before it.
func acceptProof(ctx context.Context, db bun.IDB, userID int64, proof domain.Proof, now time.Time) error {
	if proof.TOTPStep != nil {
		if err := acceptStep(ctx, db, userID, *proof.TOTPStep, now); err != nil {
			return err
		}
	}
	if proof.RecoveryCodeID != nil {
		if err := spendRecoveryCode(ctx, db, userID, *proof.RecoveryCodeID, now); err != nil {
			return err
		}
	}
	if proof.SecurityKey != nil {
		if err := useSecurityKey(ctx, db, userID, *proof.SecurityKey, now); err != nil {
			return err
		}
		return clearCodeFailures(ctx, db, userID, now)
	}
	return nil
}

// MarkReauth records on the session that its user proved it is them at now,
// and what the re-authentications proved so far (methods); the proof counts
// as used, as at login (acceptProof). Returns ErrNotFound if the session is
// gone.
func (s *Store) MarkReauth(ctx context.Context, sessionID, userID int64, proof domain.Proof, methods string, now time.Time) error {
	return s.tx(ctx, func(tx bun.Tx) error {
		if err := acceptProof(ctx, tx, userID, proof, now); err != nil {
			return err
		}
		res, err := tx.NewUpdate().Model((*domain.Session)(nil)).Set("reauth_at = ?", now).
			Set("reauth_methods = ?", methods).Where("id = ?", sessionID).Where("user_id = ?", userID).Exec(ctx)
		if err != nil {
			return err
		}
		return affectedOne(res)
	})
}

// RegenerateRecoveryCodes replaces the user's recovery codes after a TOTP
// code or a security key proved it is them; the proof counts as used.
// Returns ErrReplay or ErrLocked as a login step would.
func (s *Store) RegenerateRecoveryCodes(ctx context.Context, userID int64, proof domain.Proof, hashes []string, now time.Time, audit *domain.AuditEvent) error {
	return s.tx(ctx, func(tx bun.Tx) error {
		if err := acceptProof(ctx, tx, userID, proof, now); err != nil {
			return err
		}
		if err := replaceRecoveryCodes(ctx, tx, userID, hashes, now); err != nil {
			return err
		}
		return insertAudit(ctx, tx, audit)
	})
}

// MaxCountedFailures caps the failure counter: past it nothing changes but
// the lock's length, which is capped too.
const MaxCountedFailures = 100

// ReserveCodeAttempt counts one second-factor attempt before its code is
// compared, in one UPDATE that changes the row only while the user is not
// locked at now, and returns the count with this attempt. Returns ErrLocked
// when the user is locked: racing attempts cannot all read "unlocked" and
// compare, as the lock written by one refuses the others at once. A right
// code clears the count (acceptStep, spendRecoveryCode); a wrong one calls
// LockCodes with the returned count.
func (s *Store) ReserveCodeAttempt(ctx context.Context, userID int64, now time.Time) (int, error) {
	var count int
	err := s.conn(ctx).NewUpdate().Model((*domain.User)(nil)).
		Set("failed_code_count = CASE WHEN failed_code_count < ? THEN failed_code_count + 1 ELSE ? END", MaxCountedFailures, MaxCountedFailures).
		Where("id = ?", userID).Where("(locked_until IS NULL OR locked_until <= ?)", now).
		Returning("failed_code_count").Scan(ctx, &count)
	if errors.Is(err, sql.ErrNoRows) {
		if _, err := s.UserByID(ctx, userID); err != nil {
			return 0, err
		}
		return 0, domain.ErrLocked
	}
	return count, s.wrap(err)
}

// RecordCodeFailure counts a wrong code for the user (one not reserved by
// ReserveCodeAttempt) and locks as LockCodes does. The count lives in the
// database, so every server process sees the same one.
func (s *Store) RecordCodeFailure(ctx context.Context, userID int64, now time.Time, threshold int, lockFor func(count int) time.Duration, lockNotice *domain.Notice) (domain.CodeFailure, error) {
	return s.countCodeFailure(ctx, userID, now, threshold, lockFor, lockNotice, func(q *bun.UpdateQuery) *bun.UpdateQuery {
		return q.Set("failed_code_count = CASE WHEN failed_code_count < ? THEN failed_code_count + 1 ELSE ? END", MaxCountedFailures, MaxCountedFailures)
	})
}

// LockCodes is the wrong code of an attempt ReserveCodeAttempt counted as
// the reserved-th: from the threshold-th consecutive failure on,
// second-factor attempts are locked until now + lockFor(count). A count
// below reserved means a success (or a reset) cleared the run since the
// reservation: the failure then counts in the new run, as it would have
// counted after its comparison.
func (s *Store) LockCodes(ctx context.Context, userID int64, reserved int, now time.Time, threshold int, lockFor func(count int) time.Duration, lockNotice *domain.Notice) (domain.CodeFailure, error) {
	return s.countCodeFailure(ctx, userID, now, threshold, lockFor, lockNotice, func(q *bun.UpdateQuery) *bun.UpdateQuery {
		return q.Set("failed_code_count = CASE WHEN failed_code_count < ? AND failed_code_count < ? THEN failed_code_count + 1 ELSE failed_code_count END",
			reserved, MaxCountedFailures)
	})
}

// countCodeFailure sets the user's failed-code count as count says and, in
// the same transaction, locks the codes by the count it leaves (lockCodes).
func (s *Store) countCodeFailure(ctx context.Context, userID int64, now time.Time, threshold int, lockFor func(count int) time.Duration,
	lockNotice *domain.Notice, count func(*bun.UpdateQuery) *bun.UpdateQuery) (domain.CodeFailure, error) {
	var f domain.CodeFailure
	err := s.tx(ctx, func(tx bun.Tx) error {
		var n int
		err := count(tx.NewUpdate().Model((*domain.User)(nil))).
			Where("id = ?", userID).Returning("failed_code_count").Scan(ctx, &n)
		if err != nil {
			return err
		}
		f, err = lockCodes(ctx, tx, userID, n, now, threshold, lockFor, lockNotice)
		return err
	})
	return f, err
}

// lockCodes starts the lock of a count-th failure. The lock is written only
// where none runs at now, and lockNotice only when this write started it:
// of racing failures one locks and one notice (and mail) tells of it; the
// others report the lock that runs.
func lockCodes(ctx context.Context, tx bun.Tx, userID int64, count int, now time.Time, threshold int, lockFor func(count int) time.Duration, lockNotice *domain.Notice) (domain.CodeFailure, error) {
	f := domain.CodeFailure{Count: count}
	if count < threshold {
		return f, nil
	}
	until := now.Add(lockFor(count))
	res, err := tx.NewUpdate().Model((*domain.User)(nil)).Set("locked_until = ?", until).
		Where("id = ?", userID).Where("(locked_until IS NULL OR locked_until <= ?)", now).Exec(ctx)
	if err != nil {
		return f, err
	}
	if affectedOne(res) == nil {
		f.LockedUntil = &until
		return f, insertNotice(ctx, tx, lockNotice)
	}
	var u domain.User
	if err := tx.NewSelect().Model(&u).Column("locked_until").Where("id = ?", userID).Scan(ctx); err != nil {
		return f, err
	}
	if u.LockedUntil != nil && u.LockedUntil.After(now) {
		f.LockedUntil = u.LockedUntil
	} else {
		// Unlocked since (an administrator's reset): this failure's lock.
		f.LockedUntil = &until
	}
	return f, nil
}

// ResealTOTP replaces the user's sealed secret with the same secret sealed
// under the current key, if it still holds old (key rotation).
func (s *Store) ResealTOTP(ctx context.Context, userID int64, old, resealed []byte) error {
	_, err := s.conn(ctx).NewUpdate().Model((*domain.User)(nil)).Set("totp_secret = ?", resealed).
		Where("id = ?", userID).Where("totp_secret = ?", old).Exec(ctx)
	return s.wrap(err)
}

// Switching 2FA off (package factor's switchOff and Reset) is one
// transaction (InTx) of SwitchOff and each factor's wipe: WipeTOTP,
// WipeWebAuthnCredentials, WipeRecoveryCodes.

// SwitchOff is what switching the user's 2FA off does besides removing the
// factors: the lockout is cleared, and the sessions end, all of them if
// endSessions, else those still waiting for a code (which could never
// finish now); every trusted browser goes (it skips a code there no longer
// is). byAdminID is the admin who resets it, who must administer the user's
// account (0: the user themselves or the command line). Returns how many
// sessions ended, and ErrNotFound if there is no such user, or none of that
// admin's account. The last accepted time step stays, so no code accepted
// before can be replayed later.
func (s *Store) SwitchOff(ctx context.Context, userID, byAdminID int64, endSessions bool, now time.Time) (int64, error) {
	var ended int64
	err := s.tx(ctx, func(tx bun.Tx) error {
		res, err := sqldb.ByAdminOfUser(tx.NewUpdate().Model((*domain.User)(nil)).
			Set("failed_code_count = 0").Set("locked_until = NULL").Set("updated_at = ?", now).
			Where("u.id = ?", userID), byAdminID).Exec(ctx)
		if err != nil {
			return err
		}
		if err := affectedOne(res); err != nil {
			return err
		}
		del := tx.NewDelete().Model((*domain.Session)(nil)).Where("user_id = ?", userID)
		if !endSessions {
			del = del.Where("stage = ?", domain.StagePasswordOK)
		}
		if ended, err = s.rowsAffected(del.Exec(ctx)); err != nil {
			return err
		}
		return deleteTrustedBrowsers(ctx, tx, userID)
	})
	return ended, err
}

// WipeTOTP removes the user's authenticator secret, and any pending one.
func (s *Store) WipeTOTP(ctx context.Context, userID int64, now time.Time) error {
	_, err := s.conn(ctx).NewUpdate().Model((*domain.User)(nil)).
		Set("totp_secret = NULL").Set("totp_pending_secret = NULL").Set("totp_enabled_at = NULL").Set("updated_at = ?", now).
		Where("id = ?", userID).Exec(ctx)
	return s.wrap(err)
}

// WipeRecoveryCodes removes the user's recovery codes.
func (s *Store) WipeRecoveryCodes(ctx context.Context, userID int64, now time.Time) error {
	return s.wrap(replaceRecoveryCodes(ctx, s.conn(ctx), userID, nil, now))
}
