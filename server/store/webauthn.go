package store

import (
	"context"
	"errors"
	"time"

	"github.com/uptrace/bun"
	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/server/store/sqldb"
)

// SaveCeremony keeps a WebAuthn ceremony until its finish takes it. A
// session keeps one ceremony of each kind, its latest: a begin replaces the
// one before, so a signed-in caller cannot fill the table either.
func (s *Store) SaveCeremony(ctx context.Context, c *domain.WebAuthnCeremony) error {
	return s.tx(ctx, func(tx bun.Tx) error {
		if c.SessionID != nil {
			if _, err := tx.NewDelete().Model((*domain.WebAuthnCeremony)(nil)).
				Where("session_id = ?", *c.SessionID).Where("kind = ?", c.Kind).Exec(ctx); err != nil {
				return err
			}
		}
		_, err := tx.NewInsert().Model(c).Exec(ctx)
		return err
	})
}

// TakeCeremony deletes and returns the ceremony of challenge if it is of
// kind, belongs to sessionID (0: a ceremony without a session) and has not
// expired at now. Deleting is what takes it: of two finishes with the same
// challenge, on any server processes, one gets it and the other
// ErrNotFound, as does a challenge that is unknown, expired, of another
// kind or of another session.
func (s *Store) TakeCeremony(ctx context.Context, challenge, kind string, sessionID int64, now time.Time) (*domain.WebAuthnCeremony, error) {
	c := new(domain.WebAuthnCeremony)
	err := s.tx(ctx, func(tx bun.Tx) error {
		q := tx.NewSelect().Model(c).Where("challenge = ?", challenge).Where("kind = ?", kind).Where("expires_at > ?", now)
		if sessionID == 0 {
			q = q.Where("session_id IS NULL")
		} else {
			q = q.Where("session_id = ?", sessionID)
		}
		if err := q.Scan(ctx); err != nil {
			return err
		}
		s.reach(ctx, sqldb.PointCeremonyRead)
		res, err := tx.NewDelete().Model((*domain.WebAuthnCeremony)(nil)).Where("challenge = ?", challenge).Exec(ctx)
		if err != nil {
			return err
		}
		return affectedOne(res)
	})
	return c, err
}

// DeleteExpiredCeremonies removes ceremonies nobody finished, and spent
// challenges whose ceremonies have expired.
func (s *Store) DeleteExpiredCeremonies(ctx context.Context, now time.Time) (int64, error) {
	n, err := s.rowsAffected(s.conn(ctx).NewDelete().Model((*domain.WebAuthnCeremony)(nil)).Where("expires_at <= ?", now).Exec(ctx))
	if err != nil {
		return n, err
	}
	spent, err := s.rowsAffected(s.conn(ctx).NewDelete().Model((*domain.SpentChallenge)(nil)).Where("expires_at <= ?", now).Exec(ctx))
	return n + spent, err
}

// SpendChallenge records a passkey sign-in's challenge as used until
// expires. Returns ErrReplay when it was already, by any server process:
// of two finishes with one challenge, one spends it.
func (s *Store) SpendChallenge(ctx context.Context, challenge string, expires time.Time) error {
	res, err := s.conn(ctx).NewInsert().Model(&domain.SpentChallenge{Challenge: challenge, ExpiresAt: expires}).
		On("CONFLICT (challenge) DO NOTHING").Exec(ctx)
	if err != nil {
		return s.wrap(err)
	}
	if err := affectedOne(res); errors.Is(err, domain.ErrNotFound) {
		return domain.ErrReplay
	} else if err != nil {
		return s.wrap(err)
	}
	return nil
}

// WebAuthnCredentials returns the user's security keys, oldest first.
func (s *Store) WebAuthnCredentials(ctx context.Context, userID int64) ([]domain.WebAuthnCredential, error) {
	var creds []domain.WebAuthnCredential
	err := s.conn(ctx).NewSelect().Model(&creds).Where("user_id = ?", userID).Order("id").Scan(ctx)
	return creds, s.wrap(err)
}

