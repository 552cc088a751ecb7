package main

import (
	"cmp"
	"fmt"
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
	for _, s := range strings.Split(getenv("TRUSTED_PROXIES"), ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		p, err := netip.ParsePrefix(s)
		if err != nil {
			// A single address is a /32 or /128.
			a, aerr := netip.ParseAddr(s)
			if aerr != nil {
				return cfg, fmt.Errorf("TRUSTED_PROXIES: %q is not a CIDR or an IP address", s)
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		cfg.TrustedProxies = append(cfg.TrustedProxies, p.Masked())
	}
	if s := strings.TrimSpace(getenv("PUBLIC_URL")); s != "" {
		u, err := url.Parse(s)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil ||
			strings.Trim(u.Path, "/") != "" || u.RawQuery != "" || u.Fragment != "" {
			return cfg, fmt.Errorf("PUBLIC_URL: %q is not an address like https://login.example.com (a scheme and a host, with a port if needed, and no path)", s)
		}
		u.Path = ""
		// Browsers leave a scheme's own port out of Host and Origin.
		if (u.Scheme == "https" && u.Port() == "443") || (u.Scheme == "http" && u.Port() == "80") {
			u.Host = u.Hostname()
		}
		u.Host = strings.ToLower(u.Host)
		cfg.PublicURL = u
	}
	if s := getenv("REAUTH_WINDOW"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil || d < time.Minute || d > 24*time.Hour {
			return cfg, fmt.Errorf("REAUTH_WINDOW: %q is not a duration from 1m to 24h, like 10m", s)
		}
		cfg.ReauthWindow = d
	}
	if s := getenv("MAIL_PER_DAY"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 1000 {
			return cfg, fmt.Errorf("MAIL_PER_DAY: %q is not a number of mails from 1 to 1000", s)
		}
		cfg.MailPerDay = n
	}
	if s := getenv("LOGIN_HISTORY_DAYS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return cfg, fmt.Errorf("LOGIN_HISTORY_DAYS: %q is not a number of days of at least 1", s)
		}
		cfg.HistoryDays = n
	}
	return cfg, nil
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
