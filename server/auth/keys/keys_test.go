package keys

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"sync"
	"testing"

	"github.com/warden-auth/warden/server/auth/core"
	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/server/internal/racegate"
	"github.com/warden-auth/warden/server/sealing"
	"github.com/warden-auth/warden/server/store"
	"github.com/warden-auth/warden/server/store/storetest"
)

// Servers that start at once on an empty database agree on one recovery-code
// key: a code one of them made is checked by every other. And the key is
// kept only sealed: a copy of the database does not hold it in any form,
// so it gives a thief nothing to test recovery-code guesses against.
func TestOpenKeys_ServersStartingAtOnceShareOneKeyThatIsStoredSealed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) { openAtOnce(t, s) })
}

// keyRaceStore holds each server's first write of its key at a gate: all
// of them have found no key and made their own before any stores it, so
// all but one lose the race, every time.
type keyRaceStore struct {
	Store
	gate *racegate.Gate
}

func (k keyRaceStore) AddSealedKey(ctx context.Context, key *domain.SealedKey) error {
	k.gate.Wait(ctx)
	return k.Store.AddSealedKey(ctx, key)
}

// openAtOnce starts eight servers at once on s, empty, and checks they agree.
func openAtOnce(t *testing.T, s *store.Store) {
	t.Helper()
	spec, _ := sealing.Generate("k1")
	ctx := context.Background()
	gate := racegate.New()
	svcs := make([]*Service, 8)
	for i := range svcs {
		ring, err := sealing.Parse(spec)
		if err != nil {
			t.Fatal(err)
		}
		svcs[i] = New(core.NewEnv(ring, nil), keyRaceStore{s, gate})
	}
	var wg sync.WaitGroup
	errs := make([]error, len(svcs))
	for i, svc := range svcs {
		wg.Go(func() { errs[i] = svc.Open(ctx) })
	}
	gate.Await(t, len(svcs))
	gate.Open()
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("server %d: %v", i, err)
		}
	}
	const recoveryPurpose = "recovery-code" // as package recovery tags its codes
	tag, err := svcs[0].Keys.Tag(recoveryPurpose, []byte("abcdefghjkmn"))
	if err != nil {
		t.Fatal(err)
	}
	for i, svc := range svcs[1:] {
		if !svc.Keys.TagMatches(tag, recoveryPurpose, []byte("abcdefghjkmn")) {
			t.Fatalf("server %d does not check server 0's recovery codes", i+1)
		}
	}

	raw, err := svcs[0].openSealedKey(ctx, recoveryTagKey)
	if err != nil || len(raw) != sealing.TagKeySize {
		t.Fatalf("the key: %d bytes, %v", len(raw), err)
	}
	dump := storetest.Dump(t, s)
	for form, v := range map[string]string{"raw": string(raw), "hex": hex.EncodeToString(raw),
		"base64": base64.StdEncoding.EncodeToString(raw), "base64url": base64.RawURLEncoding.EncodeToString(raw)} {
		if strings.Contains(strings.ToLower(dump), strings.ToLower(v)) || bytes.Contains([]byte(dump), []byte(v)) {
			t.Fatalf("the database holds the recovery-code key in %s form", form)
		}
	}
}
