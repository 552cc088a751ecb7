package webapp

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/warden-auth/warden/shared"
	"github.com/warden-auth/warden/shared/words"
)

// webAuthnAs makes the page one whose browser can (usable) or cannot, and
// why, use security keys, for the test.
func webAuthnAs(t *testing.T, usable bool, why words.Message) {
	prev := webAuthnState
	webAuthnState = func() (bool, words.Message) { return usable, why }
	t.Cleanup(func() { webAuthnState = prev })
}

type factorsOnClient struct {
	secondFactors
	clientSide
}

func (c *factorsOnClient) OnPreRender(ctx app.Context) { c.ctx = ctx; c.OnMount(ctx) }

func TestSecondFactors_AddAKeyThenRemoveTheLastUnderThePolicy(t *testing.T) {
	webAuthnAs(t, true, words.Message{})
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

func TestSecuritySettings_WithKeysOnlyTheAppCanStillBeConnectedAndCodesRegenerated(t *testing.T) {
	html := render(t, &securitySettings{Me: &shared.Me{Username: "alice", TOTPEnabled: true, SecurityKeys: 1, RecoveryCodesLeft: 10}})
	contains(t, html, `id="twofa-status"`, ">On<", `id="connect-2fa"`, `id="disconnect-2fa"`, `id="regenerate-codes"`)
	html = render(t, &securitySettings{Me: &shared.Me{Username: "alice", TOTPEnabled: true, TOTPEnabledAt: "2026-11-20T10:00:00Z", SecurityKeys: 1}})
	contains(t, html, `id="regenerate-codes"`)
	lacks(t, html, `id="connect-2fa"`)
}

// A key is renamed in its row; a refused name is said in words next to the
// field, which stays open with what was typed.
func TestSecondFactors_RenameAKeyInItsRow(t *testing.T) {
	api := newFakeAPI(t)
	key := shared.SecondFactor{ID: "key-7", Kind: shared.FactorSecurityKey, Name: "Blue", AddedAt: "2026-11-20T10:00:00Z"}
	authApp := shared.SecondFactor{ID: shared.TOTPMethodID, Kind: shared.FactorTOTP, Name: "Authenticator app"}
	api.on("GET /api/2fa/methods", answer(200, shared.MethodsResponse{Methods: []shared.SecondFactor{authApp, key}}))
	api.on("PATCH /api/2fa/methods/key-7", func(body []byte) (int, any, error) {
		var req shared.KeyNameRequest
		json.Unmarshal(body, &req)
		if req.Name == "taken" {
			return 400, &shared.Error{Code: shared.EInvalid, Message: "Invalid input.", Fields: map[string]string{"name": "Choose another name."}}, nil
		}
		renamed := key
		renamed.Name = req.Name
		return 200, renamed, nil
	})
	c := &factorsOnClient{}
	s := open(t, c)
	contains(t, s.html(), `id="rename-factor-key-7"`, `aria-label="Rename Blue"`)
	lacks(t, s.html(), `id="rename-factor-totp"`) // the app keeps its name

	s.do(func(ctx app.Context) { c.openRename(ctx, key) })
	contains(t, s.html(), `id="rename-factor-form"`, `for="rename-factor-name"`, "New name for Blue", `id="rename-factor-submit"`)
	if inputValue(t, s.html(), "rename-factor-name") != "Blue" {
		t.Fatalf("the field starts with the name: %s", s.html())
	}
	s.do(func(ctx app.Context) { c.newName = "  "; c.submitRename(ctx, noEvent) })
	contains(t, s.html(), `id="rename-factor-error"`, `aria-describedby="rename-factor-error"`, "Give the key a name")
	s.do(func(ctx app.Context) { c.newName = "taken"; c.submitRename(ctx, noEvent) })
	contains(t, s.html(), `id="rename-factor-error"`, "Choose another name.", `id="rename-factor-form"`)
	s.do(func(ctx app.Context) { c.newName = "Desk key"; c.submitRename(ctx, noEvent) })
	lacks(t, s.html(), `id="rename-factor-form"`, `id="rename-factor-error"`)
	contains(t, s.html(), "Desk key", `id="rename-factor-key-7"`)
	sameRequests(t, api.sent(), "GET /api/2fa/methods", `PATCH /api/2fa/methods/key-7 {"name":"taken"}`, `PATCH /api/2fa/methods/key-7 {"name":"Desk key"}`)

	// Cancel keeps the name.
	s.do(func(ctx app.Context) { c.openRename(ctx, c.methods[1]) })
	s.do(func(ctx app.Context) { c.newName = "Other"; c.closeRename(ctx) })
	contains(t, s.html(), "Desk key")
	sameRequests(t, api.sent())
}

// A user with keys is offered one as the proof: the prompt gets a
// challenge, the key answers, and the action runs again.
func TestReauth_AUserWithKeysIsOfferedTheirKey(t *testing.T) {
	webAuthnAs(t, true, words.Message{})
	api := newFakeAPI(t)
	proved := false
	api.on("GET /api/2fa/methods", answer(200, shared.MethodsResponse{Methods: []shared.SecondFactor{}}))
	api.on("POST /api/2fa/keys/begin", func([]byte) (int, any, error) {
		if !proved {
			return 403, shared.Errorf(shared.EReauthRequired, "For your security, confirm it is you."), nil
		}
		return 200, map[string]any{"publicKey": map[string]any{"challenge": "bmV3"}}, nil
	})
	api.on("POST /api/2fa/keys/finish", answer(200, shared.KeyAddedResponse{Method: shared.SecondFactor{ID: "key-8", Kind: shared.FactorSecurityKey, Name: "Spare"}}))
	api.on("POST /api/me/reauth/key/begin", answer(200, map[string]any{"publicKey": map[string]any{"challenge": "cHJvb2Y"}}))
	api.on("POST /api/me/reauth", func(body []byte) (int, any, error) {
		var req shared.ReauthRequest
		if json.Unmarshal(body, &req) != nil || string(req.Credential) != `{"id":"AQ","proof":"cHJvb2Y"}` {
			return 401, shared.Errorf(shared.EWrongCode, "That security key was not accepted."), nil
		}
		proved = true
		return 204, nil, nil
	})
	prevGet, prevCreate := getCredential, createCredential
	answerWith := `{"id":"AQ","proof":"cHJvb2Y"}`
	getCredential = func(options []byte) (json.RawMessage, error) {
		if !strings.Contains(string(options), "cHJvb2Y") {
			t.Errorf("the key got options %s", options)
		}
		return json.RawMessage(answerWith), nil
	}
	createCredential = func([]byte) (json.RawMessage, error) { return json.RawMessage(`{"id":"Ag"}`), nil }
	t.Cleanup(func() { getCredential, createCredential = prevGet, prevCreate })

	c := &factorsOnClient{}
	s := open(t, c)
	s.signIn(&shared.Me{Username: "alice", TOTPEnabled: true, SecurityKeys: 1})
	s.do(func(ctx app.Context) { c.name = "Spare"; c.add(ctx) })
	contains(t, s.html(), `id="reauth-form"`, `id="reauth-with-key"`, "Use your security key")

	answerWith = `{"id":"AQ","proof":"other"}`
	s.do(func(ctx app.Context) { c.reauthGate.useKey(ctx, noEvent) })
	contains(t, s.html(), `id="reauth-form"`, `id="reauth-error"`, "That security key was not accepted.")

	answerWith = `{"id":"AQ","proof":"cHJvb2Y"}`
	s.do(func(ctx app.Context) { c.reauthGate.useKey(ctx, noEvent) })
	lacks(t, s.html(), `id="reauth-form"`)
	contains(t, s.html(), `id="factor-key-8"`, "Spare")
	sameRequests(t, api.sent(), "GET /api/2fa/methods", `POST /api/2fa/keys/begin {"name":"Spare"}`,
		"POST /api/me/reauth/key/begin {}", `POST /api/me/reauth {"credential":{"id":"AQ","proof":"other"}}`,
		"POST /api/me/reauth/key/begin {}", `POST /api/me/reauth {"credential":{"id":"AQ","proof":"cHJvb2Y"}}`,
		`POST /api/2fa/keys/begin {"name":"Spare"}`, `POST /api/2fa/keys/finish {"credential":{"id":"Ag"}}`)

	// Without keys, no key is offered.
	s.signIn(&shared.Me{Username: "alice", TOTPEnabled: true, TOTPEnabledAt: "2026-11-20T10:00:00Z"})
	proved = false
	s.do(func(ctx app.Context) { c.name = "Third"; c.add(ctx) })
	contains(t, s.html(), `id="reauth-form"`)
	lacks(t, s.html(), `id="reauth-with-key"`)
}

// With keys only, Regenerate asks for a touch of the key, not a code.
func TestRegenerateCodes_WithKeysOnlyTheKeyIsTheProof(t *testing.T) {
	webAuthnAs(t, true, words.Message{})
	api := newFakeAPI(t)
	api.on("POST /api/me/reauth/key/begin", answer(200, map[string]any{"publicKey": map[string]any{"challenge": "cHJvb2Y"}}))
	api.on("POST /api/2fa/recovery-codes", answer(200, shared.ConnectResponse{RecoveryCodes: []string{"aaaa-bbbb-cccc"}}))
	prev := getCredential
	getCredential = func([]byte) (json.RawMessage, error) { return json.RawMessage(`{"id":"AQ"}`), nil }
	t.Cleanup(func() { getCredential = prev })
	var codes []string
	c := &regenerateOnClient{}
	c.Left, c.Keys, c.KeysOnly = 2, true, true
	c.OnCodes = func(ctx app.Context, cs []string) { codes = cs }
	s := open(t, c)
	contains(t, s.html(), `id="regenerate-codes"`)
	s.do(func(ctx app.Context) { c.open = true })
	contains(t, s.html(), `id="regenerate-with-key"`, "Touch your security key to confirm.")
	lacks(t, s.html(), `id="regenerate-code"`, `id="regenerate-submit"`)
	s.do(func(ctx app.Context) { c.useKey(ctx, noEvent) })
	sameRequests(t, api.sent(), "POST /api/me/reauth/key/begin {}", `POST /api/2fa/recovery-codes {"credential":{"id":"AQ"}}`)
	if len(codes) != 1 || c.open {
		t.Fatalf("codes %v, open %v", codes, c.open)
	}
	// With the app too, both are offered.
	c.KeysOnly = false
	s.do(func(ctx app.Context) { c.open = true })
	contains(t, s.html(), `id="regenerate-code"`, `id="regenerate-submit"`, `id="regenerate-with-key"`, "or use your security key")
}

// A page reloaded at the second step asks which factors to offer, so a key
// is still offered first.
func TestLogin_AReloadAtTheSecondStepStillOffersTheKey(t *testing.T) {
	webAuthnAs(t, true, words.Message{})
	api := loginAPI(t)
	api.on("GET /api/login/methods", answer(200, shared.LoginResponse{Next: shared.NextTOTP, Methods: []string{shared.FactorSecurityKey}, RememberBrowserDays: 30}))
	p := &loginOnClient{}
	p.step = stepTOTP
	s := open(t, p)
	contains(t, s.html(), `id="use-security-key"`, "Use your security key", `id="remember-browser"`)
	sameRequests(t, api.sent(), "GET /api/login/methods")

	// At the password step nothing is asked.
	p2 := &loginOnClient{}
	s2 := open(t, p2)
	lacks(t, s2.html(), `id="use-security-key"`)
	sameRequests(t, api.sent())
}

// Where the page cannot use WebAuthn (opened at an IP address, not secure,
// an old browser), no passkey or key button is offered: the login page has
// no "Sign in with a passkey", and where a key is the user's own factor its
// place says why instead. Prerendered on the server, which cannot know the
// browser, the pages offer none either.
func TestKeys_NotOfferedWhereThePageCannotUseThem(t *testing.T) {
	api := loginAPI(t)
	api.on("GET /api/login/methods", answer(200, shared.LoginResponse{Next: shared.NextTOTP, Methods: []string{shared.FactorSecurityKey, shared.FactorTOTP}}))
	api.on("GET /api/2fa/methods", answer(200, shared.MethodsResponse{Methods: []shared.SecondFactor{}}))
	keyButtons := []string{`id="passkey-login"`, `id="use-security-key"`, `id="add-security-key"`}

	webAuthnAs(t, true, words.Message{})
	login := open(t, &loginOnClient{})
	contains(t, login.html(), `id="passkey-login"`)

	webAuthnAs(t, false, words.WebAuthnAtAddress)
	login = open(t, &loginOnClient{})
	contains(t, login.html(), `id="login-submit"`)
	lacks(t, login.html(), keyButtons...)
	second := &loginOnClient{}
	second.step = stepTOTP
	s := open(t, second)
	contains(t, s.html(), `id="code"`, "not at an IP address")
	lacks(t, s.html(), keyButtons...)
	factors := &factorsOnClient{}
	s = open(t, factors)
	s.signIn(&shared.Me{Username: "alice"})
	contains(t, s.html(), `id="second-factors"`, "not at an IP address")
	lacks(t, s.html(), keyButtons...)

	webAuthnAs(t, false, words.Message{}) // prerendering: the browser is not known yet
	s = open(t, &factorsOnClient{})
	s.signIn(&shared.Me{Username: "alice"})
	lacks(t, s.html(), append(keyButtons, "key-unavailable")...)
}
