package httpapi

import (
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/warden-auth/warden/server/auth/factor"
	"github.com/warden-auth/warden/server/auth/login"
	"github.com/warden-auth/warden/server/httpapi/body"
	"github.com/warden-auth/warden/shared"
)

// relyingParty is the WebAuthn relying party of a request: PUBLIC_URL when
// set (publicOnly has refused other hosts), else the host the request names,
// which is what the browser that sent it sees. Browsers give hosts in lower
// case, and the RP id is hashed as it is.
func (s *Server) relyingParty(r *http.Request) factor.RP {
	if u := s.publicURL; u != nil {
		return factor.RP{ID: strings.ToLower(u.Hostname()), Origin: u.Scheme + "://" + strings.ToLower(u.Host)}
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	host := strings.ToLower(r.Host)
	id, _, err := net.SplitHostPort(host)
	if err != nil {
		id = host
	}
	return factor.RP{ID: id, Origin: scheme + "://" + host}
}

// handleMethods lists the caller's second factors.
func (s *Server) handleMethods(w http.ResponseWriter, r *request) error {
	methods, err := s.auth.Factors.Methods(r.Context(), r.session.User)
	if err != nil {
		return err
	}
	body.WriteJSON(w, http.StatusOK, shared.MethodsResponse{Methods: methods})
	return nil
}

// handleAddKeyBegin answers the creation options for a new key.
func (s *Server) handleAddKeyBegin(w http.ResponseWriter, r *request) error {
	req, err := body.Decode[shared.KeyNameRequest](w, r.Request)
	if err != nil {
		return err
	}
	options, err := s.auth.WebAuthn.BeginAddKey(r.Context(), r.session, s.relyingParty(r.Request), req.Name)
	if err != nil {
		return err
	}
	body.WriteJSON(w, http.StatusOK, options)
	return nil
}

// handleAddKeyFinish stores the new key; an enrolling session becomes a
// full one with a new cookie.
func (s *Server) handleAddKeyFinish(w http.ResponseWriter, r *request) error {
	return loginStep(s, w, r, func(req shared.CredentialRequest) (*login.Result, any, error) {
		done, res, err := s.auth.Login.Enrol(r.Context(), r.session, r.stage, shared.FactorSecurityKey,
			factor.Input{Credential: req.Credential, RP: s.relyingParty(r.Request)}, s.client(r.Request))
		if err != nil {
			return nil, nil, err
		}
		return res, shared.KeyAddedResponse{Method: *done.Method, RecoveryCodes: done.RecoveryCodes}, nil
	})
}

// handleRenameMethod renames a security key.
func (s *Server) handleRenameMethod(w http.ResponseWriter, r *request) error {
	req, err := body.Decode[shared.KeyNameRequest](w, r.Request)
	if err != nil {
		return err
	}
	m, err := s.auth.Factors.RenameMethod(r.Context(), r.session.User, r.PathValue("id"), req.Name)
	if err != nil {
		return err
	}
	body.WriteJSON(w, http.StatusOK, m)
	return nil
}

// handleRemoveMethod removes a second factor; the last one as Disconnect.
func (s *Server) handleRemoveMethod(w http.ResponseWriter, r *request) error {
	req, err := body.Decode[shared.RemoveMethodRequest](w, r.Request)
	if err != nil {
		return err
	}
	loggedOut, err := s.auth.Factors.RemoveMethod(r.Context(), r.session, r.PathValue("id"), req.Password, req.Confirm, s.client(r.Request))
	if err != nil {
		return err
	}
	if loggedOut {
		s.clearSession(w, r.Request)
	}
	body.WriteJSON(w, http.StatusOK, shared.DisconnectResponse{LoggedOut: loggedOut})
	return nil
}

// handleLoginKeyBegin answers the request options of the second step.
func (s *Server) handleLoginKeyBegin(w http.ResponseWriter, r *request) error {
	options, err := s.auth.WebAuthn.BeginKeyLogin(r.Context(), r.session, s.relyingParty(r.Request))
	if err != nil {
		return err
	}
	body.WriteJSON(w, http.StatusOK, options)
	return nil
}

// handleLoginKeyFinish is the second login step with a security key.
func (s *Server) handleLoginKeyFinish(w http.ResponseWriter, r *request) error {
	return loginStep(s, w, r, func(req shared.CredentialRequest) (*login.Result, any, error) {
		res, err := s.auth.Login.SecondStep(r.Context(), r.session, shared.FactorSecurityKey,
			factor.Input{Credential: req.Credential, RP: s.relyingParty(r.Request)}, false, s.client(r.Request))
		if err != nil {
			return nil, nil, err
		}
		return res, shared.LoginResponse{Next: res.Next}, nil
	})
}

// handleLoginPasskeyBegin answers the request options of a passkey
// sign-in, and gives the browser its sealed ceremony to bring back.
func (s *Server) handleLoginPasskeyBegin(w http.ResponseWriter, r *request) error {
	begun, err := s.auth.Login.BeginPasskeyLogin(r.Context(), s.relyingParty(r.Request), s.client(r.Request))
	if err != nil {
		return err
	}
	s.setPasskeyCeremony(w, r.Request, begun.Ceremony, begun.Expires)
	body.WriteJSON(w, http.StatusOK, begun.Options)
	return nil
}

// handleLoginPasskeyFinish signs in with a passkey alone; the session the
// request came with, if any, ends. The ceremony is over whatever the
// outcome: the browser forgets it, and a new try begins again.
func (s *Server) handleLoginPasskeyFinish(w http.ResponseWriter, r *request) error {
	var ceremony string
	if ck, err := r.Cookie(s.cookiePrefix(r.Request) + passkeyCookieName); err == nil {
		ceremony = ck.Value
		s.setPasskeyCeremony(w, r.Request, "", time.Time{})
	}
	return loginStep(s, w, r, func(req shared.CredentialRequest) (*login.Result, any, error) {
		res, err := s.auth.Login.FinishPasskeyLogin(r.Context(), s.relyingParty(r.Request), req.Credential, ceremony, s.client(r.Request), s.sessionToken(r.Request))
		if err != nil {
			return nil, nil, err
		}
		return res, shared.LoginResponse{Next: res.Next}, nil
	})
}

// handleReauthKeyBegin answers the request options of a proof with a
// security key, for POST /api/me/reauth or /api/2fa/recovery-codes.
func (s *Server) handleReauthKeyBegin(w http.ResponseWriter, r *request) error {
	options, err := s.auth.WebAuthn.BeginKeyProof(r.Context(), r.session, s.relyingParty(r.Request))
	if err != nil {
		return err
	}
	body.WriteJSON(w, http.StatusOK, options)
	return nil
}

// handleLoginMethods answers what the password step did (the second-factor
// kinds, whether the browser may be remembered), for a page reloaded at the
// second step.
func (s *Server) handleLoginMethods(w http.ResponseWriter, r *request) error {
	body.WriteJSON(w, http.StatusOK, s.auth.Factors.SecondStep(r.session.User))
	return nil
}
