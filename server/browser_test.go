package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/warden-auth/warden/server/internal/testcode"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/pquerna/otp/totp"
	"github.com/warden-auth/warden/server/store"
	"github.com/warden-auth/warden/server/store/storetest"
)

// browser is a headless Debian Chromium driven through chromedp. It collects
// every console error, uncaught exception and CSP violation; the test fails
// on any of them.
type browser struct {
	ctx context.Context
	mu  sync.Mutex
	bad []string
	// tolerate holds what the browser may report in the test's current
	// phase (a server that a test stopped on purpose is unreachable).
	tolerate []string
	// apiErrors are the API's own 4xx answers the browser logged (URLs).
	apiErrors []string
	// dialogs are the types of the JavaScript dialogs the page opened
	// (each dismissed: the user stays); dialogOpen tells of each.
	dialogs    []string
	dialogOpen chan struct{}
}

// dialogOpened waits until the page has opened a dialog since the last
// time it was waited for (it is dismissed: see newBrowser).
func (b *browser) dialogOpened() chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		select {
		case <-b.dialogOpen:
			return nil
		case <-ctx.Done():
			return fmt.Errorf("waiting for a dialog: %w", ctx.Err())
		}
	})
}

// seen returns what was recorded so far and forgets it.
func (b *browser) seen(list *[]string) []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := *list
	*list = nil
	return out
}

func newBrowser(t *testing.T, ctxOpts ...chromedp.ContextOption) *browser {
	t.Helper()
	path := os.Getenv("CHROMIUM")
	if path == "" {
		path = "/usr/bin/chromium"
	}
	if _, err := exec.LookPath(path); err != nil {
		storetest.Unavailable(t, "Chromium", path+" not found (apt-get install chromium)")
	}
	if _, err := os.Stat("../web/app.wasm"); err != nil {
		t.Fatal("web/app.wasm is missing: run `make wasm` (make test does)")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
	}
	// Not t.TempDir: Chromium may still be writing its profile while it
	// exits, and a failed removal would fail the test.
	profile, err := os.MkdirTemp("", "warden-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	opts = append(opts, chromedp.UserDataDir(profile))
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	// The first Run's context owns the tab, so it has no deadline of its
	// own: each step gets one (run), and a failed step can still be
	// photographed.
	ctx, cancelCtx := chromedp.NewContext(allocCtx, ctxOpts...)
	t.Cleanup(func() { cancelCtx(); cancelAlloc(); os.RemoveAll(profile) })

	b := &browser{ctx: ctx, dialogOpen: make(chan struct{}, 16)}
	chromedp.ListenTarget(ctx, func(ev any) {
		switch ev := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.APITypeError || ev.Type == runtime.APITypeAssert {
				var args []string
				for _, a := range ev.Args {
					args = append(args, string(a.Value)+a.Description)
				}
				b.report("console." + string(ev.Type) + ": " + strings.Join(args, " "))
			}
		case *runtime.EventExceptionThrown:
			b.report("exception: " + ev.ExceptionDetails.Error())
		case *log.EventEntryAdded:
			// CSP violations and failed loads arrive here, not on the console
			// API. An API call answered 4xx is logged too, but it is the API
			// speaking (a wrong password is a 401) and the app shows it.
			expected := ev.Entry.Source == log.SourceNetwork && strings.Contains(ev.Entry.URL, "/api/") &&
				strings.Contains(ev.Entry.Text, "status of 4")
			if ev.Entry.Level == log.LevelError && !expected {
				b.report(fmt.Sprintf("log (%s): %s %s", ev.Entry.Source, ev.Entry.Text, ev.Entry.URL))
			}
			if expected {
				b.mu.Lock()
				b.apiErrors = append(b.apiErrors, ev.Entry.URL)
				b.mu.Unlock()
			}
		case *page.EventJavascriptDialogOpening:
			b.mu.Lock()
			b.dialogs = append(b.dialogs, string(ev.Type))
			b.mu.Unlock()
			go chromedp.Run(ctx, page.HandleJavaScriptDialog(false))
			select {
			case b.dialogOpen <- struct{}{}:
			default: // nobody waits for this many
			}
		}
	})
	if err := chromedp.Run(ctx, log.Enable(), runtime.Enable()); err != nil {
		storetest.Unavailable(t, "Chromium", "starting it: "+err.Error())
	}
	t.Cleanup(func() {
		b.mu.Lock()
		defer b.mu.Unlock()
		for _, msg := range b.bad {
			t.Errorf("browser: %s", msg)
		}
	})
	return b
}

