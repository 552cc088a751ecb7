package httpapi

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/warden-auth/warden/server/auth"
	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/server/internal/racegate"
	"github.com/warden-auth/warden/server/store"
)

// hookedStore is the service's store with a test's hook run before some of
// its writes, inside the request that makes them: after the service has
// read and checked what it needed, just before the write that must hold.
// There a hook can hold racing requests at a gate (racegate) or change the
// database under a request whose checks have passed. Tests only: the
// server's own store has no such thing.
type hookedStore struct {
	*store.Store
	mu     sync.Mutex
	before map[string]func(ctx context.Context)
}

// stores is h as every concern of auth needs it.
func (h *hookedStore) stores() auth.Stores {
	return auth.Stores{Health: h, History: h, Notices: h, Throttle: h, Keys: h, Factors: h, Recovery: h, TOTP: h,
		WebAuthn: h, Sessions: h, Login: h, Accounts: h, Users: h, IDP: h, IDPClients: h}
}

// storesOf is st, without hooks, as every concern of auth needs it.
func storesOf(st *store.Store) auth.Stores { return (&hookedStore{Store: st}).stores() }

// hookable names the store methods a hook can run before.
var hookable = map[string]bool{}

func init() {
	for _, m := range []string{"CompleteLoginStep", "ReserveCodeAttempt", "LockCodes", "SetTwoFactorPolicy",
		"SetRememberBrowserDays", "SetPasskeysAllowed", "ChangeUser", "RequestEmail", "ConfirmEmail", "UnlockUser", "SwitchOff", "TakeAuthCode"} {
		hookable[m] = true
	}
}

func (h *hookedStore) at(ctx context.Context, method string) {
	h.mu.Lock()
	f := h.before[method]
	h.mu.Unlock()
	if f != nil {
		f(ctx)
	}
}

// hook runs f before every call of the store's method, until the returned
// function (or the test's end) removes it.
func (e *env) hook(method string, f func(ctx context.Context)) (remove func()) {
	e.t.Helper()
	if !hookable[method] {
		e.t.Fatalf("no hook before %s: add it to hookedStore", method)
	}
	e.hooks.mu.Lock()
	defer e.hooks.mu.Unlock()
	if e.hooks.before == nil {
		e.hooks.before = map[string]func(context.Context){}
	}
	e.hooks.before[method] = f
	remove = func() {
		e.hooks.mu.Lock()
		defer e.hooks.mu.Unlock()
		delete(e.hooks.before, method)
	}
	e.t.Cleanup(remove)
	return remove
}

// raceAt sends n requests at once (send(i) sends the i-th and returns its
// status) and holds each at the store's method until all n are there, then
// lets them go together: every racer has done its reads and checks before
// any of them writes.
func (e *env) raceAt(t *testing.T, method string, n int, send func(i int) int) []int {
	t.Helper()
	return e.raceAtAny(t, []string{method}, n, send)
}

// raceAtAny is raceAt for racers that write through different methods
// (one confirms an address while another changes it).
func (e *env) raceAtAny(t *testing.T, methods []string, n int, send func(i int) int) []int {
	t.Helper()
	g := racegate.New()
	for _, m := range methods {
		defer e.hook(m, g.Wait)()
	}
	statuses := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { statuses[i] = send(i) })
	}
	g.Await(t, n)
	g.Open()
	wg.Wait()
	return statuses
}

func (h *hookedStore) CompleteLoginStep(ctx context.Context, step domain.LoginStep) error {
	h.at(ctx, "CompleteLoginStep")
	return h.Store.CompleteLoginStep(ctx, step)
}

func (h *hookedStore) ReserveCodeAttempt(ctx context.Context, userID int64, now time.Time) (int, error) {
	h.at(ctx, "ReserveCodeAttempt")
	return h.Store.ReserveCodeAttempt(ctx, userID, now)
}

func (h *hookedStore) LockCodes(ctx context.Context, userID int64, reserved int, now time.Time, threshold int, lockFor func(count int) time.Duration, lockNotice *domain.Notice) (domain.CodeFailure, error) {
	h.at(ctx, "LockCodes")
	return h.Store.LockCodes(ctx, userID, reserved, now, threshold, lockFor, lockNotice)
}

func (h *hookedStore) SetTwoFactorPolicy(ctx context.Context, accountID int64, on bool, graceDays *int, byAdminID int64, now time.Time, audit *domain.AuditEvent) (*domain.Account, error) {
	h.at(ctx, "SetTwoFactorPolicy")
	return h.Store.SetTwoFactorPolicy(ctx, accountID, on, graceDays, byAdminID, now, audit)
}

func (h *hookedStore) SetRememberBrowserDays(ctx context.Context, accountID int64, days int, byAdminID int64, audit *domain.AuditEvent) (*domain.Account, error) {
	h.at(ctx, "SetRememberBrowserDays")
	return h.Store.SetRememberBrowserDays(ctx, accountID, days, byAdminID, audit)
}

func (h *hookedStore) SetPasskeysAllowed(ctx context.Context, accountID int64, on bool, byAdminID int64, audit *domain.AuditEvent) error {
	h.at(ctx, "SetPasskeysAllowed")
	return h.Store.SetPasskeysAllowed(ctx, accountID, on, byAdminID, audit)
}

func (h *hookedStore) ChangeUser(ctx context.Context, userID, byAdminID int64, c domain.UserChange, now time.Time, audits []*domain.AuditEvent) (*domain.User, int64, error) {
	h.at(ctx, "ChangeUser")
	return h.Store.ChangeUser(ctx, userID, byAdminID, c, now, audits)
}

func (h *hookedStore) RequestEmail(ctx context.Context, userID, byAdminID int64, address string, now time.Time, limit int, window time.Duration, audit *domain.AuditEvent) (time.Time, error) {
	h.at(ctx, "RequestEmail")
	return h.Store.RequestEmail(ctx, userID, byAdminID, address, now, limit, window, audit)
}

func (h *hookedStore) ConfirmEmail(ctx context.Context, c *domain.EmailConfirmation, now time.Time, audit *domain.AuditEvent) error {
	h.at(ctx, "ConfirmEmail")
	return h.Store.ConfirmEmail(ctx, c, now, audit)
}

func (h *hookedStore) UnlockUser(ctx context.Context, userID int64, username string, byAdminID int64, now time.Time, audit *domain.AuditEvent) error {
	h.at(ctx, "UnlockUser")
	return h.Store.UnlockUser(ctx, userID, username, byAdminID, now, audit)
}

func (h *hookedStore) SwitchOff(ctx context.Context, userID, byAdminID int64, endSessions bool, now time.Time) (int64, error) {
	h.at(ctx, "SwitchOff")
	return h.Store.SwitchOff(ctx, userID, byAdminID, endSessions, now)
}

func (h *hookedStore) TakeAuthCode(ctx context.Context, codeHash []byte, now, keepUntil time.Time) (*domain.OIDCAuthRequest, error) {
	h.at(ctx, "TakeAuthCode")
	return h.Store.TakeAuthCode(ctx, codeHash, now, keepUntil)
}
