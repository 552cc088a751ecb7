package httpapi

import (
	"net/http"
	"strconv"

	"github.com/warden-auth/warden/server/auth/accounts"
	"github.com/warden-auth/warden/server/httpapi/body"
	"github.com/warden-auth/warden/shared"
	"github.com/warden-auth/warden/shared/words"
)

// The Administration Panel's routes. Who may see or change which account is
// decided in auth (accounts.go), not here.

// pathID reads a numeric path value; a malformed one is simply not found.
func pathID(r *request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id < 1 {
		return 0, accounts.ErrNoSuchThing
	}
	return id, nil
}

// handleAdminAccounts lists the accounts the admin administers: every
// account for a platform administrator.
func (s *Server) handleAdminAccounts(w http.ResponseWriter, r *request) error {
	accounts, err := s.auth.Accounts.Accounts(r.Context(), r.session.User)
	if err != nil {
		return err
	}
	body.WriteJSON(w, http.StatusOK, accounts)
	return nil
}

func (s *Server) handleAdminSettings(w http.ResponseWriter, r *request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	req, err := body.Decode[shared.SettingsRequest](w, r.Request)
	if err != nil {
		return err
	}
	settings, err := s.auth.Accounts.SetAccountSettings(r.Context(), r.session.User, id, req, s.client(r.Request))
	if err != nil {
		return err
	}
	body.WriteJSON(w, http.StatusOK, settings)
	return nil
}

// accountParam reads the optional account= of a query: 0 means the
// caller's own account.
func accountParam(r *request) (int64, error) {
	q := r.URL.Query().Get("account")
	if q == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(q, 10, 64)
	if err != nil || id < 1 {
		return 0, shared.Fail(shared.EInvalid, words.AccountIsNumber).WithField("account", words.ExpectedAccountID)
	}
	return id, nil
}

func (s *Server) handleAdminUsers(w http.ResponseWriter, r *request) error {
	q, verr := shared.ParseAdminUsersQuery(r.URL.Query().Get)
	if verr != nil {
		return verr
	}
	page, err := s.auth.Accounts.AccountUsers(r.Context(), r.session.User, q)
	if err != nil {
		return err
	}
	body.WriteJSON(w, http.StatusOK, page)
	return nil
}

// handleCreateUser creates a user with a one-time password, answered once.
func (s *Server) handleCreateUser(w http.ResponseWriter, r *request) error {
	req, err := body.Decode[shared.NewUserRequest](w, r.Request)
	if err != nil {
		return err
	}
	created, err := s.auth.Accounts.CreateUserByAdmin(r.Context(), r.session.User, req, s.client(r.Request))
	if err != nil {
		return err
	}
	body.WriteJSON(w, http.StatusCreated, created)
	return nil
}

func (s *Server) handleCreateAccount(w http.ResponseWriter, r *request) error {
	req, err := body.Decode[shared.AccountRequest](w, r.Request)
	if err != nil {
		return err
	}
	a, err := s.auth.Accounts.CreateAccount(r.Context(), r.session.User, req.Name, s.client(r.Request))
	if err != nil {
		return err
	}
	body.WriteJSON(w, http.StatusCreated, a)
	return nil
}

func (s *Server) handleRenameAccount(w http.ResponseWriter, r *request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	req, err := body.Decode[shared.AccountRequest](w, r.Request)
	if err != nil {
		return err
	}
	a, err := s.auth.Accounts.RenameAccount(r.Context(), r.session.User, id, req.Name, s.client(r.Request))
	if err != nil {
		return err
	}
	body.WriteJSON(w, http.StatusOK, a)
	return nil
}

func (s *Server) handleChangeUser(w http.ResponseWriter, r *request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	req, err := body.Decode[shared.UserPatch](w, r.Request)
	if err != nil {
		return err
	}
	u, err := s.auth.Accounts.ChangeUser(r.Context(), r.session.User, id, req, s.client(r.Request))
	if err != nil {
		return err
	}
	body.WriteJSON(w, http.StatusOK, u)
	return nil
}

func (s *Server) handleUnlockUser(w http.ResponseWriter, r *request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.auth.Accounts.UnlockUser(r.Context(), r.session.User, id, s.client(r.Request)); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) handleAdminReset(w http.ResponseWriter, r *request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.auth.Accounts.ResetTwoFactor(r.Context(), r.session.User, id, s.client(r.Request)); err != nil {
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
	account, err := accountParam(r)
	if err != nil {
		return err
	}
	page, err := s.auth.Accounts.AccountLogins(r.Context(), r.session.User, account, q)
	if err != nil {
		return err
	}
	body.WriteJSON(w, http.StatusOK, page)
	return nil
}

// handleAdminAudit is the account's audit log, newest first.
func (s *Server) handleAdminAudit(w http.ResponseWriter, r *request) error {
	q, verr := shared.ParseHistoryQuery(r.URL.Query().Get)
	if verr != nil {
		return verr
	}
	account, err := accountParam(r)
	if err != nil {
		return err
	}
	page, err := s.auth.Accounts.AccountAudit(r.Context(), r.session.User, account, q)
	if err != nil {
		return err
	}
	body.WriteJSON(w, http.StatusOK, page)
	return nil
}
