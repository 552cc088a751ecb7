package webapp

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/warden-auth/warden/shared"
	"github.com/warden-auth/warden/shared/words"
)

// sendRequest is the app's one way to the server: it sends body (JSON, or nil
// for none) and returns the answer's status and body, or an error when no
// answer came. It gives up when ctx ends. In the browser it is fetch
// (client_js.go); tests replace it with a fake server.
var sendRequest func(ctx context.Context, method, path string, body []byte) (status int, answer []byte, err error) = fetch

var (
	errOffline = shared.Fail(shared.EUnavailable, words.ErrOffline)
	errTimeout = shared.Fail(shared.EUnavailable, words.ErrTimeout)
)

// callAPI sends in as JSON, decodes a 2xx answer into out, and returns every
// failure as a *shared.Error whose Message can be shown to the user.
func callAPI(ctx context.Context, method, path string, in, out any) error {
	var body []byte
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return errOffline
		}
		body = b
	}
	status, answer, err := sendRequest(ctx, method, path, body)
	switch {
	case err != nil && ctx.Err() != nil:
		return errTimeout
	case err != nil:
		return errOffline
	}
	if status < 200 || status > 299 {
		return answerError(status, answer, json.Unmarshal)
	}
	if out == nil || status == 204 || len(answer) == 0 {
		return nil
	}
	if err := json.Unmarshal(answer, out); err != nil {
		return answerError(500, nil, json.Unmarshal)
	}
	return nil
}

// answerError turns a non-2xx answer into the error to show: the server's own
// JSON error when there is one, otherwise a message for the status.
func answerError(status int, body []byte, decode func([]byte, any) error) *shared.Error {
	var e shared.Error
	if decode(body, &e) == nil && e.Code != "" && e.Message != "" {
		return &e
	}
	switch {
	case status == 401:
		return shared.Fail(shared.EUnauthenticated, words.PleaseLogIn)
	case status >= 500:
		return shared.Fail(shared.EUnavailable, words.ServerTrouble)
	}
	return shared.Fail(shared.EInternal, words.SomethingWentWrong)
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
		return sayError(e).Message
	}
	return say(words.SomethingWentWrong)
}
