package httpapi

import (
	"encoding/base64"
	"net/http"

	"github.com/warden-auth/warden/server/auth"
	"github.com/warden-auth/warden/shared"
)

// handleSetup starts connecting an authenticator: a new pending secret, its
// otpauth URI and QR code. This is the only answer that ever carries the
// secret, and only while it is pending.
func (s *Server) handleSetup(w http.ResponseWriter, r *request) error {
	setup, err := s.auth.SetupTOTP(r.Context(), r.session.User)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, wireSetup(setup))
	return nil
}

// wireSetup is a setup as the app gets it, from the API or in a page.
func wireSetup(setup *auth.TOTPSetup) shared.TOTPSetup {
	return shared.TOTPSetup{
		Secret:     setup.Secret,
		OTPAuthURL: setup.URL,
		QRPNG:      base64.StdEncoding.EncodeToString(setup.QRPNG),
	}
}

// handleConnect confirms the pending secret with a code. An enrolling
// session becomes a full one with a new cookie.
func (s *Server) handleConnect(w http.ResponseWriter, r *request) error {
	return loginStep(s, w, r, func(req shared.CodeRequest) (*auth.LoginResult, any, error) {
		done, err := s.auth.ConnectTOTP(r.Context(), r.session, r.stage, req.Code, s.client(r.Request))
		if err != nil {
			return nil, nil, err
		}
		return done.Session, shared.ConnectResponse{RecoveryCodes: done.RecoveryCodes}, nil
	})
}

// handleLoginTOTP is the second login step with an authenticator code.
func (s *Server) handleLoginTOTP(w http.ResponseWriter, r *request) error {
	return loginStep(s, w, r, func(req shared.SecondStepRequest) (*auth.LoginResult, any, error) {
		res, err := s.auth.VerifyTOTP(r.Context(), r.session, req.Code, req.RememberBrowser, s.client(r.Request))
		if err != nil {
			return nil, nil, err
		}
		return res, shared.LoginResponse{Next: res.Next}, nil
	})
}

// handleLoginRecovery is the second login step with a recovery code.
func (s *Server) handleLoginRecovery(w http.ResponseWriter, r *request) error {
	return loginStep(s, w, r, func(req shared.SecondStepRequest) (*auth.LoginResult, any, error) {
		res, left, err := s.auth.LoginWithRecoveryCode(r.Context(), r.session, req.Code, req.RememberBrowser, s.client(r.Request))
		if err != nil {
			return nil, nil, err
		}
		return res, shared.RecoveryLoginResponse{Next: res.Next, RecoveryCodesLeft: left}, nil
	})
}

// handleRegenerateCodes replaces the recovery codes; a current
// authenticator code or a security key proves it is the user.
func (s *Server) handleRegenerateCodes(w http.ResponseWriter, r *request) error {
	req, err := decode[shared.RegenerateCodesRequest](w, r.Request)
	if err != nil {
		return err
	}
	var codes []string
	if len(req.Credential) > 0 {
		codes, err = s.auth.RegenerateRecoveryCodesWithKey(r.Context(), r.session, s.relyingParty(r.Request), req.Credential, s.client(r.Request))
	} else {
		codes, err = s.auth.RegenerateRecoveryCodes(r.Context(), r.session.User, req.Code, s.client(r.Request))
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, shared.ConnectResponse{RecoveryCodes: codes})
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
