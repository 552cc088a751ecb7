package store_test

import (
	"sync"
	"testing"

	"github.com/warden-auth/warden/server/internal/racegate"
	"github.com/warden-auth/warden/server/store"
)

// raceAt runs racers 0..n-1 at once. On PostgreSQL each is held at point,
// inside its write's transaction, until all n are there (PauseAt), and then
// they go together; SQLite runs write transactions one after another from
// BEGIN, so there they just run. It returns once every racer has.
func raceAt(t *testing.T, s *store.Store, point string, n int, racer func(i int)) {
	t.Helper()
	var wg sync.WaitGroup
	defer wg.Wait()
	gate := racegate.New()
	defer gate.Open() // first: a test that fails early lets its racers finish
	if s.Dialect() != store.Postgres {
		gate.Open()
	} else {
		s.PauseAt(t, point, gate.Wait)
	}
	for i := range n {
		wg.Go(func() { racer(i) })
	}
	if s.Dialect() == store.Postgres {
		gate.Await(t, n)
	}
}
