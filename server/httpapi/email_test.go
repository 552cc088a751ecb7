package httpapi

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/warden-auth/warden/server/auth"
	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/server/store"
	"github.com/warden-auth/warden/server/store/storetest"
	"github.com/warden-auth/warden/shared"
)

// The outside tester's mail bomb: 60 changes of one user's address in a
// burst, alternating with the victim's, delivered 30 "your address was
// changed" mails to the victim. Now the user gets a few links an hour (the
// rest: 429 with Retry-After, in words), a link goes only to the address
// it confirms, and the victim's address gets at most its day's cap of
// links, however many users send it one.
func TestEmail_SixtyChangesAtOnceDeliverAtMostTheCap(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			e := newEnv(t, dialect)
			e.fixClock()
			box, m := e.mailOn(t)
			const victim = "victim@example.com"
			e.user("mallory", shared.RoleUser, "Acme")
			c := e.browser()
			e.login(c, "mallory", password)
			if r := e.do(c, "PUT", "/api/me/email", shared.EmailRequest{Email: victim}); r.status != 204 {
				t.Fatalf("first change: %d %s", r.status, r.body)
			}
			answers := make([]answer, 60)
			e.raceAt(t, "RequestEmail", 60, func(i int) int {
				to := victim
				if i%2 == 0 {
					to = fmt.Sprintf("mallory%d@example.com", i)
				}
				answers[i] = e.do(c, "PUT", "/api/me/email", shared.EmailRequest{Email: to})
				return answers[i].status
			})
			ok := 0
			for _, a := range answers {
				switch a.status {
				case 204:
					ok++
				case 429:
					if e := a.apiError(t); e.Code != shared.ERateLimited || a.header.Get("Retry-After") == "" ||
						!strings.Contains(e.Message, "Try again in") || e.RetryAfter <= 0 {
						t.Fatalf("refused change: %s %v", a.body, a.header)
					}
				default:
					t.Fatalf("change: %d %s", a.status, a.body)
				}
			}
			if ok != 4 { // and the first one: five links this hour
				t.Errorf("%d changes went through, want 4", ok)
			}
			for e.deliver(t, m) > 0 {
			}
			for _, mail := range box.Mails() {
				if mail.Link() == "" {
					t.Errorf("a mail that is no link went to %s: %s", mail.To, mail.Subject())
				}
			}
			if got := len(box.To(victim)); got > 5 {
				t.Fatalf("the victim got %d mails", got)
			}
			if got := fmt.Sprint(storetest.Rows(t, e.st, "SELECT count(*) FROM email_confirmations"),
				storetest.Rows(t, e.st, "SELECT count(*) FROM users WHERE email IS NOT NULL")); got != "[[5]] [[0]]" {
				t.Fatalf("links, confirmed addresses: %s", got)
			}

			// Many users at once, each sending the victim a link: the
			// victim's address gets the day's cap of links, no more; the
			// rest is dropped and logged without the address.
			var clients []*http.Client
			for i := range 12 {
				name := fmt.Sprintf("sender%d", i)
				e.user(name, shared.RoleUser, "Acme")
				cl := e.browser()
				e.login(cl, name, password)
				clients = append(clients, cl)
			}
			for i, st := range e.raceAt(t, "RequestEmail", len(clients), func(i int) int {
				// Spelt differently, the same mailbox.
				to := []string{"victim@example.com", "Victim@Example.com", "victim+" + fmt.Sprint(i) + "@example.com"}[i%3]
				return e.do(clients[i], "PUT", "/api/me/email", shared.EmailRequest{Email: to}).status
			}) {
				if st != 204 {
					t.Fatalf("sender %d: %d", i, st)
				}
			}
			for e.deliver(t, m) > 0 {
			}
			arrived := 0 // in both parts of the test
			for _, mail := range box.Mails() {
				if strings.HasPrefix(strings.ToLower(mail.To), "victim") {
					arrived++
				}
			}
			if arrived != e.svc.MailCaps.LinksPerDay {
				t.Fatalf("the victim's mailbox got %d links, want the cap of %d", arrived, e.svc.MailCaps.LinksPerDay)
			}
			if log := e.log.String(); !strings.Contains(log, "over its recipient's daily cap is dropped") || strings.Contains(strings.ToLower(log), "victim") {
				t.Fatalf("log: %s", log)
			}
			if got := fmt.Sprint(storetest.Rows(t, e.st, "SELECT count(*) FROM mail_outbox")); got != "[[0]]" {
				t.Fatalf("left in the outbox: %s", got)
			}
		})
	}
}

