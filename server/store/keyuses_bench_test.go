package store_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/warden-auth/warden/server/store"
	"github.com/warden-auth/warden/server/store/storetest"
)

// BenchmarkKeyUses is what every server start pays to check that its key
// ring opens every stored secret (keys.Service.Open): one pass over the users
// and the recovery codes. go test -run '^$' -bench KeyUses ./server/store/
func BenchmarkKeyUses(b *testing.B) {
	for _, users := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("postgres/users=%d", users), func(b *testing.B) {
			s := storetest.Open(b, store.Postgres)
			ctx := context.Background()
			seed(b, s, "first")
			// Sealed values name their key in the first bytes: a length,
			// then the id ("\x02k1"), then nonce and ciphertext.
			storetest.Rows(b, s, fmt.Sprintf(`INSERT INTO users (account_id, username, password_hash, role, created_at, updated_at, totp_secret)
				SELECT (SELECT min(id) FROM accounts), 'u' || g, 'x', 'user', now(), now(), '\x026b31'::bytea || decode(repeat(md5(g::text), 4), 'hex')
				FROM generate_series(1, %d) g`, users))
			storetest.Rows(b, s, `INSERT INTO recovery_codes (user_id, code_hash, created_at)
				SELECT u.id, 'db.' || md5(u.id::text || '-' || g), now() FROM users u, generate_series(1, 10) g`)
			b.ResetTimer()
			for b.Loop() {
				uses, err := s.KeyUses(ctx)
				if err != nil || uses["k1"] == nil || uses["k1"].TOTPSecrets != users {
					b.Fatalf("%+v %v", uses["k1"], err)
				}
			}
		})
	}
}
