package auth

import (
	"context"

	"github.com/warden-auth/warden/server/auth/core"
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
	me.Email, me.EmailVerifiedAt, me.EmailPending = emailState(u)
	unread, err := s.Store.UnreadNotices(ctx, u.ID)
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

// MyLogins is a page of the session's user's own login history, newest
// first.
func (s *Service) MyLogins(ctx context.Context, sess *domain.Session, q shared.HistoryQuery) (shared.LoginEventPage, error) {
	return s.loginEvents(ctx, domain.LoginEventFilter{UserID: sess.UserID, Before: q.Before, Limit: q.Limit, OnlyFails: q.FailedOnly}, false)
}

// loginEvents reads a page of login events for the wire; withUsername adds
// the attempted name, for views across users.
func (s *Service) loginEvents(ctx context.Context, f domain.LoginEventFilter, withUsername bool) (shared.LoginEventPage, error) {
	events, next, err := s.Store.LoginEvents(ctx, f)
	if err != nil {
		return shared.LoginEventPage{}, err
	}
	page := shared.LoginEventPage{Events: make([]shared.LoginEvent, len(events)), Next: shared.FormatCursor(next)}
	for i, e := range events {
		page.Events[i] = shared.LoginEvent{
			ID: e.ID, Time: core.RFC3339(&e.CreatedAt), Result: e.Result, Method: e.Method,
			Reason: e.Reason, IP: e.IP, UserAgent: e.UserAgent,
		}
		if e.LockPeriod != nil {
			page.Events[i].Attempts, page.Events[i].LastTime = e.Attempts, core.RFC3339(e.LastAt)
		}
		if withUsername {
			page.Events[i].Username = e.Username
		}
	}
	return page, nil
}
