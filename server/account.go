package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"

	"github.com/warden-auth/warden/server/auth"
	"github.com/warden-auth/warden/server/sealing"
	"github.com/warden-auth/warden/shared"
)

// accountCommand runs `server account ...`.
func accountCommand(ctx context.Context, cfg config, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "create" {
		return createAccount(ctx, cfg, args[1:], stdout, stderr)
	}
	fmt.Fprint(stderr, usage)
	return errors.New("usage: server account create --name NAME")
}

// createAccount runs `server account create --name NAME`.
func createAccount(ctx context.Context, cfg config, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("account create", flag.ContinueOnError)
	fs.SetOutput(stderr)
	name := fs.String("name", "", "the new account's name")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *name == "" {
		return errors.New("--name is required")
	}
	st, _, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	// Creating an account seals nothing, so no key is loaded.
	svc := auth.New(st, sealing.Ephemeral(), slog.New(slog.NewTextHandler(stderr, nil)))
	a, err := svc.CreateAccount(ctx, nil, *name, auth.Client{})
	if err != nil {
		return cliError(err)
	}
	fmt.Fprintf(stdout, "Created account %q (id %d).\n", a.Name, a.ID)
	return nil
}

// cliError renders the API's errors in words for a terminal.
func cliError(err error) error {
	var e *shared.Error
	if errors.As(err, &e) {
		return errors.New(describe(e))
	}
	return err
}
