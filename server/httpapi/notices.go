package httpapi

import (
	"errors"
	"net/http"

	"github.com/warden-auth/warden/server/auth/core"
	"github.com/warden-auth/warden/server/httpapi/body"
	"github.com/warden-auth/warden/shared"
)

// handleMyNotices lists the caller's security notices, newest first.
func (s *Server) handleMyNotices(w http.ResponseWriter, r *request) error {
	q, verr := shared.ParseHistoryQuery(r.URL.Query().Get)
	if verr != nil {
		return verr
	}
	page, err := s.auth.Notices.MyNotices(r.Context(), r.session, q.Before)
	if err != nil {
		return err
	}
	body.WriteJSON(w, http.StatusOK, page)
	return nil
}

// handleNoticesRead marks the caller's notices read up to an id.
func (s *Server) handleNoticesRead(w http.ResponseWriter, r *request) error {
	req, err := body.Decode[shared.NoticesReadRequest](w, r.Request)
	if err != nil {
		return err
	}
	if err := s.auth.Notices.MarkNoticesRead(r.Context(), r.session, req); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// handleSetEmail changes the caller's e-mail address (a sensitive action:
// recent proof): a new one gets a link to confirm it.
func (s *Server) handleSetEmail(w http.ResponseWriter, r *request) error {
	req, err := body.Decode[shared.EmailRequest](w, r.Request)
	if err != nil {
		return err
	}
	if err := s.auth.Notices.SetEmail(r.Context(), r.session, req, s.client(r.Request)); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// handleConfirmEmail uses the token of a link mailed to a new address. It
// needs no session (the link may be opened anywhere), but a session of
// another user may not use it.
func (s *Server) handleConfirmEmail(w http.ResponseWriter, r *request) error {
	req, err := body.Decode[shared.EmailConfirmRequest](w, r.Request)
	if err != nil {
		return err
	}
	sess, _, err := s.auth.Sessions.Authenticate(r.Context(), s.sessionToken(r.Request))
	if err != nil && !errors.Is(err, core.ErrUnauthenticated) {
		return err
	}
	if err := s.auth.Notices.ConfirmEmail(r.Context(), req, sess, s.client(r.Request)); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