// linksToSpellings has a user of its own ask for a link to each of
// spellings, delivers the outbox to a real SMTP server, and returns how
// many mails arrived.
func (e *env) linksToSpellings(t *testing.T, spellings []string) int {
	t.Helper()
	box, m := e.mailOn(t)
	for i, to := range spellings {
		name := fmt.Sprintf("sender%d", i)
		e.user(name, shared.RoleUser, "Acme")
		c := e.browser()
		e.login(c, name, password)
		if a := e.do(c, "PUT", "/api/me/email", shared.EmailRequest{Email: to}); a.status != 204 {
			t.Fatalf("%s: %d %s", to, a.status, a.body)
		}
	}
	for e.deliver(t, m) > 0 {
	}
	return len(box.Mails())
}

// A mailbox is one mailbox however its address is spelt in Unicode: mail
// servers look a domain up as IDNA maps it (UTS 46: full-width letters to
// ASCII, case folded, the ideographic full stop a dot), so
// victim@ｅxample.com and victim@example.com are one recipient, and a
// full-width "＋tag" is a tag. Users each asking for a link to another
// such spelling get the victim's mailbox the day's cap of links, no more.
func TestEmail_ARecipientsCapCountsEveryUnicodeSpellingOfItsAddress(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			e := newEnv(t, dialect)
			e.fixClock()
			const domain = "example.com"
			spellings := []string{"victim@EXAMPLE.ｃｏｍ", "victim＋x@example.com", "victim@example.com。", "ｖｉｃｔｉｍ@example.com"}
			for i, r := range domain {
				if r != '.' { // its full-width twin (U+FF41 for 'a')
					spellings = append(spellings, "victim@"+domain[:i]+string(r-'a'+'ａ')+domain[i+1:])
				}
			}
			if got := e.linksToSpellings(t, spellings); got != e.svc.MailCaps.LinksPerDay {
				t.Fatalf("the victim's mailbox got %d links for %d spellings, want the cap of %d", got, len(spellings), e.svc.MailCaps.LinksPerDay)
			}
		})
	}
}

// Gmail delivers a.lice@gmail.com, alice@gmail.com and
// alice@googlemail.com to one mailbox (it ignores dots in the name, and
// the two domains are one): users sending links to such spellings get
// that mailbox the day's cap of links, no more.
func TestEmail_ARecipientsCapCountsAGmailAddressWithoutItsDots(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			e := newEnv(t, dialect)
			e.fixClock()
			spellings := []string{"alice@gmail.com", "a.lice@gmail.com", "al.ice@gmail.com", "ali.ce@gmail.com",
				"alic.e@gmail.com", "a.l.i.c.e@gmail.com", "alice@googlemail.com", "A.Lice@GoogleMail.com"}
			if got := e.linksToSpellings(t, spellings); got != e.svc.MailCaps.LinksPerDay {
				t.Fatalf("the Gmail mailbox got %d links for %d spellings, want the cap of %d", got, len(spellings), e.svc.MailCaps.LinksPerDay)
			}
		})
	}
}

