package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/warden-auth/warden/server/auth"
	"github.com/warden-auth/warden/server/auth/accounts"
	"github.com/warden-auth/warden/shared"
)

// userCommand runs `server user ...`.
func userCommand(ctx context.Context, cfg config, args []string, sio stdio) error {
	return subcommand(ctx, cfg, args, sio, map[string]command{
		"create": createUser, "set-password": setPassword, "reset-2fa": resetTwoFactor, "set-role": setRole,
	}, "usage: server user create|set-password|reset-2fa|set-role --username NAME")
}

// setRole runs `server user set-role --username NAME --role ROLE`: also the
// way to name a platform administrator when none can log in.
func setRole(ctx context.Context, cfg config, args []string, sio stdio) error {
	fs := flag.NewFlagSet("user set-role", flag.ContinueOnError)
	fs.SetOutput(sio.err)
	username := fs.String("username", "", "whose role to change")
	role := fs.String("role", "", "user, admin or platform_admin")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *username == "" || *role == "" {
		return errors.New("--username and --role are required")
	}
	svc, closeStore, err := cliService(ctx, cfg, sio.err)
	if err != nil {
		return err
	}
	defer closeStore()
	u, err := svc.Accounts.SetRoleByUsername(ctx, *username, *role)
	if err != nil {
		return cliError(err)
	}
	fmt.Fprintf(sio.out, "%q is now %s.\n", u.Username, u.Role)
	return nil
}

// roleFlags resolves --role and its short form --admin.
func roleFlags(role string, admin bool) (string, error) {
	switch {
	case admin && role != "" && role != shared.RoleAdmin:
		return "", fmt.Errorf("--admin means --role admin, not %s", role)
	case admin:
		return shared.RoleAdmin, nil
	case role == "":
		return shared.RoleUser, nil
	}
	return role, nil
}

// resetTwoFactor runs `server user reset-2fa --username NAME`: for a user
// who lost their phone, when no administrator can log in to do it.
func resetTwoFactor(ctx context.Context, cfg config, args []string, sio stdio) error {
	fs := flag.NewFlagSet("user reset-2fa", flag.ContinueOnError)
	fs.SetOutput(sio.err)
	username := fs.String("username", "", "whose two-factor authentication to reset")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *username == "" {
		return errors.New("--username is required")
	}
	svc, closeStore, err := cliService(ctx, cfg, sio.err)
	if err != nil {
		return err
	}
	defer closeStore()
	u, err := svc.Accounts.ResetTwoFactorByUsername(ctx, *username)
	if err != nil {
		return cliError(err)
	}
	fmt.Fprintf(sio.out, "Two-factor authentication of %q is reset: secret and recovery codes deleted, sessions ended.\n"+
		"At the next login they can connect an authenticator again.\n", u.Username)
	return nil
}

// createUser runs `server user create`.
func createUser(ctx context.Context, cfg config, args []string, sio stdio) error {
	fs := flag.NewFlagSet("user create", flag.ContinueOnError)
	fs.SetOutput(sio.err)
	username := fs.String("username", "", "the new user's name")
	admin := fs.Bool("admin", false, "make the user an administrator (--role admin)")
	roleName := fs.String("role", "", "user (the default), admin or platform_admin")
	account := fs.String("account", accounts.DefaultAccount, "the account (created if missing)")
	email := fs.String("email", "", "where the user's security notices go by e-mail (optional)")
	svc, password, closeStore, err := passwordCommand(ctx, cfg, sio, fs, args, username)
	if err != nil {
		return err
	}
	defer closeStore()
	role, err := roleFlags(*roleName, *admin)
	if err != nil {
		return err
	}
	// The operator knows this password: it is one-time, scored as the
	// user's own choice would be, and a weak one is refused with why.
	u, err := svc.Accounts.CreateOneTimeUser(ctx, *username, password, role, *account, *email)
	if err != nil {
		return cliError(err)
	}
	fmt.Fprintf(sio.out, "Created %s %q in account %q. The password is one-time: they choose their own at the first login.\n",
		role, u.Username, u.Account.Name)
	switch {
	case *email != "" && svc.MailEnabled:
		fmt.Fprintf(sio.out, "A link to confirm %s goes out by mail (the server sends it); notices go there once it is confirmed.\n", *email)
	case *email != "":
		fmt.Fprintf(sio.out, "%s waits for confirmation, but no mail is sent without SMTP_URL and MAIL_FROM.\n", *email)
	}
	return nil
}

// setPassword runs `server user set-password --username NAME`: a one-time
// password from standard input, for a user who forgot theirs; their
// sessions end.
func setPassword(ctx context.Context, cfg config, args []string, sio stdio) error {
	fs := flag.NewFlagSet("user set-password", flag.ContinueOnError)
	fs.SetOutput(sio.err)
	username := fs.String("username", "", "whose password to set")
	svc, password, closeStore, err := passwordCommand(ctx, cfg, sio, fs, args, username)
	if err != nil {
		return err
	}
	defer closeStore()
	u, err := svc.Accounts.SetOneTimePasswordByUsername(ctx, *username, password)
	if err != nil {
		return cliError(err)
	}
	fmt.Fprintf(sio.out, "The password of %q is set, one-time: they choose their own at the next login. Their sessions have ended.\n", u.Username)
	return nil
}

// passwordCommand parses a command's flags, reads the password it takes for
// the user named by the flag username from standard input, and opens the
// rules for it; closeStore ends them.
func passwordCommand(ctx context.Context, cfg config, sio stdio, fs *flag.FlagSet, args []string,
	username *string) (svc *auth.Service, password string, closeStore func() error, err error) {
	if err := fs.Parse(args); err != nil {
		return nil, "", nil, err
	}
	if *username == "" {
		return nil, "", nil, errors.New("--username is required")
	}
	if password, err = readPassword(sio.in); err != nil {
		return nil, "", nil, err
	}
	svc, closeStore, err = cliService(ctx, cfg, sio.err)
	return svc, password, closeStore, err
}

// readPassword reads one line of standard input, so that `echo pw | server
// user create` and a password manager's pipe both work; the password never
// sits in argv.
func readPassword(stdin io.Reader) (string, error) {
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read the password: %w", err)
	}
	return strings.TrimRight(line, "\r\n"), nil
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
