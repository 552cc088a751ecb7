package passwords

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"sync"
)

// Admission to the password checks. Each check holds argon2id's memory while
// it runs, so only as many run at once as there are slots (the memory limit
// decides, server/memory.go), and a request that will check a password first
// takes a place (Admit) among a bounded number: the slots and a short queue
// behind them. Past that it is refused at once, before any other work.
//
// Places and slots are shared among client networks (an IPv4 address, an
// IPv6 /64: NetworkKey): a network holds at most a networkShare-th of
// the places and of the slots (at least one of each), so one network
// flooding the login, whether with unknown names or with an account's right
// password, fills its own share and never the others' room. When a slot
// frees, the waiting check of the network running the fewest goes first,
// in order of arrival among equals.
//
// Checks that are not a client's login step (hashing a new password, the
// password of a signed-in user's change) take slots under no network's
// share: they are bounded by the slots alone.

// waitPerSlot is how many admitted checks may queue per slot: at about
// 50 ms a check, the last in the queue starts within half a second. Beyond
// them a request is refused at once: each one waiting holds a connection,
// its goroutine, its buffers and a database connection's turn, and at
// thousands of clients those, not the hashes, outgrow the memory limit.
const waitPerSlot = 8

// networkShare: a client network may hold at most 1/networkShare of the
// places and of the slots. Four networks flooding at once fill the places;
// one alone leaves three quarters to everyone else.
const networkShare = 4

// ErrBusy is a request refused because the password checks already
// admitted fill every place, or its network's share of them, or because
// its turn did not come before its deadline; the caller should try again in
// a moment.
var ErrBusy = errors.New("passwords: too many password checks waiting")

// gate counts the places and slots taken, in all and per network. Its maps
// and queue hold only networks with a place taken and checks waiting, so
// its memory is bounded by the places.
type gate struct {
	mu       sync.Mutex
	slots    int // capacity: checks that may run at once
	running  int
	admitted int               // places taken
	networks map[string]*usage // entries removed when their network holds nothing
	queue    []*waiter         // checks waiting for a slot, in order of arrival
}

// usage is what one network holds.
type usage struct{ admitted, running int }

type waiter struct {
	use   *usage // nil outside any network's share
	ready chan struct{}
}

func newGate(slots int) *gate {
	return &gate{slots: max(slots, 1), networks: map[string]*usage{}}
}

func (g *gate) places() int     { return (1 + waitPerSlot) * g.slots }
func (g *gate) placeShare() int { return max(1, g.places()/networkShare) }
func (g *gate) slotShare() int  { return max(1, g.slots/networkShare) }

// Place is a request's admission to password checks (Hasher.Admit): its
// checks run under its network's share. Done gives it back.
type Place struct {
	h       *Hasher
	network string
	once    sync.Once
}

// Admit reserves a place for the password checks of a request from the
// client address ip, before the request does any other work (a login's
// database lookups), so that a request shed under a burst costs next to
// nothing. It returns ErrBusy when every place is taken, or the share of
// ip's network; else call Done once the request is over.
func (h *Hasher) Admit(ip string) (*Place, error) {
	g, network := h.gate, NetworkKey(ip)
	g.mu.Lock()
	defer g.mu.Unlock()
	u := g.networks[network]
	if g.admitted >= g.places() || (u != nil && u.admitted >= g.placeShare()) {
		return nil, ErrBusy
	}
	if u == nil {
		u = &usage{}
		g.networks[network] = u
	}
	g.admitted++
	u.admitted++
	return &Place{h: h, network: network}, nil
}

// Done gives the place back; a second call does nothing.
func (p *Place) Done() {
	p.once.Do(func() {
		g := p.h.gate
		g.mu.Lock()
		defer g.mu.Unlock()
		g.admitted--
		if u := g.networks[p.network]; u != nil {
			if u.admitted--; u.admitted == 0 && u.running == 0 {
				delete(g.networks, p.network)
			}
		}
	})
}

// Verify is Hasher.VerifyContext for a check of this place: its slot counts
// toward its network's share.
func (p *Place) Verify(ctx context.Context, password, phc string) (ok, rehash bool, err error) {
	return p.h.verify(ctx, p.network, password, phc)
}

// acquire takes a slot for a check of network ("": none), waiting at most
// until ctx ends (then ErrBusy wrapping ctx's error).
func (g *gate) acquire(ctx context.Context, network string) error {
	w := g.enter(network)
	if w == nil {
		return nil
	}
	select {
	case <-w.ready:
		return nil
	case <-ctx.Done():
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	select {
	case <-w.ready: // granted as the deadline came: give the slot on
		g.stop(w.use)
	default:
		g.queue = slices.DeleteFunc(g.queue, func(q *waiter) bool { return q == w })
	}
	return fmt.Errorf("%w: %w", ErrBusy, ctx.Err())
}

// enter takes a slot for a check of network at once if it may (and returns
// nil), else queues the check: its waiter's ready closes when it has one.
func (g *gate) enter(network string) *waiter {
	g.mu.Lock()
	defer g.mu.Unlock()
	var u *usage
	if network != "" {
		u = g.networks[network]
	}
	// A waiting check that could run has been given its slot already
	// (stop), so a free slot this network may take is its to take.
	if g.mayRun(u) {
		g.run(u)
		return nil
	}
	w := &waiter{use: u, ready: make(chan struct{})}
	g.queue = append(g.queue, w)
	return w
}

// release gives back a slot taken for network.
func (g *gate) release(network string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	var u *usage
	if network != "" {
		u = g.networks[network]
	}
	g.stop(u)
}

func (g *gate) mayRun(u *usage) bool {
	return g.running < g.slots && (u == nil || u.running < g.slotShare())
}

func (g *gate) run(u *usage) {
	g.running++
	if u != nil {
		u.running++
	}
}

// stop ends a check of u and hands the slot to the waiting check of the
// network that runs the fewest (the first to come among equals) that may
// run.
func (g *gate) stop(u *usage) {
	g.running--
	if u != nil {
		u.running--
	}
	for g.running < g.slots {
		next := -1
		for i, w := range g.queue {
			if g.mayRun(w.use) && (next < 0 || runs(w.use) < runs(g.queue[next].use)) {
				next = i
			}
		}
		if next < 0 {
			return
		}
		w := g.queue[next]
		g.queue = slices.Delete(g.queue, next, next+1)
		g.run(w.use)
		close(w.ready)
	}
}

// runs is how many checks u runs (none outside any network's share).
func runs(u *usage) int {
	if u == nil {
		return 0
	}
	return u.running
}

// NetworkKey is the client network of an address, which its password
// checks, and its failures (the login's throttle), count under. An IPv6 host
// is handed a whole /64 (RFC 4291 §2.5.1: the interface identifier is the
// host's own choice), so counting per address would give one attacker 2^64
// fresh counters; a /64 counts as one address.
func NetworkKey(ip string) string {
	addr, err := netip.ParseAddr(ip)
	if err != nil || addr.Unmap().Is4() {
		return "ip:" + ip
	}
	p, _ := addr.Prefix(64)
	return "ip:" + p.String()
}
