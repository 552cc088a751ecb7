package httpapi

import (
	"strconv"
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
