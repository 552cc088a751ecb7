package webapp

import (
	"encoding/json"
	"testing"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/warden-auth/warden/shared"
)

type factorsOnClient struct {
	secondFactors
	clientSide
}

func (c *factorsOnClient) OnPreRender(ctx app.Context) { c.ctx = ctx; c.OnMount(ctx) }

func TestSecondFactors_AddAKeyThenRemoveTheLastUnderThePolicy(t *testing.T) {
	api := newFakeAPI(t)
	went := recordNavigation(t)
	key := shared.SecondFactor{ID: "key-7", Kind: shared.FactorSecurityKey, Name: "Blue", AddedAt: "2026-11-20T10:00:00Z", Passkey: true}
	api.on("GET /api/2fa/methods", answer(200, shared.MethodsResponse{Methods: []shared.SecondFactor{}}))
	api.on("POST /api/2fa/keys/begin", answer(200, map[string]any{"publicKey": map[string]any{"challenge": "Y2g"}}))
	api.on("POST /api/2fa/keys/finish", answer(200, shared.KeyAddedResponse{Method: key, RecoveryCodes: []string{"aaaa-bbbb-cccc"}}))
	var gotOptions string
	prev := createCredential
	createCredential = func(options []byte) (json.RawMessage, error) {
		gotOptions = string(options)
		return json.RawMessage(`{"id":"AQ"}`), nil
	}
	t.Cleanup(func() { createCredential = prev })
	var codes []string
	c := &factorsOnClient{}
	c.OnCodes = func(ctx app.Context, cs []string) { codes = cs }
	s := open(t, c)
	s.signIn(&shared.Me{Username: "alice", Force2FA: true})
	contains(t, s.html(), `id="second-factors"`, `id="add-security-key"`, "No second factor yet")

	s.do(func(ctx app.Context) { c.openAdd(ctx, noEvent) })
	s.do(func(ctx app.Context) { c.submitAdd(ctx, noEvent) }) // no name yet
	contains(t, s.html(), `id="factors-error"`, "Give the key a name")
	s.do(func(ctx app.Context) {
		c.name = "Blue"
		c.submitAdd(ctx, noEvent)
	})
	sameRequests(t, api.sent(), "GET /api/2fa/methods", `POST /api/2fa/keys/begin {"name":"Blue"}`, `POST /api/2fa/keys/finish {"credential":{"id":"AQ"}}`)
	if gotOptions != `{"publicKey":{"challenge":"Y2g"}}` || len(codes) != 1 || !s.user().me.TOTPEnabled {
		t.Fatalf("options %s, codes %v, me %+v", gotOptions, codes, s.user().me)
	}
	contains(t, s.html(), `id="factor-key-7"`, "Blue", "passkey", `id="remove-factor-key-7"`, "never used")

	api.on("DELETE /api/2fa/methods/key-7", func(body []byte) (int, any, error) {
		var req shared.RemoveMethodRequest
		json.Unmarshal(body, &req)
		switch {
		case req.Password != "correct horse":
			return 401, shared.Errorf(shared.EWrongCredentials, "That password is not right."), nil
		case !req.Confirm:
			return 409, shared.Errorf(shared.EConfirmRequired, "Two-factor authentication is mandatory for your account."), nil
		}
		return 200, shared.DisconnectResponse{LoggedOut: true}, nil
	})
	// The last factor: the password first, before any request.
	s.do(func(ctx app.Context) { c.remove(ctx, "key-7", false) })
	contains(t, s.html(), `id="remove-factor-password-form"`, "last second factor", `id="remove-factor-password"`)
	s.do(func(ctx app.Context) { c.submitPassword(ctx, noEvent) })
	contains(t, s.html(), "Enter your password.")
	s.do(func(ctx app.Context) {
		c.password = "wrong"
		c.submitPassword(ctx, noEvent)
	})
	contains(t, s.html(), `id="remove-factor-password-form"`, "That password is not right.")
	s.do(func(ctx app.Context) {
		c.password = "correct horse"
		c.submitPassword(ctx, noEvent)
	})
	contains(t, s.html(), `id="remove-factor-warning"`, "mandatory", `id="remove-factor-confirm"`)
	lacks(t, s.html(), `id="remove-factor-password-form"`)
	s.do(func(ctx app.Context) { c.remove(ctx, c.pending, true) })
	sameRequests(t, api.sent(), `DELETE /api/2fa/methods/key-7 {"password":"wrong","confirm":false}`,
		`DELETE /api/2fa/methods/key-7 {"password":"correct horse","confirm":false}`, `DELETE /api/2fa/methods/key-7 {"password":"correct horse","confirm":true}`)
	if len(*went) != 1 || (*went)[0] != "/login?notice=disconnected" {
		t.Fatalf("went %v", *went)
	}
}

func TestSecuritySettings_WithKeysOnlyTheAppCanStillBeConnected(t *testing.T) {
	html := render(t, &securitySettings{Me: &shared.Me{Username: "alice", TOTPEnabled: true, SecurityKeys: 1, RecoveryCodesLeft: 10}})
	contains(t, html, `id="twofa-status"`, ">On<", `id="connect-2fa"`, `id="disconnect-2fa"`)
	lacks(t, html, `id="regenerate-codes"`)
	html = render(t, &securitySettings{Me: &shared.Me{Username: "alice", TOTPEnabled: true, TOTPEnabledAt: "2026-11-20T10:00:00Z", SecurityKeys: 1}})
	contains(t, html, `id="regenerate-codes"`)
	lacks(t, html, `id="connect-2fa"`)
}
