package httpapi

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/server/store/storetest"
	"github.com/warden-auth/warden/shared"
)

// The store scopes every administrator's write to the accounts the database
// says they administer, a second line behind the service's check. Here the
// service's check passes on the administrator it read at the start of the
// request, and the database demotes them before the write (as another
// administrator could at that moment): the store refuses, and the answer is
// the 404 of a user or account that is not theirs, never a 500, with
// nothing changed.
func TestAdmin_AWriteTheDatabaseNoLongerAllowsIs404AndChangesNothing(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			e := newEnv(t, dialect)
			now := e.fixClock()
			ada := e.user("ada", shared.RoleAdmin, "Acme")
			bob := e.user("bob", shared.RoleUser, "Acme")
			admin, user := e.browser(), e.browser()
			e.login(admin, "ada", password)
			e.enroll(t, admin, *now)
			e.login(user, "bob", password)
			e.enroll(t, user, *now)
			before := accountRows(t, e.st, ada.AccountID)

			setRole := func(ctx context.Context, role string) error {
				_, _, err := e.st.ChangeUser(ctx, ada.ID, 0, domain.UserChange{Role: &role}, *now, nil)
				return err
			}
			settings := fmt.Sprintf("/api/admin/accounts/%d/settings", ada.AccountID)
			bobs := fmt.Sprintf("/api/admin/users/%d", bob.ID)
			for _, tc := range []struct {
				write        string // the store's scoped write
				method, path string
				body         any
			}{
				{"SetTwoFactorPolicy", "PUT", settings, `{"force_2fa":true,"grace_days":3}`},
				{"SetRememberBrowserDays", "PUT", settings, `{"remember_browser_days":30}`},
				{"SetPasskeysAllowed", "PUT", settings, `{"passkeys_allowed":false}`},
				{"ChangeUser", "PATCH", bobs, `{"role":"admin"}`},
				{"ChangeUser", "PATCH", bobs, `{"disabled":true}`},
				{"RequestEmail", "PATCH", bobs, `{"email":"thief@example.com"}`},
				{"UnlockUser", "POST", bobs + "/unlock", nil},
				{"SwitchOff", "POST", bobs + "/reset-2fa", nil},
			} {
				remove := e.hook(tc.write, func(ctx context.Context) {
					if err := setRole(ctx, shared.RoleUser); err != nil {
						t.Errorf("demote ada: %v", err)
					}
				})
				a := e.do(admin, tc.method, tc.path, tc.body)
				remove()
				if err := setRole(context.Background(), shared.RoleAdmin); err != nil {
					t.Fatal(err)
				}
				if a.status != 404 || a.apiError(t).Code != shared.ENotFound || a.apiError(t).Message != "There is no such account or user." {
					t.Errorf("%s %s %v (%s) by an admin demoted meanwhile: %d %s", tc.method, tc.path, tc.body, tc.write, a.status, a.body)
				}
			}
			assertRowsUnchanged(t, "Acme", before, accountRows(t, e.st, ada.AccountID))
			if a := e.do(user, "GET", "/api/me", nil); a.status != 200 {
				t.Fatalf("bob's session: %d %s", a.status, a.body)
			}
			if strings.Contains(e.log.String(), "internal error") {
				t.Errorf("a refused write was logged as an internal error:\n%s", e.log)
			}
		})
	}
}
