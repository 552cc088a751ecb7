package httpapi

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/server/httpapi/reader"
	"github.com/warden-auth/warden/server/store/storetest"
	"github.com/warden-auth/warden/shared"
	"github.com/warden-auth/warden/shared/words"
)

// An error is said in the reader's language: the lang cookie first, then
// the browser's Accept-Language, else English; its code, status and the
// fields it names are the same in every language, and the attempt counts
// the same.
func TestErrors_AreSaidInTheReadersLanguageWithTheSameCode(t *testing.T) {
	ru := words.Lookup("ru")
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			e := newEnv(t, dialect)
			for _, tc := range []struct {
				name    string
				cookie  string
				accept  string
				speaker *words.Language
			}{
				{"no choice", "", "", words.English},
				{"Accept-Language", "", "ru-RU,ru;q=0.9,en;q=0.5", ru},
				{"English first", "", "en-GB,ru;q=0.5", words.English},
				{"no catalog", "", "de-DE,fr;q=0.8", words.English},
				{"the cookie over the header", "ru", "en-US", ru},
				{"the cookie to English", "en", "ru", words.English},
				{"an unknown cookie", "xx", "ru", ru},
			} {
				u := e.user("user"+tc.speaker.Tag+strconv.Itoa(len(tc.name)), shared.RoleUser, "acme")
				c := e.browser()
				headers := []string{"Accept-Language", tc.accept}
				if tc.cookie != "" {
					headers = append(headers, "Cookie", reader.Cookie+"="+tc.cookie)
				}
				a := e.do(c, "POST", "/api/login", shared.LoginRequest{Username: u.Username, Password: "wrong password 1"}, headers...)
				got := a.apiError(t)
				if a.status != 401 || got.Code != shared.EWrongCredentials || got.Message != tc.speaker.Say(words.WrongCredentials) {
					t.Errorf("%s: %d %s %q, want 401 %s in %s", tc.name, a.status, got.Code, got.Message, shared.EWrongCredentials, tc.speaker.Tag)
				}
				a = e.do(c, "POST", "/api/login", `{"username":"alice","password":"x","extra":1}`, headers...)
				got = a.apiError(t)
				if got.Code != shared.EInvalid || got.Message != tc.speaker.Say(words.UnknownField("extra")) ||
					got.Fields["extra"] != tc.speaker.Say(words.FieldNotAccepted) {
					t.Errorf("%s: %s %q %v, want its field said in %s", tc.name, got.Code, got.Message, got.Fields, tc.speaker.Tag)
				}
				// The wrong password counted, whatever the language it
				// was answered in.
				events, _, err := e.st.LoginEvents(t.Context(), domain.LoginEventFilter{UserID: u.ID, Limit: 10})
				if err != nil || len(events) != 1 || events[0].Result != shared.ResultFailure {
					t.Errorf("%s: the attempts recorded: %+v %v, want one failure", tc.name, events, err)
				}
			}
		})
	}
}

// The switch on the login card works before the app runs: a form post
// sets the lang cookie and comes back to the page with a 303, and the page
// is prerendered in that language, its <html lang> too; a post from
// another site changes nothing, and the switch sends nobody off the site.
func TestLanguageSwitch_ChoosesThePagesLanguageBeforeTheApp(t *testing.T) {
	ru := words.Lookup("ru")
	e := newEnvApp(t, storetest.Dialects[0])
	c := e.browser()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	if _, page := e.page(t, c, "/login"); !strings.Contains(page, `<html lang="en"`) || !strings.Contains(page, words.English.Say(words.LogInToWarden)) {
		t.Fatalf("the login page before a choice is not English")
	}
	a := e.do(c, "POST", "/lang/ru?back=/login", nil, "Origin", e.srv.URL)
	if a.status != http.StatusSeeOther || a.header.Get("Location") != "/login?lang=ru" {
		t.Fatalf("the switch answered %d to %q, want 303 to /login?lang=ru", a.status, a.header.Get("Location"))
	}
	_, page := e.page(t, c, "/login")
	if !strings.Contains(page, `<html lang="ru"`) || !strings.Contains(page, ru.Say(words.LogInToWarden)) ||
		strings.Contains(page, words.English.Say(words.LogInToWarden)) {
		t.Errorf("after the switch the login page is not Russian:\n%s", page)
	}
	// What go-app writes into every page from its configuration is said
	// in Russian too: the description, the loader's label.
	for _, m := range []words.Message{words.AppDescription, words.AppLoading} {
		en := strings.ReplaceAll(words.English.Say(m), "{progress}", "0")
		if strings.Contains(page, en) || !strings.Contains(page, strings.ReplaceAll(ru.Say(m), "{progress}", "0")) {
			t.Errorf("the page says %q in English after the switch", en)
		}
	}
	// Elsewhere than the app's pages, the switch comes back to the login.
	if a := e.do(c, "POST", "/lang/en?back=https://evil.example/", nil, "Origin", e.srv.URL); a.header.Get("Location") != "/login?lang=en" {
		t.Errorf("the switch sent the browser to %q", a.header.Get("Location"))
	}
	if a := e.do(c, "POST", "/lang/xx", nil, "Origin", e.srv.URL); a.status != http.StatusNotFound {
		t.Errorf("a language with no catalog: %d, want 404", a.status)
	}
	// Another site cannot choose the language for this one's readers.
	other := e.browser()
	a = e.do(other, "POST", "/lang/ru?back=/login", nil, "Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site")
	if a.status != http.StatusForbidden || len(a.header.Values("Set-Cookie")) > 0 {
		t.Errorf("a cross-site switch: %d %v, want 403 and no cookie", a.status, a.header.Values("Set-Cookie"))
	}
}

