package httpapi

import (
	"net/http"
	"strconv"

	"github.com/warden-auth/warden/server/auth"
	"github.com/warden-auth/warden/shared"
)

// The Administration Panel's routes. Who may see or change which account is
// decided in auth (accounts.go), not here.

// pathID reads a numeric path value; a malformed one is simply not found.
func pathID(r *request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id < 1 {
		return 0, auth.ErrNoSuchThing
	}
	return id, nil
}

// handleAdminAccounts lists the accounts the admin administers.
func (s *Server) handleAdminAccounts(w http.ResponseWriter, r *request) error {
	accounts, err := s.auth.Accounts(r.Context(), r.session.User)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, accounts)
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
	var settings shared.AccountSettings
	if req.PasskeysAllowed != nil {
		if settings, err = s.auth.SetPasskeysAllowed(r.Context(), r.session.User, id, *req.PasskeysAllowed, s.client(r.Request)); err != nil {
			return err
		}
	}
	if req.Force2FA != nil {
		if settings, err = s.auth.SetForceTwoFactor(r.Context(), r.session.User, id, *req.Force2FA, s.client(r.Request)); err != nil {
			return err
		}
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
	writeJSON(w, http.StatusOK, users)
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
	page, err := s.auth.AccountLogins(r.Context(), r.session.User, q)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, page)
	return nil
}

// handleAdminAudit is the account's audit log, newest first.
func (s *Server) handleAdminAudit(w http.ResponseWriter, r *request) error {
	q, verr := shared.ParseHistoryQuery(r.URL.Query().Get)
	if verr != nil {
		return verr
	}
	page, err := s.auth.AccountAudit(r.Context(), r.session.User, q)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, page)
	return nil
}
