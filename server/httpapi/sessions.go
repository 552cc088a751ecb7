package httpapi

import (
	"net/http"

	"github.com/warden-auth/warden/server/auth/sessions"
	"github.com/warden-auth/warden/server/httpapi/body"
	"github.com/warden-auth/warden/shared"
)

// The user's own sessions and trusted browsers. Which ids are the caller's
// is decided in auth (sessions.go), in SQL.

func (s *Server) handleMySessions(w http.ResponseWriter, r *request) error {
	out, err := s.auth.Sessions.Sessions(r.Context(), r.session)
	if err != nil {
		return err
	}
	body.WriteJSON(w, http.StatusOK, out)
	return nil
}

// handleEndSession ends one session; ending the caller's own is a logout,
// so its cookie goes too.
func (s *Server) handleEndSession(w http.ResponseWriter, r *request) error {
	id, err := sessionPathID(r)
	if err != nil {
		return err
	}
	if err := s.auth.Sessions.EndSession(r.Context(), r.session, id, s.client(r.Request)); err != nil {
		return err
	}
	if id == r.session.ID {
		s.clearSession(w, r.Request)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) handleEndOtherSessions(w http.ResponseWriter, r *request) error {
	n, err := s.auth.Sessions.EndOtherSessions(r.Context(), r.session, s.client(r.Request))
	if err != nil {
		return err
	}
	body.WriteJSON(w, http.StatusOK, shared.EndedSessions{Ended: n})
	return nil
}

func (s *Server) handleRemoveTrustedBrowser(w http.ResponseWriter, r *request) error {
	id, err := sessionPathID(r)
	if err != nil {
		return err
	}
	if err := s.auth.Sessions.RemoveTrustedBrowser(r.Context(), r.session, id, s.client(r.Request)); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// sessionPathID reads the {id} of a session or trusted browser; a malformed
// one is simply not found.
func sessionPathID(r *request) (int64, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return 0, sessions.ErrNoSuchSession
	}
	return id, nil
}
