package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/warden-auth/warden/server/domain"
	"github.com/warden-auth/warden/server/store"
	"github.com/warden-auth/warden/server/store/storetest"
	"github.com/warden-auth/warden/shared"
)

// Account names are compared by what a reader sees: without the invisible,
// in compatibility form (width, ligatures, no-break spaces), folded case,
// one space between words.
func TestAccountNameKey_NamesThatLookAlikeHaveOneKey(t *testing.T) {
	checkKeys(t, [][]string{
		{"ACME", "acme", "AC\u200bME", "ACME\u200d", "\u2066ACME\u2069", "\u202dACME", "ａｃｍｅ", " Acme ", "AC\u00adME", "ACME\ufe0f", "A\u034fCME", "\ufeffacme"},
		{"Acme Corp", "Acme  Corp", "Acme\u00a0Corp", "Acme\u3000Corp", "ACME\tCORP"},
		{"Straße", "STRASSE", "strasse"},
		{"Été", "ÉTÉ", "E\u0301te\u0301"},
		{"ﬁne", "fine", "FINE"},
	}, [][2]string{{"ACME", "EMCA"}, {"Acme", "Acne"}, {"Acme Corp", "AcmeCorp"}})
	if got := store.AccountNameKey("ACME"); got != "acme" {
		t.Errorf("the key of ACME: %q", got)
	}
}

// Letters of other scripts that a reader cannot tell from Latin ones (the
// Cyrillic and Greek capitals of "АСМЕ" and "ΑϹΜΕ"), alone or mixed in, and
// the Braille blank that shows as a space, make no other name (UTS #39's
// confusables); letters that only look alike in another case still differ
// from names that look different.
func TestAccountNameKey_LettersOfOtherScriptsThatLookAlikeHaveOneKey(t *testing.T) {
	checkKeys(t, [][]string{
		otherScripts,
		{"PayPal", "\u0420\u0430\u0443\u0420\u0430l", "PAYPAL"},
		{"Acme Corp", "Acme\u2800Corp", "Acme Corp\u2800"},
	}, [][2]string{{"ACME", "EMCA"}, {"Acme", "Acne"}, {"ACME", "\u0416\u0410\u0411\u0410"}})
}

// checkKeys checks that the names of each group have one key, and the two
// of each pair two.
func checkKeys(t *testing.T, groups [][]string, pairs [][2]string) {
	t.Helper()
	for _, group := range groups {
		for _, name := range group {
			if got, want := store.AccountNameKey(name), store.AccountNameKey(group[0]); got != want {
				t.Errorf("store.AccountNameKey(%+q) = %+q, want %+q as for %q", name, got, want, group[0])
			}
		}
	}
	for _, pair := range pairs {
		if store.AccountNameKey(pair[0]) == store.AccountNameKey(pair[1]) {
			t.Errorf("%q and %q have one key", pair[0], pair[1])
		}
	}
}

// otherScripts of "ACME": Cyrillic capitals, Greek capitals, one Greek
// Epsilon, a Cyrillic A and es before Latin small letters, and a trailing
// Braille blank.
var otherScripts = []string{"ACME", "\u0410\u0421\u041c\u0415", "\u0391\u03f9\u039c\u0395", "ACM\u0395", "\u0410\u0441me", "ACME\u2800"}

// FuzzAccountNameKey: what cannot be seen does not make another name.
func FuzzAccountNameKey(f *testing.F) {
	for _, s := range []string{"ACME", "Ａｃｍｅ", "AC\u200bME", "Straße", "ﬁne", "E\u0301te\u0301", "a b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		half := len(s) / 2
		if !utf8.ValidString(s) || !utf8.RuneStart(s[half]) {
			return
		}
		for _, hidden := range []string{"\u200b", "\u200d", "\u2060", "\u00ad", "\ufeff"} {
			if store.AccountNameKey(s[:half]+hidden+s[half:]) != store.AccountNameKey(s) {
				t.Fatalf("%+q with %+q in it has another key", s, hidden)
			}
		}
	})
}

// lookAlikes of "ACME": each reads as it does, and the database holds one
// account of them all, on either dialect. (SQLite's lower() folds ASCII
// only: a unique lower(name) let "ÉTÉ" beside "été" there.) Those in other
// scripts too.
var lookAlikes = append([]string{"AC\u200bME", "ACME\u200d", "\u2066ACME\u2069", "ａｃｍｅ", "acme", " Acme ", "AC\u00adME", "ACME\ufe0f", "A\u034fCME"},
	otherScripts[1:]...)

