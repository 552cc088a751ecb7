package main

import (
	"context"
	"io"
	"net/http"
	"regexp"
	"testing"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"github.com/warden-auth/warden/server/sealing"
	"github.com/warden-auth/warden/server/store"
	"github.com/warden-auth/warden/server/store/storetest"
	"golang.org/x/oauth2"
)

// Two server processes on one PostgreSQL sign with one key (the first to
// need it made it, sealed under the shared SECRET_KEY) and seal access
// tokens under one key: a code that a's login gave is exchanged at b, and
// b's access token answers at a.
func TestCluster_TheOpenIDProviderIsOneAcrossProcesses(t *testing.T) {
	dbURL, dir := storetest.URL(t, store.Postgres)
	key, _ := sealing.Generate("k1")
	a := startProcess(t, dbURL, dir, "SECRET_KEY", key).instance
	b := startProcess(t, dbURL, t.TempDir(), "SECRET_KEY", key).instance
	id, secret := registerClient(t, serverEnv(dbURL, dir, "SECRET_KEY", key), "--name", "Reports", "--redirect-uri", "https://app.example.com/cb")
	ctx := context.Background()
	pa, err := gooidc.NewProvider(ctx, a.URL)
	if err != nil {
		t.Fatal(err)
	}
	pb, err := gooidc.NewProvider(ctx, b.URL)
	if err != nil {
		t.Fatal(err)
	}
	if ja, jb := fetch(t, a.URL+"/oauth/keys"), fetch(t, b.URL+"/oauth/keys"); ja != jb {
		t.Fatalf("the processes' key sets differ:\n%s\n%s", ja, jb)
	}

	c := newClient(t, a)
	c.login(a.AdminPassword)
	verifier := oauth2.GenerateVerifier()
	cfgA := oauth2.Config{ClientID: id, ClientSecret: secret, Endpoint: pa.Endpoint(), RedirectURL: "https://app.example.com/cb",
		Scopes: []string{gooidc.ScopeOpenID}}
	noRedirect := &http.Client{Jar: c.http.Jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	location := cfgA.AuthCodeURL("st", oauth2.S256ChallengeOption(verifier))
	for range 2 { // /authorize leads to its callback, which leads to the application
		res, err := noRedirect.Get(location)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		loc, err := res.Location() // resolved against the request's URL
		if err != nil {
			t.Fatalf("%s: %d", location, res.StatusCode)
		}
		location = loc.String()
	}
	code := regexp.MustCompile(`[?&]code=([^&]+)`).FindStringSubmatch(location)
	if code == nil {
		t.Fatalf("no code: %s", location)
	}
	cfgB := cfgA
	cfgB.Endpoint = pb.Endpoint()
	tok, err := cfgB.Exchange(ctx, code[1], oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatalf("a's code at b: %v", err)
	}
	raw, _ := tok.Extra("id_token").(string)
	if _, err := pb.Verifier(&gooidc.Config{ClientID: id}).Verify(ctx, raw); err != nil {
		t.Fatalf("b's ID token: %v", err)
	}
	if _, err := pa.UserInfo(ctx, oauth2.StaticTokenSource(tok)); err != nil {
		t.Fatalf("b's access token at a: %v", err)
	}
}

func fetch(t *testing.T, url string) string {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return string(b)
}
