package main

import (
	"context"
	"errors"
	"io"
	"log/slog"

	"github.com/warden-auth/warden/server/auth"
	"github.com/warden-auth/warden/server/sealing"
	"github.com/warden-auth/warden/shared"
)

// cliService opens the store for a command of the command line (user,
// account) and gives it the rules. These commands seal and open nothing,
// so no key is loaded. closeStore ends it.
func cliService(ctx context.Context, cfg config, stderr io.Writer) (svc *auth.Service, closeStore func() error, err error) {
	st, _, err := openStore(ctx, cfg)
	if err != nil {
		return nil, nil, err
	}
	svc = auth.New(storesOf(st), sealing.Ephemeral(), slog.New(slog.NewTextHandler(stderr, nil)))
	if _, err := configureMail(svc, cfg); err != nil {
		st.Close()
		return nil, nil, err
	}
	return svc, st.Close, nil
}

// cliError says a refusal of the rules in words, as the command line prints
// it; other errors stay as they are.
func cliError(err error) error {
	var e *shared.Error
	if errors.As(err, &e) {
		return errors.New(describe(e))
	}
	return err
}