func TestAccounts_NamesThatLookAlikeAreOneAccount(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		acme, err := s.CreateAccount(ctx, "ACME", t0)
		if err != nil {
			t.Fatal(err)
		}
		globex, err := s.CreateAccount(ctx, "Globex", t0)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range lookAlikes {
			if _, err := s.CreateAccount(ctx, name, t0); !errors.Is(err, domain.ErrConflict) {
				t.Errorf("create %+q beside ACME: %v", name, err)
			}
			if _, err := s.CreateAccountAudited(ctx, name, t0, &domain.AuditEvent{CreatedAt: t0, ActorName: "x", Action: "x"}); !errors.Is(err, domain.ErrConflict) {
				t.Errorf("create %+q beside ACME, audited: %v", name, err)
			}
			if _, err := s.RenameAccount(ctx, globex.ID, name, &domain.AuditEvent{CreatedAt: t0, AccountID: globex.ID, ActorName: "x", Action: "x"}); !errors.Is(err, domain.ErrConflict) {
				t.Errorf("rename Globex to %+q beside ACME: %v", name, err)
			}
			if a, err := s.AccountByName(ctx, name); err != nil || a.ID != acme.ID {
				t.Errorf("account by the name %+q: %+v %v", name, a, err)
			}
		}
		for _, pair := range [][2]string{{"Été", "ÉTÉ"}, {"Straße", "STRASSE"}, {"Acme  Corp", "Acme\u00a0Corp"}} {
			if _, err := s.CreateAccount(ctx, pair[0], t0); err != nil {
				t.Fatal(err)
			}
			if _, err := s.CreateAccount(ctx, pair[1], t0); !errors.Is(err, domain.ErrConflict) {
				t.Errorf("%q beside %q: %v", pair[1], pair[0], err)
			}
		}
		// Names that only share letters stay apart.
		if _, err := s.CreateAccount(ctx, "EMCA", t0); err != nil {
			t.Errorf("EMCA beside ACME: %v", err)
		}
		if got := storetest.Rows(t, s, "SELECT name, name_key FROM accounts WHERE id = ?", globex.ID); fmt.Sprint(got) != "[[Globex globex]]" {
			t.Errorf("Globex after the refused renames: %v", got)
		}
	})
}

// Accounts made before names had a key: the first of each look-alike keeps
// its name, the later ones are renamed so a reader can tell them apart, a
// name with characters no name may hold shows what a reader saw of it, and
// each rename is in that account's audit log. Then the key is unique.
func TestMigrate_AccountsThatLookAlikeAreRenamedOnceAndAudited(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		s = installBefore(t, s, "20261207160749")
		var ids []int64
		for _, name := range []string{"ACME", "AC\u200bME", "Globex", "ACME\u200d", "\u202eEMCA", "Ａｃｍｅ", "\u200b\u200d", "Été", "ÉTÉ"} {
			var id int64
			if err := s.DB().NewRaw("INSERT INTO accounts (name, created_at) VALUES (?, ?) RETURNING id", name, t0).Scan(ctx, &id); err != nil {
				if s.Dialect() == store.Postgres && name == "ÉTÉ" {
					continue // PostgreSQL's lower() refused it already
				}
				t.Fatalf("%+q: %v", name, err)
			}
			ids = append(ids, id)
		}
		if _, err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		want := []string{"ACME", fmt.Sprintf("ACME (account %d)", ids[1]), "Globex", fmt.Sprintf("ACME (account %d)", ids[3]),
			"EMCA", fmt.Sprintf("Ａｃｍｅ (account %d)", ids[5]), fmt.Sprintf("Account %d", ids[6]), "Été"}
		if len(ids) == 9 {
			want = append(want, fmt.Sprintf("ÉTÉ (account %d)", ids[8]))
		}
		renamed := checkUpgradedNames(t, s, ids, want, func(i int) bool { return i == 0 || i == 2 || i == 7 })
		if renamed != len(ids)-3 {
			t.Errorf("%d renames audited", renamed)
		}
		if _, err := s.CreateAccount(ctx, "ACME\u200b", t0); !errors.Is(err, domain.ErrConflict) {
			t.Fatalf("a look-alike after the migration: %v", err)
		}
	})
}

