package httpapi

import (
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	webapp "github.com/warden-auth/warden/app"
	"github.com/warden-auth/warden/server/store/storetest"
	"github.com/warden-auth/warden/shared"
)

// lentPages is a pages handler that keeps what the server lent to each
// page it asked for, as go-app's prerendering would see it.
type lentPages struct {
	mu   sync.Mutex
	last *webapp.PageData
	url  string
}

func (p *lentPages) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	p.last, p.url = webapp.LentPageData(r.URL), r.URL.String()
	p.mu.Unlock()
	w.Header().Set("Cache-Control", "no-cache") // as go-app does
	w.Header().Set("ETag", "v1")
	io.WriteString(w, "<html>page</html>")
}

// get fetches a page and returns what was lent to it, with the answer's
// headers.
func (p *lentPages) get(e *env, c *http.Client, path string) (*webapp.PageData, http.Header) {
	e.t.Helper()
	p.mu.Lock()
	p.last = nil
	p.mu.Unlock()
	res, err := c.Get(e.srv.URL + path)
	if err != nil {
		e.t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.last, res.Header
}

// TestForms_TheForcedSetupBeforeTheApp: a user whose account forces 2FA
// posts the login form and lands on /profile?setup=1, which the server
// prerenders with her own pending setup (the same one on every visit, so a
// wrong code or a reload keeps the key she scanned), never cached. The
// setup form runs the connect step: a wrong code comes back as an error
// code, a right one turns 2FA on and shows the recovery codes on the next
// page, once, from a sealed cookie that opens for her alone and only for a
// minute. Nothing secret is ever in a URL.
func TestForms_TheForcedSetupBeforeTheApp(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			pages := &lentPages{}
			e := newEnvPages(t, storetest.Open(t, dialect), pages)
			now := e.fixClock()
			alice := e.user("alice", shared.RoleUser, "Acme")
			e.user("bob", shared.RoleUser, "Acme")
			e.user("carol", shared.RoleUser, "Other")
			if _, err := e.st.SetForceTwoFactor(t.Context(), alice.AccountID, true, 0, *now, nil); err != nil {
				t.Fatal(err)
			}

			// An account that does not force 2FA: the plain page.
			carol := e.browser()
			e.postForm(carol, "/login", form("username", "carol", "password", password))
			if d, _ := pages.get(e, carol, "/profile?setup=1"); d != nil {
				t.Fatalf("carol, who need not set up 2FA, got a setup: %+v", d)
			}

			c := e.browser()
			if _, loc := e.postForm(c, "/login", form("username", "alice", "password", password)); loc.String() != "/profile?setup=1" {
				t.Fatalf("the forced user's password led to %s", loc)
			}
			d, h := pages.get(e, c, "/profile?setup=1")
			if d == nil || d.Setup == nil || d.Me == nil || d.Me.Stage != shared.NextEnroll || d.Me.Username != "alice" ||
				!strings.HasPrefix(d.Setup.OTPAuthURL, "otpauth://totp/") || d.Setup.QRPNG == "" {
				t.Fatalf("the setup page: %+v", d)
			}
			if h.Get("Cache-Control") != "no-store" || h.Get("ETag") != "" {
				t.Fatalf("the setup page may be cached: %v", h)
			}
			secret := d.Setup.Secret
			if again, _ := pages.get(e, c, "/profile?setup=1"); again == nil || again.Setup.Secret != secret {
				t.Fatalf("a reload showed another key")
			}
			if d, _ := pages.get(e, c, "/profile"); d != nil {
				t.Fatalf("/profile without setup=1 got a setup")
			}

			// From another origin: refused, nothing changes.
			if status, _ := e.postForm(c, "/profile/connect", form("code", code(t, secret, *now)),
				"Origin", "http://evil.example", "Sec-Fetch-Site", "cross-site"); status != http.StatusForbidden {
				t.Fatalf("cross-origin setup form: %d", status)
			}
			wrong := "000000"
			if wrong == code(t, secret, *now) {
				wrong = "111111"
			}
			status, loc := e.postForm(c, "/profile/connect", form("code", wrong))
			if status != http.StatusSeeOther || loc.Path != "/profile" || loc.Query().Get("setup") != "1" ||
				loc.Query().Get("error") != shared.EWrongCode || strings.Contains(loc.String(), wrong) {
				t.Fatalf("wrong code: %d %s", status, loc)
			}
			if d, _ := pages.get(e, c, loc.String()); d == nil || d.Setup == nil || d.Setup.Secret != secret {
				t.Fatalf("after a wrong code the page shows another key: %+v", d)
			}
			var me shared.Me
			if e.do(c, "GET", "/api/me", nil).decode(t, &me); me.TOTPEnabled {
				t.Fatal("a wrong code connected")
			}

			right := code(t, secret, *now)
			status, loc = e.postForm(c, "/profile/connect", form("code", right))
			if status != http.StatusSeeOther || loc.String() != "/profile?setup=1" {
				t.Fatalf("right code: %d %s", status, loc)
			}
			a := e.do(c, "GET", "/api/me", nil)
			if a.decode(t, &me); a.status != 200 || !me.TOTPEnabled || me.Stage != shared.NextDone {
				t.Fatalf("after the setup form: %d %+v", a.status, me)
			}
			// The sealed cookie, as a thief would copy it to another browser.
			var sealed string
			for _, ck := range c.Jar.Cookies(mustURL(t, e.srv.URL)) {
				if ck.Name == shownCodesCookie {
					sealed = ck.Value
				}
			}
			if sealed == "" {
				t.Fatalf("no sealed codes cookie: %q", sealed)
			}
			d, h = pages.get(e, c, "/profile?setup=1")
			if d == nil || len(d.Codes) != 10 || d.Setup != nil || h.Get("Cache-Control") != "no-store" {
				t.Fatalf("the codes page: %+v %v", d, h)
			}
			if strings.Contains(sealed, d.Codes[0]) {
				t.Fatalf("the codes cookie carries the codes in the clear: %s", sealed)
			}
			if rows := storetest.Rows(t, e.st, "SELECT COUNT(*) FROM recovery_codes WHERE user_id = "+strconv.FormatInt(alice.ID, 10)+" AND used_at IS NULL"); rows[0][0] != "10" {
				t.Fatalf("unused recovery codes in the database: %v", rows)
			}
			// Once: the next visit is the plain page.
			if d, _ := pages.get(e, c, "/profile?setup=1"); d != nil {
				t.Fatalf("the codes were shown twice: %+v", d)
			}
			// Bob, with alice's sealed cookie: it does not open for him.
			bob := e.browser()
			e.postForm(bob, "/login", form("username", "bob", "password", password))
			bob.Jar.SetCookies(mustURL(t, e.srv.URL), []*http.Cookie{{Name: shownCodesCookie, Value: sealed, Path: "/"}})
			if d, _ := pages.get(e, bob, "/profile?setup=1"); d != nil && len(d.Codes) > 0 {
				t.Fatalf("alice's codes opened for bob")
			}
			// Alice's own, replayed after a minute: expired.
			*now = now.Add(61 * time.Second)
			c.Jar.SetCookies(mustURL(t, e.srv.URL), []*http.Cookie{{Name: shownCodesCookie, Value: sealed, Path: "/"}})
			if d, _ := pages.get(e, c, "/profile?setup=1"); d != nil {
				t.Fatalf("the codes opened after their minute")
			}
			// The setup's Cancel before the app: the logout form (carol's
			// session stands in for a forced one: the form is the same).
			quitter := carol
			if status, _ := e.postForm(quitter, "/logout", "", "Origin", "http://evil.example", "Sec-Fetch-Site", "cross-site"); status != http.StatusForbidden {
				t.Fatalf("cross-origin logout form: %d", status)
			}
			if a := e.do(quitter, "GET", "/api/me", nil); a.status != 200 {
				t.Fatalf("a refused logout form logged out: %d", a.status)
			}
			if status, loc := e.postForm(quitter, "/logout", ""); status != http.StatusSeeOther || loc.String() != "/login" {
				t.Fatalf("logout form: %d %s", status, loc)
			}
			if a := e.do(quitter, "GET", "/api/me", nil); a.status != 401 {
				t.Fatalf("after the logout form: %d", a.status)
			}
			if strings.Contains(pages.url, secret) {
				t.Fatalf("the secret is in the prerendered URL: %s", pages.url)
			}
		})
	}
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
