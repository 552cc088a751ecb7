// Package mail sends the server's e-mail over SMTP with go-mail. It only
// transports: what is sent, when and how often is package notices' (auth/notices.Mailer).
package mail

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"strconv"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// SMTP sends mail through one SMTP server.
type SMTP struct {
	host     string
	port     int
	ssl      bool // smtps://: TLS from the first byte
	user     string
	password string
	from     string
}

// Parse reads SMTP_URL (`smtp://user:pass@host:port`, STARTTLS when the
// server offers it; `smtps://...`, TLS from the start) and MAIL_FROM. Its
// errors never repeat the URL: it holds a password.
func Parse(rawURL, from string) (*SMTP, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, errors.New("SMTP_URL is not a URL like smtp://user:password@host:587")
	}
	s := &SMTP{host: u.Hostname(), from: from}
	switch u.Scheme {
	case "smtp":
		s.port = 587
	case "smtps":
		s.port, s.ssl = 465, true
	default:
		return nil, errors.New("SMTP_URL must start with smtp:// or smtps://")
	}
	if s.host == "" {
		return nil, errors.New("SMTP_URL names no host")
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return nil, errors.New("SMTP_URL's port is not a port number")
		}
		s.port = n
	}
	if u.User != nil {
		s.user = u.User.Username()
		s.password, _ = u.User.Password()
	}
	if a, err := mail.ParseAddress(from); err != nil || a.Address == "" {
		return nil, errors.New("MAIL_FROM must be an e-mail address, like warden@example.com")
	}
	return s, nil
}

// Server names where mail goes, for logs (no credentials).
func (s *SMTP) Server() string { return net.JoinHostPort(s.host, strconv.Itoa(s.port)) }

// Send sends one plain-text mail.
func (s *SMTP) Send(ctx context.Context, to, subject, body string) error {
	m := gomail.NewMsg()
	if err := m.From(s.from); err != nil {
		return fmt.Errorf("MAIL_FROM: %w", err)
	}
	if err := m.To(to); err != nil {
		return fmt.Errorf("recipient: %w", err)
	}
	m.Subject(subject)
	m.SetDate()
	m.SetMessageID()
	m.SetBodyString(gomail.TypeTextPlain, body)
	opts := []gomail.Option{gomail.WithPort(s.port), gomail.WithTimeout(20 * time.Second)}
	if s.ssl {
		opts = append(opts, gomail.WithSSL())
	} else {
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	}
	if s.user != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(s.user), gomail.WithPassword(s.password))
	}
	c, err := gomail.NewClient(s.host, opts...)
	if err != nil {
		return err
	}
	return c.DialAndSendWithContext(ctx, m)
}