// An address nobody confirmed gets its link and nothing else: no notice
// of the user's, whoever set it (the user, an administrator, at creation).
func TestEmail_ANoticeGoesNowhereUntilTheAddressIsConfirmed(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			e := newEnv(t, dialect)
			now := e.fixClock()
			box, m := e.mailOn(t)
			e.user("root", shared.RolePlatformAdmin, "Default")
			e.user("alice", shared.RoleUser, "Acme")
			root, c := e.browser(), e.browser()
			e.login(root, "root", password)
			e.login(c, "alice", password)
			if r := e.do(c, "PUT", "/api/me/email", shared.EmailRequest{Email: "alice@example.com"}); r.status != 204 {
				t.Fatalf("set: %d %s", r.status, r.body)
			}
			var created shared.NewUserResponse
			if r := e.do(root, "POST", "/api/admin/users", shared.NewUserRequest{Username: "carol", Role: shared.RoleUser, Email: "carol@example.com"}); r.status != 201 {
				t.Fatalf("create: %d %s", r.status, r.body)
			} else {
				r.decode(t, &created)
			}
			// Notices of both: sessions ended, a password changed.
			e.login(e.browser(), "alice", password)
			if r := e.do(c, "POST", "/api/me/sessions/end-others", nil); r.status != 200 {
				t.Fatalf("end others: %d %s", r.status, r.body)
			}
			if r := e.do(c, "POST", "/api/me/password", shared.ChangePasswordRequest{Current: password, New: newPassword}); r.status != 204 {
				t.Fatalf("change: %d %s", r.status, r.body)
			}
			carol := e.browser()
			e.login(carol, "carol", created.Password)
			if r := e.do(carol, "POST", "/api/me/password", shared.ChangePasswordRequest{Current: created.Password, New: newPassword}); r.status != 200 {
				t.Fatalf("carol's change: %d %s", r.status, r.body)
			}
			*now = now.Add(time.Minute)
			for e.deliver(t, m) > 0 {
			}
			for _, to := range []string{"alice@example.com", "carol@example.com"} {
				got := box.To(to)
				if len(got) != 1 || got[0].Link() == "" {
					t.Fatalf("%s got %d mails, the first %q", to, len(got), got[0].Subject())
				}
			}
			if got := fmt.Sprint(storetest.Rows(t, e.st, "SELECT count(*) FROM mail_outbox")); got != "[[0]]" {
				t.Fatalf("mail waits: %s", got)
			}
			// Confirmed, the address gets the next notice.
			if r := e.do(e.browser(), "POST", "/api/email/confirm", shared.EmailConfirmRequest{Token: lastLink(t, box, "alice@example.com")}); r.status != 204 {
				t.Fatalf("confirm: %d %s", r.status, r.body)
			}
			e.login(e.browser(), "alice", newPassword)
			if r := e.do(c, "POST", "/api/me/sessions/end-others", nil); r.status != 200 {
				t.Fatalf("end others: %d %s", r.status, r.body)
			}
			e.deliver(t, m)
			if got := box.To("alice@example.com"); len(got) != 2 || got[1].Subject() != "Security notice: Sessions were ended" {
				t.Fatalf("after confirming: %d mails", len(got))
			}
		})
	}
}

// A link's token works once, for its user and its address, for 24 hours
// after its mail: not once replaced by a newer link (another address, or
// Resend), not in another user's session (which spends nothing), not
// guessed, and not twice, even at once. The database keeps only its hash.
func TestEmail_TheLinkWorksOnceOnlyForItsUserAndAddress(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			e := newEnv(t, dialect)
			now := e.fixClock()
			box, m := e.mailOn(t)
			alice := e.user("alice", shared.RoleUser, "Acme")
			e.user("bob", shared.RoleUser, "Acme")
			a, b := e.browser(), e.browser()
			e.login(a, "alice", password)
			e.login(b, "bob", password)
			confirm := func(c *http.Client, token string) answer {
				t.Helper()
				return e.do(c, "POST", "/api/email/confirm", shared.EmailConfirmRequest{Token: token})
			}
			wantRefused := func(what string, r answer, status int, code string) {
				t.Helper()
				if r.status != status || r.apiError(t).Code != code {
					t.Fatalf("%s: %d %s, want %d %s", what, r.status, r.body, status, code)
				}
			}
			addresses := func() string {
				t.Helper()
				return fmt.Sprint(storetest.Rows(t, e.st, "SELECT coalesce(email, '-'), coalesce(email_pending, '-') FROM users WHERE id = ?", alice.ID))
			}
			set := func(address string) string {
				t.Helper()
				if r := e.do(a, "PUT", "/api/me/email", shared.EmailRequest{Email: address}); r.status != 204 {
					t.Fatalf("set %s: %d %s", address, r.status, r.body)
				}
				e.deliver(t, m)
				return lastLink(t, box, address)
			}

			first := set("a1@example.com")
			raw, err := base64.RawURLEncoding.DecodeString(first)
			if err != nil || len(raw) != 32 {
				t.Fatalf("the token is not 256 bits: %q", first)
			}
			sum := sha256.Sum256([]byte(first))
			if got := fmt.Sprint(storetest.Rows(t, e.st, "SELECT count(*) FROM email_confirmations WHERE token_hash = ?", sum[:])); got != "[[1]]" {
				t.Fatalf("the token's hash is stored %s times", got)
			}
			if strings.Contains(storetest.Dump(t, e.st), first) {
				t.Fatal("the database holds the token itself")
			}
			wantRefused("bob's session", confirm(b, first), 403, shared.ELinkOtherUser)
			random := make([]byte, 32)
			rand.Read(random)
			wantRefused("a guessed token", confirm(e.browser(), base64.RawURLEncoding.EncodeToString(random)), 404, shared.ELinkInvalid)
			for _, bad := range []string{"", "abc", first + "x", first[:42] + "=", `"><script>`} {
				wantRefused(fmt.Sprintf("token %q", bad), confirm(e.browser(), bad), 404, shared.ELinkInvalid)
			}
			if got := addresses(); got != "[[- a1@example.com]]" {
				t.Fatalf("after the refusals: %s", got)
			}

			// A newer address kills the first link.
			second := set("a2@example.com")
			wantRefused("a link replaced", confirm(a, first), 404, shared.ELinkInvalid)
			// Two at once: one confirms.
			statuses := e.raceAt(t, "ConfirmEmail", 2, func(int) int { return confirm(e.browser(), second).status })
			if statuses[0]+statuses[1] != 204+404 {
				t.Fatalf("two at once: %v", statuses)
			}
			wantRefused("a link used", confirm(a, second), 404, shared.ELinkInvalid)
			if got := addresses(); got != "[[a2@example.com -]]" {
				t.Fatalf("after the confirmation: %s", got)
			}

			// A day after its mail, a link has expired; Resend makes a new one.
			third := set("a3@example.com")
			*now = now.Add(24 * time.Hour)
			wantRefused("a link a day old", confirm(e.browser(), third), 410, shared.ELinkExpired)
			if got := addresses(); got != "[[a2@example.com a3@example.com]]" {
				t.Fatalf("after the expired link: %s", got)
			}
			a = e.browser()
			e.login(a, "alice", password)
			fourth := set("a3@example.com")
			wantRefused("the link Resend replaced", confirm(e.browser(), third), 404, shared.ELinkInvalid)
			*now = now.Add(24*time.Hour - time.Second)
			if r := confirm(e.browser(), fourth); r.status != 204 {
				t.Fatalf("the new link in its last second: %d %s", r.status, r.body)
			}
			if got := addresses(); got != "[[a3@example.com -]]" {
				t.Fatalf("at the end: %s", got)
			}
		})
	}
}

