package domain

import (
	"context"
	"errors"
)

// Sentinel errors; test with errors.Is.
var (
	ErrNotFound    = errors.New("not found")
	ErrConflict    = errors.New("conflict")
	ErrUnavailable = errors.New("database unavailable")

	// ErrReplay: a TOTP code for a time step at or before the last accepted one.
	ErrReplay = errors.New("code already used")
	// ErrLocked: second-factor attempts are locked for now.
	ErrLocked = errors.New("locked out")
)

// Tx runs fn in one transaction of the database: every store call fn makes
// with the context it gets joins it, so a step that writes several concerns,
// each through the store interface its own package declares, commits once
// or not at all. It is the one transaction type those interfaces share
// (server/store implements it).
type Tx interface {
	InTx(ctx context.Context, fn func(ctx context.Context) error) error
}
