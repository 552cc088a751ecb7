package main

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/warden-auth/warden/server/store"
	"github.com/warden-auth/warden/server/store/storetest"
)

// The command line takes account names by the panel's rule: one that hides
// characters is refused in words, one that looks like an account's is that
// account (user create) or taken (account create).
func TestCLI_AccountNamesThatLookLikeAnotherAreRefused(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			dbURL, dir := storetest.URL(t, dialect)
			env := map[string]string{"DATA_DIR": dir, "DATABASE_URL": dbURL}
			cli := func(stdin string, args ...string) (string, error) {
				var out strings.Builder
				err := run(context.Background(), args, func(k string) string { return env[k] }, strings.NewReader(stdin), &out, io.Discard)
				return out.String(), err
			}
			if out, err := cli("", "account", "create", "--name", "ACME"); err != nil || !strings.Contains(out, `"ACME"`) {
				t.Fatalf("create ACME: %q %v", out, err)
			}
			for _, name := range []string{"AC\u200bME", "ACME\u200d", "\u202eEMCA"} {
				if out, err := cli("", "account", "create", "--name", name); err == nil || !strings.Contains(err.Error(), "invisible characters") {
					t.Errorf("account create %+q: %q %v", name, out, err)
				}
				if out, err := cli("sturdy violet harbor lamp\n", "user", "create", "--username", "bob", "--account", name); err == nil ||
					!strings.Contains(err.Error(), "invisible characters") {
					t.Errorf("user create in %+q: %q %v", name, out, err)
				}
			}
			for _, name := range []string{"ａｃｍｅ", "acme"} {
				if out, err := cli("", "account", "create", "--name", name); err == nil || !strings.Contains(err.Error(), "looks the same") {
					t.Errorf("account create %+q: %q %v", name, out, err)
				}
			}
			out, err := cli("sturdy violet harbor lamp\n", "user", "create", "--username", "bob", "--account", "ａｃｍｅ")
			if err != nil || !strings.Contains(out, `in account "ACME"`) {
				t.Fatalf("user create in ａｃｍｅ: %q %v", out, err)
			}
			st, err := store.Open(context.Background(), dbURL, dir)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			accounts, err := st.Accounts(context.Background())
			if err != nil || len(accounts) != 1 || accounts[0].Name != "ACME" {
				t.Errorf("accounts: %+v %v", accounts, err)
			}
		})
	}
}
