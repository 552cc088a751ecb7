package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/warden-auth/warden/server/auth/passwords"
	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/server/internal/testclock"

	"github.com/pquerna/otp/totp"

	wtotp "github.com/warden-auth/warden/server/auth/factor/totp"
	"github.com/warden-auth/warden/shared"

	"github.com/warden-auth/warden/server/store"
)

// The pair below answers "how much does the API add to a login?": a login
// is one argon2id verification plus a user lookup, an event insert and a
// session insert, so logins/s through HTTP should stay close to raw
// hashes/s. Run: go test -run '^$' -bench 'Login|Argon2' -benchtime 200x ./server/httpapi

func BenchmarkArgon2idVerify(b *testing.B) {
	h := passwords.NewHasher(passwords.OWASPParams, rand.Reader)
	phc, _ := h.Hash(password)
	b.SetParallelism(4) // as many goroutines as BenchmarkLoginHTTP's clients
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
			e.svc.Hasher = passwords.NewHasher(passwords.OWASPParams, rand.Reader)
			e.user("alice", "user", "Acme")
			body := `{"username":"alice","password":"` + password + `"}`
			// Eight clients on two cores: while one waits for a commit,
			// another hashes, as on a server with real traffic.
			b.SetParallelism(4)
			b.ResetTimer()
			hammer(b, func(c *http.Client) (*http.Response, error) {
				return c.Post(e.srv.URL+"/api/login", "application/json", strings.NewReader(body))
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "logins/s")
		})
	}
}

// BenchmarkSecondStepHTTP measures the second login step alone on
// PostgreSQL: each iteration is a different user whose password step is
// done, sending the current code. Compare with the pgbench script in
// docs/PERFORMANCE.md, which runs the same writes without Go, HTTP or TOTP.
// Run: go test -run '^$' -bench SecondStep -benchtime 3000x ./server/httpapi
func BenchmarkSecondStepHTTP(b *testing.B) {
	e := newEnv(b, store.Postgres)
	now := testclock.Base
	e.svc.Now = func() time.Time { return now }
	ctx := context.Background()
	type caller struct{ token, code string }
	callers := make(chan caller, b.N)
	secret := make([]byte, 20)
	rand.Read(secret)
	key := base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(secret)
	code, _ := totp.GenerateCode(key, now)
	for i := range b.N {
		u := e.user(fmt.Sprintf("user%d", i), shared.RoleUser, "Acme")
		sealed, _ := e.svc.Keys.Seal(secret, wtotp.SealContext(u.ID))
		if err := e.st.SetPendingTOTP(ctx, u.ID, sealed, now); err != nil {
			b.Fatal(err)
		}
		if err := e.st.ConnectTOTP(ctx, u.ID, now.Unix()/30-5, nil, 0, now, nil); err != nil {
			b.Fatal(err)
		}
		callers <- caller{token: e.sessionAt(u, domain.StagePasswordOK), code: code}
	}
	close(callers)
	b.SetParallelism(32) // 64 concurrent clients on two cores
	b.ResetTimer()
	hammer(b, func(client *http.Client) (*http.Response, error) {
		c := <-callers
		req, _ := http.NewRequest("POST", e.srv.URL+"/api/login/totp", strings.NewReader(`{"code":"`+c.code+`"}`))
		req.Header.Set("Content-Type", "application/json")
		req.AddCookie(&http.Cookie{Name: cookieName, Value: c.token})
		return client.Do(req)
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "verifications/s")
}

// hammer sends requests from b's parallel goroutines, each with its own
// client, and fails the benchmark on any answer but 200.
func hammer(b *testing.B, send func(*http.Client) (*http.Response, error)) {
	b.RunParallel(func(pb *testing.PB) {
		client := &http.Client{}
		for pb.Next() {
			res, err := send(client)
			if err != nil {
				b.Error(err)
				return
			}
			res.Body.Close()
			if res.StatusCode != http.StatusOK {
				b.Errorf("%s: %d", res.Request.URL.Path, res.StatusCode)
			}
		}
	})
}

// BenchmarkHistoryPage measures one page of a user's login history on
// PostgreSQL when that user has 10 thousand or 1 million events and as many
// again belong to 100 other users. Each iteration reads a page at a random
// depth, as "Load more" would. p50 and p99 are reported per size.
// Run: go test -run '^$' -bench HistoryPage -benchtime 500x -timeout 30m ./server/httpapi
func BenchmarkHistoryPage(b *testing.B) {
	for _, size := range []int{10_000, 1_000_000} {
		b.Run(fmt.Sprintf("events=%d", size), func(b *testing.B) {
			e := newEnv(b, store.Postgres)
			alice := e.user("alice", shared.RoleUser, "Acme")
			var others []*domain.User
			for i := range 100 {
				others = append(others, e.user(fmt.Sprintf("user%d", i), shared.RoleUser, "Acme"))
			}
			ctx := context.Background()
			base := testclock.Base.AddDate(0, -10, 0)
			batch := make([]domain.LoginEvent, 0, 2000)
			for i := range 2 * size {
				u := alice
				if i%2 == 1 {
					u = others[i%len(others)]
				}
				batch = append(batch, domain.LoginEvent{CreatedAt: base.Add(time.Duration(i) * time.Second), UserID: &u.ID,
					AccountID: &u.AccountID, Username: u.Username, IP: "192.0.2.1", UserAgent: "Mozilla/5.0",
					Method: shared.MethodPassword, Result: shared.ResultSuccess})
				if len(batch) == cap(batch) || i == 2*size-1 {
					if err := e.st.RecordLoginEvents(ctx, batch); err != nil {
						b.Fatal(err)
					}
					batch = batch[:0]
				}
			}
			token := e.sessionAt(alice, domain.StageFull)
			first, _, _ := e.st.LoginEvents(ctx, domain.LoginEventFilter{UserID: alice.ID, Limit: 1})
			top := first[0].ID
			client := &http.Client{}
			lat := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for i := range b.N {
				cursor := top - int64((i*7919)%(2*size)) // spread over the whole depth
				req, _ := http.NewRequest("GET", fmt.Sprintf("%s/api/me/logins?limit=20&before=%d", e.srv.URL, cursor), nil)
				req.AddCookie(&http.Cookie{Name: cookieName, Value: token})
				t0 := time.Now()
				res, err := client.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				lat = append(lat, time.Since(t0))
				if res.StatusCode != 200 {
					b.Fatalf("page: %d", res.StatusCode)
				}
			}
			b.StopTimer()
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
		})
	}
}
