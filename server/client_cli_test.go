package main

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/warden-auth/warden/server/auth/core"
	"github.com/warden-auth/warden/server/store"
	"github.com/warden-auth/warden/server/store/storetest"
)

// registerClient runs `server client create` with args and returns the
// client_id and the secret it printed.
func registerClient(t *testing.T, env map[string]string, args ...string) (id, secret string) {
	t.Helper()
	out, err := runCLI(env, append([]string{"client", "create"}, args...)...)
	if err != nil {
		t.Fatalf("client create: %q %v", out, err)
	}
	i := regexp.MustCompile(`client_id:\s+(\S+)`).FindStringSubmatch(out)
	s := regexp.MustCompile(`client_secret:\s+(\S+)`).FindStringSubmatch(out)
	if i == nil || s == nil {
		t.Fatalf("client create printed %q", out)
	}
	return i[1], s[1]
}

// `server client ...`: a confidential client's secret is printed once and
// stored only as a hash; a rotation replaces it; a public client has none;
// a redirect URI that no exact match could make safe is refused; delete
// removes the client.
func TestCLI_ClientsAreCreatedListedRotatedAndDeleted(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			dbURL, dir := storetest.URL(t, dialect)
			env := map[string]string{"DATA_DIR": dir, "DATABASE_URL": dbURL}
			if out, err := runCLI(env, "account", "create", "--name", "Initech"); err != nil {
				t.Fatalf("account create: %q %v", out, err)
			}
			id, secret := registerClient(t, env, "--name", "Reports", "--redirect-uri", "https://reports.example.com/cb",
				"--account", "Initech", "--role", "admin", "--require", "urn:warden:acr:mfa",
				"--post-logout-redirect-uri", "https://reports.example.com/bye")
			pub, err := runCLI(env, "client", "create", "--name", "SPA", "--public", "--redirect-uri", "http://localhost:5173/cb")
			if err != nil || strings.Contains(pub, "client_secret") {
				t.Fatalf("public client: %q %v", pub, err)
			}
			for _, bad := range []string{"https://app.example.com/cb#x", "http://app.example.com/cb", "/cb", "https://u@app.example.com/cb"} {
				if out, err := runCLI(env, "client", "create", "--name", "Bad", "--redirect-uri", bad); err == nil {
					t.Errorf("%s was registered: %q", bad, out)
				}
				if out, err := runCLI(env, "client", "create", "--name", "Bad", "--redirect-uri", "https://app.example.com/cb", "--post-logout-redirect-uri", bad); err == nil {
					t.Errorf("%s was registered as a post-logout address: %q", bad, out)
				}
			}
			if out, err := runCLI(env, "client", "create", "--name", "Bad", "--redirect-uri", "https://app.example.com/cb", "--require", "gold"); err == nil {
				t.Errorf("an unknown acr was registered: %q", out)
			}
			list, err := runCLI(env, "client", "list")
			if err != nil || !strings.Contains(list, id+"\tReports\tconfidential\taccount ") || !strings.Contains(list, "\tSPA\tpublic\tevery account\tevery role\thttp://localhost:5173/cb") ||
				strings.Contains(list, secret) {
				t.Fatalf("client list: %q %v", list, err)
			}

			st, err := store.Open(context.Background(), dbURL, dir)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			c, err := st.Client(context.Background(), id)
			if err != nil || string(c.SecretHash) != string(core.HashToken(secret)) || c.Roles != "admin" || c.AccountID == nil ||
				c.MinACR != "urn:warden:acr:mfa" || c.PostLogoutRedirectURIs != "https://reports.example.com/bye" {
				t.Fatalf("stored: %+v %v", c, err)
			}
			rotated, err := runCLI(env, "client", "rotate-secret", "--id", id)
			again := regexp.MustCompile(`client_secret:\s+(\S+)`).FindStringSubmatch(rotated)
			if err != nil || again == nil || again[1] == secret {
				t.Fatalf("rotate-secret: %q %v", rotated, err)
			}
			if c, _ := st.Client(context.Background(), id); string(c.SecretHash) != string(core.HashToken(again[1])) {
				t.Fatal("the rotated secret is not the stored one")
			}
			if out, err := runCLI(env, "client", "delete", "--id", id); err != nil {
				t.Fatalf("delete: %q %v", out, err)
			}
			if _, err := st.Client(context.Background(), id); err == nil {
				t.Fatal("the deleted client is still there")
			}
			if _, err := runCLI(env, "client", "delete", "--id", id); err == nil {
				t.Fatal("deleting it again succeeded")
			}
		})
	}
}
