package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/pquerna/otp/totp"
)

// slowLink is Chrome's "Fast 3G" as issue 14 measures the first visit on it:
// 1.6 Mbit/s down, 750 kbit/s up, 150 ms; the 1.5 MB app takes some 9 s.
func slowLink() chromedp.Action {
	return chromedp.Tasks{network.Enable(), network.EmulateNetworkConditions(false, 150, 1.6e6/8, 750e3/8)}
}

// appNotRunning fails unless the page is still the server's prerendered
// HTML: no form the app has mounted, and go-app's loader still there.
func appNotRunning(t *testing.T, b *browser, when string) {
	t.Helper()
	var before bool
	b.run(t, when+": is the app running yet",
		chromedp.Evaluate(`!document.querySelector('[data-ready="true"]') && !!document.getElementById("app-wasm-loader")`, &before))
	if !before {
		t.Fatalf("%s: the app was already running, so this proved nothing about the page before it", when)
	}
}

// TestBrowser_OnASlowLinkTheFormsWorkBeforeTheApp: on the emulated slow link,
// a password typed and sent the moment the form shows logs in before the
// app has arrived, and so does the second step's code, without a page load
// that would restart the app's download; the app then runs on the page it
// lands on.
func TestBrowser_OnASlowLinkTheFormsWorkBeforeTheApp(t *testing.T) {
	inst := start(t, "", t.TempDir())
	secret, _ := connectOverAPI(t, inst.URL, "admin", inst.AdminPassword)

	b := newBrowser(t)
	b.run(t, "slow link", slowLink())
	start := time.Now()
	b.run(t, "open /login and type at once",
		chromedp.Navigate(inst.URL+"/login"),
		chromedp.WaitVisible("#password", chromedp.ByID),
		chromedp.SendKeys("#username", "admin", chromedp.ByID),
		chromedp.SendKeys("#password", inst.AdminPassword+"\r", chromedp.ByID),
		chromedp.WaitVisible("#code", chromedp.ByID),
	)
	appNotRunning(t, b, "the code step")
	var path string
	b.run(t, "where the password led", chromedp.Evaluate(`location.pathname + location.search`, &path))
	if path != "/login?step=code" {
		t.Fatalf("after the password the page is at %s", path)
	}
	// The next time step's code: connecting used this step's, and the
	// server accepts one step of drift.
	code, err := totp.GenerateCode(secret, time.Now().Add(30*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	b.run(t, "type the code at once",
		chromedp.SendKeys("#code", code+"\r", chromedp.ByID),
		waitPath("/"),
	)
	appNotRunning(t, b, "logged in")
	t.Logf("password and code sent at once: at / after %s, before the app ran", time.Since(start).Round(time.Millisecond))
	b.run(t, "the app arrives and shows the user", waitText("#welcome", "admin"))
	oneDocument(t, b)
}

// oneDocument fails unless the page was never navigated away: the document
// is still the one /login loaded, so the app's download went on through
// every step.
func oneDocument(t *testing.T, b *browser) {
	t.Helper()
	var loaded string
	var wasmFetches int
	b.run(t, "one document, one download", chromedp.Evaluate(`performance.getEntriesByType("navigation")[0].name`, &loaded),
		chromedp.Evaluate(`performance.getEntriesByType("resource").filter(e => e.name.endsWith("/app.wasm")).length`, &wasmFetches))
	if !strings.HasSuffix(loaded, "/login") || wasmFetches != 1 {
		t.Fatalf("the document was loaded from %s and fetched app.wasm %d times: a navigation restarted the download", loaded, wasmFetches)
	}
}

// TestBrowser_OnASlowLinkARecoveryCodeWorksBeforeTheApp: from the code
// step, "Use a recovery code" and the recovery code itself both work before
// the app has arrived, in the same document.
func TestBrowser_OnASlowLinkARecoveryCodeWorksBeforeTheApp(t *testing.T) {
	inst := start(t, "", t.TempDir())
	_, codes := connectOverAPI(t, inst.URL, "admin", inst.AdminPassword)
	b := newBrowser(t)
	b.run(t, "slow link", slowLink())
	b.run(t, "password at once, then a recovery code",
		chromedp.Navigate(inst.URL+"/login"),
		chromedp.WaitVisible("#password", chromedp.ByID),
		chromedp.SendKeys("#username", "admin", chromedp.ByID),
		chromedp.SendKeys("#password", inst.AdminPassword+"\r", chromedp.ByID),
		click("#use-recovery-code"),
		chromedp.SendKeys("#recovery-code", codes[0]+"\r", chromedp.ByID),
		waitPath("/"),
	)
	appNotRunning(t, b, "logged in with a recovery code")
	b.run(t, "the app arrives and shows the user", waitText("#welcome", "admin"))
	oneDocument(t, b)
}

// TestBrowser_WhatWasTypedSurvivesTheAppTakingOver: typing into the
// prerendered form on a slow link, then the app replacing the page: the
// text and the focus are where they were, and the app's state has them,
// so finishing the form with the app logs in.
func TestBrowser_WhatWasTypedSurvivesTheAppTakingOver(t *testing.T) {
	inst := start(t, "", t.TempDir())
	b := newBrowser(t)
	b.run(t, "slow link", slowLink())
	b.run(t, "type half a username before the app",
		chromedp.Navigate(inst.URL+"/login"),
		chromedp.WaitVisible("#username", chromedp.ByID),
		chromedp.SendKeys("#username", "adm", chromedp.ByID),
	)
	appNotRunning(t, b, "typing")
	// The loader shows progress without covering the form: a click on the
	// field lands on the field.
	var onTop string
	b.run(t, "what a click on the username would hit", chromedp.Evaluate(`(() => {
		const r = document.getElementById("username").getBoundingClientRect();
		return document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2).id; })()`, &onTop))
	if onTop != "username" {
		t.Fatalf("while the app loads, a click on the username lands on %q", onTop)
	}
	// Its spinner stands still for someone who asked for less motion.
	var spin string
	b.run(t, "reduced motion", emulation.SetEmulatedMedia().WithFeatures([]*emulation.MediaFeature{{Name: "prefers-reduced-motion", Value: "reduce"}}),
		chromedp.Evaluate(`getComputedStyle(document.getElementById("app-wasm-loader-icon")).animationName`, &spin))
	if spin != "none" {
		t.Errorf("with prefers-reduced-motion the loader still animates (%q)", spin)
	}
	var value, focused string
	b.run(t, "the app takes over",
		chromedp.WaitVisible(`#login-form[data-ready="true"]`, chromedp.ByQuery),
		chromedp.Value("#username", &value, chromedp.ByID),
		chromedp.Evaluate(`document.activeElement.id`, &focused),
	)
	if value != "adm" || focused != "username" {
		t.Fatalf("after the app took over: username %q, focus on %q; want \"adm\" in the focused username", value, focused)
	}
	b.run(t, "finish typing with the app",
		chromedp.SendKeys("#username", "in", chromedp.ByID),
		chromedp.SendKeys("#password", inst.AdminPassword, chromedp.ByID),
		click("#login-submit"),
		waitPath("/"),
		waitText("#welcome", "admin"),
	)
}

// connectOverAPI logs in as username and connects an authenticator through
// the JSON API, as the app would, and returns its secret.
func connectOverAPI(t *testing.T, base, username, password string) (secret string, recoveryCodes []string) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	post := func(path, body string) *http.Response {
		t.Helper()
		req, _ := http.NewRequestWithContext(context.Background(), "POST", base+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		res, err := c.Do(req)
		if err != nil || res.StatusCode != 200 {
			t.Fatalf("POST %s: %v %v", path, res, err)
		}
		return res
	}
	post("/api/login", `{"username":"`+username+`","password":"`+password+`"}`).Body.Close()
	var setup struct {
		Secret string `json:"secret"`
	}
	res := post("/api/2fa/setup", "")
	err := json.NewDecoder(res.Body).Decode(&setup)
	res.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	code, err := totp.GenerateCode(setup.Secret, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	var connected struct {
		RecoveryCodes []string `json:"recovery_codes"`
	}
	res = post("/api/2fa/connect", `{"code":"`+code+`"}`)
	err = json.NewDecoder(res.Body).Decode(&connected)
	res.Body.Close()
	if err != nil || len(connected.RecoveryCodes) == 0 {
		t.Fatalf("connect: %+v %v", connected, err)
	}
	return setup.Secret, connected.RecoveryCodes
}
