package webapp

import (
	"encoding/json"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/warden-auth/warden/shared"
)

// render mounts c in go-app's test engine and returns its HTML.
func render(t *testing.T, c app.Composer) string {
	t.Helper()
	e := app.NewTestEngine()
	if err := e.Load(c); err != nil {
		t.Fatal(err)
	}
	e.ConsumeAll()
	return app.HTMLString(c)
}

// shownText is the text of rendered html without the test engine's line
// breaks and indentation (a space that starts a text goes with them), and
// without the tags (an address's <wbr>s, a name's <strong>).
func shownText(html string) string {
	return regexp.MustCompile(`<[^>]*>`).ReplaceAllString(regexp.MustCompile(`\n\s*`).ReplaceAllString(html, ""), "")
}

func contains(t *testing.T, html string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(html, w) {
			t.Errorf("missing %s in:\n%s", w, html)
		}
	}
}

func lacks(t *testing.T, html string, unwanted ...string) {
	t.Helper()
	for _, w := range unwanted {
		if strings.Contains(html, w) {
			t.Errorf("unexpected %s in:\n%s", w, html)
		}
	}
}

func TestLoginPage_RendersThePasswordFormWithTheDesignIDs(t *testing.T) {
	p := &loginPage{}
	html := render(t, p)
	contains(t, html, `id="username"`, `autocomplete="username"`, `id="password"`, `type="password"`,
		`autocomplete="current-password"`, `id="login-submit"`, `id="login-error"`, `role="alert"`, `method="post"`,
		`<label for="username">`, `<label for="password">`)
	// Before the app runs (the prerendered page), the form posts to the
	// server's form route, which never puts the password into a URL.
	contains(t, html, `action="/login"`, `data-ready="false"`)
	if submitDisabled(t, html) {
		t.Error("the prerendered login button is disabled: nothing could be sent before the app runs")
	}
	if err := app.Match(app.Main().Class("login"), p, 0); err != nil {
		t.Errorf("root: %v", err)
	}
	if err := app.TestMatch(p, app.TestUIDescriptor{
		Path:     app.TestPath(0, 0, 1, 0, 0),
		Expected: app.H1().Text("Log in to Warden"),
	}); err != nil {
		t.Errorf("heading: %v", err)
	}
}

// submitDisabled reports whether #login-submit carries a disabled attribute
// at all: HTML reads disabled="false" as disabled too.
func submitDisabled(t *testing.T, html string) bool {
	t.Helper()
	m := regexp.MustCompile(`<button [^>]*id="login-submit"[^>]*>`).FindString(html)
	if m == "" {
		t.Fatalf("no login button in:\n%s", html)
	}
	return regexp.MustCompile(` disabled[ >=]`).MatchString(m)
}

func TestLoginPage_SecondStepAsksForTheCodeOrARecoveryCode(t *testing.T) {
	html := render(t, &loginPage{step: stepTOTP})
	contains(t, html, `id="code"`, `autocomplete="one-time-code"`, `inputmode="numeric"`, `id="code-submit"`, `id="use-recovery-code"`)
	lacks(t, html, `id="password"`)
	html = render(t, &loginPage{step: stepRecovery})
	contains(t, html, `id="recovery-code"`, `id="recovery-submit"`)
	lacks(t, html, `id="code"`)
}

func TestLoginPage_ShowsTheServersMessagesInline(t *testing.T) {
	p := &loginPage{mounted: true}
	p.showError(&shared.Error{Code: shared.EInvalid, Message: "Please correct the highlighted fields.",
		Fields: map[string]string{"username": "Enter your username."}})
	html := render(t, p)
	// go-app's HTML encoder writes a "true" value as a bare attribute.
	contains(t, html, "Please correct the highlighted fields.", `id="username-error"`, "Enter your username.", `aria-invalid`)
	lacks(t, html, `id="password-error"`)
	if submitDisabled(t, html) {
		t.Error("the running app's login button is disabled")
	}
}

