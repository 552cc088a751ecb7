package httpapi

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"github.com/warden-auth/warden/server/auth/passwords"
	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/shared"
)

// statusOf is the one table from error codes to HTTP statuses. Every code of
// shared.ErrorCodes has an entry (errors_test.go checks it): a missing one
// would answer 500.
var statusOf = map[string]int{
	shared.EInvalid:            http.StatusBadRequest,
	shared.EUnsupportedMedia:   http.StatusUnsupportedMediaType,
	shared.ETooLarge:           http.StatusRequestEntityTooLarge,
	shared.EUnauthenticated:    http.StatusUnauthorized,
	shared.EWrongCredentials:   http.StatusUnauthorized,
	shared.EWrongCode:          http.StatusUnauthorized,
	shared.EForbidden:          http.StatusForbidden,
	shared.EAccountDisabled:    http.StatusForbidden,
	shared.EEnrollmentRequired: http.StatusForbidden,
	shared.EReauthRequired:     http.StatusForbidden,
	shared.EPasswordChange:     http.StatusForbidden,
	shared.ELinkInvalid:        http.StatusNotFound,
	shared.ELinkExpired:        http.StatusGone,
	shared.ELinkOtherUser:      http.StatusForbidden,
	shared.ECrossOrigin:        http.StatusForbidden,
	shared.ENotFound:           http.StatusNotFound,
	shared.EMethodNotAllowed:   http.StatusMethodNotAllowed,
	shared.EConflict:           http.StatusConflict,
	shared.EConfirmRequired:    http.StatusConflict,
	shared.ETwoFactorRequired:  http.StatusConflict,
	shared.EMisdirected:        http.StatusMisdirectedRequest,
	shared.ENoWebAuthn:         http.StatusBadRequest,
	shared.ERateLimited:        http.StatusTooManyRequests,
	shared.EUnavailable:        http.StatusServiceUnavailable,
	shared.EInternal:           http.StatusInternalServerError,
}

var (
	errNotFound         = shared.Errorf(shared.ENotFound, "There is nothing here.")
	errMethodNotAllowed = shared.Errorf(shared.EMethodNotAllowed, "This method is not allowed here.")
	errForbidden        = shared.Errorf(shared.EForbidden, "You do not have permission to do this.")
	errEnrollment       = shared.Errorf(shared.EEnrollmentRequired, "Set up two-factor authentication to continue.")
	errPasswordChange   = shared.Errorf(shared.EPasswordChange, "Choose a new password to continue.")
	errUnavailable      = shared.Errorf(shared.EUnavailable, "The service is temporarily unavailable. Please try again in a moment.")
	errBusy             = &shared.Error{Code: shared.EUnavailable, RetryAfter: 2, Message: "Many people are signing in right now. Please try again in a few seconds."}
	errInternal         = shared.Errorf(shared.EInternal, "Something went wrong on our side. Please try again.")
	errCrossOrigin      = shared.Errorf(shared.ECrossOrigin, "Requests from other sites are not allowed.")
	errMisdirected      = shared.Errorf(shared.EMisdirected, "This server does not answer for that host name.")
)

// apiError turns any error into what the client may see. Only *shared.Error
// messages reach users; everything else is logged and becomes "internal" (or
// "unavailable" when the database is down), so no driver message leaks.
func (s *Server) apiError(r *http.Request, err error) (*shared.Error, int) {
	var e *shared.Error
	switch {
	case errors.As(err, &e):
	case errors.Is(err, passwords.ErrBusy):
		e = errBusy
	case errors.Is(err, domain.ErrUnavailable), errors.Is(err, context.DeadlineExceeded):
		s.log.Warn("database unavailable", "method", r.Method, "path", r.URL.Path, "err", err)
		e = errUnavailable
	case errors.Is(err, context.Canceled) && r.Context().Err() != nil:
		e = errInternal // the client is gone; nobody reads this answer
	default:
		s.log.Error("internal error", "method", r.Method, "path", r.URL.Path, "err", err)
		e = errInternal
	}
	status, ok := statusOf[e.Code]
	if !ok {
		status = http.StatusInternalServerError
	}
	return e, status
}

func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	e, status := s.apiError(r, err)
	switch {
	case e.RetryAfter > 0:
		w.Header().Set("Retry-After", strconv.Itoa(e.RetryAfter))
	case status == http.StatusServiceUnavailable:
		w.Header().Set("Retry-After", "5")
	}
	if status == http.StatusServiceUnavailable {
		// A client told to come back later need not hold its connection (a
		// goroutine and its buffers here) while it waits.
		w.Header().Set("Connection", "close")
	}
	writeJSON(w, status, e)
}
