// Package idpstore is the store's statements for Warden as an OpenID
// Connect provider (server/auth/idp): the client applications, the
// authorization requests on their way through the login, and the grants
// with their tokens. A request and a grant go with the Warden session they
// belong to (ON DELETE CASCADE), so whatever ends a session ends them.
package idpstore

import (
	"context"
	"errors"
	"time"

	"github.com/uptrace/bun"
	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/server/store/sqldb"
)

// IDP is the provider's part of the store.
type IDP struct{ db *sqldb.DB }

// New returns the provider's statements on db.
func New(db *sqldb.DB) *IDP { return &IDP{db: db} }

func (s *IDP) conn(ctx context.Context) bun.IDB { return s.db.Conn(ctx) }

// AddClient stores c. Returns ErrConflict if its id is taken.
func (s *IDP) AddClient(ctx context.Context, c *domain.OIDCClient) error {
	_, err := s.conn(ctx).NewInsert().Model(c).Exec(ctx)
	return s.db.Wrap(err)
}

// Client returns the client of the id, or ErrNotFound.
func (s *IDP) Client(ctx context.Context, id string) (*domain.OIDCClient, error) {
	c := new(domain.OIDCClient)
	err := s.conn(ctx).NewSelect().Model(c).Where("id = ?", id).Scan(ctx)
	return c, s.db.Wrap(err)
}

// Clients lists every client, oldest first.
func (s *IDP) Clients(ctx context.Context) ([]*domain.OIDCClient, error) {
	var cs []*domain.OIDCClient
	err := s.conn(ctx).NewSelect().Model(&cs).OrderExpr("created_at, id").Scan(ctx)
	return cs, s.db.Wrap(err)
}

// SetClientSecret replaces the client's secret hash. The client's grants
// end with the old secret: ErrNotFound when there is no such client.
func (s *IDP) SetClientSecret(ctx context.Context, id string, hash []byte) error {
	return s.db.Tx(ctx, func(tx bun.Tx) error {
		res, err := tx.NewUpdate().Model((*domain.OIDCClient)(nil)).Set("secret_hash = ?", hash).Where("id = ?", id).Exec(ctx)
		if err != nil {
			return err
		}
		if err := sqldb.AffectedOne(res); err != nil {
			return err
		}
		_, err = tx.NewDelete().Model((*domain.OIDCGrant)(nil)).Where("client_id = ?", id).Exec(ctx)
		return err
	})
}

// DeleteClient removes the client with its requests and grants.
// ErrNotFound when there is none.
func (s *IDP) DeleteClient(ctx context.Context, id string) error {
	res, err := s.conn(ctx).NewDelete().Model((*domain.OIDCClient)(nil)).Where("id = ?", id).Exec(ctx)
	if err != nil {
		return s.db.Wrap(err)
	}
	return sqldb.AffectedOne(res)
}

// AddAuthRequest stores a new authorization request.
func (s *IDP) AddAuthRequest(ctx context.Context, r *domain.OIDCAuthRequest) error {
	_, err := s.conn(ctx).NewInsert().Model(r).Exec(ctx)
	return s.db.Wrap(err)
}

// AuthRequest returns the request of the id if it has not expired at now,
// or ErrNotFound.
func (s *IDP) AuthRequest(ctx context.Context, id string, now time.Time) (*domain.OIDCAuthRequest, error) {
	r := new(domain.OIDCAuthRequest)
	err := s.conn(ctx).NewSelect().Model(r).Where("id = ?", id).Where("expires_at > ?", now).Scan(ctx)
	return r, s.db.Wrap(err)
}

// CompleteAuthRequest binds the request to the full session sess, which
// signed its user in with methods at authTime (its login, or a later
// re-authentication): from now on it goes with that session. A request
// another session completed is not taken over: ErrNotFound, as for one
// that does not exist or has expired.
func (s *IDP) CompleteAuthRequest(ctx context.Context, id string, sess *domain.Session, methods string, authTime, now time.Time) error {
	res, err := s.conn(ctx).NewUpdate().Model((*domain.OIDCAuthRequest)(nil)).
		Set("session_id = ?", sess.ID).Set("user_id = ?", sess.UserID).
		Set("methods = ?", methods).Set("auth_time = ?", authTime).
		Where("id = ?", id).Where("expires_at > ?", now).
		Where("(session_id IS NULL OR session_id = ?)", sess.ID).Exec(ctx)
	if err != nil {
		return s.db.Wrap(err)
	}
	return sqldb.AffectedOne(res)
}

// SetAuthCode gives the completed request the code of this hash, in place
// of any earlier one, to be exchanged until then. ErrNotFound for a request
// not completed.
func (s *IDP) SetAuthCode(ctx context.Context, id string, codeHash []byte, until time.Time) error {
	res, err := s.conn(ctx).NewUpdate().Model((*domain.OIDCAuthRequest)(nil)).Set("code_hash = ?", codeHash).
		Set("expires_at = ?", until).
		Where("id = ?", id).Where("session_id IS NOT NULL").Exec(ctx)
	if err != nil {
		return s.db.Wrap(err)
	}
	return sqldb.AffectedOne(res)
}

