// Package testcode makes authenticator codes for tests: the right one for a
// moment, and one computed to be wrong. A literal such as "000000" is right
// for a random secret about three times in a million runs, which makes a
// test that fails by chance.
package testcode

import (
	"fmt"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
)

// At is the code of secret (base32) at the moment at.
func At(tb testing.TB, secret string, at time.Time) string {
	tb.Helper()
	c, err := totp.GenerateCode(secret, at)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// Wrong returns six digits that no time step within three steps of at
// accepts: wrong wherever the server's drift window and clock put it.
func Wrong(tb testing.TB, secret string, at time.Time) string {
	tb.Helper()
	near := map[string]bool{}
	for d := -3; d <= 3; d++ {
		near[At(tb, secret, at.Add(time.Duration(d)*30*time.Second))] = true
	}
	for i := 0; ; i++ {
		if c := fmt.Sprintf("%06d", i); !near[c] {
			return c
		}
	}
}