// Accounts whose names were kept apart by the key before it knew other
// scripts' look-alikes: upgrading renames the later ones as for any
// look-alike, audited, and the key stays unique.
func TestMigrate_AccountsInOtherScriptsThatLookAlikeAreRenamedOnceAndAudited(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		s = installBefore(t, s, store.MigrationConfusableNames)
		// As the key was: each name folded, other scripts' letters their own.
		var ids []int64
		for _, name := range []string{"ACME", otherScripts[1], "Globex", otherScripts[2]} {
			var id int64
			if err := s.DB().NewRaw("INSERT INTO accounts (name, name_key, created_at) VALUES (?, ?, ?) RETURNING id",
				name, strings.ToLower(name), t0).Scan(ctx, &id); err != nil {
				t.Fatalf("%+q: %v", name, err)
			}
			ids = append(ids, id)
		}
		if _, err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		want := []string{"ACME", fmt.Sprintf("%s (account %d)", otherScripts[1], ids[1]), "Globex",
			fmt.Sprintf("%s (account %d)", otherScripts[2], ids[3])}
		if renamed := checkUpgradedNames(t, s, ids, want, func(i int) bool { return i%2 == 0 }); renamed != 2 {
			t.Errorf("%d renames audited", renamed)
		}
		if _, err := s.CreateAccount(ctx, otherScripts[3], t0); !errors.Is(err, domain.ErrConflict) {
			t.Fatalf("a look-alike after the migration: %v", err)
		}
	})
}

// checkUpgradedNames checks that each account ids[i] is now named want[i],
// under that name's key, and that its audit log holds nothing if it kept
// its name, else the upgrade's one rename to it; it returns how many
// renames it found.
func checkUpgradedNames(t *testing.T, s *store.Store, ids []int64, want []string, kept func(i int) bool) (renamed int) {
	t.Helper()
	for i, id := range ids {
		a, err := s.AccountByID(context.Background(), id)
		if err != nil || a.Name != want[i] || a.NameKey != store.AccountNameKey(want[i]) {
			t.Errorf("account %d after the migration: %+q key %+q, %v; want %+q", id, a.Name, a.NameKey, err, want[i])
			continue
		}
		events, _, err := s.AuditEvents(context.Background(), id, 0, 10)
		switch {
		case err != nil:
			t.Fatal(err)
		case kept(i):
			if len(events) != 0 {
				t.Errorf("%q kept its name, yet its audit log has %+v", want[i], events)
			}
		case len(events) != 1 || events[0].Action != shared.AuditAccountRenamed || events[0].ActorName != "upgrade" ||
			!strings.HasSuffix(events[0].Detail, " → "+want[i]):
			t.Errorf("the rename to %q in the audit log: %+v", want[i], events)
		default:
			renamed++
		}
	}
	return renamed
}

// Upgrading writes each account its new name, and the names it renames to
// may be names others hold until they are renamed too, or keep: an
// account named what an earlier look-alike's rename would be ("ACME
// (account 4)" beside "ACME" and account 4, "AC<ZWSP>ME") keeps its name,
// the first of its key, and the look-alike is renamed around it; a name
// that showed "EMCA" reversed becomes "EMCA" and the later "EMCA" is
// renamed. The upgrade never stops on a name another account holds.
func TestMigrate_RenamesNeverTakeAnotherAccountsName(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		s = installBefore(t, s, "20261207160749")
		var ids []int64
		for i, name := range []string{"\u202eEMCA", "EMCA", "ACME", "AC\u200bME", "ACME (account %d)"} {
			if i == 4 {
				name = fmt.Sprintf(name, ids[3])
			}
			var id int64
			if err := s.DB().NewRaw("INSERT INTO accounts (name, created_at) VALUES (?, ?) RETURNING id", name, t0).Scan(ctx, &id); err != nil {
				t.Fatalf("%+q: %v", name, err)
			}
			ids = append(ids, id)
		}
		if _, err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		want := []string{"EMCA", fmt.Sprintf("EMCA (account %d)", ids[1]), "ACME", fmt.Sprintf("ACME (account %d, 2)", ids[3]),
			fmt.Sprintf("ACME (account %d)", ids[3])}
		if renamed := checkUpgradedNames(t, s, ids, want, func(i int) bool { return i == 2 || i == 4 }); renamed != 3 {
			t.Errorf("%d renames audited", renamed)
		}
	})
}

// installBefore is a new install of s's dialect with the migrations before
// migration applied.
func installBefore(t *testing.T, s *store.Store, migration string) *store.Store {
	t.Helper()
	s, _ = oldInstall(t, s.Dialect(), nil)
	if err := s.MigrateBefore(context.Background(), migration); err != nil {
		t.Fatal(err)
	}
	return s
}
