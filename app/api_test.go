package webapp

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/warden-auth/warden/shared"
)

// A request that never gets an answer must not leave its form busy: it ends
// after requestTimeout with a message that says so, and the form can be
// sent again.
func TestSend_AHungRequestEndsWithAClearErrorAndTheFormIsUsableAgain(t *testing.T) {
	prevTimeout, prevSend := requestTimeout, sendRequest
	t.Cleanup(func() { requestTimeout, sendRequest = prevTimeout, prevSend })
	requestTimeout = 50 * time.Millisecond
	var deadline time.Duration
	sendRequest = func(ctx context.Context, method, path string, body []byte) (int, []byte, error) {
		if d, ok := ctx.Deadline(); ok {
			deadline = time.Until(d)
		}
		select {
		case <-ctx.Done(): // the server never answers
			return 0, nil, ctx.Err()
		case <-time.After(5 * time.Second):
			return 0, nil, errors.New("the request was never cancelled")
		}
	}
	c := &disconnectOnClient{}
	s := open(t, c)
	s.signIn(&shared.Me{Username: "alice", TOTPEnabled: true})

	start := time.Now()
	openDisconnectForm(s, c)
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("the hung request took %s to end", took)
	}
	if deadline <= 0 || deadline > requestTimeout {
		t.Errorf("the request's context ends in %s, want within %s", deadline, requestTimeout)
	}
	html := s.html()
	contains(t, html, `id="disconnect-error"`, errTimeout.Message)
	if c.busy || attrSet(t, html, "disconnect-submit", "disabled") {
		t.Error("the form is still busy after the request timed out")
	}
	if me := s.user().me; me == nil || !me.TOTPEnabled {
		t.Errorf("a request that timed out changed the user: %+v", me)
	}
}