func TestHeader_MenuOffersAdministrationOnlyToAdmins(t *testing.T) {
	for _, tc := range []struct {
		role      string
		wantAdmin bool
	}{{shared.RoleUser, false}, {shared.RoleAdmin, true}} {
		h := &appHeader{Me: &shared.Me{Username: "ann-marie", Account: "Acme", Role: tc.role}, open: true}
		html := render(t, h)
		// go-app's HTML encoder writes a "true" value as a bare attribute; the
		// browser test checks the live DOM's aria-expanded="true".
		contains(t, html, `id="avatar"`, `>AM<`, `aria-expanded`, `id="menu-profile"`, `href="/profile"`, `id="menu-logout"`)
		if got := strings.Contains(html, `id="menu-admin"`); got != tc.wantAdmin {
			t.Errorf("%s: menu-admin shown = %v", tc.role, got)
		}
	}
	closed := render(t, &appHeader{Me: &shared.Me{Username: "bob", Role: shared.RoleAdmin}})
	contains(t, closed, `aria-expanded="false"`)
	lacks(t, closed, `id="menu-profile"`, `id="menu-admin"`, `id="menu-notices"`)
	// The avatar's red count leads somewhere: the menu offers the unread
	// notices, between My profile and the panel (and the arrows go there).
	h := &appHeader{Me: &shared.Me{Username: "bob", Role: shared.RoleAdmin, UnreadNotices: 2}, open: true}
	contains(t, render(t, h), `id="menu-notices"`, `href="/profile/notices"`, "2 unread security notices")
	if got := strings.Join(h.menuItems(), " "); got != "menu-profile menu-notices menu-admin menu-logout" {
		t.Errorf("the menu's items: %s", got)
	}
}

func TestPages_ShowNothingUntilTheUserIsKnown(t *testing.T) {
	html := render(t, &homePage{})
	contains(t, html, "Loading")
	lacks(t, html, `id="welcome"`, `id="avatar"`)

	p := &profilePage{}
	p.errMsg = "The server is having trouble."
	contains(t, render(t, p), "The server is having trouble.", `role="alert"`)
}

func TestProfilePage_ShowsWhoAndTheTwoFactorStatus(t *testing.T) {
	for on, want := range map[bool]string{false: ">Off<", true: ">On<"} {
		p := &profilePage{}
		p.me = &shared.Me{Username: "alice", Account: "Acme", Role: shared.RoleUser, TOTPEnabled: on}
		html := render(t, p)
		contains(t, html, "My profile", "Security settings", "Two-factor authentication", `id="twofa-status"`, want, ">alice<", ">Acme<")
	}
}

func TestHomeAndAdminPages(t *testing.T) {
	h := &homePage{}
	h.me = &shared.Me{Username: "alice", Account: "Acme", Role: shared.RoleUser}
	contains(t, render(t, h), `id="welcome"`, ">alice<")

	a := &adminPage{}
	a.me = h.me
	contains(t, render(t, a), "You do not have access")
	a = &adminPage{}
	a.me = &shared.Me{Username: "root", Account: "Acme", Role: shared.RoleAdmin}
	html := render(t, a)
	lacks(t, html, "You do not have access")
	contains(t, html, "Administration Panel", `id="account-settings"`, `href="/admin?tab=users"`, `href="/admin?tab=audit"`)
	lacks(t, html, `id="users-table"`, `id="admin-logins"`, `id="audit-log"`)
	// Each tab is a screen of its own, at its address, marked current.
	for tab, want := range map[string]string{tabUsers: `id="users-table"`, tabLogins: `id="admin-logins"`, tabAudit: `id="audit-log"`} {
		a = &adminPage{tab: tab}
		a.me = &shared.Me{Username: "root", Account: "Acme", Role: shared.RoleAdmin}
		html = render(t, a)
		contains(t, html, want)
		if n := strings.Count(html, `aria-current="page"`); n != 1 || !regexp.MustCompile(`<a [^>]*id="tab-`+tab+`"[^>]*>`).MatchString(html) ||
			!strings.Contains(regexp.MustCompile(`<a [^>]*id="tab-`+tab+`"[^>]*>`).FindString(html), `aria-current="page"`) {
			t.Errorf("tab %s: not the one marked current (%d marked)", tab, n)
		}
		lacks(t, html, `id="account-settings"`)
	}
	// A platform administrator's opened account keeps its id in each tab.
	a = &adminPage{opened: 2, tab: tabAudit}
	a.me = &shared.Me{Username: "root", Account: "Acme", Role: shared.RolePlatformAdmin}
	contains(t, render(t, a), `href="/admin?account=2&tab=users"`, `href="/admin?account=2"`, `id="back-to-accounts"`)
}

