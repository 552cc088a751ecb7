package httpapi

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/shared"
)

var errNotFoundID = shared.Errorf(shared.ENotFound, "There is no such account or user.")

// pathID reads a numeric path value; a malformed one is simply not found.
func pathID(r *request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id < 1 {
		return 0, errNotFoundID
	}
	return id, nil
}

func rfc3339(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// accountSettings puts an account's policy on the wire, with the name of the
// admin who last changed it.
func (s *Server) accountSettings(ctx context.Context, a *domain.Account) (shared.AccountSettings, error) {
	out := shared.AccountSettings{ID: a.ID, Name: a.Name, Force2FA: a.ForceTwoFactor, ChangedAt: rfc3339(a.ForceChangedAt)}
	if a.ForceChangedByID != nil && *a.ForceChangedByID > 0 {
		u, err := s.auth.Store.UserByID(ctx, *a.ForceChangedByID)
		switch {
		case err == nil:
			out.ChangedBy = u.Username
		case !errors.Is(err, domain.ErrNotFound):
			return out, err
		}
	}
	return out, nil
}

// handleAdminAccounts lists the accounts the admin administers: their own.
func (s *Server) handleAdminAccounts(w http.ResponseWriter, r *request) error {
	a, err := s.auth.Store.AccountByID(r.Context(), r.session.User.AccountID)
	if err != nil {
		return err
	}
	settings, err := s.accountSettings(r.Context(), a)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, []shared.AccountSettings{settings})
	return nil
}

func (s *Server) handleAdminSettings(w http.ResponseWriter, r *request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	req, err := decode[shared.SettingsRequest](w, r.Request)
	if err != nil {
		return err
	}
	a, err := s.auth.SetForceTwoFactor(r.Context(), r.session.User, id, *req.Force2FA, s.client(r.Request))
	if err != nil {
		return err
	}
	settings, err := s.accountSettings(r.Context(), a)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, settings)
	return nil
}

func (s *Server) handleAdminUsers(w http.ResponseWriter, r *request) error {
	accountID := r.session.User.AccountID
	if q := r.URL.Query().Get("account"); q != "" {
		id, err := strconv.ParseInt(q, 10, 64)
		if err != nil {
			return &shared.Error{Code: shared.EInvalid, Message: "The account is a number.", Fields: map[string]string{"account": "Expected an account id."}}
		}
		accountID = id
	}
	users, err := s.auth.AccountUsers(r.Context(), r.session.User, accountID)
	if err != nil {
		return err
	}
	now := s.auth.Now()
	out := make([]shared.AdminUser, len(users))
	for i, u := range users {
		out[i] = shared.AdminUser{ID: u.ID, Username: u.Username, Role: u.Role, TOTPEnabled: u.TwoFactorEnabled(),
			RecoveryCodesLeft: u.RecoveryCodesLeft, LastLoginAt: rfc3339(u.LastLoginAt)}
		if u.CodesLocked(now) {
			out[i].LockedUntil = rfc3339(u.LockedUntil)
		}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) handleAdminReset(w http.ResponseWriter, r *request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.auth.ResetTwoFactor(r.Context(), r.session.User, id, s.client(r.Request)); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// handleAdminLogins lists the login attempts on the admin's account.
func (s *Server) handleAdminLogins(w http.ResponseWriter, r *request) error {
	q, verr := shared.ParseAdminLoginsQuery(r.URL.Query().Get)
	if verr != nil {
		return verr
	}
	f := domain.LoginEventFilter{AccountID: r.session.User.AccountID, Before: q.Before, Limit: q.Limit,
		OnlyFails: q.FailedOnly, Since: q.Since, Until: q.Until}
	if q.Username != "" {
		u, err := s.auth.Store.UserByUsername(r.Context(), q.Username)
		if errors.Is(err, domain.ErrNotFound) || (err == nil && u.AccountID != f.AccountID) {
			writeJSON(w, http.StatusOK, shared.LoginEventPage{Events: []shared.LoginEvent{}})
			return nil
		} else if err != nil {
			return err
		}
		f.UserID = u.ID
	}
	events, next, err := s.auth.Store.LoginEvents(r.Context(), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, eventPage(events, next, true))
	return nil
}

// handleAdminAudit is the account's audit log, newest first.
func (s *Server) handleAdminAudit(w http.ResponseWriter, r *request) error {
	q, verr := shared.ParseHistoryQuery(r.URL.Query().Get)
	if verr != nil {
		return verr
	}
	events, next, err := s.auth.Store.AuditEvents(r.Context(), r.session.User.AccountID, q.Before, q.Limit)
	if err != nil {
		return err
	}
	page := shared.AuditPage{Events: make([]shared.AuditEvent, len(events)), Next: shared.FormatCursor(next)}
	for i, e := range events {
		page.Events[i] = shared.AuditEvent{ID: e.ID, Time: e.CreatedAt.UTC().Format(time.RFC3339), Actor: e.ActorName,
			Action: e.Action, Target: e.TargetName, IP: e.IP, Detail: e.Detail}
	}
	writeJSON(w, http.StatusOK, page)
	return nil
}

// handleDisconnect switches the caller's 2FA off. When the account forces
// 2FA and the user confirmed, every session ends, this one included.
func (s *Server) handleDisconnect(w http.ResponseWriter, r *request) error {
	req, err := decode[shared.DisconnectRequest](w, r.Request)
	if err != nil {
		return err
	}
	loggedOut, err := s.auth.Disconnect(r.Context(), r.session, req.Password, req.Confirm, s.client(r.Request))
	if err != nil {
		return err
	}
	if loggedOut {
		s.clearSession(w, r.Request)
	}
	writeJSON(w, http.StatusOK, shared.DisconnectResponse{LoggedOut: loggedOut})
	return nil
}
