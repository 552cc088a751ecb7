package auth

import (
	"context"
	"testing"

	"github.com/warden-auth/warden/server/store"
)

// forcePolicy switches on Force 2FA for the account in the store.
func forcePolicy(t *testing.T, s *store.Store, account string) {
	t.Helper()
	ctx := context.Background()
	a, err := s.AccountByName(ctx, account)
	if err == nil {
		_, err = s.SetForceTwoFactor(ctx, a.ID, true, 0, a.CreatedAt, nil)
	}
	if err != nil {
		t.Fatal(err)
	}
}
