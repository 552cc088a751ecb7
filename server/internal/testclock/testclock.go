// Package testclock gives the tests that fix the server's clock their base
// time. It is fixed, so a test's times are the same on every run, and it can
// be moved: TEST_CLOCK_YEARS=5 (or -5) shifts it by whole years, which proves
// that nothing the tests check depends on the date they run on (a cookie
// jar, a database's now() or a TLS certificate read the real clock, not
// this one).
package testclock

import (
	"fmt"
	"os"
	"strconv"
	"time"
)

// Env names the variable that shifts Base by whole years.
const Env = "TEST_CLOCK_YEARS"

// Base is the instant fixed-clock tests start from: 2026-11-23 10:00 UTC, a
// Monday, moved by TEST_CLOCK_YEARS.
var Base = time.Date(2026+years(), 11, 23, 10, 0, 0, 0, time.UTC)

func years() int {
	v := os.Getenv(Env)
	if v == "" {
		return 0
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < -100 || n > 100 {
		panic(fmt.Sprintf("%s=%q: want a whole number of years between -100 and 100", Env, v))
	}
	return n
}

// At is Base moved by d: a time of the test's day without the date in it.
func At(d time.Duration) time.Time { return Base.Add(d) }
