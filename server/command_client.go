package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"

	"github.com/warden-auth/warden/server/auth"
	"github.com/warden-auth/warden/server/auth/idp"
)

// clientCommand runs `server client ...`: the applications that sign their
// users in with Warden (OpenID Connect).
func clientCommand(ctx context.Context, cfg config, args []string, sio stdio) error {
	return subcommand(ctx, cfg, args, sio, map[string]command{
		"create": createClient, "list": listClients, "rotate-secret": rotateClientSecret, "delete": deleteClient,
	}, "usage: server client create|list|rotate-secret|delete")
}

// listFlag is a flag given once per value.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, " ") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// createClient runs `server client create --name NAME --redirect-uri URI... [--account NAME] [--public] [--role ROLE...] [--require ACR] [--post-logout-redirect-uri URI...]`.
func createClient(ctx context.Context, cfg config, args []string, sio stdio) error {
	fs := flag.NewFlagSet("client create", flag.ContinueOnError)
	fs.SetOutput(sio.err)
	var nc idp.NewClient
	var redirects, roles listFlag
	fs.StringVar(&nc.Name, "name", "", "the application's name")
	var postLogouts listFlag
	fs.Var(&postLogouts, "post-logout-redirect-uri", "an address its logout may send the browser back to (exact; repeat for more)")
	fs.Var(&redirects, "redirect-uri", "an address the application receives its code at (exact; repeat for more)")
	account := fs.String("account", "", "the account whose users may use it (default: every account's)")
	fs.BoolVar(&nc.Public, "public", false, "no secret: a browser or native app, which must use PKCE (S256)")
	fs.Var(&roles, "role", "a role that may use it (repeat for more; default: every role)")
	fs.StringVar(&nc.MinACR, "require", "", "the proof every sign-in must give: "+idp.ACRMultiFactor+" (2FA) or "+idp.ACRPhishingResistant+" (a security key or passkey)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	nc.RedirectURIs, nc.PostLogoutRedirectURIs, nc.Roles = redirects, postLogouts, roles
	svc, closeStore, err := cliService(ctx, cfg, sio.err)
	if err != nil {
		return err
	}
	defer closeStore()
	if *account != "" {
		a, err := svc.Accounts.Store.AccountByName(ctx, *account)
		if err != nil {
			return cliError(err)
		}
		nc.AccountID = &a.ID
	}
	c, secret, err := svc.IDP.CreateClient(ctx, nc)
	if err != nil {
		return cliError(err)
	}
	fmt.Fprintf(sio.out, "Created client %q.\nclient_id:     %s\n", c.Name, c.ID)
	if secret != "" {
		fmt.Fprintf(sio.out, "client_secret: %s\nThe secret is shown this once: keep it now.\n", secret)
	}
	return nil
}

// listClients runs `server client list`.
func listClients(ctx context.Context, cfg config, _ []string, sio stdio) error {
	svc, closeStore, err := cliService(ctx, cfg, sio.err)
	if err != nil {
		return err
	}
	defer closeStore()
	cs, err := svc.IDP.Clients.Clients(ctx)
	if err != nil {
		return cliError(err)
	}
	for _, c := range cs {
		kind, account, roles := "confidential", "every account", "every role"
		if c.Public() {
			kind = "public"
		}
		if c.AccountID != nil {
			account = fmt.Sprintf("account %d", *c.AccountID)
		}
		if c.Roles != "" {
			roles = c.Roles
		}
		fmt.Fprintf(sio.out, "%s\t%s\t%s\t%s\t%s\t%s\n", c.ID, c.Name, kind, account, roles, strings.Join(c.Redirects(), " "))
	}
	return nil
}

// onClient runs f for the client that `server client NAME --id ID` names,
// with the rules over the database.
func onClient(ctx context.Context, cfg config, name string, args []string, sio stdio, f func(svc *auth.Service, id string) error) error {
	fs := flag.NewFlagSet("client "+name, flag.ContinueOnError)
	fs.SetOutput(sio.err)
	id := fs.String("id", "", "the client_id")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *id == "" {
		return errors.New("--id is required")
	}
	svc, closeStore, err := cliService(ctx, cfg, sio.err)
	if err != nil {
		return err
	}
	defer closeStore()
	return f(svc, *id)
}

// rotateClientSecret runs `server client rotate-secret --id ID`.
func rotateClientSecret(ctx context.Context, cfg config, args []string, sio stdio) error {
	return onClient(ctx, cfg, "rotate-secret", args, sio, func(svc *auth.Service, id string) error {
		secret, err := svc.IDP.RotateSecret(ctx, id)
		if err != nil {
			return cliError(err)
		}
		fmt.Fprintf(sio.out, "client_secret: %s\nThe secret is shown this once; the old one no longer works.\n", secret)
		return nil
	})
}

// deleteClient runs `server client delete --id ID`.
func deleteClient(ctx context.Context, cfg config, args []string, sio stdio) error {
	return onClient(ctx, cfg, "delete", args, sio, func(svc *auth.Service, id string) error {
		if err := svc.IDP.Clients.DeleteClient(ctx, id); err != nil {
			return cliError(err)
		}
		fmt.Fprintf(sio.out, "Deleted client %s; its tokens no longer work.\n", id)
		return nil
	})
}
