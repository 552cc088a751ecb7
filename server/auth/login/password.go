package login

import (
	"context"
	"errors"

	"github.com/warden-auth/warden/server/auth/core"
	"github.com/warden-auth/warden/server/auth/history"
	"github.com/warden-auth/warden/server/auth/passwords/strength"
	"github.com/warden-auth/warden/server/auth/stage"
	"github.com/warden-auth/warden/server/auth/throttle"
	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/shared"
	"github.com/warden-auth/warden/shared/words"
)

// ChangePassword replaces the session's user's password. The current one is
// the proof (wrong ones count toward the username's throttle, as at login,
// and are audited); the new one must pass passwords.Problem. The change ends
// every other session and every trusted browser of the user, this one
// stays, and voids the device cookies earned before (their tag binds the
// password epoch); the browser
// that made the change gets device, a cookie under the new password. Returns
// EWrongCredentials, EInvalid with fields.new saying why, or ERateLimited.
func (s *Service) ChangePassword(ctx context.Context, sess *domain.Session, req shared.ChangePasswordRequest, c core.Client) (device string, err error) {
	if e := req.Valid(); e != nil {
		return "", e
	}
	return s.changePassword(ctx, sess, req, c.Clip(), false)
}

// changePassword is ChangePassword with req checked; proven: sess is the
// proof of its user's current password (justProven), which req leaves
// out.
func (s *Service) changePassword(ctx context.Context, sess *domain.Session, req shared.ChangePasswordRequest, c core.Client, proven bool) (device string, err error) {
	u := sess.User
	if !proven {
		if err := s.checkCurrent(ctx, u, req.Current, c); err != nil {
			return "", err
		}
	}
	msg := strength.Problem(req.New, u)
	if msg.IsZero() {
		same, err := s.isCurrent(ctx, u, req, c)
		if err != nil {
			return "", err
		}
		if same {
			msg = words.PasswordNotCurrent
		}
	}
	if !msg.IsZero() {
		return "", shared.Fail(shared.EInvalid, words.ChooseAnotherPassword).WithField("new", msg)
	}
	hash, err := s.Hasher.Hash(req.New)
	if err != nil {
		return "", err
	}
	event := s.History.Audit(u.AccountID, u, shared.AuditPasswordChanged, u, c, "")
	if !u.PasswordMustChange {
		// Replacing a one-time password is the user's first choice of
		// their own, at the login it came with: no news to tell them.
		event = s.Notices.WithNotice(event, u, shared.NoticePasswordChanged, c, "")
	}
	_, err = s.Store.ChangePassword(ctx, u.ID, u.PasswordHash, hash, sess.ID, s.Now(), event)
	if errors.Is(err, domain.ErrNotFound) {
		// The password changed since this request read it: the proof is
		// no longer the current password.
		return "", throttle.ErrWrongPassword
	}
	if err != nil {
		return "", err
	}
	// Store.ChangePassword removed every trusted browser of the user too,
	// in the same transaction as the sessions.
	changed := *u
	changed.PasswordHash, changed.PasswordEpoch = hash, u.PasswordEpoch+1 // as Store.ChangePassword left the row
	return s.newDevice(&changed)
}

// checkCurrent checks current is u's password: wrong ones count toward the
// username's throttle, as at login, and are audited.
func (s *Service) checkCurrent(ctx context.Context, u *domain.User, current string, c core.Client) error {
	err := s.Throttle.CheckOwnPassword(ctx, u, current, c)
	if errors.Is(err, throttle.ErrWrongPassword) {
		if err := s.History.RecordAudit(ctx, s.History.Audit(u.AccountID, u, shared.AuditPasswordRefused, u, c, shared.ReasonWrongPassword)); err != nil {
			return err
		}
	}
	return err
}

// isCurrent reports whether req's new password is u's current one: the
// given current one, or, when req leaves it out, the stored hash's.
func (s *Service) isCurrent(ctx context.Context, u *domain.User, req shared.ChangePasswordRequest, c core.Client) (bool, error) {
	if req.Current != "" {
		return req.New == req.Current, nil
	}
	place, err := s.Hasher.Admit(c.IP)
	if err != nil {
		return false, err
	}
	defer place.Done()
	same, _, err := place.Verify(ctx, req.New, u.PasswordHash)
	return same, err
}

// justProven reports whether sess may replace its user's password without
// the current one: a session of a stage made by that password's check
// (stage.Info.MadeByPassword: password_change, whose login the one-time
// password just proved), within ReauthWindow of it. Past it, or in any
// other stage, the current password is asked as ever.
func (s *Service) justProven(sess *domain.Session) bool {
	return stage.Of(sess.Stage).MadeByPassword && s.Now().Sub(sess.CreatedAt) < s.ReauthWindow
}

// ChangeOneTimePassword replaces the one-time password of a password_change
// session's user: the rules of ChangePassword (the current, one-time,
// password as the proof, throttled; the new one strong and different),
// but shortly after the login the session is the proof (justProven) and
// the current password may be left out; and
// then the session moves on where the login would have led
// (stage.PasswordEvent), under a new token. Returns what ChangePassword returns.
func (s *Service) ChangeOneTimePassword(ctx context.Context, sess *domain.Session, req shared.ChangePasswordRequest, c core.Client) (*Result, error) {
	proven := req.Current == "" && s.justProven(sess)
	valid := req.Valid
	if proven {
		valid = req.ValidWithoutCurrent
	}
	if e := valid(); e != nil {
		return nil, e
	}
	device, err := s.changePassword(ctx, sess, req, c.Clip(), proven)
	if err != nil {
		return nil, err
	}
	c = c.Clip()
	u := *sess.User
	u.PasswordMustChange = false
	now := s.Now()
	// The new password proved the user once more: the history shows this
	// step as a password step. Whether the login is from a new browser was
	// decided at its password step (Login); the step that completes the
	// login tells.
	res, err := s.advance(ctx, move{from: sess.Stage, event: stage.PasswordEvent(&u, now), end: sess.TokenHash, proven: sess.Methods, signIn: sess.LoginEventID, user: &u, client: c, now: now,
		record: history.LoginEvent(u.Username, &u, shared.MethodPassword, c, now), newBrowser: sess.NewBrowser})
	if err != nil {
		return nil, err
	}
	res.Device = device
	return res, nil
}
