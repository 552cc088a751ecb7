package totp

import (
	"crypto/subtle"
	"encoding/base32"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/hotp"
)

// TOTP as every authenticator app speaks it (RFC 6238): HMAC-SHA-1, six
// digits, 30-second steps, and one step of drift either way.
const (
	totpPeriod = 30
	totpSkew   = 1
)

var totpOpts = hotp.ValidateOpts{Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// totpStep is the RFC 6238 time step of t.
func totpStep(t time.Time) int64 { return t.Unix() / totpPeriod }

// matchStep returns the time step within the drift window around now whose
// code is code. Every candidate is computed and compared in constant time,
// so the answer's timing does not say which step matched. The caller must
// still refuse a step at or before the last one accepted (replay).
func matchStep(secret []byte, code string, now time.Time) (step int64, ok bool) {
	current := totpStep(now)
	key := b32.EncodeToString(secret)
	for s := current - totpSkew; s <= current+totpSkew; s++ {
		want, err := hotp.GenerateCodeCustom(key, uint64(s), totpOpts)
		if err == nil && subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 && !ok {
			step, ok = s, true
		}
	}
	return step, ok
}
