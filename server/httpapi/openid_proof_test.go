package httpapi

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/warden-auth/warden/server/auth/idp"
	"github.com/warden-auth/warden/server/store/storetest"
	"github.com/warden-auth/warden/shared"
)

// idClaims are what an ID token says of the sign-in.
type idClaims struct {
	AMR      []string `json:"amr"`
	ACR      string   `json:"acr"`
	AuthTime int64    `json:"auth_time"`
}

// signInTo opens a's sign-in in browser b, whose session is full, and
// exchanges the code: the ID token's claims of the sign-in.
func (a *rp) signInTo(t *testing.T, b *http.Client, opts ...oauth2.AuthCodeOption) idClaims {
	t.Helper()
	verifier := oauth2.GenerateVerifier()
	code, _ := a.finish(t, b, a.startSignIn(t, b, append(opts, oauth2.S256ChallengeOption(verifier))...))
	return a.claimsOf(t, code, verifier)
}

// claimsOf exchanges code and returns the verified ID token's claims.
func (a *rp) claimsOf(t *testing.T, code, verifier string) idClaims {
	t.Helper()
	ctx := context.Background()
	tok, err := a.cfg.Exchange(ctx, code, oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatalf("exchange: %v", err)
	}
	raw, _ := tok.Extra("id_token").(string)
	idt, err := a.provider.Verifier(&gooidc.Config{ClientID: a.cfg.ClientID}).Verify(ctx, raw)
	if err != nil {
		t.Fatalf("ID token: %v", err)
	}
	var c idClaims
	if err := idt.Claims(&c); err != nil {
		t.Fatal(err)
	}
	return c
}

// refusedProof opens callback in b and checks that it sends the browser to
// the app's page that takes the proof need, to come back, with no code,
// and that the request is still nobody's in the database.
func (a *rp) refusedProof(t *testing.T, b *http.Client, callback, need string) {
	t.Helper()
	status, loc := openGet(t, noFollow(b), callback)
	cb, _ := url.Parse(callback)
	if status != http.StatusSeeOther || loc == nil || loc.Path != shared.AppSignInConfirm || loc.Query().Get("need") != need ||
		loc.Query().Get("return") != cb.RequestURI() || !shared.AppSignInReturn(loc.Query().Get("return")) {
		t.Fatalf("callback short of the proof: %d %v", status, loc)
	}
	if got := storetest.Rows(t, a.e.st, "SELECT count(*) FROM oidc_auth_requests WHERE id = ? AND session_id IS NULL AND code_hash IS NULL", cb.Query().Get("id")); got[0][0] != "1" {
		t.Fatalf("a request short of its proof was completed: %v", got)
	}
}

// A browser the user trusted skips the code at the login, and the session
// proved only the password: an application that requires a second factor
// (its rule, or acr_values) gets no code from it until the user gives one.
func TestOpenID_ATrustedBrowserGetsNoCodeForAnAppRequiring2FAUntilTheCode(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			e, plain, ahead := newOlgaAndApp(t, dialect)
			ctx := context.Background()
			olga, err := e.st.UserByUsername(ctx, "olga")
			if err != nil {
				t.Fatal(err)
			}
			storetest.Rows(t, e.st, "UPDATE accounts SET remember_browser_days = 30 WHERE id = ?", olga.AccountID)
			b := e.browser()
			*ahead += 30 * time.Second
			e.trustLogin(t, b, "olga", e.secrets["olga"], e.svc.Now())
			e.do(b, "POST", "/api/logout", nil)
			if n := e.next(t, b, "olga", password); n != shared.NextDone {
				t.Fatalf("trusted browser: next %s", n)
			}
			// An application without a rule is told the truth: a password.
			if c := plain.signInTo(t, b); c.ACR != idp.ACRPassword || !slices.Equal(c.AMR, []string{"pwd"}) {
				t.Fatalf("trusted browser's claims: %+v", c)
			}
			storetest.Rows(t, e.st, "DELETE FROM oidc_auth_requests")

			strict := e.registerApp(t, idp.NewClient{MinACR: idp.ACRMultiFactor})
			callback := strict.startSignIn(t, b, oauth2.S256ChallengeOption(oauth2.GenerateVerifier()))
			strict.refusedProof(t, b, callback, shared.AppSignInNeedSecond)
			asking := plain.startSignIn(t, b, oauth2.S256ChallengeOption(oauth2.GenerateVerifier()), oauth2.SetAuthURLParam("acr_values", idp.ACRMultiFactor))
			plain.refusedProof(t, b, asking, shared.AppSignInNeedSecond)
			// Asking again for no page is told login_required.
			silent := strict.startSignIn(t, b, oauth2.S256ChallengeOption(oauth2.GenerateVerifier()), oauth2.SetAuthURLParam("prompt", "none"))
			if status, loc := openGet(t, noFollow(b), silent); status != http.StatusFound || loc.Query().Get("error") != "login_required" || loc.Query().Get("code") != "" {
				t.Fatalf("prompt=none short of the proof: %d %v", status, loc)
			}
			// Another password proves nothing more.
			if a := e.do(b, "POST", "/api/me/reauth", shared.ReauthRequest{Password: password}); a.status != http.StatusNoContent {
				t.Fatalf("reauth with the password: %d %s", a.status, a.body)
			}
			strict.refusedProof(t, b, callback, shared.AppSignInNeedSecond)

			// The code, given to Warden: the same request gets its code, and
			// the ID token says both factors.
			*ahead += 30 * time.Second
			if a := e.do(b, "POST", "/api/me/reauth", shared.ReauthRequest{Code: code(t, e.secrets["olga"], e.svc.Now())}); a.status != http.StatusNoContent {
				t.Fatalf("reauth with the code: %d %s", a.status, a.body)
			}
			if got := storetest.Rows(t, e.st, "SELECT reauth_methods FROM sessions WHERE user_id = ?", olga.ID); len(got) != 1 || got[0][0] != "password totp" {
				t.Fatalf("the session's re-authentications: %v", got)
			}
			verifier := oauth2.GenerateVerifier()
			callback = strict.startSignIn(t, b, oauth2.S256ChallengeOption(verifier))
			code, _ := strict.finish(t, b, callback)
			if c := strict.claimsOf(t, code, verifier); c.ACR != idp.ACRMultiFactor || !slices.Equal(c.AMR, []string{"pwd", "otp", "mfa"}) {
				t.Fatalf("stepped-up claims: %+v", c)
			}
		})
	}
}

