package httpapi

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
	"github.com/warden-auth/warden/server/mail"
	"github.com/warden-auth/warden/server/store/storetest"
	"github.com/warden-auth/warden/shared"
)

// receivedMail is one message a test SMTP server took.
type receivedMail struct {
	from, to, data, user string
}

// mailbox is a real SMTP server (go-smtp) that keeps what arrives and asks
// for a username and password.
type mailbox struct {
	mu   sync.Mutex
	got  []receivedMail
	srv  *smtp.Server
	addr string
}

type mailSession struct {
	box  *mailbox
	cur  receivedMail
	user string
}

func (s *mailSession) AuthMechanisms() []string { return []string{sasl.Plain} }
func (s *mailSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != "warden" || pass != "s3cret-pw" {
			return errors.New("bad credentials")
		}
		s.user = user
		return nil
	}), nil
}
func (s *mailSession) Mail(from string, _ *smtp.MailOptions) error { s.cur.from = from; return nil }
func (s *mailSession) Rcpt(to string, _ *smtp.RcptOptions) error   { s.cur.to = to; return nil }
func (s *mailSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.cur.data, s.cur.user = string(b), s.user
	s.box.mu.Lock()
	s.box.got = append(s.box.got, s.cur)
	s.box.mu.Unlock()
	return nil
}
func (s *mailSession) Reset()        { s.cur = receivedMail{} }
func (s *mailSession) Logout() error { return nil }

// startMailbox serves SMTP on addr ("127.0.0.1:0" for any port).
func startMailbox(t *testing.T, addr string) *mailbox {
	t.Helper()
	box := &mailbox{}
	box.srv = smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &mailSession{box: box}, nil }))
	box.srv.Domain = "localhost"
	box.srv.AllowInsecureAuth = true
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	box.addr = ln.Addr().String()
	go box.srv.Serve(ln)
	t.Cleanup(func() { box.srv.Close() })
	return box
}

func (b *mailbox) mails() []receivedMail {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]receivedMail(nil), b.got...)
}

// A notice goes by mail to the user's address through a real SMTP server,
// with its words, IP and device; a user without an address gets none.
func TestMail_ANoticeArrivesByMail(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			e := newEnv(t, dialect)
			now := e.fixClock()
			e.svc.MailEnabled = true
			box := startMailbox(t, "127.0.0.1:0")
			// No credentials: go-mail sends a password only over TLS, and
			// this test server speaks plain SMTP.
			m, err := mail.Parse("smtp://"+box.addr, "Warden <warden@example.com>")
			if err != nil {
				t.Fatal(err)
			}
			e.user("alice", shared.RoleUser, "Acme")
			e.user("bob", shared.RoleUser, "Acme")
			a, b := e.browser(), e.browser()
			e.login(a, "alice", password)
			e.login(b, "bob", password)
			if r := e.do(a, "PUT", "/api/me/email", shared.EmailRequest{Email: "alice@example.com"}); r.status != 204 {
				t.Fatalf("set email: %d %s", r.status, r.body)
			}
			if r := e.do(a, "POST", "/api/me/password", shared.ChangePasswordRequest{Current: password, New: newPassword}, "User-Agent", firefoxUA); r.status != 204 {
				t.Fatalf("change: %d %s", r.status, r.body)
			}
			if r := e.do(b, "POST", "/api/me/password", shared.ChangePasswordRequest{Current: password, New: newPassword}); r.status != 204 {
				t.Fatalf("bob's change: %d %s", r.status, r.body)
			}
			*now = now.Add(time.Second)
			if n, err := e.svc.DeliverMail(context.Background(), m); err != nil || n != 1 {
				t.Fatalf("delivered %d, err %v; log %s", n, err, e.log.String())
			}
			got := box.mails()
			if len(got) != 1 {
				t.Fatalf("%d mails arrived: %+v", len(got), got)
			}
			msg := got[0]
			for _, want := range []string{"Subject: Security notice: Your password was changed", "Hello alice", "IP address: 127.0.0.1",
				"Device: Firefox on Linux", "To: <alice@example.com>"} {
				if !strings.Contains(msg.data, want) {
					t.Errorf("the mail lacks %q:\n%s", want, msg.data)
				}
			}
			if msg.to != "alice@example.com" || msg.from != "warden@example.com" {
				t.Errorf("envelope %q -> %q as %q", msg.from, msg.to, msg.user)
			}
			// Sent once: nothing is left to send.
			if n, _ := e.svc.DeliverMail(context.Background(), m); n != 0 || len(box.mails()) != 1 {
				t.Fatalf("sent again: %d", n)
			}
		})
	}
}

// A mail server that is down fails no action: the mail waits, the failure
// is logged without the server's password, and it arrives once the server
// is up and the backoff has passed.
func TestMail_AServerThatIsDownDelaysTheMailAndFailsNothing(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) { testMailServerDown(t, dialect) })
	}
}

func testMailServerDown(t *testing.T, dialect string) {
	e := newEnv(t, dialect)
	now := e.fixClock()
	e.svc.MailEnabled = true
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nobody listens there now
	m, err := mail.Parse("smtp://warden:s3cret-pw@"+addr, "warden@example.com")
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := mail.Parse("smtp://"+addr, "warden@example.com")
	e.user("alice", shared.RoleUser, "Acme")
	a := e.browser()
	e.login(a, "alice", password)
	e.do(a, "PUT", "/api/me/email", shared.EmailRequest{Email: "alice@example.com"})
	if r := e.do(a, "POST", "/api/me/password", shared.ChangePasswordRequest{Current: password, New: newPassword}); r.status != 204 {
		t.Fatalf("change with the mail server down: %d %s", r.status, r.body)
	}
	if n, err := e.svc.DeliverMail(context.Background(), m); n != 0 || err != nil {
		t.Fatalf("delivered %d to a server that is down, err %v", n, err)
	}
	if !strings.Contains(e.log.String(), "could not be sent") || strings.Contains(e.log.String(), "s3cret-pw") {
		t.Fatalf("log: %s", e.log.String())
	}
	box := startMailbox(t, addr)
	if n, _ := e.svc.DeliverMail(context.Background(), m); n != 0 {
		t.Fatal("retried before its backoff")
	}
	*now = now.Add(time.Minute)
	if n, err := e.svc.DeliverMail(context.Background(), plain); n != 1 || err != nil {
		t.Fatalf("after the server came up: %d, %v", n, err)
	}
	if got := box.mails(); len(got) != 1 || !strings.Contains(got[0].data, "Your password was changed") {
		t.Fatalf("arrived: %+v", got)
	}
}