// The link opens a page: fetching it (as mail scanners do) confirms
// nothing; its button posts the form, which confirms and leads to the
// page saying so, or back with the error's code only.
func TestEmail_TheLinksPageConfirmsOnlyWithItsButton(t *testing.T) {
	e := newEnv(t, "sqlite")
	e.fixClock()
	box, m := e.mailOn(t)
	alice := e.user("alice", shared.RoleUser, "Acme")
	c := e.browser()
	e.login(c, "alice", password)
	if r := e.do(c, "PUT", "/api/me/email", shared.EmailRequest{Email: "alice@example.com"}); r.status != 204 {
		t.Fatal(r.status)
	}
	e.deliver(t, m)
	link := "/email/confirm?token=" + lastLink(t, box, "alice@example.com")
	if got := box.To("alice@example.com"); got[len(got)-1].Link() != e.srv.URL+link {
		t.Fatalf("the link %q does not name this server", got[len(got)-1].Link())
	}
	link = e.srv.URL + link
	if !strings.HasPrefix(link, e.srv.URL+"/email/confirm?token=") {
		t.Fatalf("the link %q does not name this server", link)
	}
	scanner := e.browser()
	for range 3 {
		res, err := scanner.Get(link)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 200 || res.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("the link's page: %d, Cache-Control %q", res.StatusCode, res.Header.Get("Cache-Control"))
		}
	}
	if u, _ := e.st.UserByID(t.Context(), alice.ID); u.Email != nil {
		t.Fatal("fetching the link confirmed the address")
	}
	token := strings.TrimPrefix(link, e.srv.URL+"/email/confirm?token=")
	post := func(token string) string {
		t.Helper()
		noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		res, err := noFollow.PostForm(e.srv.URL+"/email/confirm", url.Values{"token": {token}})
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("form post: %d", res.StatusCode)
		}
		return res.Header.Get("Location")
	}
	if to := post(token); to != "/email/confirm?done=1" {
		t.Fatalf("confirmed, to %q", to)
	}
	if u, _ := e.st.UserByID(t.Context(), alice.ID); u.Email == nil || *u.Email != "alice@example.com" {
		t.Fatal("the button did not confirm")
	}
	if to := post(token); to != "/email/confirm?error="+shared.ELinkInvalid {
		t.Fatalf("again, to %q", to)
	}
}

