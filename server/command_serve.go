package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"time"

	webapp "github.com/warden-auth/warden/app"
	"github.com/warden-auth/warden/server/auth"
	"github.com/warden-auth/warden/server/httpapi"
	"github.com/warden-auth/warden/server/httpapi/pwa"
	"github.com/warden-auth/warden/server/mail"
	"github.com/warden-auth/warden/server/sealing"
	"github.com/warden-auth/warden/server/store"
)

// mailEvery is how often the server looks for mail to send.
const mailEvery = 2 * time.Second

// serveCommand runs the server (`server`, `server serve`) until ctx ends,
// then stops taking connections and lets requests in flight finish.
func serveCommand(ctx context.Context, cfg config, _ []string, sio stdio) error {
	log := slog.New(slog.NewJSONHandler(sio.err, nil))
	st, applied, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	for _, name := range applied {
		log.Info("migration applied", "name", name)
	}
	svc, mailer, err := serverRules(ctx, cfg, st, log, sio.out)
	if err != nil {
		return err
	}
	srv, err := httpServer(cfg, svc, log)
	if err != nil {
		return err
	}
	if cfg.DebugAddr != "" {
		if err := serveProfiles(ctx, cfg.DebugAddr, sio.out); err != nil {
			return err
		}
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	fmt.Fprintf(sio.out, "Listening on http://%s\n", ln.Addr())
	go sweep(ctx, svc, log)
	if mailer != nil {
		go svc.Notices.MailLoop(ctx, mailer, mailEvery)
	}
	return serveUntilDone(ctx, srv, ln, log)
}

// serverRules are the rules as the server runs them: the key ring (made on
// first start), the process's clock and share of memory, cfg's settings and
// mail, the database's keys opened, and the first administrator on an empty
// database, whose one-time password is printed to stdout once.
func serverRules(ctx context.Context, cfg config, st *store.Store, log *slog.Logger, stdout io.Writer) (*auth.Service, *mail.SMTP, error) {
	keys, created, err := sealing.Load(cfg.SecretKey, cfg.DataDir)
	if err != nil {
		return nil, nil, fmt.Errorf("load the secret-encryption key: %w", err)
	}
	if created {
		log.Warn("generated a new secret-encryption key; back it up with the database, or set SECRET_KEY",
			"file", filepath.Join(cfg.DataDir, sealing.KeyFile))
	}
	svc := auth.New(storesOf(st), keys, log)
	svc.Now = clockOf(ctx)
	checks, limit := passwordChecks(int64(svc.Hasher.Params.Memory) << 10)
	svc.Hasher.SetConcurrency(checks)
	log.Info("memory", "limit_mib", limit>>20, "concurrent_password_checks", checks)
	svc.Issuer = cfg.Issuer
	svc.HistoryRetention = cfg.historyRetention()
	svc.ReauthWindow = cfg.ReauthWindow
	mailer, err := configureMail(svc, cfg)
	if err != nil {
		return nil, nil, err
	}
	if mailer != nil {
		log.Info("notices go by e-mail too", "smtp_server", mailer.Server(), "mail_per_day", cfg.MailPerDay)
	}
	if err := svc.SealedKeys.Open(ctx); err != nil {
		return nil, nil, err
	}
	if name, password, err := svc.Accounts.Bootstrap(ctx); err != nil {
		return nil, nil, err
	} else if name != "" {
		fmt.Fprintf(stdout, "Created the first administrator.\n  username: %s\n  password: %s\n"+
			"This password is shown only this once, and is one-time: the first login chooses a new one.\n", name, password)
	}
	return svc, mailer, nil
}

// httpServer is the API and the PWA over svc, with the timeouts that keep a
// slow client from holding a connection.
func httpServer(cfg config, svc *auth.Service, log *slog.Logger) (*http.Server, error) {
	webapp.Routes()
	h := webapp.Handler()
	if cfg.PublicURL != nil {
		h.Domain = cfg.PublicURL.Host // the pages' og:url and og:image
	}
	pages, err := pwa.New(h, cfg.WebRoot, version, webapp.NotFound)
	if err != nil {
		return nil, err
	}
	return &http.Server{
		Handler: httpapi.New(httpapi.Config{Auth: svc, Log: log, Pages: pages,
			SecureCookies: cfg.SecureCookies, TrustedProxies: cfg.TrustedProxies, PublicURL: cfg.PublicURL}),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       90 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}, nil
}

// serveUntilDone serves on ln until ctx ends, then shuts srv down.
func serveUntilDone(ctx context.Context, srv *http.Server, ln net.Listener, log *slog.Logger) error {
	// Shutdown calls this once the listener is closed: from then on
	// connections are refused, and only the requests in flight finish.
	srv.RegisterOnShutdown(func() { log.Info("no longer accepting connections") })
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 20*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// sweep runs auth's clean-up now and then.
func sweep(ctx context.Context, svc *auth.Service, log *slog.Logger) {
	tick := time.NewTicker(10 * time.Minute)
	defer tick.Stop()
	for {
		if n, err := svc.Sweep(ctx); err != nil && ctx.Err() == nil {
			log.Warn("sweep failed", "err", err)
		} else if n > 0 {
			log.Info("expired sessions and counters deleted", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}
