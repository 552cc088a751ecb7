// Package history is what happened, for the user and their administrators
// to read: the login history (every attempt at a step, a lock's refusals as
// one row) and the audit log (every change an administrator or the user
// made to how an account is protected).
package history

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/warden-auth/warden/server/auth/core"
	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/shared"
)

// Store is what history needs kept.
type Store interface {
	RecordLoginEvent(ctx context.Context, e *domain.LoginEvent) error
	// RecordBlockedAttempt counts an attempt into the row of its lock
	// (LoginEvent.LockPeriod), adding it if it is the first.
	RecordBlockedAttempt(ctx context.Context, e *domain.LoginEvent) error
	LoginEvents(ctx context.Context, f domain.LoginEventFilter) (events []domain.LoginEvent, next int64, err error)
	DeleteLoginEventsBefore(ctx context.Context, before time.Time) (int64, error)
	// RecordAudit writes e and its notice, if any, in one transaction.
	RecordAudit(ctx context.Context, e *domain.AuditEvent) error
	AuditEvents(ctx context.Context, accountID, before int64, limit int) (events []domain.AuditEvent, next int64, err error)
}

// Service records and reads the history.
type Service struct {
	*core.Env
	Store Store
}

// New returns the history kept in st.
func New(env *core.Env, st Store) *Service { return &Service{Env: env, Store: st} }

// RecordAudit writes e (and its notice, if any).
func (s *Service) RecordAudit(ctx context.Context, e *domain.AuditEvent) error {
	return s.Store.RecordAudit(ctx, e)
}

// AuditPage is a page of an account's audit log, newest first.
func (s *Service) AuditPage(ctx context.Context, accountID int64, q shared.HistoryQuery) (shared.AuditPage, error) {
	events, next, err := s.Store.AuditEvents(ctx, accountID, q.Before, q.Limit)
	if err != nil {
		return shared.AuditPage{}, err
	}
	page := shared.AuditPage{Events: make([]shared.AuditEvent, len(events)), Next: shared.FormatCursor(next)}
	for i, e := range events {
		page.Events[i] = shared.AuditEvent{ID: e.ID, Time: core.RFC3339(&e.CreatedAt), Actor: e.ActorName,
			Action: e.Action, Target: e.TargetName, IP: e.IP, Detail: e.Detail}
	}
	return page, nil
}

// Sweep deletes the login events past their retention.
func (s *Service) Sweep(ctx context.Context) (int64, error) {
	return s.Store.DeleteLoginEventsBefore(ctx, s.Now().Add(-s.HistoryRetention))
}

// LoginEvent starts the history's record of one login step from c under the
// name username; u is the user it is for (nil while, or when, the name
// matches nobody). The step's outcome fills in Result and Reason.
func LoginEvent(username string, u *domain.User, method string, c core.Client, now time.Time) *domain.LoginEvent {
	e := &domain.LoginEvent{CreatedAt: now, Username: username, IP: c.IP, UserAgent: c.UserAgent, Method: method}
	if u != nil {
		e.UserID, e.AccountID = &u.ID, &u.AccountID
	}
	return e
}

// Fail records a failed attempt and returns the answer for it.
func (s *Service) Fail(ctx context.Context, e *domain.LoginEvent, reason string, answer error) error {
	e.Result, e.Reason = shared.ResultFailure, reason
	if err := s.Store.RecordLoginEvent(ctx, WithTime(e, s.Now())); err != nil {
		return err
	}
	return answer
}

func WithTime(e *domain.LoginEvent, now time.Time) *domain.LoginEvent {
	e.CreatedAt = now
	return e
}

// Blocked records an attempt a lock refused without checking anything (key
// is locked until until) and returns answer. A lock's attempts are one row
// of the history, counted, not a row each: a locked client may knock
// thousands of times, and each knock would be a row kept for months, in
// the owner's history too. The row is found by the lock's key and end, in
// the database, so every server process counts into the same one.
func (s *Service) Blocked(ctx context.Context, e *domain.LoginEvent, key string, until time.Time, reason string, answer error) error {
	now := s.Now()
	period := key + "@" + strconv.FormatInt(until.UnixMicro(), 10)
	e.Result, e.Reason, e.CreatedAt, e.LastAt, e.LockPeriod = shared.ResultFailure, reason, now, &now, &period
	if err := s.Store.RecordBlockedAttempt(ctx, e); err != nil {
		return err
	}
	return answer
}

// Audit builds an audit event for an action by actor (nil: the command
// line) on target (nil: the account itself).
func (s *Service) Audit(accountID int64, actor *domain.User, action string, target *domain.User, c core.Client, detail string) *domain.AuditEvent {
	e := &domain.AuditEvent{CreatedAt: s.Now(), AccountID: accountID, ActorName: shared.ActorCommandLine, Action: action,
		IP: core.Clip(c.IP, 64), Detail: detail}
	if actor != nil {
		e.ActorID, e.ActorName = &actor.ID, actor.Username
	}
	if target != nil {
		e.TargetID, e.TargetName = &target.ID, target.Username
	}
	return e
}

// MyLogins is a page of the session's user's own login history, newest
// first.
func (s *Service) MyLogins(ctx context.Context, sess *domain.Session, q shared.HistoryQuery) (shared.LoginEventPage, error) {
	return s.LoginEvents(ctx, domain.LoginEventFilter{UserID: sess.UserID, Before: q.Before, Limit: q.Limit, OnlyFails: q.FailedOnly}, false)
}

// LoginEvents reads a page of login events for the wire; withUsername adds
// the attempted name, for views across users.
func (s *Service) LoginEvents(ctx context.Context, f domain.LoginEventFilter, withUsername bool) (shared.LoginEventPage, error) {
	events, next, err := s.Store.LoginEvents(ctx, f)
	if err != nil {
		return shared.LoginEventPage{}, err
	}
	page := shared.LoginEventPage{Events: make([]shared.LoginEvent, len(events)), Next: shared.FormatCursor(next)}
	for i, e := range events {
		page.Events[i] = shared.LoginEvent{
			ID: e.ID, Time: core.RFC3339(&e.CreatedAt), Result: e.Result, Method: e.Method,
			Reason: e.Reason, IP: e.IP, UserAgent: e.UserAgent, Methods: strings.Fields(e.Methods), Pending: e.Pending,
		}
		if e.LockPeriod != nil {
			page.Events[i].Attempts, page.Events[i].LastTime = e.Attempts, core.RFC3339(e.LastAt)
		}
		if withUsername {
			page.Events[i].Username = e.Username
		}
	}
	return page, nil
}
