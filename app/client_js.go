//go:build js && wasm

package webapp

import (
	"context"
	"syscall/js"
)

// fetch calls the browser's fetch directly: linking net/http into the
// wasm would add its whole client for the same request (see the README's
// size figures). When ctx ends first, the request is aborted and ctx's
// error returned.
func fetch(ctx context.Context, method, path string, body []byte) (int, []byte, error) {
	abort := js.Global().Get("AbortController").New()
	stop := context.AfterFunc(ctx, func() { abort.Call("abort") })
	defer stop()
	headers := map[string]any{"Accept": "application/json"}
	opts := map[string]any{"method": method, "credentials": "same-origin", "headers": headers, "signal": abort.Get("signal")}
	if body != nil {
		headers["Content-Type"] = "application/json"
		opts["body"] = string(body)
	}
	res, err := await(js.Global().Call("fetch", path, opts))
	if err == nil {
		var text js.Value
		// The signal aborts reading the body too.
		if text, err = await(res.Call("text")); err == nil {
			return res.Get("status").Int(), []byte(text.String()), nil
		}
	}
	if ctx.Err() != nil {
		return 0, nil, ctx.Err()
	}
	return 0, nil, err
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
	// Always until the promise settles, never only until ctx ends: releasing
	// the callbacks while the promise can still call them would crash the
	// app. fetch's abort signal makes it settle soon after ctx ends.
	r := <-done
	return r.v, r.err
}
