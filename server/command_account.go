package main

import (
	"context"
	"errors"
	"flag"
	"fmt"

	"github.com/warden-auth/warden/server/auth/core"
)

// accountCommand runs `server account ...`.
func accountCommand(ctx context.Context, cfg config, args []string, sio stdio) error {
	return subcommand(ctx, cfg, args, sio, map[string]command{"create": createAccount}, "usage: server account create --name NAME")
}

// createAccount runs `server account create --name NAME`.
func createAccount(ctx context.Context, cfg config, args []string, sio stdio) error {
	fs := flag.NewFlagSet("account create", flag.ContinueOnError)
	fs.SetOutput(sio.err)
	name := fs.String("name", "", "the new account's name")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *name == "" {
		return errors.New("--name is required")
	}
	svc, closeStore, err := cliService(ctx, cfg, sio.err)
	if err != nil {
		return err
	}
	defer closeStore()
	a, err := svc.Accounts.CreateAccount(ctx, nil, *name, core.Client{})
	if err != nil {
		return cliError(err)
	}
	fmt.Fprintf(sio.out, "Created account %q (id %d).\n", a.Name, a.ID)
	return nil
}