// A user's choice of language is kept on the user: the API returns it, any
// browser they sign in with reads it from then on (the lang cookie), and
// their mail is said in it, while another user's stays English.
func TestLanguage_TheUsersChoiceFollowsThemToEveryBrowserAndTheirMail(t *testing.T) {
	ru := words.Lookup("ru")
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			e := newEnv(t, dialect)
			now := e.fixClock()
			box, m := e.mailOn(t)
			alice := e.user("alice", shared.RoleUser, "Acme")
			e.user("bob", shared.RoleUser, "Acme")
			a, b := e.browser(), e.browser()
			e.login(a, "alice", password)
			e.login(b, "bob", password)
			if r := e.do(a, "PUT", "/api/me/language", shared.LanguageRequest{Language: "xx"}); r.status != 400 || r.apiError(t).Fields["language"] == "" {
				t.Fatalf("a language with no catalog: %d %s", r.status, r.body)
			}
			r := e.do(a, "PUT", "/api/me/language", shared.LanguageRequest{Language: "ru"})
			if r.status != 204 || !strings.Contains(strings.Join(r.header.Values("Set-Cookie"), ";"), reader.Cookie+"=ru") {
				t.Fatalf("set the language: %d %v %s", r.status, r.header.Values("Set-Cookie"), r.body)
			}
			if u, err := e.st.UserByID(t.Context(), alice.ID); err != nil || u.Language != "ru" {
				t.Fatalf("stored: %+v %v", u, err)
			}
			var me shared.Me
			e.do(a, "GET", "/api/me", nil).decode(t, &me)
			if me.Language != "ru" {
				t.Errorf("/api/me says the language is %q", me.Language)
			}
			// Another browser, which asks for English, reads Russian once
			// alice signs in with it.
			other := e.browser()
			if r := e.login(other, "alice", password); !strings.Contains(strings.Join(r.header.Values("Set-Cookie"), ";"), reader.Cookie+"=ru") {
				t.Errorf("signing in set no lang cookie: %v", r.header.Values("Set-Cookie"))
			}
			r = e.do(other, "POST", "/api/me/password", shared.ChangePasswordRequest{Current: "not it at all", New: newPassword}, "Accept-Language", "en")
			if got := r.apiError(t); got.Code != shared.EWrongCredentials || got.Message != ru.Say(words.PasswordNotRight) {
				t.Errorf("after signing in elsewhere: %s %q, want Russian", got.Code, got.Message)
			}
			// Mail: alice's in Russian, bob's in English.
			e.confirmAddress(t, a, box, m, "alice@example.com")
			e.confirmAddress(t, b, box, m, "bob@example.com")
			for _, c := range []*http.Client{a, b} {
				if r := e.do(c, "POST", "/api/me/password", shared.ChangePasswordRequest{Current: password, New: newPassword}, "User-Agent", firefoxUA); r.status != 204 {
					t.Fatalf("change: %d %s", r.status, r.body)
				}
			}
			*now = now.Add(time.Second)
			e.deliver(t, m)
			for address, l := range map[string]*words.Language{"alice@example.com": ru, "bob@example.com": words.English} {
				got := box.To(address)
				mail := got[len(got)-1]
				name, _, _ := strings.Cut(address, "@")
				device := l.Say(words.MailDevice(l.Say(shared.DescribeUserAgent(firefoxUA))))
				if mail.Subject() != l.Say(words.MailNoticeSubject(words.NoticePasswordChanged)) || !strings.Contains(mail.Body(), device) ||
					!strings.Contains(mail.Body(), l.Say(words.MailGreeting(name))) || !strings.Contains(mail.Body(), l.Say(words.MailIfNotYou)) {
					t.Errorf("the mail to %s is not in %s:\n%s\n%s", address, l.Tag, mail.Subject(), mail.Body())
				}
			}
		})
	}
}
