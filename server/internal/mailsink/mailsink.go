// Package mailsink is a real SMTP server (go-smtp) for tests: it keeps
// every message that arrives, says when one does, and reads back what a
// mail says, for tests that count what reaches a recipient and follow the
// links it carries.
package mailsink

import (
	"bytes"
	"context"
	"errors"
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Mail is one message the server took: its envelope, its raw data, and the
// user it authenticated as (if any).
type Mail struct {
	From, To, Data, User string
}

// Body is the mail's text, its transfer encoding undone.
func (m Mail) Body() string {
	msg, err := mail.ReadMessage(strings.NewReader(m.Data))
	if err != nil {
		return ""
	}
	var r io.Reader = msg.Body
	if strings.EqualFold(msg.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
		r = quotedprintable.NewReader(msg.Body)
	}
	b, _ := io.ReadAll(r)
	return string(bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n")))
}

// Subject is the mail's subject, decoded.
func (m Mail) Subject() string {
	msg, err := mail.ReadMessage(strings.NewReader(m.Data))
	if err != nil {
		return ""
	}
	s, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		return msg.Header.Get("Subject")
	}
	return s
}

var linkPattern = regexp.MustCompile(`https?://\S+/email/confirm\?token=[A-Za-z0-9_-]{43}`)

// Link is the confirmation link the mail carries ("" if none).
func (m Mail) Link() string { return linkPattern.FindString(m.Body()) }

// Box is the server and what arrived.
type Box struct {
	Addr string // host:port it listens on

	mu      sync.Mutex
	got     []Mail
	arrived chan struct{} // closed and replaced at each arrival
	srv     *smtp.Server
}

// Start serves SMTP on addr ("127.0.0.1:0" for any port) until the test
// ends. It asks for a username and password when the client offers them:
// user "warden", password "s3cret-pw".
func Start(t testing.TB, addr string) *Box {
	t.Helper()
	box := &Box{arrived: make(chan struct{})}
	box.srv = smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &session{box: box}, nil }))
	box.srv.Domain = "localhost"
	box.srv.AllowInsecureAuth = true
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	box.Addr = ln.Addr().String()
	go box.srv.Serve(ln)
	t.Cleanup(func() { box.srv.Close() })
	return box
}

// Mails is everything that arrived, in order.
func (b *Box) Mails() []Mail {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]Mail(nil), b.got...)
}

// To is what arrived for the address.
func (b *Box) To(address string) []Mail {
	var out []Mail
	for _, m := range b.Mails() {
		if m.To == address {
			out = append(out, m)
		}
	}
	return out
}

// WaitFor waits until n mails have arrived for the address, or timeout.
func (b *Box) WaitFor(address string, n int, timeout time.Duration) ([]Mail, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	for {
		b.mu.Lock()
		arrived := b.arrived
		b.mu.Unlock()
		if got := b.To(address); len(got) >= n {
			return got, nil
		}
		select {
		case <-arrived:
		case <-ctx.Done():
			return b.To(address), errors.New("mailsink: the mail did not arrive in time")
		}
	}
}

type session struct {
	box  *Box
	cur  Mail
	user string
}

func (s *session) AuthMechanisms() []string { return []string{sasl.Plain} }
func (s *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != "warden" || pass != "s3cret-pw" {
			return errors.New("bad credentials")
		}
		s.user = user
		return nil
	}), nil
}
func (s *session) Mail(from string, _ *smtp.MailOptions) error { s.cur.From = from; return nil }
func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error   { s.cur.To = to; return nil }
func (s *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.cur.Data, s.cur.User = string(b), s.user
	s.box.mu.Lock()
	s.box.got = append(s.box.got, s.cur)
	close(s.box.arrived)
	s.box.arrived = make(chan struct{})
	s.box.mu.Unlock()
	return nil
}
func (s *session) Reset()        { s.cur = Mail{} }
func (s *session) Logout() error { return nil }
