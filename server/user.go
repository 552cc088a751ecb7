package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/warden-auth/warden/server/auth"
	"github.com/warden-auth/warden/server/secretbox"
	"github.com/warden-auth/warden/shared"
)

// userCommand runs `server user ...`.
func userCommand(ctx context.Context, cfg config, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "create" {
		fmt.Fprint(stderr, usage)
		return errors.New("usage: server user create --username NAME [--admin] [--account NAME]")
	}
	fs := flag.NewFlagSet("user create", flag.ContinueOnError)
	fs.SetOutput(stderr)
	username := fs.String("username", "", "the new user's name")
	admin := fs.Bool("admin", false, "make the user an administrator")
	account := fs.String("account", auth.DefaultAccount, "the account (created if missing)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *username == "" {
		return errors.New("--username is required")
	}
	// One line of standard input, so that `echo pw | server user create` and
	// a password manager's pipe both work; the password never sits in argv.
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("read the password: %w", err)
	}
	password := strings.TrimRight(line, "\r\n")

	st, _, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	// Creating a user seals nothing, so no key is loaded.
	svc := auth.New(st, secretbox.Ephemeral(), slog.New(slog.NewTextHandler(stderr, nil)))
	role := shared.RoleUser
	if *admin {
		role = shared.RoleAdmin
	}
	u, err := svc.CreateUser(ctx, *username, password, role, *account)
	if err != nil {
		var e *shared.Error
		if errors.As(err, &e) {
			return errors.New(describe(e))
		}
		return err
	}
	fmt.Fprintf(stdout, "Created %s %q in account %q.\n", role, u.Username, u.Account.Name)
	return nil
}

// describe renders a validation error for a terminal.
func describe(e *shared.Error) string {
	var b strings.Builder
	b.WriteString(e.Message)
	for field, msg := range e.Fields {
		fmt.Fprintf(&b, "\n  %s: %s", field, msg)
	}
	return b.String()
}
