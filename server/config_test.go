package main

import (
	"strings"
	"testing"
	"time"
)

func TestLoadConfig_DefaultsAndChecks(t *testing.T) {
	env := func(kv ...string) func(string) string {
		m := map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}
	cfg, err := loadConfig(env())
	if err != nil || cfg.Addr != ":8000" || cfg.DataDir != "data" || cfg.HistoryDays != 180 || cfg.Issuer != "Warden" || cfg.TrustedProxies != nil {
		t.Fatalf("defaults: %+v %v", cfg, err)
	}
	cfg, err = loadConfig(env("TRUSTED_PROXIES", "10.0.0.0/8, 192.0.2.7 ,::1", "LOGIN_HISTORY_DAYS", "30"))
	if err != nil || len(cfg.TrustedProxies) != 3 || cfg.TrustedProxies[1].String() != "192.0.2.7/32" || cfg.HistoryDays != 30 {
		t.Fatalf("set: %+v %v", cfg, err)
	}
	if cfg, err := loadConfig(env("REAUTH_WINDOW", "5m")); err != nil || cfg.ReauthWindow != 5*time.Minute {
		t.Fatalf("REAUTH_WINDOW: %v %v", cfg.ReauthWindow, err)
	}
	for in, want := range map[string]string{
		" https://login.example.com:8443/ ": "https://login.example.com:8443",
		"https://Login.Example.com:443":     "https://login.example.com", // as browsers send Host and Origin
		"http://localhost:80":               "http://localhost",
	} {
		cfg, err = loadConfig(env("PUBLIC_URL", in))
		if err != nil || cfg.PublicURL.String() != want {
			t.Errorf("PUBLIC_URL %q: %v %v, want %s", in, cfg.PublicURL, err, want)
		}
	}
	for _, bad := range [][]string{{"TRUSTED_PROXIES", "10.0.0.0/33"}, {"TRUSTED_PROXIES", "proxy.local"},
		{"LOGIN_HISTORY_DAYS", "0"}, {"LOGIN_HISTORY_DAYS", "a week"},
		{"PUBLIC_URL", "login.example.com"}, {"PUBLIC_URL", "ftp://login.example.com"}, {"PUBLIC_URL", "https://"},
		{"PUBLIC_URL", "https://login.example.com/app"}, {"PUBLIC_URL", "https://admin:pw@login.example.com"},
		{"PUBLIC_URL", "https://login.example.com/?a=b"}, {"REAUTH_WINDOW", "10"}, {"REAUTH_WINDOW", "30s"}, {"REAUTH_WINDOW", "48h"}} {
		if _, err := loadConfig(env(bad...)); err == nil || !strings.Contains(err.Error(), bad[0]) {
			t.Errorf("%v: %v", bad, err)
		}
	}
}