// A client that requires a phishing-resistant factor takes no
// authenticator code: only a security key or passkey of this sign-in.
func TestOpenID_APhishingResistantAppRefusesAnAuthenticatorCode(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			e, _, ahead := newOlgaAndApp(t, dialect)
			app := e.registerApp(t, idp.NewClient{MinACR: idp.ACRPhishingResistant})
			b := e.browser()
			e.signIn(t, b, password, ahead)
			callback := app.startSignIn(t, b, oauth2.S256ChallengeOption(oauth2.GenerateVerifier()))
			app.refusedProof(t, b, callback, shared.AppSignInNeedKey)
			*ahead += 30 * time.Second
			if a := e.do(b, "POST", "/api/me/reauth", shared.ReauthRequest{Code: code(t, e.secrets["olga"], e.svc.Now())}); a.status != http.StatusNoContent {
				t.Fatalf("reauth with the code: %d %s", a.status, a.body)
			}
			app.refusedProof(t, b, callback, shared.AppSignInNeedKey)
			// A client may not name a proof Warden does not know.
			if _, _, err := e.svc.IDP.CreateClient(context.Background(), idp.NewClient{Name: "X", RedirectURIs: []string{appRedirect}, MinACR: "urn:other:gold"}); err == nil {
				t.Fatal("a client with an unknown acr was registered")
			}
		})
	}
}

// max_age older than the sign-in, or prompt=login, asks for a fresh proof
// before a code, and the ID token's auth_time and amr are that proof's.
func TestOpenID_MaxAgeAndPromptLoginAskForAFreshProof(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			e, app, ahead := newOlgaAndApp(t, dialect)
			b := e.browser()
			e.signIn(t, b, password, ahead)
			loggedIn := e.svc.Now().Unix()
			// Within max_age: the login's proof.
			if c := app.signInTo(t, b, oauth2.SetAuthURLParam("max_age", "300")); c.AuthTime < loggedIn-1 || c.ACR != idp.ACRMultiFactor {
				t.Fatalf("within max_age: %+v", c)
			}
			*ahead += 6 * time.Minute
			callback := app.startSignIn(t, b, oauth2.S256ChallengeOption(oauth2.GenerateVerifier()), oauth2.SetAuthURLParam("max_age", "300"))
			app.refusedProof(t, b, callback, shared.AppSignInNeedFresh)

			// The password again: a code, dated now, for the password.
			reauthAt := e.svc.Now().Unix()
			if a := e.do(b, "POST", "/api/me/reauth", shared.ReauthRequest{Password: password}); a.status != http.StatusNoContent {
				t.Fatalf("reauth: %d %s", a.status, a.body)
			}
			verifier := oauth2.GenerateVerifier()
			callback = app.startSignIn(t, b, oauth2.S256ChallengeOption(verifier), oauth2.SetAuthURLParam("max_age", "300"))
			code, _ := app.finish(t, b, callback)
			if c := app.claimsOf(t, code, verifier); c.AuthTime < reauthAt || !slices.Equal(c.AMR, []string{"pwd"}) || c.ACR != idp.ACRPassword {
				t.Fatalf("after the fresh proof (at %d): %+v", reauthAt, c)
			}

			// prompt=login: a proof from before the request is not one.
			callback = app.startSignIn(t, b, oauth2.S256ChallengeOption(oauth2.GenerateVerifier()), oauth2.SetAuthURLParam("prompt", "login"))
			app.refusedProof(t, b, callback, shared.AppSignInNeedFresh)
			*ahead += time.Second
			if a := e.do(b, "POST", "/api/me/reauth", shared.ReauthRequest{Password: password}); a.status != http.StatusNoContent {
				t.Fatalf("reauth: %d %s", a.status, a.body)
			}
			if code, _ := app.finish(t, b, callback); code == "" {
				t.Fatal("prompt=login after the proof: no code")
			}
		})
	}
}