// Two senders (each with its own connections, as two server processes
// have) deliver at once on PostgreSQL: together they send a recipient no
// more than its day's cap, counted in the database.
func TestMail_TwoSendersOnPostgresKeepTheRecipientsCapTogether(t *testing.T) {
	url, dir := storetest.URL(t, "postgres")
	first := openMigrated(t, url, dir)
	e := newEnvOn(t, first)
	e.fixClock()
	box, m := e.mailOn(t)
	e.svc.MailCaps = domain.MailCaps{PerDay: 7, LinksPerDay: 3}
	other := auth.New(storesOf(openMigrated(t, url, dir)), e.svc.Keys, e.svc.Log)
	other.Now, other.MailEnabled, other.MailCaps = e.svc.Now, true, e.svc.MailCaps

	e.user("alice", shared.RoleUser, "Acme")
	c := e.browser()
	e.login(c, "alice", password)
	e.confirmAddress(t, c, box, m, "alice@example.com") // one mail of the day
	for range 12 {                                      // each ends a session: a notice
		e.login(e.browser(), "alice", password)
		if r := e.do(c, "POST", "/api/me/sessions/end-others", nil); r.status != 200 {
			t.Fatalf("end others: %d", r.status)
		}
	}
	for i := range 6 { // links to the same mailbox, from other users
		name := fmt.Sprintf("sender%d", i)
		e.user(name, shared.RoleUser, "Acme")
		cl := e.browser()
		e.login(cl, name, password)
		if r := e.do(cl, "PUT", "/api/me/email", shared.EmailRequest{Email: fmt.Sprintf("alice+%d@example.com", i)}); r.status != 204 {
			t.Fatalf("sender %d: %d", i, r.status)
		}
	}
	db, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	senders := []*auth.Service{e.svc, other}
	// The two senders claim side by side until no mail is left that nobody
	// holds; the cap must hold however their claims interleave.
	var wg sync.WaitGroup
	for _, sender := range senders {
		wg.Go(func() {
			for {
				if _, err := sender.Notices.DeliverMail(t.Context(), m); err != nil {
					t.Error(err)
					return
				}
				var left int
				if err := db.QueryRow("SELECT count(*) FROM mail_outbox WHERE claimed_until IS NULL").Scan(&left); err != nil || left == 0 {
					return
				}
			}
		})
	}
	wg.Wait()
	arrived, links := 0, 0
	for _, mail := range box.Mails() {
		if strings.HasPrefix(mail.To, "alice") {
			arrived++
			if mail.Link() != "" {
				links++
			}
		}
	}
	if arrived != 7 || links > 3 {
		t.Fatalf("alice's mailbox got %d mails (%d links), want the cap of 7 with at most 3 links", arrived, links)
	}
}

// openMigrated opens the database at url (a PostgreSQL schema) or in dir
// with a connection pool of its own, migrated, until the test ends.
func openMigrated(t testing.TB, url, dir string) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), url, dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return st
}

// A link used while its user changes the address again: one of them comes
// first, the other answers in words; neither waits for the other's rows in
// a circle (a deadlock would answer 500).
func TestEmail_AConfirmationAndAChangeAtOnceNeverFail(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			e := newEnv(t, dialect)
			now := e.fixClock()
			box, m := e.mailOn(t)
			e.svc.MailCaps.PerDay, e.svc.MailCaps.LinksPerDay = 1000, 1000
			e.user("alice", shared.RoleUser, "Acme")
			for round := range 10 {
				*now = now.Add(time.Hour) // a fresh hour for the user's links
				c := e.browser()
				e.login(c, "alice", password)
				address := fmt.Sprintf("a%d@example.com", round)
				if r := e.do(c, "PUT", "/api/me/email", shared.EmailRequest{Email: address}); r.status != 204 {
					t.Fatalf("round %d: set: %d %s", round, r.status, r.body)
				}
				e.deliver(t, m)
				token := lastLink(t, box, address)
				st := e.raceAtAny(t, []string{"ConfirmEmail", "RequestEmail"}, 2, func(i int) int {
					if i == 0 {
						return e.do(e.browser(), "POST", "/api/email/confirm", shared.EmailConfirmRequest{Token: token}).status
					}
					return e.do(c, "PUT", "/api/me/email", shared.EmailRequest{Email: "other@example.com"}).status
				})
				if (st[0] != 204 && st[0] != 404) || st[1] != 204 {
					t.Fatalf("round %d: confirm %d, change %d", round, st[0], st[1])
				}
			}
		})
	}
}
