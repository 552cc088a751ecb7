package main

import (
	"context"
	"sync/atomic"
	"time"
)

// withClock gives a server started with startOn(ctx) the clock now for its
// rules (sessions, codes, grace periods).
func withClock(ctx context.Context, now func() time.Time) context.Context {
	return context.WithValue(ctx, clockKey{}, now)
}

// movedClock is the real clock moved ahead by a test: a browser's codes and
// cookies keep working, while the server lives days later.
type movedClock struct{ ahead atomic.Int64 }

func (c *movedClock) now() time.Time            { return time.Now().Add(time.Duration(c.ahead.Load())) }
func (c *movedClock) moveAhead(d time.Duration) { c.ahead.Add(int64(d)) }
