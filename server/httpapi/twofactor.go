package httpapi

import (
	"encoding/base64"
	"net/http"

	"github.com/warden-auth/warden/server/auth/factor"
	"github.com/warden-auth/warden/server/auth/factor/totp"
	"github.com/warden-auth/warden/server/auth/login"
	"github.com/warden-auth/warden/server/httpapi/body"
	"github.com/warden-auth/warden/shared"
)

// handleSetup starts connecting an authenticator: a new pending secret, its
// otpauth URI and QR code. This is the only answer that ever carries the
// secret, and only while it is pending.
func (s *Server) handleSetup(w http.ResponseWriter, r *request) error {
	setup, err := s.auth.TOTP.Setup(r.Context(), r.session.User)
	if err != nil {
		return err
	}
	body.WriteJSON(w, http.StatusOK, wireSetup(setup))
	return nil
}

// wireSetup is a setup as the app gets it, from the API or in a page.
func wireSetup(setup *totp.Setup) shared.TOTPSetup {
	return shared.TOTPSetup{
		Secret:     setup.Secret,
		OTPAuthURL: setup.URL,
		QRPNG:      base64.StdEncoding.EncodeToString(setup.QRPNG),
	}
}

// handleConnect confirms the pending secret with a code. An enrolling
// session becomes a full one with a new cookie.
func (s *Server) handleConnect(w http.ResponseWriter, r *request) error {
	return loginStep(s, w, r, func(req shared.CodeRequest) (*login.Result, any, error) {
		done, res, err := s.auth.Login.Enrol(r.Context(), r.session, r.stage, shared.FactorTOTP, factor.Input{Code: req.Code}, s.client(r.Request))
		if err != nil {
			return nil, nil, err
		}
		return res, shared.ConnectResponse{RecoveryCodes: done.RecoveryCodes}, nil
	})
}

// codeStep is the second login step with a typed code of kind: one from
// the authenticator app, or a recovery code, whose answer says how many are
// left.
func (s *Server) codeStep(kind string) handlerFunc {
	return func(w http.ResponseWriter, r *request) error {
		return loginStep(s, w, r, func(req shared.SecondStepRequest) (*login.Result, any, error) {
			res, err := s.auth.Login.SecondStep(r.Context(), r.session, kind, factor.Input{Code: req.Code}, req.RememberBrowser, s.client(r.Request))
			switch {
			case err != nil:
				return nil, nil, err
			case kind == shared.MethodRecoveryCode:
				return res, shared.RecoveryLoginResponse{Next: res.Next, RecoveryCodesLeft: res.CodesLeft}, nil
			}
			return res, shared.LoginResponse{Next: res.Next}, nil
		})
	}
}

// handleRegenerateCodes replaces the recovery codes; a current
// authenticator code or a security key proves it is the user.
func (s *Server) handleRegenerateCodes(w http.ResponseWriter, r *request) error {
	req, err := body.Decode[shared.RegenerateCodesRequest](w, r.Request)
	if err != nil {
		return err
	}
	codes, err := s.auth.Recovery.Regenerate(r.Context(), r.session,
		factor.Input{Code: req.Code, Credential: req.Credential, RP: s.relyingParty(r.Request)}, s.client(r.Request))
	if err != nil {
		return err
	}
	body.WriteJSON(w, http.StatusOK, shared.ConnectResponse{RecoveryCodes: codes})
	return nil
}

// handleDisconnect switches the caller's 2FA off. When the account forces
// 2FA and the user confirmed, every session ends, this one included.
func (s *Server) handleDisconnect(w http.ResponseWriter, r *request) error {
	req, err := body.Decode[shared.DisconnectRequest](w, r.Request)
	if err != nil {
		return err
	}
	loggedOut, err := s.auth.Factors.Disconnect(r.Context(), r.session, req.Password, req.Confirm, s.client(r.Request))
	if err != nil {
		return err
	}
	if loggedOut {
		s.clearSession(w, r.Request)
	}
	body.WriteJSON(w, http.StatusOK, shared.DisconnectResponse{LoggedOut: loggedOut})
	return nil
}
