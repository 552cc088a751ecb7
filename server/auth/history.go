package auth

import (
	"context"

	"github.com/warden-auth/warden/server/auth/core"
	"github.com/warden-auth/warden/server/auth/notices"
	"github.com/warden-auth/warden/server/auth/stage"
	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/shared"
)

// Me is what the signed-in user sees of themself: who they are, their 2FA,
// and what their session may do (its effective stage, from Authenticate).
func (s *Service) Me(ctx context.Context, sess *domain.Session, current string) (shared.Me, error) {
	u := sess.User
	me := shared.Me{
		Stage:        stage.Of(current).Next,
		Username:     u.Username,
		Role:         u.Role,
		Account:      u.Account.Name,
		TOTPEnabled:  u.TwoFactorEnabled(),
		Force2FA:     u.Account.ForceTwoFactor,
		SecurityKeys: u.SecurityKeys,
	}
	if current != stage.Enrollment {
		if deadline, ok := stage.GraceDeadline(u); ok {
			me.TwoFADeadline = core.RFC3339(&deadline)
		}
	}
	me.Email, me.EmailVerifiedAt, me.EmailPending = notices.EmailState(u)
	unread, err := s.Notices.Unread(ctx, u.ID)
	if err != nil {
		return shared.Me{}, err
	}
	me.UnreadNotices = unread
	if u.TOTPEnabledAt != nil {
		me.TOTPEnabledAt = core.RFC3339(u.TOTPEnabledAt)
	}
	if u.TwoFactorEnabled() {
		left, err := s.Store.RecoveryCodesLeft(ctx, u.ID)
		if err != nil {
			return shared.Me{}, err
		}
		me.RecoveryCodesLeft = left
	}
	return me, nil
}
