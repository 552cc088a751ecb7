package main

import (
	"context"
	"fmt"
)

// migrateCommand runs `server migrate`: it applies the pending migrations
// and exits.
func migrateCommand(ctx context.Context, cfg config, _ []string, sio stdio) error {
	st, applied, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	if len(applied) == 0 {
		fmt.Fprintln(sio.out, "The database is up to date.")
	}
	for _, name := range applied {
		fmt.Fprintln(sio.out, "applied", name)
	}
	return nil
}
