package idp

import (
	"context"
	"slices"
	"strconv"

	"github.com/zitadel/oidc/v3/pkg/oidc"
)

// The claims Warden adds to the standard ones: the user's account (tenant)
// and role.
const (
	ClaimAccountID   = "account_id"
	ClaimAccountName = "account_name"
	ClaimRole        = "role"
)

// userinfo fills info with what the scopes let a client know of the user:
// always the subject, account and role; with "profile" the username;
// with "email" the confirmed address (a pending one is not the user's yet).
func (s *Service) userinfo(ctx context.Context, info *oidc.UserInfo, userID int64, scopes []string) error {
	u, err := s.Store.UserByID(ctx, userID)
	if err != nil {
		return err
	}
	if info.Subject, err = s.subject(ctx, userID); err != nil {
		return err
	}
	if slices.Contains(scopes, oidc.ScopeProfile) {
		info.PreferredUsername = u.Username
	}
	if slices.Contains(scopes, oidc.ScopeEmail) && u.Email != nil {
		info.Email = *u.Email
		info.EmailVerified = oidc.Bool(true)
	}
	info.AppendClaims(ClaimAccountID, strconv.FormatInt(u.AccountID, 10))
	if u.Account != nil {
		info.AppendClaims(ClaimAccountName, u.Account.Name)
	}
	info.AppendClaims(ClaimRole, u.Role)
	return nil
}
