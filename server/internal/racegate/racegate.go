// Package racegate lets a test hold racing requests at one point of their
// way (just before the write that guards what they race for) until every
// one of them has arrived, and then let them go together, or one by one.
// A race started this way runs alike on every run and on any number of
// cores: all racers have read what they read before any of them writes, so
// a write that lost its guard lets more than one win every time, not only
// when the scheduler happens to interleave them.
package racegate

import (
	"context"
	"sync"
	"testing"
	"time"
)

// Gate is one holding point. Its zero value is not usable: call New.
type Gate struct {
	arrivals chan struct{}
	pass     chan struct{}
	open     chan struct{}
	opened   sync.Once
}

// maxRacers bounds how many callers may be held at once.
const maxRacers = 1024

// New returns a closed gate.
func New() *Gate {
	return &Gate{arrivals: make(chan struct{}, maxRacers), pass: make(chan struct{}, maxRacers), open: make(chan struct{})}
}

// Wait is the point itself: it tells the test the caller arrived and holds
// it until the test lets it go, or until ctx ends (the racer's request was
// given up: it goes on, and fails as it would).
func (g *Gate) Wait(ctx context.Context) {
	select {
	case <-g.open:
		return // no longer a race: nobody counts arrivals
	default:
	}
	g.arrivals <- struct{}{}
	select {
	case <-g.pass:
	case <-g.open:
	case <-ctx.Done():
	}
}

// Await returns once n more callers have arrived, or fails the test when
// they have not within a minute: a racer was refused before the point,
// which is a failure of its own.
func (g *Gate) Await(tb testing.TB, n int) {
	tb.Helper()
	timeout := time.NewTimer(time.Minute)
	defer timeout.Stop()
	for i := range n {
		select {
		case <-g.arrivals:
		case <-timeout.C:
			tb.Fatalf("racegate: %d of %d racers arrived", i, n)
		}
	}
}

// Pass lets n held callers go (or the next n to arrive).
func (g *Gate) Pass(n int) {
	for range n {
		g.pass <- struct{}{}
	}
}

// Open lets every held caller go, and every later one through. Opening an
// open gate does nothing, so a test may defer it for when it fails early.
func (g *Gate) Open() { g.opened.Do(func() { close(g.open) }) }
