package main

import (
	"context"
	"strings"
	"testing"

	"github.com/warden-auth/warden/server/store"
	"github.com/warden-auth/warden/server/store/storetest"
)

// Accounts the command line makes allow passkey sign-in, as the panel's do
// (README: on by default): `account create`, and the account `user create
// --account` makes when it does not exist.
func TestCLI_AccountsItCreatesAllowPasskeySignIn(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			dbURL, dir := storetest.URL(t, dialect)
			env := map[string]string{"DATA_DIR": dir, "DATABASE_URL": dbURL}
			if out, err := runCLI(env, "account", "create", "--name", "Initech"); err != nil || !strings.Contains(out, "Initech") {
				t.Fatalf("account create: %q %v", out, err)
			}
			var out strings.Builder
			err := run(context.Background(), []string{"user", "create", "--username", "ivan", "--account", "Umbrella"},
				func(k string) string { return env[k] }, strings.NewReader("sturdy violet harbor lamp\n"), &out, &out)
			if err != nil {
				t.Fatalf("user create: %q %v", out.String(), err)
			}
			st, err := store.Open(context.Background(), dbURL, dir)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			for _, name := range []string{"Initech", "Umbrella"} {
				a, err := st.AccountByName(context.Background(), name)
				if err != nil || !a.PasskeysAllowed {
					t.Errorf("%s: %+v %v", name, a, err)
				}
			}
		})
	}
}
