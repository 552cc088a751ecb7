package httpapi

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"github.com/warden-auth/warden/server/auth/passwords"
	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/server/httpapi/body"
	"github.com/warden-auth/warden/shared"
	"github.com/warden-auth/warden/shared/words"
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
	errNotFound         = shared.Fail(shared.ENotFound, words.NothingHere)
	errMethodNotAllowed = shared.Fail(shared.EMethodNotAllowed, words.MethodNotAllowed)
	errForbidden        = shared.Fail(shared.EForbidden, words.NoPermission)
	errEnrollment       = shared.Fail(shared.EEnrollmentRequired, words.SetUpTwoFactorFirst)
	errPasswordChange   = shared.Fail(shared.EPasswordChange, words.ChooseNewPasswordFirst)
	errUnavailable      = shared.Fail(shared.EUnavailable, words.TemporarilyUnavailable)
	errBusy             = shared.Fail(shared.EUnavailable, words.ManySigningIn).WithRetryAfter(2)
	errInternal         = shared.Fail(shared.EInternal, words.InternalError)
	errCrossOrigin      = shared.Fail(shared.ECrossOrigin, words.OtherSitesRefused)
	errMisdirected      = shared.Fail(shared.EMisdirected, words.WrongHostName)
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
	// The one place an error is said to its reader: in the request's
	// language, its code the same in every one.
	body.WriteJSON(w, status, e.In(words.In(r.Context())))
}
