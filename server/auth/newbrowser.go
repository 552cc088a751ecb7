package auth

import (
	"context"
	"strconv"

	"github.com/warden-auth/warden/server/auth/core"
	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/shared"
)

// recoveryNotices are the notices of a login with a recovery code that
// leaves left codes.
func (s *Service) recoveryNotices(u *domain.User, c core.Client, left int) []*domain.Notice {
	n := []*domain.Notice{s.Notices.Notice(u, shared.NoticeRecoveryCodeUsed, c, strconv.Itoa(left))}
	if left <= shared.RecoveryCodesLowAt {
		n = append(n, s.Notices.Notice(u, shared.NoticeRecoveryCodesLow, c, strconv.Itoa(left)))
	}
	return n
}

// isNewBrowser reports whether a right password from c is a login from a
// browser and a network u has not used: the browser has no device cookie of
// u's (device.go) and no login of u was completed from its IP. Since u
// connected 2FA a right password alone completes no login: only code steps
// count, so an attacker's password step that then failed the code makes no
// IP known. A user's first login ever is not news to them.
func (s *Service) isNewBrowser(ctx context.Context, u *domain.User, c core.Client) (bool, error) {
	if u.LastLoginAt == nil || s.deviceKey(u, c.Device) != "" {
		return false, nil
	}
	known, err := s.Store.HasLoggedInFrom(ctx, u.ID, c.IP, u.TOTPEnabledAt)
	return !known, err
}
