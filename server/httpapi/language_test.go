package httpapi

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/warden-auth/warden/server/domain"
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
					headers = append(headers, "Cookie", langCookie+"="+tc.cookie)
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
