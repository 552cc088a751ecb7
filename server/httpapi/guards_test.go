package httpapi

import (
	"context"
	"fmt"
	"testing"

	"github.com/warden-auth/warden/server/store"
	"github.com/warden-auth/warden/server/store/storetest"
	"github.com/warden-auth/warden/shared"
)

// An admin without 2FA cannot make it mandatory: the API refuses what the
// panel already hides, and nothing changes or is audited.
func TestAdmin_ForcingTwoFactorNeedsItOnTheAdminsOwnAccount(t *testing.T) {
	e := newEnv(t, store.SQLite)
	now := e.fixClock()
	root := e.user("root", shared.RoleAdmin, "Acme")
	admin := e.browser()
	e.login(admin, "root", password)
	a := e.setPolicy(t, admin, root.AccountID, true)
	if a.status != 409 || a.apiError(t).Code != shared.ETwoFactorRequired {
		t.Fatalf("force 2FA without 2FA: %d %s", a.status, a.body)
	}
	acc, _ := e.st.AccountByName(context.Background(), "Acme")
	if acc.ForceTwoFactor || len(storetest.Rows(t, e.st, "SELECT id FROM audit_events WHERE action = 'policy_changed'")) != 0 {
		t.Fatalf("the refused switch changed the account: %+v", acc)
	}
	// Switching it off needs no 2FA; with 2FA, on works.
	if a := e.setPolicy(t, admin, root.AccountID, false); a.status != 200 {
		t.Fatalf("off: %d %s", a.status, a.body)
	}
	e.enroll(t, admin, *now)
	if a := e.setPolicy(t, admin, root.AccountID, true); a.status != 200 {
		t.Fatalf("force 2FA with 2FA: %d %s", a.status, a.body)
	}
}

// An admin's own 2FA goes off only through Disconnect (password, warning),
// never through the admin reset, which asks for neither.
func TestAdmin_CannotResetTheirOwnTwoFactor(t *testing.T) {
	e := newEnv(t, store.SQLite)
	now := e.fixClock()
	root := e.user("root", shared.RoleAdmin, "Acme")
	admin := e.browser()
	e.login(admin, "root", password)
	e.enroll(t, admin, *now)
	a := e.do(admin, "POST", fmt.Sprintf("/api/admin/users/%d/reset-2fa", root.ID), nil)
	if a.status != 409 || a.apiError(t).Code != shared.EConflict {
		t.Fatalf("own reset: %d %s", a.status, a.body)
	}
	u, _ := e.st.UserByID(context.Background(), root.ID)
	if !u.TwoFactorEnabled() {
		t.Fatal("the refused reset removed the admin's 2FA")
	}
	if a := e.do(admin, "GET", "/api/me", nil); a.status != 200 {
		t.Fatalf("the refused reset ended the admin's session: %d", a.status)
	}
}
