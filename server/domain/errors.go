package domain

import "errors"

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
