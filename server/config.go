package main

import (
	"cmp"
	"fmt"
	"math"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/warden-auth/warden/server/auth/core"
)

// config is the server's environment, each value with a default that works
// on a fresh machine.
type config struct {
	Addr           string
	DataDir        string
	DatabaseURL    string
	WebRoot        string
	SecureCookies  bool
	SecretKey      string // keys that seal TOTP secrets: "id:base64[,id:base64...]"
	Issuer         string // the name authenticator apps show
	TrustedProxies []netip.Prefix
	HistoryDays    int           // login events older than this are deleted
	PublicURL      *url.URL      // where users reach the server; nil: whatever Host a request names
	ReauthWindow   time.Duration // how long a proof of the user allows sensitive actions
	SMTPURL        string        // where notices go by mail; "" sends none
	MailFrom       string
	MailPerDay     int    // the most mail one recipient address gets in a day
	DebugAddr      string // where the runtime's profiles are served; "" nowhere
}

func loadConfig(getenv func(string) string) (config, error) {
	cfg := config{
		Addr:          cmp.Or(getenv("ADDR"), ":8000"),
		DataDir:       cmp.Or(getenv("DATA_DIR"), "data"),
		DatabaseURL:   getenv("DATABASE_URL"),
		WebRoot:       cmp.Or(getenv("WEB_ROOT"), "."),
		SecureCookies: getenv("SECURE_COOKIES") == "true",
		SecretKey:     getenv("SECRET_KEY"),
		Issuer:        cmp.Or(getenv("ISSUER"), "Warden"),
		SMTPURL:       getenv("SMTP_URL"),
		MailFrom:      getenv("MAIL_FROM"),
		DebugAddr:     getenv("DEBUG_ADDR"),
		HistoryDays:   180,
		ReauthWindow:  10 * time.Minute,
		MailPerDay:    core.DefaultMailPerDay,
	}
	for _, v := range settings {
		if err := v.parse(&cfg, getenv(v.name)); err != nil {
			return cfg, fmt.Errorf("%s: %w", v.name, err)
		}
	}
	return cfg, nil
}

// settings are the variables that need more than a default: each parses its
// value (maybe empty) into the configuration, or says what is wrong with it.
var settings = []struct {
	name  string
	parse func(cfg *config, v string) error
}{
	{"TRUSTED_PROXIES", parseTrustedProxies},
	{"PUBLIC_URL", parsePublicURL},
	{"REAUTH_WINDOW", func(cfg *config, v string) error {
		return parseIn(v, &cfg.ReauthWindow, time.ParseDuration, time.Minute, 24*time.Hour, "is not a duration from 1m to 24h, like 10m")
	}},
	{"MAIL_PER_DAY", func(cfg *config, v string) error {
		return parseIn(v, &cfg.MailPerDay, strconv.Atoi, 1, 1000, "is not a number of mails from 1 to 1000")
	}},
	{"LOGIN_HISTORY_DAYS", func(cfg *config, v string) error {
		return parseIn(v, &cfg.HistoryDays, strconv.Atoi, 1, math.MaxInt, "is not a number of days of at least 1")
	}},
}

// parseIn sets *dst to v parsed, if v is set: a value from lo to hi, else
// an error that quotes v and says what it is not.
func parseIn[T int | time.Duration](v string, dst *T, parse func(string) (T, error), lo, hi T, isNot string) error {
	if v == "" {
		return nil
	}
	n, err := parse(v)
	if err != nil || n < lo || n > hi {
		return fmt.Errorf("%q %s", v, isNot)
	}
	*dst = n
	return nil
}

// parseTrustedProxies reads comma-separated CIDRs; a single address is a
// /32 or /128.
func parseTrustedProxies(cfg *config, v string) error {
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		p, err := netip.ParsePrefix(s)
		if err != nil {
			a, aerr := netip.ParseAddr(s)
			if aerr != nil {
				return fmt.Errorf("%q is not a CIDR or an IP address", s)
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		cfg.TrustedProxies = append(cfg.TrustedProxies, p.Masked())
	}
	return nil
}

// parsePublicURL reads an origin: a scheme and a host, with a port if
// needed, and no path. Browsers leave a scheme's own port out of Host and
// Origin, and so does it.
func parsePublicURL(cfg *config, v string) error {
	s := strings.TrimSpace(v)
	if s == "" {
		return nil
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil ||
		strings.Trim(u.Path, "/") != "" || u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("%q is not an address like https://login.example.com (a scheme and a host, with a port if needed, and no path)", s)
	}
	u.Path = ""
	if (u.Scheme == "https" && u.Port() == "443") || (u.Scheme == "http" && u.Port() == "80") {
		u.Host = u.Hostname()
	}
	u.Host = strings.ToLower(u.Host)
	cfg.PublicURL = u
	return nil
}

// historyRetention is how long login events are kept.
func (c config) historyRetention() time.Duration {
	return time.Duration(c.HistoryDays) * 24 * time.Hour
}

// linkBase is the origin links in mail name when no request gave one (the
// command line): PUBLIC_URL, or this server on localhost in development.
func (c config) linkBase() string {
	if c.PublicURL != nil {
		return c.PublicURL.Scheme + "://" + c.PublicURL.Host
	}
	_, port, err := net.SplitHostPort(c.Addr)
	if err != nil || port == "" {
		port = "8000"
	}
	return "http://" + net.JoinHostPort("localhost", port)
}