func (b *browser) report(msg string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, ok := range b.tolerate {
		if strings.Contains(msg, ok) {
			return
		}
	}
	b.bad = append(b.bad, msg)
}

// tolerating sets what the browser may report from now on (nil: nothing).
func (b *browser) tolerating(msgs ...string) {
	b.mu.Lock()
	b.tolerate = msgs
	b.mu.Unlock()
}

func (b *browser) run(t *testing.T, step string, actions ...chromedp.Action) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Run(ctx, actions...); err != nil {
		// What the page said when it failed, for whoever debugs it: its
		// text always, a screenshot when BROWSER_FAILURE_DIR is set.
		ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
		defer cancel()
		var page string
		chromedp.Run(ctx, chromedp.Evaluate(`location.href + "\n" + document.body.innerText`, &page))
		if dir := os.Getenv("BROWSER_FAILURE_DIR"); dir != "" {
			var png []byte
			if chromedp.Run(ctx, chromedp.CaptureScreenshot(&png)) == nil {
				os.WriteFile(filepath.Join(dir, strings.ReplaceAll(t.Name(), "/", "_")+".png"), png, 0o644)
			}
		}
		t.Fatalf("%s: %v\npage: %s", step, err, page)
	}
}

// click clicks the element once it is visible and has stopped moving: a
// click lands where the element was when it was measured, and a page that
// is still settling (an answer arriving, a block closing) would take it
// somewhere else.
func click(sel string) chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		js := `(() => { const r = document.querySelector(` + strconv.Quote(sel) + `)?.getBoundingClientRect();
			return r ? [r.x, r.y, r.width, r.height].join(",") : ""; })()`
		var last string
		for {
			var box string
			if err := chromedp.Run(ctx, chromedp.WaitVisible(sel, chromedp.ByQuery), chromedp.Evaluate(js, &box)); err != nil {
				return err
			}
			if box != "" && box == last {
				return chromedp.Run(ctx, chromedp.Click(sel, chromedp.ByQuery))
			}
			last = box
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(50 * time.Millisecond):
			}
		}
	})
}

// waitText waits until the element's text contains want.
func waitText(sel, want string) chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		for {
			var got string
			err := chromedp.Run(ctx, chromedp.Text(sel, &got, chromedp.ByQuery, chromedp.NodeVisible))
			if err == nil && strings.Contains(got, want) {
				return nil
			}
			select {
			case <-ctx.Done():
				return fmt.Errorf("waiting for %q in %s (last %q): %w", want, sel, got, ctx.Err())
			case <-time.After(100 * time.Millisecond):
			}
		}
	})
}

// waitPath waits until the page's path is want.
func waitPath(want string) chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		for {
			var path string
			if err := chromedp.Run(ctx, chromedp.Evaluate(`location.pathname`, &path)); err == nil && path == want {
				return nil
			}
			select {
			case <-ctx.Done():
				return fmt.Errorf("waiting for path %s: %w", want, ctx.Err())
			case <-time.After(100 * time.Millisecond):
			}
		}
	})
}

