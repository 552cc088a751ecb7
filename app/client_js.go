//go:build js && wasm

package webapp

import (
	"context"
	"syscall/js"
)

// fetch calls the browser's fetch directly: linking net/http into the
// wasm would add its whole client for the same request (see the README's
// size figures).
func fetch(_ context.Context, method, path string, body []byte) (int, []byte, error) {
	headers := map[string]any{"Accept": "application/json"}
	opts := map[string]any{"method": method, "credentials": "same-origin", "headers": headers}
	if body != nil {
		headers["Content-Type"] = "application/json"
		opts["body"] = string(body)
	}
	res, err := await(js.Global().Call("fetch", path, opts))
	if err != nil {
		return 0, nil, err
	}
	text, err := await(res.Call("text"))
	if err != nil {
		return 0, nil, err
	}
	return res.Get("status").Int(), []byte(text.String()), nil
}

// await blocks the calling goroutine (never the UI's: callers run in
// ctx.Async) until the promise settles.
func await(promise js.Value) (js.Value, error) {
	type result struct {
		v   js.Value
		err error
	}
	done := make(chan result, 1)
	then := js.FuncOf(func(_ js.Value, args []js.Value) any {
		done <- result{v: args[0]}
		return nil
	})
	catch := js.FuncOf(func(_ js.Value, args []js.Value) any {
		done <- result{err: js.Error{Value: args[0]}}
		return nil
	})
	defer then.Release()
	defer catch.Release()
	promise.Call("then", then).Call("catch", catch)
	// Waiting for the promise even after ctx ends: releasing the callbacks
	// while the promise can still call them would crash the app.
	r := <-done
	return r.v, r.err
}