// WebAuthnCredentialByCredentialID returns the key with this credential id
// (the authenticator's). Returns ErrNotFound if none.
func (s *Store) WebAuthnCredentialByCredentialID(ctx context.Context, credentialID []byte) (*domain.WebAuthnCredential, error) {
	c := new(domain.WebAuthnCredential)
	err := s.conn(ctx).NewSelect().Model(c).Where("credential_id = ?", credentialID).Scan(ctx)
	return c, s.wrap(err)
}

// AddWebAuthnCredential stores a new key of c.UserID and counts it in
// users.security_keys, with the audit event, in one transaction. If the user
// had no second factor before, the recovery codes become recoveryHashes and
// first is true, every session of the user but keepSession ends and the
// audit event's notice becomes firstNotice (2FA is on now); otherwise the
// codes they have stay. Returns ErrConflict if the credential id is
// registered already (to anyone).
func (s *Store) AddWebAuthnCredential(ctx context.Context, c *domain.WebAuthnCredential, recoveryHashes []string, keepSession int64, audit *domain.AuditEvent, firstNotice *domain.Notice) (first bool, err error) {
	err = s.tx(ctx, func(tx bun.Tx) error {
		var u domain.User
		// Counting in the same statement that reads the user's factors
		// means two keys added at once cannot both be "the first".
		if err := tx.NewUpdate().Model(&u).Set("security_keys = security_keys + 1").Set("updated_at = ?", c.AddedAt).
			Where("id = ?", c.UserID).Returning("security_keys, totp_enabled_at").Scan(ctx); err != nil {
			return err
		}
		first = u.SecurityKeys == 1 && u.TOTPEnabledAt == nil
		if _, err := tx.NewInsert().Model(c).Returning("id").Exec(ctx); err != nil {
			return err
		}
		if first {
			if err := replaceRecoveryCodes(ctx, tx, c.UserID, recoveryHashes, c.AddedAt); err != nil {
				return err
			}
			// As ConnectTOTP: every other session was made without the
			// second factor that now guards the account.
			if _, err := tx.NewDelete().Model((*domain.Session)(nil)).Where("user_id = ?", c.UserID).Where("id <> ?", keepSession).Exec(ctx); err != nil {
				return err
			}
			if audit != nil && firstNotice != nil {
				audit.Notice = firstNotice
			}
		}
		return insertAudit(ctx, tx, audit)
	})
	return first, err
}

// RenameWebAuthnCredential renames the user's key id. Returns ErrNotFound if
// the user has no such key.
func (s *Store) RenameWebAuthnCredential(ctx context.Context, userID, id int64, name string) (*domain.WebAuthnCredential, error) {
	c := new(domain.WebAuthnCredential)
	err := s.conn(ctx).NewUpdate().Model(c).Set("name = ?", name).Where("id = ?", id).Where("user_id = ?", userID).
		Returning("*").Scan(ctx)
	return c, s.wrap(err)
}

// RemoveWebAuthnCredential deletes the user's key id, with the audit event,
// if the user keeps another second factor. Returns ErrNotFound if the user
// has no such key, and ErrConflict if it is their last factor: removing that
// is switching 2FA off (RemoveTOTP), with its own rules.
func (s *Store) RemoveWebAuthnCredential(ctx context.Context, userID, id int64, now time.Time, audit *domain.AuditEvent) error {
	return s.tx(ctx, func(tx bun.Tx) error {
		res, err := tx.NewDelete().Model((*domain.WebAuthnCredential)(nil)).Where("id = ?", id).Where("user_id = ?", userID).Exec(ctx)
		if err != nil {
			return err
		}
		if err := affectedOne(res); err != nil {
			return err
		}
		// The condition is checked by the write, so two removals racing for
		// the last two factors cannot both succeed.
		res, err = tx.NewUpdate().Model((*domain.User)(nil)).Set("security_keys = security_keys - 1").Set("updated_at = ?", now).
			Where("id = ?", userID).Where("(security_keys > 1 OR totp_enabled_at IS NOT NULL)").Exec(ctx)
		if err != nil {
			return err
		}
		if affectedOne(res) != nil {
			return domain.ErrConflict
		}
		return insertAudit(ctx, tx, audit)
	})
}