// TakeAuthCode spends the code of this hash and returns its completed
// request, if it has not expired at now; the spent code is kept until
// keepUntil. Of requests racing with one code, one gets it. A code spent
// before is a replay (a stolen copy, or the client's own retry): its
// request is deleted with the grant the code made, every token of it
// (RFC 6749 4.1.2), and it returns ErrReplay. ErrNotFound for a code
// unknown or expired.
func (s *IDP) TakeAuthCode(ctx context.Context, codeHash []byte, now, keepUntil time.Time) (*domain.OIDCAuthRequest, error) {
	s.db.Reach(ctx, sqldb.PointCodeTaken)
	r := new(domain.OIDCAuthRequest)
	err := s.conn(ctx).NewUpdate().Model(r).Set("code_used_at = ?", now).Set("expires_at = ?", keepUntil).
		Where("code_hash = ?", codeHash).Where("code_used_at IS NULL").
		Where("expires_at > ?", now).Where("session_id IS NOT NULL").Returning("*").Scan(ctx)
	if err = s.db.Wrap(err); errors.Is(err, domain.ErrNotFound) {
		return nil, s.endReplayed(ctx, codeHash)
	}
	return r, err
}

// endReplayed deletes the request of a spent code, and the grant its code
// made, and returns ErrReplay; ErrNotFound when there is no such request
// (unknown, swept, or ended by another replay). The request's row goes
// first: a grant being made from it at the same time (AddGrant) waits for
// it, and then finds it gone.
func (s *IDP) endReplayed(ctx context.Context, codeHash []byte) error {
	replayed := false
	err := s.db.Tx(ctx, func(tx bun.Tx) error {
		var rs []domain.OIDCAuthRequest
		err := tx.NewDelete().Model(&rs).Where("code_hash = ?", codeHash).Where("code_used_at IS NOT NULL").
			Returning("id").Scan(ctx)
		if err != nil && !errors.Is(s.db.Wrap(err), domain.ErrNotFound) {
			return err
		}
		if len(rs) == 0 {
			return domain.ErrNotFound
		}
		_, err = tx.NewDelete().Model((*domain.OIDCGrant)(nil)).Where("request_id = ?", rs[0].ID).Exec(ctx)
		replayed = err == nil
		return err
	})
	if err == nil && replayed {
		return domain.ErrReplay
	}
	return s.db.Wrap(err)
}

// DeleteAuthRequest removes the request, if it is still there, unless its
// code was spent: that one is kept until it expires (TakeAuthCode).
func (s *IDP) DeleteAuthRequest(ctx context.Context, id string) error {
	_, err := s.conn(ctx).NewDelete().Model((*domain.OIDCAuthRequest)(nil)).Where("id = ?", id).
		Where("code_used_at IS NULL").Exec(ctx)
	return s.db.Wrap(err)
}

// AddGrant stores g (its ID set) with its first tokens, in one
// transaction. ErrNotFound when its session has ended meanwhile, or the
// request whose code made it (g.RequestID) was ended by a replay of the
// code.
func (s *IDP) AddGrant(ctx context.Context, g *domain.OIDCGrant, tokens ...*domain.OIDCToken) error {
	return s.db.Tx(ctx, func(tx bun.Tx) error {
		if g.RequestID != "" {
			// The request's row is locked until the grant commits: a replay
			// of its code (endReplayed) waits, and then ends the grant too.
			res, err := tx.NewUpdate().Model((*domain.OIDCAuthRequest)(nil)).Set("code_used_at = code_used_at").
				Where("id = ?", g.RequestID).Where("code_used_at IS NOT NULL").Exec(ctx)
			if err != nil {
				return err
			}
			if err := sqldb.AffectedOne(res); err != nil {
				return err
			}
		}
		// The session is read in the transaction: a grant is never made for
		// one that just ended (its foreign key would say so less clearly).
		n, err := tx.NewSelect().Model((*domain.Session)(nil)).Where("id = ?", g.SessionID).Count(ctx)
		if err != nil {
			return err
		}
		if n == 0 {
			return domain.ErrNotFound
		}
		if _, err := tx.NewInsert().Model(g).Returning("id").Exec(ctx); err != nil {
			return err
		}
		return addTokens(ctx, tx, g.ID, tokens)
	})
}

func addTokens(ctx context.Context, tx bun.Tx, grantID int64, tokens []*domain.OIDCToken) error {
	for _, t := range tokens {
		t.GrantID = grantID
	}
	if len(tokens) == 0 {
		return nil
	}
	_, err := tx.NewInsert().Model(&tokens).Exec(ctx)
	return err
}

