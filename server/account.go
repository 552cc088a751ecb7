package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/warden-auth/warden/server/auth/core"
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
	svc, closeStore, err := cliService(ctx, cfg, stderr)
	if err != nil {
		return err
	}
	defer closeStore()
	a, err := svc.Accounts.CreateAccount(ctx, nil, *name, core.Client{})
	if err != nil {
		return cliError(err)
	}
	fmt.Fprintf(stdout, "Created account %q (id %d).\n", a.Name, a.ID)
	return nil
}
