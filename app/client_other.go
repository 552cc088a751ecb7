//go:build !(js && wasm)

package webapp

import "context"

// fetchJSON exists only in the browser. Off the browser (prerendering, unit
// tests) components never call it: network calls start in OnMount, which
// go-app runs only on the client.
func fetchJSON(context.Context, string, string, any, any) error { return errOffline }
