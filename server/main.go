// Command server runs Warden: the HTTP API and the PWA, and the
// administration commands (see usage). main only wires the process to run,
// so tests can start the whole program in-process; run reads the
// configuration (config.go) and runs a command of the table below, each in
// a file of its own (command_*.go) with what they share in commands.go.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// version is the build's identity, set by the Makefile with
// -ldflags "-X main.version=...". It names the PWA's cache.
var version string

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	limitMemory(os.Getenv)
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}

const usage = `Warden: sign-in and two-factor authentication.

Usage:
  server                      run the server (also: server serve)
  server migrate              apply database migrations and exit
  server account create --name NAME
                              create an account
  server user create --username NAME [--account NAME] [--role user|admin|platform_admin] [--email ADDR]
                              create a user (--admin: --role admin); the password is read from
                              standard input, must be strong, and is one-time: changed at the first login
  server user set-password --username NAME
                              give a user a one-time password (from standard input); their sessions end
  server user set-role --username NAME --role user|admin|platform_admin
                              change a user's role
  server user reset-2fa --username NAME
                              switch a user's 2FA off (lost phone) and end their sessions
  server client create --name NAME --redirect-uri URI [--redirect-uri URI...] [--account NAME] [--public] [--role ROLE...] [--require ACR] [--post-logout-redirect-uri URI...]
                              register an application that signs its users in with Warden (OpenID Connect);
                              a confidential one's secret is shown once, a public one must use PKCE
  server client list          the registered applications
  server client rotate-secret --id ID
                              give a client a new secret (shown once); the old one and its tokens stop working
  server client delete --id ID
                              remove a client and its tokens
  server keys status          per key id of SECRET_KEY, how many stored values still need it
  server help                 show this help

Environment:
  ADDR            listen address (default :8000)
  DATA_DIR        SQLite file and generated keys (default ./data)
  DATABASE_URL    postgres://... selects PostgreSQL; empty means SQLite in DATA_DIR
  WEB_ROOT        the folder that holds web/ (default .)
  PUBLIC_URL      where users reach the server, e.g. https://login.example.com: other hosts
                  are refused, state changes must come from it, https means Secure cookies and HSTS
  SECURE_COOKIES  true to mark cookies Secure behind a TLS-terminating proxy
  SECRET_KEY      keys sealing TOTP secrets, "id:base64key[,old-id:base64key]"
                  (default: generated into DATA_DIR/secret.key)
  ISSUER          the name authenticator apps show (default Warden)
  TRUSTED_PROXIES CIDRs of reverse proxies whose X-Forwarded-For is believed
  LOGIN_HISTORY_DAYS  days login events are kept (default 180)
  REAUTH_WINDOW   how long the password or a code, once given, allows sensitive actions (default 10m)
  DEBUG_ADDR      where to serve Go's profiles (/debug/pprof/), e.g. 127.0.0.1:6060 (default: nowhere)
`

// commands are the server's commands, by the name that runs each (usage).
var commands = map[string]command{
	"":        serveCommand,
	"serve":   serveCommand,
	"migrate": migrateCommand,
	"user":    userCommand,
	"account": accountCommand,
	"keys":    keysCommand,
	"client":  clientCommand,
	"help": func(_ context.Context, _ config, _ []string, sio stdio) error {
		fmt.Fprint(sio.out, usage)
		return nil
	},
}

// run loads the configuration from getenv and runs the command args name.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	name := ""
	if len(args) > 0 {
		name, args = args[0], args[1:]
	}
	if name == "-h" || name == "--help" {
		name = "help"
	}
	cmd, ok := commands[name]
	if !ok {
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("unknown command %q", name)
	}
	return cmd(ctx, cfg, args, stdio{in: stdin, out: stdout, err: stderr})
}
