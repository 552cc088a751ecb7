package webapp

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/warden-auth/warden/shared"
	"github.com/warden-auth/warden/shared/words"
)

// The hint asks the server once typing pauses (only for the last thing
// typed), shows its verdict in a polite live region the new field points
// to, and goes quiet when the field is emptied. The test engine's
// ConsumeAll (in s.do) returns once every goroutine the handler started has
// ended, the pause's timer among them, and their dispatches have run: what
// the screen shows then is all that will ever come of the typing.
func TestChangePassword_TheStrengthHintAsksTheServerWhenTypingPauses(t *testing.T) {
	api := newFakeAPI(t)
	prev := hintPause
	hintPause = 20 * time.Millisecond
	t.Cleanup(func() { hintPause = prev })
	c := &changePasswordOnClient{}
	s := open(t, c)
	contains(t, s.html(), `id="password-strength"`, `aria-live="polite"`, `aria-describedby="password-rules password-strength"`)

	api.on("POST /api/password/strength", answer(200, shared.PasswordStrength{Score: 1, Warning: "This password is too easy to guess: dates and years are easy to guess.",
		Suggestions: []string{"Use words."}}))
	s.do(func(ctx app.Context) {
		for _, typed := range []string{"s", "su", "summer2026"} {
			c.hint.typed(ctx, typed)
		}
	})
	contains(t, s.html(), "Strength: Weak.", "dates and years", `class="password-strength weak"`)
	want, _ := json.Marshal(shared.PasswordStrengthRequest{Password: "summer2026"})
	sameRequests(t, api.sent(), "POST /api/password/strength "+string(want))

	api.on("POST /api/password/strength", answer(200, shared.PasswordStrength{Score: 4, OK: true, Suggestions: []string{}}))
	s.do(func(ctx app.Context) { c.hint.typed(ctx, "violet tractor umbrella") })
	contains(t, s.html(), "Strength: Very strong. Good to use.", `class="password-strength ok"`)
	api.sent()

	s.do(func(ctx app.Context) { c.hint.typed(ctx, "") })
	lacks(t, s.html(), "Strength:")
	sameRequests(t, api.sent())
}

// As the login's step after a one-time password, the form says so, and the
// server's next step goes to OnChanged.
func TestChangePassword_AOneTimePasswordGoesOnToTheLoginsNextStep(t *testing.T) {
	api := newFakeAPI(t)
	var next string
	c := &changePasswordOnClient{changePassword: changePassword{OneTime: true,
		OnChanged: func(_ app.Context, res shared.LoginResponse) { next = res.Next }}}
	s := open(t, c)
	// The login just proved the one-time password: not asked again.
	contains(t, s.html(), "Save and continue")
	if strings.Contains(s.html(), "One-time password") {
		t.Error("the form asks again for the one-time password")
	}
	// Unless the server asks for it (the session waited too long).
	api.on("POST /api/me/password", answer(400, shared.Fail(shared.EInvalid, words.CorrectTheFields).WithField("current", words.EnterYourPassword)))
	s.do(func(ctx app.Context) {
		c.next, c.repeat = "violet tractor umbrella", "violet tractor umbrella"
		c.submit(ctx, noEvent)
	})
	if sent := api.sent(); len(sent) != 1 || !strings.Contains(sent[0], `"current":""`) {
		t.Errorf("sent %q", sent)
	}
	contains(t, s.html(), "One-time password")
	api.on("POST /api/me/password", answer(200, shared.LoginResponse{Next: shared.NextTOTP}))
	s.do(func(ctx app.Context) {
		c.current = "QZ7KWM4TRX2PLV9NHB3C"
		c.submit(ctx, noEvent)
	})
	if next != shared.NextTOTP {
		t.Errorf("OnChanged got %q", next)
	}
	if c.current != "" || c.next != "" {
		t.Error("the form kept the passwords")
	}
}