func TestInitials(t *testing.T) {
	for in, want := range map[string]string{
		"alice": "A", "ann-marie": "AM", "j.r.r.tolkien": "JR", "bob_smith": "BS", "x": "X", "": "?", "9lives": "9",
	} {
		if got := initials(in); got != want {
			t.Errorf("initials(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestAnswerError_PrefersTheServersErrorAndNeverShowsRawBodies(t *testing.T) {
	for _, tc := range []struct {
		status int
		body   string
		code   string
		msg    string
	}{
		{401, `{"code":"wrong_credentials","message":"Incorrect username or password."}`, shared.EWrongCredentials, "Incorrect username or password."},
		{429, `{"code":"rate_limited","message":"Try again in 2 minutes."}`, shared.ERateLimited, "Try again in 2 minutes."},
		{401, `Unauthorized`, shared.EUnauthenticated, "Please log in."},
		{502, `<html>Bad Gateway</html>`, shared.EUnavailable, "The server is having trouble. Please try again in a moment."},
		{418, `{"unexpected": true}`, shared.EInternal, "Something went wrong. Please try again."},
	} {
		e := answerError(tc.status, []byte(tc.body), json.Unmarshal)
		if e.Code != tc.code || e.Message != tc.msg || errorMessage(e) != tc.msg || errorCode(e) != tc.code {
			t.Errorf("%d %s: got %+v", tc.status, tc.body, e)
		}
	}
}

func TestSecuritySettings_OffOffersConnect(t *testing.T) {
	html := render(t, &securitySettings{Me: &shared.Me{Username: "alice"}})
	contains(t, html, `id="twofa-status"`, ">Off<", `id="connect-2fa"`)
	lacks(t, html, `id="connect-window"`, `id="qr-code"`)
}

func TestSecuritySettings_ConnectWindowShowsTheStepsQRAndKey(t *testing.T) {
	otpauth := "otpauth://totp/Warden:alice?issuer=Warden&secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
	s := &connectTwoFactor{setup: &shared.TOTPSetup{Secret: "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", QRPNG: "iVBORw0KGgo=", OTPAuthURL: otpauth}}
	html := render(t, s)
	// On a phone: a link to the app, and the key is said to be where it is.
	link := regexp.MustCompile(`<a [^>]*id="otpauth-link"[^>]*>[^<]*`).FindString(html)
	// Prerendered, its & is a character reference (attr).
	contains(t, link, `href="`+strings.ReplaceAll(otpauth, "&", "&#38;")+`"`, "Open in authenticator app")
	contains(t, html, "type the key shown below it")
	lacks(t, html, "beside")
	contains(t, html, "Install an authenticator app", "Google Authenticator", "Add Warden to the app", "Enter the six-digit code",
		`id="qr-code"`, `src="data:image/png;base64,iVBORw0KGgo="`, `id="manual-key"`, ">JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP<",
		`id="copy-key"`, `id="connect-code"`, `autocomplete="one-time-code"`, `inputmode="numeric"`, `id="connect-submit"`)
	lacks(t, html, `id="connect-2fa"`)
}

func TestSecuritySettings_OnShowsSinceWhenAndNoConnect(t *testing.T) {
	html := render(t, &securitySettings{Me: &shared.Me{Username: "alice", TOTPEnabled: true, TOTPEnabledAt: "2026-11-23T10:00:00Z"}})
	contains(t, html, ">On<", "since 23 Nov 2026")
	lacks(t, html, `id="connect-2fa"`, `id="connect-window"`)
	forced := render(t, &securitySettings{Me: &shared.Me{Username: "bob", Force2FA: true, Stage: shared.NextEnroll}})
	contains(t, forced, "requires two-factor authentication")
}

func TestGroupKey(t *testing.T) {
	for in, want := range map[string]string{"": "", "ABC": "ABC", "ABCD": "ABCD", "ABCDE": "ABCD E", "ABCDEFGH": "ABCD EFGH"} {
		if got := groupKey(in); got != want {
			t.Errorf("groupKey(%q) = %q, want %q", in, got, want)
		}
	}
}

var tenCodes = []string{"abcd-efgh-0001", "abcd-efgh-0002", "abcd-efgh-0003", "abcd-efgh-0004", "abcd-efgh-0005",
	"abcd-efgh-0006", "abcd-efgh-0007", "abcd-efgh-0008", "abcd-efgh-0009", "abcd-efgh-0010"}

func TestRecoveryCodesScreen_ShowsEveryCodeAndHoldsContinueUntilStored(t *testing.T) {
	html := render(t, &recoveryCodesScreen{Codes: tenCodes, Username: "alice", mounted: true})
	contains(t, html, `id="recovery-codes"`, "never be shown again", "works once", `id="copy-codes"`, `id="download-codes"`,
		`download="warden-recovery-codes-alice.txt"`, `href="data:text/plain;charset=utf-8,Warden%20recovery%20codes%0A`,
		`id="print-codes"`, `id="codes-saved"`, `type="checkbox"`)
	if strings.Count(html, "<li>") != 10 {
		t.Errorf("%d codes listed", strings.Count(html, "<li>"))
	}
	for _, c := range tenCodes {
		contains(t, html, ">"+c+"<")
	}
	btn := regexp.MustCompile(`<button [^>]*id="codes-continue"[^>]*>`).FindString(html)
	if !regexp.MustCompile(` disabled[ >]`).MatchString(btn) {
		t.Errorf("Continue is enabled before the box is ticked: %s", btn)
	}
	ticked := render(t, &recoveryCodesScreen{Codes: tenCodes, Username: "alice", saved: true, mounted: true})
	btn = regexp.MustCompile(`<button [^>]*id="codes-continue"[^>]*>`).FindString(ticked)
	if regexp.MustCompile(` disabled[ >]`).MatchString(btn) {
		t.Errorf("Continue is disabled after the box is ticked: %s", btn)
	}
	// Before the app runs (the server's page), the browser holds Continue
	// until the box is ticked, and Continue leads where it is told.
	early := render(t, &recoveryCodesScreen{Codes: tenCodes, Username: "alice", ContinueTo: "/"})
	form := regexp.MustCompile(`<form [^>]*id="codes-form"[^>]*>`).FindString(early)
	contains(t, form, `method="get"`, `action="/"`, `data-ready="false"`)
	contains(t, regexp.MustCompile(`<input [^>]*id="codes-saved"[^>]*>`).FindString(early), ` required`)
	btn = regexp.MustCompile(`<button [^>]*id="codes-continue"[^>]*>`).FindString(early)
	if regexp.MustCompile(` disabled[ >]`).MatchString(btn) || !strings.Contains(btn, `type="submit"`) {
		t.Errorf("before the app, Continue cannot be pressed: %s", btn)
	}
}

func TestRecoveryCodesScreen_ThePrintedSheetNamesTheProductTheUserAndTheDate(t *testing.T) {
	html := render(t, &recoveryCodesScreen{Codes: tenCodes, Username: "alice", now: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)})
	heading := regexp.MustCompile(`(?s)<div [^>]*id="codes-sheet-heading"[^>]*>.*?</div>`).FindString(html)
	contains(t, heading, `class="print-only"`, "Warden recovery codes", "User: alice", "Created: 23 November 2026")
	contains(t, html, "Created:%2023%20November%202026") // the file says the same day
}

func TestCodesFile_NamesTheProductTheUserAndTheDate(t *testing.T) {
	f := codesFile("alice", tenCodes, time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC))
	contains(t, f, "Warden recovery codes", "User: alice", "Created: 23 November 2026")
	for _, c := range tenCodes {
		contains(t, f, c+"\n")
	}
}

func TestSecuritySettings_RecoveryCodesCountAndWarning(t *testing.T) {
	for left, warn := range map[int]bool{10: false, 4: false, 3: true, 0: true} {
		html := render(t, &securitySettings{Me: &shared.Me{Username: "alice", TOTPEnabled: true, RecoveryCodesLeft: left}})
		contains(t, html, `id="recovery-codes-left"`, `id="regenerate-codes"`)
		if got := strings.Contains(html, `id="codes-warning"`); got != warn {
			t.Errorf("%d left: warning shown = %v", left, got)
		}
	}
}

// My profile is a section at a time, each at its address, with the
// sections' navigation marking the one shown; while enrolling, only the
// setup (the server refuses the rest until then), with no navigation.
func TestProfilePage_ShowsTheSectionItsAddressNames(t *testing.T) {
	me := &shared.Me{Username: "alice", TOTPEnabled: true, RecoveryCodesLeft: 10}
	for path, want := range map[string]string{
		"/profile": `id="twofa-status"`, "/profile/password": `id="password-current"`, "/profile/email": `id="email-form"`,
		"/profile/sessions": `id="sessions"`, "/profile/notices": `id="notices-title"`, "/profile/history": `id="login-history"`,
	} {
		p := &profilePage{section: path}
		p.me, p.status = me, meKnown
		html := render(t, p)
		contains(t, html, want, `aria-current="page"`, `id="nav-history"`)
		for _, s := range profileSections {
			if strings.Contains(html, `href="`+s.href+`"`) != true {
				t.Errorf("%s: no link to %s", path, s.href)
			}
		}
		if n := strings.Count(html, `aria-current="page"`); n != 1 {
			t.Errorf("%s: %d sections marked current", path, n)
		}
		if path != "/profile" {
			lacks(t, html, `id="twofa-status"`)
		}
	}
	p := &profilePage{section: "/profile"}
	p.me, p.status = &shared.Me{Username: "bob", Force2FA: true, Stage: shared.NextEnroll}, meKnown
	html := render(t, p)
	contains(t, html, `id="connect-2fa"`)
	// A security key is offered once, in the setup's window, not again
	// below it.
	lacks(t, html, `id="login-history"`, `class="section-nav"`, `id="add-security-key"`)
}

func TestLoginHistory_RowsSayWhatHappenedInWords(t *testing.T) {
	contains(t, render(t, &loginHistory{}), `id="login-history"`, `id="history-failed-only"`)
	h := (&loginHistory{}).table()
	h.next, h.rows = "41", []shared.LoginEvent{
		{ID: 42, Time: "2026-11-23T10:00:00Z", Result: "failure", Method: "totp", Reason: "reused_code", IP: "192.0.2.1",
			UserAgent: "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0"},
		{ID: 41, Time: "2026-11-23T09:59:00Z", Result: "success", Method: "recovery_code", IP: "192.0.2.1", UserAgent: "curl/8"},
	}
	html := render(t, h)
	contains(t, html, `id="login-history"`, ">Failed<", ">Success<", "Authenticator code", "Recovery code", "Code already used",
		"Firefox on Linux", "192.0.2.1", `id="history-more"`, `datetime="2026-11-23T10:00:00Z"`)
	lacks(t, render(t, (&loginHistory{}).table()), `id="history-more"`)

	// A row of attempts a lock blocked says how many, and the last one's time.
	h = (&loginHistory{}).table()
	h.rows = []shared.LoginEvent{{ID: 43, Time: "2026-11-23T10:01:00Z", Result: "failure", Method: "password", Reason: "throttled",
		IP: "192.0.2.9", Attempts: 27, LastTime: "2026-11-23T10:01:50Z"}}
	contains(t, render(t, h), "27 attempts blocked while logins were paused, the last at "+localTime("2026-11-23T10:01:50Z"))
}

func TestAdminAccount_TheSwitchAndWhoChangedIt(t *testing.T) {
	a := &adminAccount{Me: &shared.Me{Username: "root", Role: shared.RoleAdmin},
		account: &shared.AccountSettings{ID: 1, Name: "Acme", ChangedAt: "2026-11-23T10:00:00Z", ChangedBy: "root"}}
	html := render(t, a)
	contains(t, html, `id="force-2fa"`, `role="switch"`, "Force 2FA for users", "Account settings: Acme", `id="policy-changed"`, "by root",
		`id="admin-2fa-warning"`) // the admin has no 2FA: warned before switching on
	on := render(t, &adminAccount{Me: &shared.Me{Username: "root", TOTPEnabled: true},
		account: &shared.AccountSettings{ID: 1, Name: "Acme", Force2FA: true}})
	lacks(t, on, `id="admin-2fa-warning"`, `id="policy-changed"`)
}

func TestAdminUsers_ResetAsksForConfirmationFirst(t *testing.T) {
	users := []shared.AdminUser{
		{ID: 1, Username: "root", Role: shared.RoleAdmin, TOTPEnabled: true, RecoveryCodesLeft: 10, LastLoginAt: "2026-11-23T10:00:00Z"},
		{ID: 2, Username: "ursula", Role: shared.RoleUser, LockedUntil: "2026-11-23T10:05:00Z"},
	}
	html := render(t, &adminUsers{users: users})
	contains(t, html, `id="users-table"`, `id="reset-2fa-root"`, ">Never<", "Code entry locked until")
	lacks(t, html, `id="reset-2fa-ursula"`, `id="confirm-reset"`) // no 2FA: nothing to reset
	// The action column has a name for screen readers.
	contains(t, html, `<th scope="col">Actions</th>`)
	confirming := render(t, &adminUsers{users: users, confirm: "root"})
	contains(t, confirming, `id="confirm-reset"`, `id="cancel-reset"`, "logged out everywhere",
		"Reset two-factor authentication for root?", "Reset 2FA for root")
	if !attrSet(t, confirming, "reset-2fa-root", "disabled") {
		t.Error("Reset 2FA can be pressed again while its confirmation is open")
	}
	// Above the table, not in a cell at the end of a wide row.
	if strings.Index(confirming, `id="confirm-reset-dialog"`) > strings.Index(confirming, `id="users-table"`) {
		t.Error("the confirmation is inside the table")
	}
}

func TestSecuritySettings_DisconnectAsksForThePasswordAndShowsTheWarning(t *testing.T) {
	me := &shared.Me{Username: "alice", TOTPEnabled: true, Force2FA: true, RecoveryCodesLeft: 10}
	contains(t, render(t, &securitySettings{Me: me}), `id="disconnect-2fa"`)
	form := render(t, &disconnectTwoFactor{open: true})
	contains(t, form, `id="disconnect-password"`, `type="password"`, `id="disconnect-submit"`)
	lacks(t, form, `id="disconnect-warning"`)
	warned := render(t, &disconnectTwoFactor{open: true, warning: "2FA is mandatory for your account."})
	contains(t, warned, `id="disconnect-warning"`, "mandatory", `id="disconnect-confirm"`)
	lacks(t, warned, `id="disconnect-submit"`)
}

func TestLoginPage_ShowsWhyTheUserWasSentBack(t *testing.T) {
	contains(t, render(t, &loginPage{notice: say(notices["disconnected"])}), `id="login-notice"`, "logged out everywhere")
}

// A form posted before the app ran comes back to the prerendered page with
// the step it reached, the error's code and the username: the page shows
// that step, the message and the name, and each form posts to its route.
func TestLoginPage_ShowsWhatAFormPostCameBackWith(t *testing.T) {
	for query, want := range map[string][]string{
		"error=wrong_credentials&username=Alice": {`action="/login"`, `value="Alice"`, "Incorrect username or password."},
		"step=code&error=wrong_code":             {`action="/login/code"`, `name="code"`, "That code is not right."},
		"step=recovery":                          {`action="/login/recovery"`, `id="recovery-code"`, `name="code"`},
		"error=rate_limited&retry=300":           {"Try again in 5 minutes."},
		"error=internal":                         {"Something went wrong."},
	} {
		p := &loginPage{}
		u, _ := url.Parse("/login?" + query)
		p.onNavQuery(u.Query())
		contains(t, render(t, p), want...)
	}
	// What no answer carries is not shown: a code of someone's making, a
	// wait no lock has, a name that cannot be typed at login.
	for _, query := range []string{"error=%3Cscript%3E", "error=rate_limited&retry=99999999", "username=ad%E2%80%8Bmin", "username=a%00"} {
		p := &loginPage{}
		u, _ := url.Parse("/login?" + query)
		p.onNavQuery(u.Query())
		html := render(t, p)
		lacks(t, html, "Something went wrong.", "script", "minutes", "value=")
	}
}
