package httpapi

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/warden-auth/warden/server/store/storetest"
	"github.com/warden-auth/warden/shared"
)

// adminLogins reads every page of GET /api/admin/logins?query, limit per
// page, and checks that the pages neither repeat nor skip a row.
func (e *env) adminLogins(t *testing.T, c *http.Client, query string, limit int) []shared.LoginEvent {
	t.Helper()
	var all []shared.LoginEvent
	before := ""
	for range 50 {
		path := fmt.Sprintf("/api/admin/logins?%s&limit=%d", query, limit)
		if before != "" {
			path += "&before=" + before
		}
		a := e.do(c, "GET", path, nil)
		if a.status != 200 {
			t.Fatalf("%s: %d %s", path, a.status, a.body)
		}
		var page shared.LoginEventPage
		a.decode(t, &page)
		if len(page.Events) > limit {
			t.Fatalf("%s: %d rows for a limit of %d", path, len(page.Events), limit)
		}
		for _, ev := range page.Events {
			if len(all) > 0 && ev.ID >= all[len(all)-1].ID {
				t.Fatalf("%s: %d after %d: not newest first, or repeated", path, ev.ID, all[len(all)-1].ID)
			}
			all = append(all, ev)
		}
		if page.Next == "" {
			return all
		}
		before = page.Next
	}
	t.Fatalf("%s: no last page", query)
	return nil
}

func usernames(events []shared.LoginEvent) []string {
	out := make([]string, len(events))
	for i, ev := range events {
		out[i] = ev.Username
	}
	return out
}

