package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"

	"github.com/warden-auth/warden/server/auth"
	"github.com/warden-auth/warden/server/mail"
	"github.com/warden-auth/warden/server/sealing"
	"github.com/warden-auth/warden/server/store"
	"github.com/warden-auth/warden/shared"
)

// What the commands share. Each command is a function of the commands
// table (main.go) in a file of its own (command_*.go).

// stdio is where a command reads and writes.
type stdio struct {
	in       io.Reader
	out, err io.Writer
}

// command runs `server NAME ARGS...` (args: what follows NAME) with cfg.
type command func(ctx context.Context, cfg config, args []string, sio stdio) error

// subcommand runs the command of commands that args name first (`server
// user create ...`), and prints the usage and errors with short when there
// is none.
func subcommand(ctx context.Context, cfg config, args []string, sio stdio, commands map[string]command, short string) error {
	if len(args) > 0 {
		if cmd, ok := commands[args[0]]; ok {
			return cmd(ctx, cfg, args[1:], sio)
		}
	}
	fmt.Fprint(sio.err, usage)
	return errors.New(short)
}

// openStore opens and migrates the database.
func openStore(ctx context.Context, cfg config) (*store.Store, []string, error) {
	st, err := store.Open(ctx, cfg.DatabaseURL, cfg.DataDir)
	if err != nil {
		return nil, nil, err
	}
	applied, err := st.Migrate(ctx)
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	return st, applied, nil
}

// configureMail gives svc the mail settings of cfg, and returns the SMTP
// server to send through (nil when mail is off). The command line writes
// mail too (a new user's link), which the servers send.
func configureMail(svc *auth.Service, cfg config) (*mail.SMTP, error) {
	svc.MailCaps.PerDay = cfg.MailPerDay
	svc.LinkBase = cfg.linkBase()
	if cfg.SMTPURL == "" && cfg.MailFrom == "" {
		return nil, nil
	}
	mailer, err := mail.Parse(cfg.SMTPURL, cfg.MailFrom)
	if err != nil {
		return nil, err
	}
	svc.MailEnabled = true
	return mailer, nil
}

// storesOf is st as each concern of auth needs it: it serves every one.
func storesOf(st *store.Store) auth.Stores {
	return auth.Stores{Health: st, History: st, Notices: st, Throttle: st, Keys: st, Factors: st, Recovery: st, TOTP: st,
		WebAuthn: st, Sessions: st, Login: st, Accounts: st, Users: st, IDP: st, IDPClients: st}
}

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