func TestBrowser_LogInSeeTheAppAndLogOut(t *testing.T) {
	inst := start(t, "", t.TempDir())
	b := newBrowser(t)

	// Every question the page asks the API is noted as it is sent. The app
	// asks at mount, from a goroutine that runs before its next frame is
	// drawn, so a question is sent by the time the form says the app runs.
	var asked []string
	b.run(t, "open /login",
		chromedp.ActionFunc(func(ctx context.Context) error {
			_, err := page.AddScriptToEvaluateOnNewDocument(`window.apiAsked = [];
				const fetch0 = window.fetch;
				window.fetch = function (input, init) {
					const url = String(input && input.url || input);
					if (url.includes("/api/")) window.apiAsked.push(url);
					return fetch0.apply(this, arguments);
				};`).Do(ctx)
			return err
		}),
		chromedp.Navigate(inst.URL+"/login"),
		chromedp.WaitVisible(`#login-form[data-ready="true"]`, chromedp.ByQuery), // the app is running
		chromedp.Evaluate(`window.apiAsked`, &asked),
	)
	// Without a session the login page asks the server nothing: no 401 in
	// the console at every visit.
	if got := b.seen(&b.apiErrors); len(got) != 0 || len(asked) != 0 {
		t.Errorf("a visit to the login page asked %q and logged %q", asked, got)
	}
	// A wrong password shows the error inline and keeps the user on /login;
	// the field is emptied and has the cursor for the next try.
	b.run(t, "wrong password",
		chromedp.SendKeys("#username", "admin", chromedp.ByID),
		chromedp.SendKeys("#password", "not the password", chromedp.ByID),
		click("#login-submit"),
		waitText("#login-error", "Incorrect username or password"),
		waitPath("/login"),
		clearedAndFocused("password"),
	)
	b.run(t, "right password",
		chromedp.Navigate(inst.URL+"/login"),
		chromedp.WaitVisible(`#login-form[data-ready="true"]`, chromedp.ByQuery),
		chromedp.SendKeys("#username", "admin", chromedp.ByID),
		chromedp.SendKeys("#password", inst.AdminPassword, chromedp.ByID),
		click("#login-submit"),
		waitPath("/"),
		waitText("#welcome", "admin"),
		// With a session, the login page asks who it is and goes in.
		chromedp.Navigate(inst.URL+"/login"),
		waitPath("/"),
		waitText("#welcome", "admin"),
	)
	var expanded string
	b.run(t, "menu",
		click("#avatar"),
		chromedp.WaitVisible("#menu-profile", chromedp.ByID),
		chromedp.WaitVisible("#menu-admin", chromedp.ByID),
		chromedp.AttributeValue("#avatar", "aria-expanded", &expanded, nil, chromedp.ByID),
	)
	// Offline, logging out cannot end the session: the page says so and
	// stays; back online, Try again logs out. (DevTools' offline emulation
	// does not reach the service worker, which forwards the app's requests,
	// so the page's own fetch fails as it does without a network.)
	var ok bool
	b.run(t, "log out while offline",
		chromedp.Evaluate(`window.onlineFetch = window.fetch;
			window.fetch = () => Promise.reject(new TypeError("Failed to fetch")); true`, &ok),
		click("#menu-logout"),
		waitText("#logout-error", "still logged in"),
		waitPath("/"),
		chromedp.Evaluate(`window.fetch = window.onlineFetch; true`, &ok),
		click("#logout-retry"),
		waitPath("/login"),
		chromedp.WaitVisible("#username", chromedp.ByID),
	)
	if expanded != "true" {
		t.Errorf("the open menu's button has aria-expanded=%q", expanded)
	}
	// The session is gone on the server too: the app sends us back to login.
	b.run(t, "after logout",
		chromedp.Navigate(inst.URL+"/profile"),
		waitPath("/login"),
	)
}

// setInput replaces an input's value the way typing would, so go-app sees it.
func setInput(id, value string) chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		js := fmt.Sprintf(`(() => { const el = document.getElementById(%q); el.value = %q;
			el.dispatchEvent(new Event("input", {bubbles: true})); return true })()`, id, value)
		var ok bool
		return chromedp.Run(ctx, chromedp.Evaluate(js, &ok))
	})
}