// An application's logout, through the end_session_endpoint go-oidc
// discovered: with its ID token as the hint, the browser's Warden session
// ends, and every application's tokens with it; the browser goes back to
// the registered address, exactly, with the state.
func TestOpenID_AnAppsLogoutEndsTheWardenSessionAndEveryGrant(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			e := newEnv(t, dialect)
			ahead := e.walkClock()
			olga := e.totpUser(t, "olga")
			const bye = "https://app.example.com/bye"
			app := e.registerApp(t, idp.NewClient{Name: "Reports", RedirectURIs: []string{appRedirect}, PostLogoutRedirectURIs: []string{bye}})
			other := e.registerApp(t, idp.NewClient{})
			b := e.browser()
			tok := app.signedInApp(t, b, password, ahead)
			verifier := oauth2.GenerateVerifier()
			code, _ := other.finish(t, b, other.startSignIn(t, b, oauth2.S256ChallengeOption(verifier)))
			otherTok, err := other.cfg.Exchange(context.Background(), code, oauth2.VerifierOption(verifier))
			if err != nil {
				t.Fatal(err)
			}
			var doc struct {
				EndSession string `json:"end_session_endpoint"`
			}
			if err := app.provider.Claims(&doc); err != nil || doc.EndSession == "" {
				t.Fatalf("discovery: %+v %v", doc, err)
			}
			hint, _ := tok.Extra("id_token").(string)
			logout := func(v url.Values) (int, *url.URL) { return openGet(t, noFollow(b), doc.EndSession+"?"+v.Encode()) }

			// Near misses of the registered address, and no hint at all,
			// are refused without sending the browser anywhere, and end
			// nothing.
			for _, bad := range []string{bye + "/", "https://app.example.com/bye?x=1", "https://evil.example/bye", "https://app.example.com:444/bye", appRedirect} {
				if status, loc := logout(url.Values{"id_token_hint": {hint}, "post_logout_redirect_uri": {bad}, "state": {"s-1"}}); status != http.StatusBadRequest || loc != nil {
					t.Errorf("post_logout_redirect_uri %s: %d %v", bad, status, loc)
				}
			}
			if status, loc := logout(url.Values{"client_id": {app.cfg.ClientID}, "post_logout_redirect_uri": {bye}}); status < 400 || loc != nil {
				t.Errorf("a logout without a hint: %d %v", status, loc)
			}
			if a := e.do(b, "GET", "/api/me", nil); a.status != 200 {
				t.Fatalf("a refused logout ended the session: %d", a.status)
			}

			status, loc := logout(url.Values{"id_token_hint": {hint}, "post_logout_redirect_uri": {bye}, "state": {"s-789"}})
			if status != http.StatusFound || loc == nil || loc.String() != bye+"?state=s-789" {
				t.Fatalf("logout: %d %v\n%s", status, loc, e.log.String())
			}
			if a := e.do(b, "GET", "/api/me", nil); a.status != 401 {
				t.Fatalf("the Warden session outlived the logout: %d", a.status)
			}
			if got := storetest.Rows(t, e.st, "SELECT (SELECT count(*) FROM sessions WHERE user_id = ?) + (SELECT count(*) FROM oidc_grants)", olga.ID); got[0][0] != "0" {
				t.Fatalf("sessions and grants left after the logout: %v", got)
			}
			app.assertTokensEnded(t, "the app's logout", tok)
			other.assertTokensEnded(t, "another app, after the first's logout", otherTok)
		})
	}
}
