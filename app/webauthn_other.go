//go:build !(js && wasm)

package webapp

import (
	"encoding/json"

	"github.com/warden-auth/warden/shared"
	"github.com/warden-auth/warden/shared/words"
)

// Outside the browser (tests, prerendering) there is no authenticator;
// tests replace these.
var errNoAuthenticator = shared.Fail(shared.EInvalid, words.BrowserCannotUseKeys)

// webAuthnState: prerendering on the server cannot know the browser, so
// no key is offered (neither is a reason given) until the app runs there.
var webAuthnState = func() (usable bool, why words.Message) { return false, words.Message{} }

var (
	createCredential = func(options []byte) (json.RawMessage, error) { return nil, errNoAuthenticator }
	getCredential    = func(options []byte) (json.RawMessage, error) { return nil, errNoAuthenticator }
)
