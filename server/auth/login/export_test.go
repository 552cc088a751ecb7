package login

import (
	"context"
	"time"

	"github.com/warden-auth/warden/server/auth/core"
	"github.com/warden-auth/warden/server/auth/history"
	"github.com/warden-auth/warden/server/auth/stage"
	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/shared"
)

// Walk runs one step of u's from the stage from on event, through advance,
// as every step runs: for the walk over every pair (stages_test.go).
func (s *Service) Walk(ctx context.Context, from string, event stage.Event, end []byte, u *domain.User, c core.Client, now time.Time) (*Result, error) {
	return s.advance(ctx, move{from: from, event: event, end: end, user: u, client: c, now: now,
		record: history.LoginEvent(u.Username, u, shared.MethodPassword, c, now)})
}