// forgetProofs makes every session's proof of its user too old for a
// sensitive action, as time past REAUTH_WINDOW would: databaseURL is a
// PostgreSQL URL, or else the data directory of a server on SQLite.
func forgetProofs(t *testing.T, databaseURL string) {
	t.Helper()
	driver, dsn := "pgx", databaseURL
	if !strings.HasPrefix(databaseURL, "postgres") {
		driver, dsn = "sqlite", filepath.Join(databaseURL, "warden.db")
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("UPDATE sessions SET reauth_at = NULL"); err != nil {
		t.Fatal(err)
	}
}

// logIn fills the password form once the app runs.
func logIn(b *browser, t *testing.T, url, username, password string) {
	t.Helper()
	b.run(t, "log in as "+username,
		chromedp.Navigate(url+"/login"),
		chromedp.WaitVisible(`#login-form[data-ready="true"]`, chromedp.ByQuery),
		chromedp.SendKeys("#username", username, chromedp.ByID),
		chromedp.SendKeys("#password", password, chromedp.ByID),
		click("#login-submit"),
	)
}

// On PostgreSQL, the production store: its password step is written as one
// statement, the code step as a transaction (store.CompleteLoginStep).
func TestBrowser_ConnectAnAuthenticatorAndLogInWithACode(t *testing.T) {
	databaseURL, dataDir := storetest.URL(t, store.Postgres)
	inst := start(t, databaseURL, dataDir)
	b := newBrowser(t)
	logIn(b, t, inst.URL, "admin", inst.AdminPassword)
	var key, qrSrc string
	b.run(t, "open Security settings and Connect",
		waitPath("/"),
		click("#avatar"),
		click("#menu-profile"),
		waitText("#twofa-status", "Off"),
	)
	// As if the login were longer ago than REAUTH_WINDOW: Connect asks for
	// the password inline, then goes on by itself.
	forgetProofs(t, databaseURL)
	b.run(t, "Connect asks for the password first",
		click("#connect-2fa"),
		chromedp.WaitVisible("#reauth-password", chromedp.ByID),
		chromedp.SendKeys("#reauth-password", "not it", chromedp.ByID),
		click("#reauth-submit"),
		waitText("#reauth-error", "not right"),
		setInput("reauth-password", inst.AdminPassword),
		click("#reauth-submit"),
		chromedp.WaitVisible("#qr-code", chromedp.ByID),
		chromedp.Text("#manual-key", &key, chromedp.ByID),
		chromedp.AttributeValue("#qr-code", "src", &qrSrc, nil, chromedp.ByID),
	)
	secret := strings.ReplaceAll(key, " ", "")
	if len(secret) != 32 || !strings.HasPrefix(qrSrc, "data:image/png;base64,") {
		t.Fatalf("key %q, QR %.40s", key, qrSrc)
	}
	b.run(t, "a wrong code is explained",
		chromedp.SendKeys("#connect-code", testcode.Wrong(t, secret, time.Now()), chromedp.ByID),
		click("#connect-submit"),
		waitText("#connect-error", "not right"),
	)
	now := time.Now()
	b.run(t, "connect with the app's code",
		setInput("connect-code", totpCode(t, secret, now)),
		click("#connect-submit"),
		waitText("#twofa-status", "On"),
	)
	b.run(t, "log out", click("#avatar"), click("#menu-logout"), waitPath("/login"))

	logIn(b, t, inst.URL, "admin", inst.AdminPassword)
	b.run(t, "a wrong code shows the error",
		chromedp.WaitVisible("#code", chromedp.ByID),
		// Six digits send the form by themselves.
		chromedp.SendKeys("#code", testcode.Wrong(t, secret, time.Now()), chromedp.ByID),
		waitText("#login-error", "not right"),
	)
	// The next step's code: later than the one that connected, and within
	// the one-step drift the server allows, whenever this runs.
	next := totpCode(t, secret, now.Add(30*time.Second))
	b.run(t, "the right code logs in",
		setInput("code", next[:3]+" "+next[3:]),
		waitPath("/"),
		waitText("#welcome", "admin"),
	)
}

func totpCode(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	code, err := totp.GenerateCode(secret, at)
	if err != nil {
		t.Fatal(err)
	}
	return code
}

// jsBool evaluates a JavaScript expression to a bool.
func jsBool(expr string, out *bool) chromedp.Action { return chromedp.Evaluate(expr, out) }

func TestBrowser_RecoveryCodesAreShownOnceAndLogInOnce(t *testing.T) {
	inst := start(t, "", t.TempDir())
	b := newBrowser(t)
	downloads := t.TempDir()
	downloaded := make(chan struct{}, 1)
	// The tab tells of its downloads (events on: SetDownloadBehavior below).
	chromedp.ListenTarget(b.ctx, func(ev any) {
		if p, ok := ev.(*cdpbrowser.EventDownloadProgress); ok && p.State == cdpbrowser.DownloadProgressStateCompleted {
			select {
			case downloaded <- struct{}{}:
			default:
			}
		}
	})
	logIn(b, t, inst.URL, "admin", inst.AdminPassword)
	var key string
	b.run(t, "connect",
		waitPath("/"),
		cdpbrowser.SetDownloadBehavior(cdpbrowser.SetDownloadBehaviorBehaviorAllow).WithDownloadPath(downloads).WithEventsEnabled(true),
		chromedp.Navigate(inst.URL+"/profile"),
		click("#connect-2fa"),
		chromedp.WaitVisible("#manual-key", chromedp.ByID),
		chromedp.Text("#manual-key", &key, chromedp.ByID),
	)
	secret := strings.ReplaceAll(key, " ", "")
	var codes []string
	var continueDisabled bool
	b.run(t, "see the codes",
		setInput("connect-code", totpCode(t, secret, time.Now())),
		click("#connect-submit"),
		chromedp.WaitVisible("#recovery-codes", chromedp.ByID),
		chromedp.Evaluate(`[...document.querySelectorAll("#recovery-codes li")].map(li => li.textContent.trim())`, &codes),
		jsBool(`document.getElementById("codes-continue").disabled`, &continueDisabled),
	)
	if len(codes) != 10 || !continueDisabled {
		t.Fatalf("codes %v; Continue disabled before ticking: %v", codes, continueDisabled)
	}
	b.run(t, "download", click("#download-codes"))
	select {
	case <-downloaded:
	case <-time.After(time.Minute): // a bound for a download that never ends, not a wait
		t.Fatal("the download never completed")
	}
	content, err := os.ReadFile(filepath.Join(downloads, "warden-recovery-codes-admin.txt"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range codes {
		if !strings.Contains(string(content), c+"\n") {
			t.Fatalf("the download lacks %s:\n%s", c, content)
		}
	}
	b.run(t, "store and continue",
		click("#codes-saved"),
		chromedp.WaitEnabled("#codes-continue", chromedp.ByID),
		click("#codes-continue"),
		waitText("#recovery-codes-left", "10 recovery codes"),
	)
	b.run(t, "log out", click("#avatar"), click("#menu-logout"), waitPath("/login"))

	logIn(b, t, inst.URL, "admin", inst.AdminPassword)
	b.run(t, "a wrong authenticator code, then a recovery code",
		chromedp.WaitVisible("#code", chromedp.ByID),
		// Six digits send the form by themselves.
		chromedp.SendKeys("#code", testcode.Wrong(t, secret, time.Now()), chromedp.ByID),
		waitText("#login-error", "not right"),
		click("#use-recovery-code"),
		chromedp.WaitVisible("#recovery-code", chromedp.ByID),
		chromedp.SendKeys("#recovery-code", strings.ToUpper(codes[4]), chromedp.ByID),
		click("#recovery-submit"),
		waitPath("/"),
		waitText("#welcome", "admin"),
		waitText("#codes-used", "9 recovery codes left"),
	)
	// One row for the sign-in, its methods in order; the refused code is
	// a row of its own (newer: the sign-in's row is its first step's).
	var rows []string
	b.run(t, "the history shows both",
		chromedp.Navigate(inst.URL+"/profile"),
		waitText("#recovery-codes-left", "9 recovery codes"),
		click("#nav-history"),
		waitPath("/profile/history"),
		waitText("#login-history tbody", "Recovery code"),
		chromedp.Evaluate(`[...document.querySelectorAll("#login-history tbody tr")].map(tr => tr.innerText.replace(/\s+/g, " "))`, &rows),
	)
	if len(rows) < 3 || !strings.Contains(rows[1], "Success Password + Recovery code") ||
		!strings.Contains(rows[0], "Failed Authenticator code") || !strings.Contains(rows[0], "Wrong code") {
		t.Fatalf("history rows: %q", rows)
	}
	// Reloading the page never brings the codes back.
	var shown bool
	b.run(t, "no codes after reload", jsBool(`document.getElementById("recovery-codes") !== null`, &shown))
	if shown {
		t.Fatal("the codes are on the page again")
	}
}

// connectInBrowser goes through Connect on the open profile page, stores
// the recovery codes and returns the secret read from the page. Continue
// then stays on the profile, or goes into the app after a forced setup.
func connectInBrowser(b *browser, t *testing.T) string {
	t.Helper()
	var key string
	var codes int
	b.run(t, "the setup window",
		chromedp.WaitVisible("#qr-code", chromedp.ByID),
		chromedp.Text("#manual-key", &key, chromedp.ByID),
	)
	secret := strings.ReplaceAll(key, " ", "")
	b.run(t, "connect and see the codes",
		setInput("connect-code", totpCode(t, secret, time.Now())),
		click("#connect-submit"),
		chromedp.WaitVisible("#recovery-codes", chromedp.ByID),
		chromedp.Evaluate(`document.querySelectorAll("#recovery-codes li").length`, &codes),
		click("#codes-saved"),
		chromedp.WaitEnabled("#codes-continue", chromedp.ByID),
		click("#codes-continue"),
		// The page settles before the next click: clicks land where an
		// element was when it was found.
		chromedp.WaitNotPresent("#recovery-codes", chromedp.ByID),
	)
	if codes != 10 {
		t.Fatalf("%d recovery codes shown", codes)
	}
	return secret
}

const ursulasPassword = "marble lantern orchard"

// TestBrowser_ForcedTwoFactorStory is the product's story end to end: an
// admin with 2FA forces it for the account; a user is made to set it up at
// login; disconnecting warns, logs them out, and setup comes back.
func TestBrowser_ForcedTwoFactorStory(t *testing.T) {
	dir := t.TempDir()
	inst := start(t, "", dir)
	addUser(t, inst, dir, "ursula", ursulasPassword)
	b := newBrowser(t)

	logIn(b, t, inst.URL, "admin", inst.AdminPassword)
	b.run(t, "admin opens Security settings", waitPath("/"), chromedp.Navigate(inst.URL+"/profile"),
		click("#connect-2fa"))
	connectInBrowser(b, t)
	b.run(t, "admin has 2FA", waitText("#twofa-status", "On"))
	b.run(t, "admin forces 2FA",
		click("#avatar"),
		click("#menu-admin"),
		waitPath("/admin"),
		click("#open-account-1"), // the platform admin opens their own account
		click("#tab-users"),
		waitText("#users-table", "ursula"),
		click("#tab-settings"),
		click(`label[for="force-2fa"]`),
		click("#force-2fa-confirm"), // no grace period: the setup at the next login
		waitText("#policy-changed", "by admin"),
		click("#avatar"),
		click("#menu-logout"),
		waitPath("/login"),
	)

	logIn(b, t, inst.URL, "ursula", ursulasPassword)
	b.run(t, "ursula gets the setup window at once", waitPath("/profile"))
	connectInBrowser(b, t)
	b.run(t, "once the codes are saved, ursula is in the app", waitPath("/"), waitText("#welcome", "ursula"))
	b.run(t, "ursula disconnects, sees the warning, confirms",
		click("#avatar"),
		click("#menu-profile"),
		waitText("#twofa-status", "On"),
		click("#disconnect-2fa"),
		chromedp.SendKeys("#disconnect-password", ursulasPassword, chromedp.ByID),
		click("#disconnect-submit"),
		waitText("#disconnect-warning", "mandatory"),
		focusIs("disconnect-warning"), // read out at once
		click("#disconnect-confirm"),
		waitPath("/login"),
		waitText("#login-notice", "logged out everywhere"),
	)
	logIn(b, t, inst.URL, "ursula", ursulasPassword)
	b.run(t, "the setup window again", waitPath("/profile"), chromedp.WaitVisible("#qr-code", chromedp.ByID))
}