func TestPlatform_AttemptsOnUnknownUsernamesAreThePlatformAdministratorsAlone(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			e := newEnv(t, dialect)
			now := e.fixClock()
			root := e.user("root", shared.RolePlatformAdmin, "Default")
			acme := e.user("aadmin", shared.RoleAdmin, "Acme")
			globex := e.user("gadmin", shared.RoleAdmin, "Globex")
			e.user("gus", shared.RoleUser, "Globex")
			pa, aa, ga := e.browser(), e.browser(), e.browser()
			e.login(pa, "root", password)
			e.login(aa, "aadmin", password)
			e.login(ga, "gadmin", password)

			// A spray: names no user has, a minute apart, and a wrong
			// password of a real user in between.
			start := *now
			sprayed := []string{"spray-ann", "spray-bob", "Spray-Cy", "spray-dee"}
			for i, name := range sprayed {
				*now = start.Add(time.Duration(i+1) * time.Minute)
				if a := e.login(e.browser(), name, "Winter2026!"); a.status != 401 {
					t.Fatalf("%s: %d %s", name, a.status, a.body)
				}
				if i == 1 {
					e.login(e.browser(), "gus", "Winter2026!")
				}
			}
			// As stored: no user, no account, the reason unknown_user.
			rows := storetest.Rows(t, e.st, "SELECT username, reason FROM login_events WHERE account_id IS NULL AND user_id IS NULL ORDER BY id")
			if len(rows) != 4 || rows[0][0] != "spray-ann" || rows[2][0] != "spray-cy" || rows[3][1] != shared.ReasonUnknownUser {
				t.Fatalf("stored unknown attempts: %q", rows)
			}

			// The platform administrator sees them, newest first, page by
			// page, with their usernames and reasons.
			unknown := e.adminLogins(t, pa, "unknown=true", 3)
			if want := []string{"spray-dee", "spray-cy", "spray-bob", "spray-ann"}; !slices.Equal(usernames(unknown), want) {
				t.Fatalf("unknown=true: %q, want %q", usernames(unknown), want)
			}
			for _, ev := range unknown {
				if ev.Reason != shared.ReasonUnknownUser || ev.Result != shared.ResultFailure || ev.IP == "" {
					t.Errorf("unknown attempt: %+v", ev)
				}
			}
			// Filters: a prefix, the result, a range of instants (to
			// exclusive) and of days (both included).
			for query, want := range map[string][]string{
				"unknown=true&user=SPRAY-B":   {"spray-bob"},
				"unknown=true&user=gus":       {},
				"unknown=true&result=failure": {"spray-dee", "spray-cy", "spray-bob", "spray-ann"},
				"unknown=true&from=" + start.Add(2*time.Minute).Format(time.RFC3339):                                                          {"spray-dee", "spray-cy", "spray-bob"},
				"unknown=true&to=" + start.Add(2*time.Minute).Format(time.RFC3339):                                                            {"spray-ann"},
				"unknown=true&from=" + start.Add(2*time.Minute).Format(time.RFC3339) + "&to=" + start.Add(4*time.Minute).Format(time.RFC3339): {"spray-cy", "spray-bob"},
				"unknown=true&from=" + start.Format("2006-01-02") + "&to=" + start.Format("2006-01-02"):                                       {"spray-dee", "spray-cy", "spray-bob", "spray-ann"},
				"unknown=true&to=" + start.AddDate(0, 0, -1).Format("2006-01-02"):                                                             {},
				"unknown=false&user=spray": {},
			} {
				if got := usernames(e.adminLogins(t, pa, query, 2)); !slices.Equal(got, want) {
					t.Errorf("%s: %q, want %q", query, got, want)
				}
			}
			// Without the filter: an account's attempts, never the unknown
			// ones, whichever account the platform administrator opens.
			for _, query := range []string{"", fmt.Sprintf("account=%d", root.AccountID), fmt.Sprintf("account=%d", acme.AccountID),
				fmt.Sprintf("account=%d&result=failure", globex.AccountID)} {
				for _, ev := range e.adminLogins(t, pa, query, 100) {
					if strings.HasPrefix(ev.Username, "spray") {
						t.Errorf("%s lists %+v", query, ev)
					}
				}
			}
			if a := e.do(pa, "GET", fmt.Sprintf("/api/admin/logins?unknown=true&account=%d", acme.AccountID), nil); a.status != 400 || a.apiError(t).Fields["account"] == "" {
				t.Errorf("unknown with an account: %d %s", a.status, a.body)
			}

			// An account administrator: refused the filter, whichever
			// account they name, and their own list holds only their
			// account's users, with or without filters.
			for admin, c := range map[string]*http.Client{"aadmin": aa, "gadmin": ga} {
				for _, query := range []string{"unknown=true", "unknown=true&user=spray", fmt.Sprintf("unknown=true&account=%d", acme.AccountID),
					fmt.Sprintf("unknown=true&account=%d", globex.AccountID)} {
					a := e.do(c, "GET", "/api/admin/logins?"+query, nil)
					if a.status != 403 || a.apiError(t).Code != shared.EForbidden || strings.Contains(string(a.body), "spray") {
						t.Errorf("%s: %s: %d %s", admin, query, a.status, a.body)
					}
				}
				own := map[string][]string{"aadmin": {"aadmin"}, "gadmin": {"gadmin", "gus"}}[admin]
				for _, query := range []string{"", "user=spray", "result=failure", "unknown=false", "from=" + start.Format("2006-01-02")} {
					for _, ev := range e.adminLogins(t, c, query, 2) {
						if !slices.Contains(own, ev.Username) {
							t.Errorf("%s: %s lists %+v", admin, query, ev)
						}
					}
				}
			}
			if got := usernames(e.adminLogins(t, ga, "result=failure", 5)); !slices.Equal(got, []string{"gus"}) {
				t.Errorf("gadmin's failures: %q", got)
			}

			// The bounds' old names are refused in words, not ignored; the
			// filter takes true or nothing.
			for query, field := range map[string]string{"since=2026-01-01": "since", "until=2026-01-01": "until", "unknown=1": "unknown",
				"unknown=yes": "unknown", "from=2026-01-02&to=2026-01-01": "to", "to=9999-12-31": "to"} {
				a := e.do(pa, "GET", "/api/admin/logins?"+query, nil)
				if a.status != 400 || a.apiError(t).Fields[field] == "" {
					t.Errorf("%s: %d %s", query, a.status, a.body)
				}
			}
		})
	}
}
