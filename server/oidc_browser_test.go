package main

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"github.com/warden-auth/warden/server/store"
	"github.com/warden-auth/warden/server/store/storetest"
	"github.com/warden-auth/warden/shared"
	"github.com/warden-auth/warden/shared/words"
	"golang.org/x/oauth2"
)

// relyingParty is an application that signs its users in with Warden:
// go-oidc and x/oauth2 behind a small web server, whose /cb exchanges the
// code, verifies the ID token and says whom it signed in.
type relyingParty struct {
	srv      *httptest.Server
	cfg      oauth2.Config
	provider *gooidc.Provider
	verifier string
}

func newRelyingParty(t *testing.T) *relyingParty {
	t.Helper()
	rp := &relyingParty{verifier: oauth2.GenerateVerifier()}
	rp.srv = httptest.NewServer(http.HandlerFunc(rp.serve))
	t.Cleanup(rp.srv.Close)
	return rp
}

func (rp *relyingParty) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/cb" {
		w.WriteHeader(http.StatusNoContent) // the browser's favicon
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	who, err := rp.signIn(r)
	if err != nil {
		who = "refused: " + err.Error()
	}
	fmt.Fprintf(w, `<!doctype html><title>Reports</title><p id="who">%s</p>`, html.EscapeString(who))
}

func (rp *relyingParty) signIn(r *http.Request) (string, error) {
	if r.URL.Query().Get("state") != "st-789" {
		return "", fmt.Errorf("state %q", r.URL.Query().Get("state"))
	}
	tok, err := rp.cfg.Exchange(r.Context(), r.URL.Query().Get("code"), oauth2.VerifierOption(rp.verifier))
	if err != nil {
		return "", err
	}
	raw, _ := tok.Extra("id_token").(string)
	idt, err := rp.provider.Verifier(&gooidc.Config{ClientID: rp.cfg.ClientID}).Verify(r.Context(), raw)
	if err != nil {
		return "", err
	}
	var c struct {
		Username string   `json:"preferred_username"`
		AMR      []string `json:"amr"`
	}
	if err := idt.Claims(&c); err != nil {
		return "", err
	}
	if idt.Nonce != "n-789" {
		return "", fmt.Errorf("nonce %q", idt.Nonce)
	}
	return c.Username + " " + strings.Join(c.AMR, " "), nil
}

// An application sends a signed-out browser to Warden; the real login page
// asks for the password and the authenticator's code, and the browser comes
// back to the application signed in, with what it proved.
func TestBrowser_AnApplicationSignsInThroughWardensLoginWithACode(t *testing.T) {
	databaseURL, dataDir := storetest.URL(t, store.Postgres)
	inst := start(t, databaseURL, dataDir)
	rp := newRelyingParty(t)
	id, secret := registerClient(t, serverEnv(databaseURL, dataDir), "--name", "Reports", "--redirect-uri", rp.srv.URL+"/cb")
	var err error
	if rp.provider, err = gooidc.NewProvider(context.Background(), inst.URL); err != nil {
		t.Fatal(err)
	}
	rp.cfg = oauth2.Config{ClientID: id, ClientSecret: secret, Endpoint: rp.provider.Endpoint(),
		RedirectURL: rp.srv.URL + "/cb", Scopes: []string{gooidc.ScopeOpenID, "profile"}}

	b := newBrowser(t)
	logIn(b, t, inst.URL, "admin", inst.AdminPassword)
	b.run(t, "open Security settings and Connect", waitPath("/"), click("#avatar"), click("#menu-profile"), click("#connect-2fa"))
	now := time.Now()
	totpSecret := connectInBrowser(b, t)
	b.run(t, "log out", click("#avatar"), click("#menu-logout"), waitPath("/login"))

	b.run(t, "the application sends the browser to Warden's login",
		chromedp.Navigate(rp.cfg.AuthCodeURL("st-789", oauth2.S256ChallengeOption(rp.verifier), gooidc.Nonce("n-789"))),
		waitPath("/login"),
		chromedp.WaitVisible(`#login-form[data-ready="true"]`, chromedp.ByQuery),
		chromedp.SendKeys("#username", "admin", chromedp.ByID),
		chromedp.SendKeys("#password", inst.AdminPassword, chromedp.ByID),
		click("#login-submit"),
		chromedp.WaitVisible("#code", chromedp.ByID),
	)
	// The next step's code: later than the one that connected.
	next := totpCode(t, totpSecret, now.Add(30*time.Second))
	b.run(t, "the code signs in, and the browser is back at the application",
		setInput("code", next),
		waitPath("/cb"),
		waitText("#who", "admin pwd otp mfa"),
	)

	// The application asks again with prompt=login: Warden's page says so
	// and takes the password again, and the ID token says that proof.
	var who string
	b.run(t, "a fresh login asked for is the password again, on Warden's page, and back",
		chromedp.Navigate(rp.cfg.AuthCodeURL("st-789", oauth2.S256ChallengeOption(rp.verifier), gooidc.Nonce("n-789"),
			oauth2.SetAuthURLParam("prompt", "login"))),
		waitPath(shared.AppSignInConfirm),
		waitText("#reauth-form", words.English.Say(words.AppSignInNeedsProof)),
		chromedp.SendKeys("#reauth-password", inst.AdminPassword, chromedp.ByID),
		click("#reauth-submit"),
		waitPath("/cb"),
		waitText("#who", "admin"),
		chromedp.Text("#who", &who, chromedp.ByQuery),
	)
	if who != "admin pwd" {
		t.Fatalf("the application signed in %q after the fresh login", who)
	}
}