// TokenGrant returns the token of this hash, whatever its state, with its
// grant, or ErrNotFound.
func (s *IDP) TokenGrant(ctx context.Context, hash []byte) (*domain.OIDCToken, *domain.OIDCGrant, error) {
	t := new(domain.OIDCToken)
	if err := s.conn(ctx).NewSelect().Model(t).Where("hash = ?", hash).Scan(ctx); err != nil {
		return nil, nil, s.db.Wrap(err)
	}
	g := new(domain.OIDCGrant)
	if err := s.conn(ctx).NewSelect().Model(g).Where("id = ?", t.GrantID).Scan(ctx); err != nil {
		return nil, nil, s.db.Wrap(err)
	}
	return t, g, nil
}

// DeleteGrant ends a grant with all its tokens; one that is gone already
// is no error.
func (s *IDP) DeleteGrant(ctx context.Context, id int64) error {
	_, err := s.conn(ctx).NewDelete().Model((*domain.OIDCGrant)(nil)).Where("id = ?", id).Exec(ctx)
	return s.db.Wrap(err)
}

// DeleteToken ends one token; one that is gone already is no error.
func (s *IDP) DeleteToken(ctx context.Context, hash []byte) error {
	_, err := s.conn(ctx).NewDelete().Model((*domain.OIDCToken)(nil)).Where("hash = ?", hash).Exec(ctx)
	return s.db.Wrap(err)
}

// GrantSession returns the session a grant belongs to, with its user and
// the user's account, if it has not expired at now; ErrNotFound otherwise.
func (s *IDP) GrantSession(ctx context.Context, sessionID int64, now time.Time) (*domain.Session, error) {
	sess := new(domain.Session)
	err := s.conn(ctx).NewSelect().Model(sess).Relation("User").Relation("User.Account").
		Where("s.id = ?", sessionID).Where("s.expires_at > ?", now).Scan(ctx)
	return sess, s.db.Wrap(err)
}

// UseRefreshToken spends the refresh token of this hash and returns its
// grant: of requests racing with one token, one gets it. A token spent
// before is a stolen copy or a replay: its whole grant (every token of the
// family) is deleted, and it returns ErrReplay. ErrNotFound for a token
// unknown or expired.
func (s *IDP) UseRefreshToken(ctx context.Context, hash []byte, now time.Time) (*domain.OIDCGrant, error) {
	var g *domain.OIDCGrant
	replayed := false
	err := s.db.Tx(ctx, func(tx bun.Tx) error {
		res, err := tx.NewUpdate().Model((*domain.OIDCToken)(nil)).Set("used_at = ?", now).
			Where("hash = ?", hash).Where("kind = ?", domain.TokenRefresh).
			Where("used_at IS NULL").Where("expires_at > ?", now).Exec(ctx)
		if err != nil {
			return err
		}
		var t domain.OIDCToken
		if err := tx.NewSelect().Model(&t).Where("hash = ?", hash).Where("kind = ?", domain.TokenRefresh).Scan(ctx); err != nil {
			return err
		}
		if sqldb.AffectedOne(res) != nil {
			if t.UsedAt == nil {
				return domain.ErrNotFound // expired
			}
			_, err := tx.NewDelete().Model((*domain.OIDCGrant)(nil)).Where("id = ?", t.GrantID).Exec(ctx)
			if err != nil {
				return err
			}
			replayed = true // committed: the family stays ended
			return nil
		}
		g = new(domain.OIDCGrant)
		return tx.NewSelect().Model(g).Where("id = ?", t.GrantID).Scan(ctx)
	})
	if err == nil && replayed {
		return nil, domain.ErrReplay
	}
	return g, err
}

// AddTokens adds tokens to the grant. ErrNotFound when the grant has
// ended meanwhile (its session ended, or a replay ended it).
func (s *IDP) AddTokens(ctx context.Context, grantID int64, tokens ...*domain.OIDCToken) error {
	return s.db.Tx(ctx, func(tx bun.Tx) error {
		n, err := tx.NewSelect().Model((*domain.OIDCGrant)(nil)).Where("id = ?", grantID).Count(ctx)
		if err != nil {
			return err
		}
		if n == 0 {
			return domain.ErrNotFound
		}
		return addTokens(ctx, tx, grantID, tokens)
	})
}

// SweepIDP deletes the authorization requests and tokens expired at now,
// and returns how many.
func (s *IDP) SweepIDP(ctx context.Context, now time.Time) (int64, error) {
	a, err := s.db.RowsAffected(s.conn(ctx).NewDelete().Model((*domain.OIDCAuthRequest)(nil)).Where("expires_at <= ?", now).Exec(ctx))
	if err != nil {
		return a, err
	}
	b, err := s.db.RowsAffected(s.conn(ctx).NewDelete().Model((*domain.OIDCToken)(nil)).Where("expires_at <= ?", now).Exec(ctx))
	return a + b, err
}
