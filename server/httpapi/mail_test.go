package httpapi

import (
	"context"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/warden-auth/warden/server/auth/notices"
	"github.com/warden-auth/warden/server/internal/mailsink"
	"github.com/warden-auth/warden/server/mail"
	"github.com/warden-auth/warden/server/store/storetest"
	"github.com/warden-auth/warden/shared"
)

// mailOn makes the service send mail, through a real SMTP server the test
// reads, and returns the server and the mailer that reaches it.
func (e *env) mailOn(t *testing.T) (*mailsink.Box, *mail.SMTP) {
	t.Helper()
	e.svc.MailEnabled = true
	box := mailsink.Start(t, "127.0.0.1:0")
	// No credentials: go-mail sends a password only over TLS, and this
	// test server speaks plain SMTP.
	m, err := mail.Parse("smtp://"+box.Addr, "Warden <warden@example.com>")
	if err != nil {
		t.Fatal(err)
	}
	return box, m
}

// deliver runs the outbox once and returns how many mails went.
func (e *env) deliver(t *testing.T, m notices.Mailer) int {
	t.Helper()
	n, err := e.svc.Notices.DeliverMail(context.Background(), m)
	if err != nil {
		t.Fatalf("deliver: %v; log %s", err, e.log.String())
	}
	return n
}

// lastLink is the token of the newest confirmation link that arrived for
// address.
func lastLink(t *testing.T, box *mailsink.Box, address string) string {
	t.Helper()
	got := box.To(address)
	if len(got) == 0 {
		t.Fatalf("no mail arrived for %s", address)
	}
	link := got[len(got)-1].Link()
	_, token, ok := strings.Cut(link, "token=")
	if !ok {
		t.Fatalf("the mail to %s carries no link:\n%s", address, got[len(got)-1].Body())
	}
	return token
}

// confirmAddress sets c's user's address and confirms it as its owner
// would: the link is mailed through m, read from box and used.
func (e *env) confirmAddress(t *testing.T, c *http.Client, box *mailsink.Box, m notices.Mailer, address string) {
	t.Helper()
	if r := e.do(c, "PUT", "/api/me/email", shared.EmailRequest{Email: address}); r.status != 204 {
		t.Fatalf("set the address: %d %s", r.status, r.body)
	}
	e.deliver(t, m)
	if r := e.do(c, "POST", "/api/email/confirm", shared.EmailConfirmRequest{Token: lastLink(t, box, address)}); r.status != 204 {
		t.Fatalf("confirm the address: %d %s", r.status, r.body)
	}
}

// A notice goes by mail to the user's address through a real SMTP server,
// with its words, IP and device; a user without an address gets none.
func TestMail_ANoticeArrivesByMail(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			e := newEnv(t, dialect)
			now := e.fixClock()
			box, m := e.mailOn(t)
			e.user("alice", shared.RoleUser, "Acme")
			e.user("bob", shared.RoleUser, "Acme")
			a, b := e.browser(), e.browser()
			e.login(a, "alice", password)
			e.login(b, "bob", password)
			e.confirmAddress(t, a, box, m, "alice@example.com")
			sent := len(box.Mails()) // the link
			if r := e.do(a, "POST", "/api/me/password", shared.ChangePasswordRequest{Current: password, New: newPassword}, "User-Agent", firefoxUA); r.status != 204 {
				t.Fatalf("change: %d %s", r.status, r.body)
			}
			if r := e.do(b, "POST", "/api/me/password", shared.ChangePasswordRequest{Current: password, New: newPassword}); r.status != 204 {
				t.Fatalf("bob's change: %d %s", r.status, r.body)
			}
			*now = now.Add(time.Second)
			if n := e.deliver(t, m); n != 1 {
				t.Fatalf("delivered %d; log %s", n, e.log.String())
			}
			got := box.Mails()[sent:]
			if len(got) != 1 {
				t.Fatalf("%d mails arrived: %+v", len(got), got)
			}
			msg := got[0]
			for _, want := range []string{"Subject: Security notice: Your password was changed", "Hello alice", "IP address: 127.0.0.1",
				"Device: Firefox on Linux", "To: <alice@example.com>"} {
				if !strings.Contains(msg.Data, want) {
					t.Errorf("the mail lacks %q:\n%s", want, msg.Data)
				}
			}
			if msg.To != "alice@example.com" || msg.From != "warden@example.com" {
				t.Errorf("envelope %q -> %q as %q", msg.From, msg.To, msg.User)
			}
			// Sent once: nothing is left to send.
			if n := e.deliver(t, m); n != 0 || len(box.Mails()) != sent+1 {
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
	up, upMailer := e.mailOn(t)
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
	e.confirmAddress(t, a, up, upMailer, "alice@example.com")
	if r := e.do(a, "POST", "/api/me/password", shared.ChangePasswordRequest{Current: password, New: newPassword}); r.status != 204 {
		t.Fatalf("change with the mail server down: %d %s", r.status, r.body)
	}
	if n, err := e.svc.Notices.DeliverMail(context.Background(), m); n != 0 || err != nil {
		t.Fatalf("delivered %d to a server that is down, err %v", n, err)
	}
	if !strings.Contains(e.log.String(), "could not be sent") || strings.Contains(e.log.String(), "s3cret-pw") {
		t.Fatalf("log: %s", e.log.String())
	}
	box := mailsink.Start(t, addr)
	if n, _ := e.svc.Notices.DeliverMail(context.Background(), m); n != 0 {
		t.Fatal("retried before its backoff")
	}
	*now = now.Add(time.Minute)
	if n, err := e.svc.Notices.DeliverMail(context.Background(), plain); n != 1 || err != nil {
		t.Fatalf("after the server came up: %d, %v", n, err)
	}
	if got := box.Mails(); len(got) != 1 || !strings.Contains(got[0].Data, "Your password was changed") {
		t.Fatalf("arrived: %+v", got)
	}
}
