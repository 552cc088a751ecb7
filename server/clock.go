package main

import (
	"context"
	"time"
)

// clockKey carries a test's clock for the auth rules into serve through
// run's context. Only this package's tests set it (withClock, in
// clock_test.go): there is no variable, flag or setting that could move a
// production server's clock.
type clockKey struct{}

// clockOf is the clock ctx carries, else the system's.
func clockOf(ctx context.Context) func() time.Time {
	if now, ok := ctx.Value(clockKey{}).(func() time.Time); ok {
		return now
	}
	return time.Now
}
