// Command server runs Warden: the HTTP API and the PWA, and the
// administration commands (see usage). main only wires the process to run,
// so tests can start the whole program in-process.
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

func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	cmd := ""
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "", "serve":
		return serve(ctx, cfg, stdout, stderr)
	case "migrate":
		return migrateOnly(ctx, cfg, stdout)
	case "user":
		return userCommand(ctx, cfg, args, stdin, stdout, stderr)
	case "account":
		return accountCommand(ctx, cfg, args, stdout, stderr)
	case "keys":
		return keysCommand(ctx, cfg, args, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", cmd)
}
