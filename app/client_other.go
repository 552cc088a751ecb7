//go:build !(js && wasm)

package webapp

import (
	"context"
	"errors"
)

// fetch exists only in the browser. Off the browser (prerendering, unit
// tests) components never call it: network calls start in OnMount, which
// go-app runs only on the client, and tests replace sendRequest.
func fetch(context.Context, string, string, []byte) (int, []byte, error) {
	return 0, nil, errors.New("no browser to send the request")
}