// RemoveTOTPOnly disconnects the user's authenticator app while they keep a
// security key: the secret goes, the recovery codes stay. Returns
// ErrConflict if the user has no key (removing the app is then switching 2FA
// off, RemoveTOTP) or no app.
func (s *Store) RemoveTOTPOnly(ctx context.Context, userID int64, now time.Time, audit *domain.AuditEvent) error {
	return s.tx(ctx, func(tx bun.Tx) error {
		res, err := tx.NewUpdate().Model((*domain.User)(nil)).
			Set("totp_secret = NULL").Set("totp_pending_secret = NULL").Set("totp_enabled_at = NULL").Set("updated_at = ?", now).
			Where("id = ?", userID).Where("totp_enabled_at IS NOT NULL").Where("security_keys > 0").Exec(ctx)
		if err != nil {
			return err
		}
		if affectedOne(res) != nil {
			return domain.ErrConflict
		}
		return insertAudit(ctx, tx, audit)
	})
}

// useSecurityKey moves a key's sign counter from use.Old to use.New and
// records the use, only if no other request moved it first (ErrReplay).
func useSecurityKey(ctx context.Context, db bun.IDB, userID int64, use domain.SecurityKeyUse, now time.Time) error {
	res, err := db.NewUpdate().Model((*domain.WebAuthnCredential)(nil)).
		Set("sign_count = ?", use.New).Set("flags = ?", use.Flags).Set("last_used_at = ?", now).
		Where("id = ?", use.ID).Where("user_id = ?", userID).Where("sign_count = ?", use.Old).Exec(ctx)
	if err != nil {
		return err
	}
	if affectedOne(res) != nil {
		return domain.ErrReplay
	}
	return nil
}

// clearCodeFailures forgets the user's wrong codes after a right key, as a
// right code does (acceptStep); ErrLocked while they are locked out at now.
func clearCodeFailures(ctx context.Context, db bun.IDB, userID int64, now time.Time) error {
	res, err := db.NewUpdate().Model((*domain.User)(nil)).Set("failed_code_count = 0").Set("locked_until = NULL").
		Where("id = ?", userID).Where("(locked_until IS NULL OR locked_until <= ?)", now).Exec(ctx)
	if err != nil {
		return err
	}
	if affectedOne(res) != nil {
		return domain.ErrLocked
	}
	return nil
}

// SetPasskeysAllowed switches passkey sign-in on or off for the account,
// scoped to byAdminID's account (0: the command line), with the audit
// event. Returns ErrNotFound for another account.
func (s *Store) SetPasskeysAllowed(ctx context.Context, accountID int64, on bool, byAdminID int64, audit *domain.AuditEvent) error {
	_, err := s.updateAccount(ctx, accountID, byAdminID,
		func(q *bun.UpdateQuery) *bun.UpdateQuery { return q.Set("passkeys_allowed = ?", on) }, nil, audit)
	return err
}

// WipeWebAuthnCredentials removes every security key of the user.
func (s *Store) WipeWebAuthnCredentials(ctx context.Context, userID int64) error {
	return s.tx(ctx, func(tx bun.Tx) error {
		if _, err := tx.NewDelete().Model((*domain.WebAuthnCredential)(nil)).Where("user_id = ?", userID).Exec(ctx); err != nil {
			return err
		}
		_, err := tx.NewUpdate().Model((*domain.User)(nil)).Set("security_keys = 0").Where("id = ?", userID).Exec(ctx)
		return err
	})
}
