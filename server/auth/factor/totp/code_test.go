package totp

import (
	"testing"
	"time"

	"github.com/warden-auth/warden/server/internal/testclock"

	"github.com/pquerna/otp/hotp"
)

// RFC 6238 appendix B's SHA-1 seed, "12345678901234567890".
var rfcSeed = []byte("12345678901234567890")

func TestMatchStep_RFC6238Vectors(t *testing.T) {
	// Appendix B gives eight digits; six are their last six.
	for unix, want := range map[int64]string{59: "287082", 1111111109: "081804", 1234567890: "005924", 2000000000: "279037"} {
		at := time.Unix(unix, 0)
		step, ok := matchStep(rfcSeed, want, at)
		if !ok || step != unix/30 {
			t.Errorf("t=%d code %s: step %d ok %v", unix, want, step, ok)
		}
	}
}

func TestMatchStep_AcceptsOneStepOfDriftEachWay(t *testing.T) {
	now := testclock.At(15 * time.Second)
	current := totpStep(now)
	for offset, accepted := range map[int64]bool{-2: false, -1: true, 0: true, 1: true, 2: false} {
		code, err := hotp.GenerateCodeCustom(b32.EncodeToString(rfcSeed), uint64(current+offset), totpOpts)
		if err != nil {
			t.Fatal(err)
		}
		step, ok := matchStep(rfcSeed, code, now)
		if ok != accepted || (ok && step != current+offset) {
			t.Errorf("offset %+d: ok=%v step=%d, want ok=%v step=%d", offset, ok, step, accepted, current+offset)
		}
	}
}
