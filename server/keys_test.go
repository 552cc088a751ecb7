package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/warden-auth/warden/server/sealing"
	"github.com/warden-auth/warden/server/store"
	"github.com/warden-auth/warden/server/store/storetest"
)

// runCLI runs the program once with env and returns what it printed. A
// server that starts when it should not is stopped after a few seconds.
func runCLI(env map[string]string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var out strings.Builder
	err := run(ctx, args, func(k string) string { return env[k] }, strings.NewReader(""), &out, io.Discard)
	return out.String(), err
}

// Two servers on one PostgreSQL, each with its own DATA_DIR and no
// SECRET_KEY: the second would generate a key of its own and answer 500 to
// every user of the first. It must refuse to start and say how to share
// the key; with the first one's key it starts.
func TestServer_ASecondServerWithAnotherKeyRefusesToStart(t *testing.T) {
	dbURL, firstDir := storetest.URL(t, store.Postgres)
	start(t, dbURL, firstDir)
	secondDir := t.TempDir()
	_, err := runCLI(serverEnv(dbURL, secondDir))
	if err == nil || !strings.Contains(err.Error(), "same SECRET_KEY") {
		t.Fatalf("a second server with a key of its own: %v", err)
	}
	key, err := os.ReadFile(filepath.Join(firstDir, sealing.KeyFile))
	if err != nil {
		t.Fatal(err)
	}
	start(t, dbURL, secondDir, "SECRET_KEY", strings.TrimSpace(string(key)))
}

// `server keys status` tells an operator, after a rotation, when the old
// key can go.
func TestCLI_KeysStatusSaysWhenARetiredKeyCanGo(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			dbURL, dir := storetest.URL(t, dialect)
			k1, _ := sealing.Generate("k1")
			k2, _ := sealing.Generate("k2")
			start(t, dbURL, dir, "SECRET_KEY", k1)
			status := func(spec string) string {
				t.Helper()
				out, err := runCLI(serverEnv(dbURL, dir, "SECRET_KEY", spec), "keys", "status")
				if err != nil {
					t.Fatalf("keys status: %v", err)
				}
				return out
			}
			row := func(out, id string) string {
				for _, line := range strings.Split(out, "\n") {
					if strings.HasPrefix(line, id+" ") {
						return strings.Join(strings.Fields(line), " ")
					}
				}
				t.Fatalf("no row for %s in\n%s", id, out)
				return ""
			}

			// The new key is first, but no server has started with it.
			out := status(k2 + "," + k1)
			if r := row(out, "k1"); !strings.HasPrefix(r, "k1 old 0 0 0 1 still needed") {
				t.Fatalf("before a restart: %q\n%s", r, out)
			}
			// A start re-seals the database's key under k2.
			start(t, dbURL, dir, "SECRET_KEY", k2+","+k1)
			out = status(k2 + "," + k1)
			if r := row(out, "k1"); !strings.HasPrefix(r, "k1 old 0 0 0 0 can be dropped") {
				t.Fatalf("after a restart: %q\n%s", r, out)
			}
			if r := row(out, "k2"); !strings.HasPrefix(r, "k2 current 0 0 0 1") {
				t.Fatalf("the current key: %q\n%s", r, out)
			}
			// A ring that lacks what the database needs says so.
			out = status(k1)
			if r := row(out, "k2"); !strings.HasPrefix(r, "k2 MISSING 0 0 0 1 put it back") {
				t.Fatalf("a missing key: %q\n%s", r, out)
			}
			if _, err := runCLI(serverEnv(dbURL, dir, "SECRET_KEY", k1)); err == nil {
				t.Fatal("a server without the key that seals the database's key started")
			}
			// keys status never makes a key of its own.
			if _, err := runCLI(serverEnv(dbURL, t.TempDir()), "keys", "status"); err == nil || !strings.Contains(err.Error(), "no keys") {
				t.Fatalf("keys status without keys: %v", err)
			}
		})
	}
}
