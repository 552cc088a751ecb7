package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/warden-auth/warden/server/auth"
	"github.com/warden-auth/warden/server/sealing"
)

// keysCommand runs `server keys status`.
func keysCommand(ctx context.Context, cfg config, args []string, sio stdio) error {
	return subcommand(ctx, cfg, args, sio, map[string]command{"status": keysStatus}, "usage: server keys status")
}

// keysStatus runs `server keys status`.
func keysStatus(ctx context.Context, cfg config, args []string, sio stdio) error {
	if len(args) != 0 {
		fmt.Fprint(sio.err, usage)
		return errors.New("usage: server keys status")
	}
	// Unlike the server, a status never makes a key: a missing one is news.
	if strings.TrimSpace(cfg.SecretKey) == "" {
		if _, err := os.Stat(filepath.Join(cfg.DataDir, sealing.KeyFile)); err != nil {
			return fmt.Errorf("no keys: SECRET_KEY is not set and %s cannot be read (%w)", filepath.Join(cfg.DataDir, sealing.KeyFile), err)
		}
	}
	keys, _, err := sealing.Load(cfg.SecretKey, cfg.DataDir)
	if err != nil {
		return fmt.Errorf("load the secret-encryption key: %w", err)
	}
	st, _, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	svc := auth.New(storesOf(st), keys, slog.New(slog.NewTextHandler(sio.err, nil)))
	status, err := svc.SealedKeys.Status(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(sio.out, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "KEY ID\tSTATE\tAUTHENTICATORS\tPENDING SET-UPS\tRECOVERY CODES\tSEALED KEYS\tVERDICT")
	for _, k := range status {
		state, verdict := "old", "can be dropped from SECRET_KEY"
		switch {
		case k.Current:
			state, verdict = "current", "seals new values"
		case !k.InRing:
			state, verdict = "MISSING", "put it back into SECRET_KEY after the current key"
			if k.Total() == k.PendingTOTP {
				verdict = "only unconfirmed set-ups need it; they start again"
			}
		case k.Total() > 0:
			verdict = "still needed: keep it (each user's secret is re-sealed at their next login)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%d\t%s\n", k.KeyID, state, k.TOTPSecrets, k.PendingTOTP, k.RecoveryCodes, k.SealedKeys, verdict)
	}
	return tw.Flush()
}
