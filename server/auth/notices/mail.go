package notices

import (
	"context"
	"strings"
	"time"

	"github.com/warden-auth/warden/server/auth/core"
	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/shared"
	"github.com/warden-auth/warden/shared/words"
)

// Mail of notices. A notice that goes by mail gets an outbox row in its own
// transaction (store.insertNotice), so a mail server that is down never
// fails the action; DeliverMail, run by a background loop in every server
// process, claims due rows, sends them and retries failures with backoff.
// The claim counts each mail against its recipient's caps for the day
// (Env.MailCaps) in the database, so every process counts together.

// Mailer sends one e-mail (server/mail implements it over SMTP).
type Mailer interface {
	Send(ctx context.Context, to, subject, body string) error
}

// Mail delivery timing.
const (
	mailBatch       = 10
	mailSendTimeout = 30 * time.Second
	// mailLease is how long a claimed batch is its sender's: longer than
	// sending all of it can take, so that no other process sends one twice.
	mailLease      = mailBatch*mailSendTimeout + time.Minute
	mailMaxRetries = 12 // past this a mail is dropped (logged): about a day of retries
)

// mailBackoff is the wait after the attempt-th failed attempt: 30 s,
// doubling, at most 4 hours.
func mailBackoff(attempt int) time.Duration {
	d := 30 * time.Second
	for i := 1; i < attempt && d < 4*time.Hour; i++ {
		d *= 2
	}
	return min(d, 4*time.Hour)
}

// DeliverMail sends the mail that is due through m and returns how many
// went out. Mail over its recipient's caps is dropped and logged (without
// the address); a failure is logged (without the server's credentials:
// the mailer's errors name the server, not the URL) and retried later.
func (s *Service) DeliverMail(ctx context.Context, m Mailer) (int, error) {
	mails, dropped, err := s.Store.ClaimMail(ctx, s.Now(), mailLease, mailBatch, s.MailCaps)
	if err != nil {
		return 0, err
	}
	for _, om := range dropped {
		s.Log.Warn("a mail over its recipient's daily cap is dropped", "mail_id", om.ID, "user_id", om.Notice.UserID,
			"kind", om.Notice.Kind, "per_day", s.MailCaps.PerDay)
	}
	sent := 0
	for i := range mails {
		om := &mails[i]
		subject, body, ok, err := s.mailText(ctx, om)
		if err != nil {
			return sent, err
		}
		if !ok { // a link that was spent meanwhile
			if err := s.Store.MailNotSent(ctx, om, nil, ""); err != nil {
				return sent, err
			}
			continue
		}
		sendCtx, cancel := context.WithTimeout(ctx, mailSendTimeout)
		err = m.Send(sendCtx, om.ToAddress, subject, body)
		cancel()
		if err == nil {
			sent++
			if err := s.Store.MailSent(ctx, om.ID); err != nil {
				return sent, err
			}
			continue
		}
		var retryAt *time.Time
		if om.Attempts >= mailMaxRetries {
			s.Log.Error("a notice's e-mail could not be sent and is dropped", "mail_id", om.ID, "attempts", om.Attempts, "err", err)
		} else {
			next := s.Now().Add(mailBackoff(om.Attempts))
			retryAt = &next
			s.Log.Warn("a notice's e-mail could not be sent; it is tried again", "mail_id", om.ID, "attempts", om.Attempts, "next", next, "err", err)
		}
		if err := s.Store.MailNotSent(ctx, om, retryAt, core.Clip(err.Error(), core.MaxStoredField)); err != nil {
			return sent, err
		}
	}
	return sent, nil
}

// mailText writes the e-mail of an outbox row: a link to confirm an
// address (ok is false when that link is no longer needed), or the notice
// in words, when, from where, and what to do if it was not the user.
func (s *Service) mailText(ctx context.Context, om *domain.OutboxMail) (subject, body string, ok bool, err error) {
	n, l := om.Notice, s.mailLanguage(om)
	if om.ConfirmationID != nil {
		link, ok, err := s.confirmationLink(ctx, om)
		if !ok || err != nil {
			return "", "", false, err
		}
		return l.Say(words.MailConfirmSubject(s.Issuer)), lines(l, words.MailGreeting(om.Username), words.Message{},
			words.MailAddressGivenFor(om.Username), words.Message{}, words.Verbatim(link), words.Message{},
			words.MailLinkWorks(shared.EmailLinkHours)), true, nil
	}
	what := shared.NoticeWords(n.Kind)
	text := []words.Message{words.MailGreeting(om.Username), {}, words.MailNoticeWhat(what),
		shared.NoticeDetailWords(n.Kind, n.Detail), {}, words.MailWhen(words.DateTime(n.CreatedAt.UTC()))}
	if n.IP != "" {
		text = append(text, words.MailIP(n.IP))
	}
	if d := deviceOf(l, n); d != "" && d != DeviceName(l, "") {
		text = append(text, words.MailDevice(d))
	}
	text = append(text, words.Message{}, words.MailIfNotYou)
	return l.Say(words.MailNoticeSubject(what)), lines(l, text...), true, nil
}

// lines is a mail's text: each message said in l on a line of its own, the
// zero Message an empty line, except where it follows an empty line (a
// notice without a detail).
func lines(l *words.Language, ms ...words.Message) string {
	var b strings.Builder
	blank := false
	for _, m := range ms {
		if m.IsZero() && blank {
			continue
		}
		blank = m.IsZero()
		b.WriteString(l.Say(m) + "\n")
	}
	return b.String()
}

// MailLoop delivers mail every interval until ctx ends.
func (s *Service) MailLoop(ctx context.Context, m Mailer, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if _, err := s.DeliverMail(ctx, m); err != nil && ctx.Err() == nil {
			s.Log.Warn("mail delivery", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// mailLanguage is the language of a mail: the one its recipient chose, else
// English (a mail has no browser to ask).
func (s *Service) mailLanguage(om *domain.OutboxMail) *words.Language {
	if words.Known(om.Language) {
		return words.Lookup(om.Language)
	}
	return words.English
}
