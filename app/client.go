package webapp

import (
	"context"
	"errors"

	"github.com/warden-auth/warden/shared"
)

// callAPI is the app's one way to the server (client_js.go in the browser).
// It sends in as JSON, decodes a 2xx answer into out, and returns every
// failure as a *shared.Error whose Message can be shown to the user.
var callAPI func(ctx context.Context, method, path string, in, out any) error = fetchJSON

var errOffline = &shared.Error{Code: shared.EUnavailable, Message: "Could not reach the server. Check your connection and try again."}

// answerError turns a non-2xx answer into the error to show: the server's own
// JSON error when there is one, otherwise a message for the status.
func answerError(status int, body []byte, decode func([]byte, any) error) *shared.Error {
	var e shared.Error
	if decode(body, &e) == nil && e.Code != "" && e.Message != "" {
		return &e
	}
	switch {
	case status == 401:
		return &shared.Error{Code: shared.EUnauthenticated, Message: "Please log in."}
	case status >= 500:
		return &shared.Error{Code: shared.EUnavailable, Message: "The server is having trouble. Please try again in a moment."}
	}
	return &shared.Error{Code: shared.EInternal, Message: "Something went wrong. Please try again."}
}

// errorCode returns the code of an error from callAPI.
func errorCode(err error) string {
	var e *shared.Error
	if errors.As(err, &e) {
		return e.Code
	}
	return shared.ErrorCode(err)
}

// errorMessage returns what to show the user for an error from callAPI.
func errorMessage(err error) string {
	var e *shared.Error
	if errors.As(err, &e) && e.Message != "" {
		return e.Message
	}
	return "Something went wrong. Please try again."
}
