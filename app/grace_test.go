package webapp

import (
	"strings"
	"testing"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"github.com/warden-auth/warden/shared"
)

type bannerOnClient struct {
	twofaBanner
	clientSide
}

func (c *bannerOnClient) OnPreRender(ctx app.Context) { c.ctx = ctx; c.OnMount(ctx) }

// Switching Force 2FA on first says how many users it asks to set up 2FA,
// and takes the grace period; a grace period out of range is refused in
// the server's words before anything is sent; Cancel changes nothing.
func TestAdminAccount_SwitchingOnAsksWithTheCountAndTheGracePeriodFirst(t *testing.T) {
	api := newFakeAPI(t)
	api.on("GET /api/admin/accounts", answer(200, shared.AccountsPage{Accounts: []shared.AccountSettings{{ID: 7, Name: "Acme", Users: 5, UsersWith2FA: 2}}}))
	api.on("PUT /api/admin/accounts/7/settings", answer(200, shared.AccountSettings{ID: 7, Name: "Acme", Force2FA: true, GraceDays: 3,
		Users: 5, UsersWith2FA: 2, ChangedBy: "root", ChangedAt: "2026-11-23T10:00:00Z"}))
	a, s := switchOnAsRoot(t, api)
	html := s.html()
	contains(t, html, `id="force-2fa-dialog"`, `role="alertdialog"`, "3 of the 5 users of Acme have no two-factor authentication yet.",
		`id="grace-days"`, `type="number"`, `<label for="grace-days">`, `id="force-2fa-confirm"`)
	if attrSet(t, html, "force-2fa", "checked") {
		t.Error("the switch shows On before it was confirmed")
	}
	for _, typed := range []string{"31", "-1", "abc", "2.5", ""} {
		a.graceDays = typed
		s.do(func(ctx app.Context) { a.confirm(ctx, noEvent) })
		contains(t, s.html(), `id="grace-days-error"`, "The grace period is a whole number of days from 0 to 30.", `aria-invalid`)
	}
	s.do(func(ctx app.Context) { a.cancelConfirm(ctx) })
	lacks(t, s.html(), `id="force-2fa-dialog"`)
	sameRequests(t, api.sent(), "GET /api/admin/accounts", "GET /api/admin/accounts")

	s.do(func(ctx app.Context) { a.toggle(ctx, noEvent) })
	lacks(t, s.html(), `id="grace-days-error"`)
	a.graceDays = " 3 "
	s.do(func(ctx app.Context) { a.confirm(ctx, noEvent) })
	html = s.html()
	lacks(t, html, `id="force-2fa-dialog"`)
	contains(t, html, `id="grace-period"`, "Grace period: 3 days")
	if !attrSet(t, html, "force-2fa", "checked") {
		t.Error("the confirmed switch shows Off")
	}
	sameRequests(t, api.sent(), "GET /api/admin/accounts", `PUT /api/admin/accounts/7/settings {"force_2fa":true,"grace_days":3}`, "GET /api/me")

	// Switching off asks nothing.
	api.on("PUT /api/admin/accounts/7/settings", answer(200, shared.AccountSettings{ID: 7, Name: "Acme", GraceDays: 3}))
	s.do(func(ctx app.Context) { a.toggle(ctx, noEvent) })
	lacks(t, s.html(), `id="force-2fa-dialog"`, `id="grace-period"`)
	sameRequests(t, api.sent(), `PUT /api/admin/accounts/7/settings {"force_2fa":false}`, "GET /api/me")
}

// The banner says the deadline, links to the setup, and Skip hides it for
// the browser's session, until the next login.
func TestTwoFABanner_SaysTheDeadlineLinksToTheSetupAndSkipHidesItForTheSession(t *testing.T) {
	me := &shared.Me{Stage: shared.NextDone, Username: "ann", TwoFADeadline: "2026-11-26T10:00:00Z", Force2FA: true}
	b := &bannerOnClient{twofaBanner: twofaBanner{Me: me}}
	s := open(t, b)
	html := s.html()
	contains(t, html, `id="twofa-banner"`, `aria-labelledby="twofa-banner-text"`, "Set up two-factor authentication by ",
		formatDeadline(me.TwoFADeadline), "2026", `id="twofa-setup-now"`, `href="/profile?setup=1"`, `id="twofa-skip"`)
	s.do(func(ctx app.Context) { b.skip(ctx, noEvent) })
	lacks(t, s.html(), `id="twofa-banner"`)

	// Another page of the same session remembers the skip; a login forgets it.
	again := &bannerOnClient{twofaBanner: twofaBanner{Me: me}}
	s.do(func(ctx app.Context) { again.OnMount(ctx) })
	if again.skipped != me.TwoFADeadline {
		t.Errorf("a page mounted after Skip: skipped %q", again.skipped)
	}
	s.do(forgetMe)
	fresh := &bannerOnClient{twofaBanner: twofaBanner{Me: me}}
	s.do(func(ctx app.Context) { fresh.OnMount(ctx) })
	if fresh.skipped != "" {
		t.Errorf("after a login the skip stayed: %q", fresh.skipped)
	}

	// Without a deadline, or while the setup is forced, no banner.
	lacks(t, render(t, &twofaBanner{Me: &shared.Me{Stage: shared.NextDone}}), `id="twofa-banner"`)
	lacks(t, render(t, &twofaBanner{Me: &shared.Me{Stage: shared.NextEnroll, TwoFADeadline: me.TwoFADeadline}}), `id="twofa-banner"`)
	// Every signed-in page carries it.
	contains(t, app.HTMLString(shell(me, "", func(*shared.Me) app.UI { return app.P().Text("page") })), "twofa")
}

// The confirmation opens under the switch, before the other settings, and
// says so when every user already has 2FA (not "0 of the 1 user have").
func TestAdminAccount_TheConfirmationOpensUnderTheSwitchInWholeSentences(t *testing.T) {
	api := newFakeAPI(t)
	api.on("GET /api/admin/accounts", answer(200, shared.AccountsPage{Accounts: []shared.AccountSettings{{ID: 7, Name: "Acme", Users: 1, UsersWith2FA: 1}}}))
	_, s := switchOnAsRoot(t, api)
	html := s.html()
	contains(t, html, "Every user of Acme has two-factor authentication already.")
	lacks(t, html, "0 of the")
	dialog, trust := strings.Index(html, `id="force-2fa-dialog"`), strings.Index(html, `id="remember-browser-days"`)
	if dialog < 0 || trust < 0 || dialog > trust {
		t.Errorf("the confirmation is not under the switch (at %d, the next setting at %d)", dialog, trust)
	}
}

// switchOnAsRoot opens the account's settings as its administrator and
// clicks Force 2FA's switch.
func switchOnAsRoot(t *testing.T, api *fakeAPI) (*adminAccountOnClient, *screen) {
	t.Helper()
	root := shared.Me{Stage: shared.NextDone, Username: "root", Role: shared.RoleAdmin, TOTPEnabled: true}
	api.on("GET /api/me", answer(200, root))
	a := &adminAccountOnClient{adminAccount: adminAccount{Me: &root}}
	s := open(t, a)
	s.do(func(ctx app.Context) { a.toggle(ctx, noEvent) })
	return a, s
}
