package httpapi

import (
	"crypto/rand"
	"net/http"
	"strings"
	"testing"

	"github.com/warden-auth/warden/server/auth"
	"github.com/warden-auth/warden/server/store"
)

// The pair below answers "how much does the API add to a login?": a login
// is one argon2id verification plus a user lookup, an event insert and a
// session insert, so logins/s through HTTP should stay close to raw
// hashes/s. Run: go test -run '^$' -bench 'Login|Argon2' -benchtime 200x ./server/httpapi

func BenchmarkArgon2idVerify(b *testing.B) {
	h := auth.NewHasher(auth.OWASPParams, rand.Reader)
	phc, _ := h.Hash(password)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if ok, _, _ := h.Verify(password, phc); !ok {
				b.Error("verify failed")
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "hashes/s")
}

func BenchmarkLoginHTTP(b *testing.B) {
	for _, dialect := range []string{store.SQLite, store.Postgres} {
		b.Run(dialect, func(b *testing.B) {
			e := newEnv(b, dialect)
			e.svc.Hasher = auth.NewHasher(auth.OWASPParams, rand.Reader)
			e.user("alice", "user", "Acme")
			body := `{"username":"alice","password":"` + password + `"}`
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				c := &http.Client{}
				for pb.Next() {
					res, err := c.Post(e.srv.URL+"/api/login", "application/json", strings.NewReader(body))
					if err != nil {
						b.Error(err)
						return
					}
					res.Body.Close()
					if res.StatusCode != 200 {
						b.Errorf("login: %d", res.StatusCode)
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "logins/s")
		})
	}
}
