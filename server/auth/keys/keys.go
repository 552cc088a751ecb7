// Package keys keeps the keys the database holds sealed under the key ring
// (SECRET_KEY): it opens them at start, makes them on a fresh database,
// re-seals them after a rotation, and says which ring key stored values
// still need.
package keys

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"time"

	"github.com/warden-auth/warden/server/auth/core"
	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/server/sealing"
)

// Store is where the keys are kept. SealedKey returns domain.ErrNotFound
// when there is none of the name; AddSealedKey domain.ErrConflict when
// another server added it first; ResealKey domain.ErrConflict when another
// re-sealed it meanwhile.
type Store interface {
	SealedKey(ctx context.Context, name string) (*domain.SealedKey, error)
	AddSealedKey(ctx context.Context, k *domain.SealedKey) error
	ResealKey(ctx context.Context, name string, old, resealed []byte, now time.Time) error
	KeyUses(ctx context.Context) (map[string]*domain.KeyUse, error)
}

// Service opens and re-seals the database's keys.
type Service struct {
	*core.Env
	Store Store
}

// New returns the keys kept in st.
func New(env *core.Env, st Store) *Service { return &Service{Env: env, Store: st} }

// recoveryTagKey names the sealed key under which recovery codes are
// hashed. It lives in the database, sealed under the key ring, and is
// re-sealed when the ring's current key changes, so a recovery code never
// depends on a ring key that rotation lets the operator drop.
const recoveryTagKey = "recovery-codes"

func sealedKeyContext(name string) []byte { return []byte("sealed-key:" + name) }

// ErrDoNotOpen is returned by Open when the key ring cannot open
// what the database holds: a server started with another SECRET_KEY than
// the servers before it. It must not start: it could read no TOTP secret
// and check no recovery code.
var ErrDoNotOpen = errors.New("the server's keys cannot open this database's keys")

// Open opens the keys the database keeps sealed under the ring, creating
// them on a fresh database and re-sealing them under the ring's current key
// after a rotation. Call it once at start, before serving. It returns an
// error wrapping ErrDoNotOpen, with what to do, when the ring is not the
// one the database was sealed with.
func (s *Service) Open(ctx context.Context) error {
	raw, err := s.openSealedKey(ctx, recoveryTagKey)
	if err != nil {
		return err
	}
	s.Keys.UseTagKey(raw)
	status, err := s.Status(ctx)
	if err != nil {
		return err
	}
	for _, k := range status {
		// A pending set-up under a dropped key is only started again; a
		// connected authenticator or a recovery code would be lost.
		if needed := k.Total() - k.PendingTOTP; !k.InRing && needed > 0 {
			return fmt.Errorf("%w: %d stored values (%d authenticator secrets, %d recovery codes, %d keys) are sealed under the key id %q, "+
				"which SECRET_KEY (or DATA_DIR/secret.key) does not hold; it holds %q. Put that key back after the current one",
				ErrDoNotOpen, needed, k.TOTPSecrets, k.RecoveryCodes, k.SealedKeys, k.KeyID, s.Keys.IDs())
		}
	}
	return nil
}

// Status is one key id of `server keys status`: how many stored values
// need it, and whether the ring holds it.
type Status struct {
	domain.KeyUse
	InRing  bool // SECRET_KEY holds it
	Current bool // it seals new values
}

// Status lists the ring's keys, the current one first, then any key id
// the database needs that the ring does not hold. A key that is not current
// and that nothing needs can be dropped from SECRET_KEY.
func (s *Service) Status(ctx context.Context) ([]Status, error) {
	uses, err := s.Store.KeyUses(ctx)
	if err != nil {
		return nil, err
	}
	var out []Status
	for i, id := range s.Keys.IDs() {
		k := Status{KeyUse: domain.KeyUse{KeyID: id}, InRing: true, Current: i == 0}
		if u := uses[id]; u != nil {
			k.KeyUse = *u
			delete(uses, id)
		}
		out = append(out, k)
	}
	missing := slices.Sorted(maps.Keys(uses))
	for _, id := range missing {
		out = append(out, Status{KeyUse: *uses[id]})
	}
	return out, nil
}

// Named returns the raw key (sealing.TagKeySize random bytes) the database
// keeps sealed under name, making it on first use: one key for every
// server process on the database, re-sealed like the others after a
// rotation of the ring.
func (s *Service) Named(ctx context.Context, name string) ([]byte, error) {
	return s.openSealedKey(ctx, name)
}

func (s *Service) openSealedKey(ctx context.Context, name string) ([]byte, error) {
	k, err := s.Store.SealedKey(ctx, name)
	if errors.Is(err, domain.ErrNotFound) {
		var raw []byte
		if raw, err = s.addSealedKey(ctx, name); !errors.Is(err, domain.ErrConflict) {
			return raw, err
		}
		// Another server made it first: use theirs.
		k, err = s.Store.SealedKey(ctx, name)
	}
	if err != nil {
		return nil, fmt.Errorf("read the database's key %q: %w", name, err)
	}
	raw, err := s.Keys.Open(k.Sealed, sealedKeyContext(name))
	if err != nil {
		id, _ := sealing.KeyID(k.Sealed)
		return nil, fmt.Errorf("%w: its key %q is sealed under the key id %q, and SECRET_KEY (or DATA_DIR/secret.key) holds %q. "+
			"Every server on one database needs the same SECRET_KEY: copy it from the server that first used this database. "+
			"After a rotation keep the old key after the new one (new-id:...,old-id:...) until `server keys status` says nothing needs it",
			ErrDoNotOpen, name, id, s.Keys.IDs())
	}
	if s.Keys.Stale(k.Sealed) {
		resealed, err := s.Keys.Seal(raw, sealedKeyContext(name))
		if err != nil {
			return nil, err
		}
		// ErrConflict: another server re-sealed it meanwhile; the key is
		// the same either way.
		if err := s.Store.ResealKey(ctx, name, k.Sealed, resealed, s.Now()); err != nil && !errors.Is(err, domain.ErrConflict) {
			return nil, err
		}
	}
	return raw, nil
}

// addSealedKey makes the key of the name and stores it sealed. Returns
// domain.ErrConflict if another server stored one first.
func (s *Service) addSealedKey(ctx context.Context, name string) ([]byte, error) {
	raw := make([]byte, sealing.TagKeySize)
	if _, err := io.ReadFull(s.Rand, raw); err != nil {
		return nil, err
	}
	sealed, err := s.Keys.Seal(raw, sealedKeyContext(name))
	if err != nil {
		return nil, err
	}
	now := s.Now()
	if err := s.Store.AddSealedKey(ctx, &domain.SealedKey{Name: name, Sealed: sealed, CreatedAt: now, SealedAt: now}); err != nil {
		return nil, err
	}
	return raw, nil
}
