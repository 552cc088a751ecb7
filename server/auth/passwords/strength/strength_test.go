package strength

import (
	"strings"
	"testing"

	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/shared"
)

// A chosen password is scored with the user's own words as an attacker's
// first guesses, and a refusal says why in words.
func TestPasswordProblem_RefusesWhatIsEasyToGuessAndSaysWhy(t *testing.T) {
	u := &domain.User{Username: "alice", Account: &domain.Account{Name: "Zanthorpe Logistics"}}
	for _, tc := range []struct{ password, why string }{
		{"password123", "commonly used password"},
		{"hunter22", "commonly used password"},
		{"qwertyuiop[]", "keyboard patterns"},
		{"abcdefghijkl", "sequences"},
		{"19841984", "repeated"},
		{"zanthorpelogistics", "account's name"},
		{"zanthorpe2026", "account's name"},
		{"Xy7#pQ2m", "short one"},
		{"my ALICE password", "cannot contain your username"},
		{"short", "at least 8"},
	} {
		got := Problem(tc.password, u)
		if !strings.Contains(got, tc.why) || strings.Contains(strings.ToLower(got), "invalid") {
			t.Errorf("%q: %q, want it to say %q", tc.password, got, tc.why)
		}
	}
	for _, ok := range []string{"correct horse battery", "violet tractor umbrella", "Zanthorpe-Logistics! plum 7"} {
		if got := Problem(ok, u); got != "" {
			t.Errorf("%q refused: %q", ok, got)
		}
	}
	// The scoring reads a bounded prefix: the longest password allowed is
	// scored as fast as a short one, and still refused when its start is weak.
	long := "password" + strings.Repeat("1", 248)
	if got := Problem(long, u); got == "" {
		t.Errorf("a weak 256-byte password accepted")
	}
}

// The strength hint cannot be made a CPU sink: while every scoring slot is
// taken, it answers "try again" at once instead of queueing, and a
// password past the length limit is not scored at all.
func TestPasswordStrength_IsBoundedInSizeAndInWorkAtOnce(t *testing.T) {
	sess := &domain.Session{User: &domain.User{Username: "alice", Account: &domain.Account{Name: "Acme"}}}
	if _, err := Strength(sess, shared.PasswordStrengthRequest{Password: strings.Repeat("x", 257)}); shared.ErrorCode(err) != shared.EInvalid {
		t.Errorf("257 bytes: %v", err)
	}
	slots := strengthSlots()
	for range cap(slots) {
		slots <- struct{}{}
	}
	_, err := Strength(sess, shared.PasswordStrengthRequest{Password: "violet tractor umbrella"})
	for range cap(slots) {
		<-slots
	}
	if e, ok := err.(*shared.Error); !ok || e.Code != shared.ERateLimited || e.RetryAfter < 1 {
		t.Errorf("every slot busy: %v", err)
	}
	res, err := Strength(sess, shared.PasswordStrengthRequest{Password: "violet tractor umbrella\x00\u202e"})
	if err != nil || !res.OK || res.Score < 3 {
		t.Errorf("a strong password with odd characters: %+v %v", res, err)
	}
	if res, _ := Strength(sess, shared.PasswordStrengthRequest{Password: "acme-alice"}); res.OK || res.Warning == "" {
		t.Errorf("the username and account as the password: %+v", res)
	}
}
