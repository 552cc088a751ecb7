package store_test

import (
	"fmt"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/warden-auth/warden/server/store"
	"github.com/warden-auth/warden/server/store/storetest"
)

// The migrations of each dialect are hand-kept twins. TestSchema_DialectsMatch
// migrates a fresh database of each, reads back what the database itself says
// it holds (not the SQL files), and fails with every difference at once:
// tables, columns, nullability, type class, primary keys, unique constraints
// and indexes.

// schemaAllowed lists the differences between the dialects that are intended,
// by the key of the difference (as printed in brackets in the failure), with
// why. An entry that no longer matches a difference fails the test too, so
// the list cannot outlive what it excuses.
//
// Deliberately NOT listed: "nullability login_throttles.key" and
// "nullability sealed_keys.name". SQLite lets a non-INTEGER PRIMARY KEY of a
// rowid table hold NULL (and several NULLs) unless it is declared NOT NULL,
// where PostgreSQL refuses; that is a gap in the SQLite migrations, not a
// design choice, and this test reports it until they say NOT NULL.
var schemaAllowed = map[string]string{}

// bookkeeping are the tables bun's migrator keeps for itself (migrate's
// default table names); they are not the product's schema.
var bookkeeping = map[string]bool{"bun_migrations": true, "bun_migration_locks": true}

type schemaColumn struct {
	declared string // the type as the database reports it
	class    string // typeClass of declared
	notNull  bool
}

type schemaIndex struct {
	table   string
	columns []string // in order; "name DESC" for descending columns
	unique  bool
	partial bool
}

func (ix schemaIndex) String() string {
	s := "ON " + ix.table + " (" + strings.Join(ix.columns, ", ") + ")"
	if ix.unique {
		s = "UNIQUE " + s
	}
	if ix.partial {
		s += " WHERE ..."
	}
	return s
}

type schemaTable struct {
	columns map[string]schemaColumn
	pk      []string
	uniques map[string]bool // UNIQUE constraints, by their columns "a, b"
}

type schema struct {
	tables  map[string]*schemaTable
	indexes map[string]schemaIndex // explicit CREATE INDEX, by name
}

func newSchema() *schema {
	return &schema{tables: map[string]*schemaTable{}, indexes: map[string]schemaIndex{}}
}

func (s *schema) table(name string) *schemaTable {
	t := s.tables[name]
	if t == nil {
		t = &schemaTable{columns: map[string]schemaColumn{}, uniques: map[string]bool{}}
		s.tables[name] = t
	}
	return t
}

// typeClass maps a declared type to a class that means the same on both
// dialects. A type missing here gets a class of its own, naming it, so that
// it can only match itself and a new type is noticed.
func typeClass(dialect, declared string) string {
	t := strings.ToLower(strings.TrimSpace(declared))
	if i := strings.IndexByte(t, '('); i >= 0 { // VARCHAR(64) -> varchar
		t = strings.TrimSpace(t[:i])
	}
	switch t {
	case "smallint", "integer", "int", "bigint", "int2", "int4", "int8":
		return "integer"
	case "text", "varchar", "character varying", "character", "char", "clob":
		return "text"
	case "boolean", "bool":
		return "bool"
	case "timestamp", "timestamptz", "timestamp with time zone", "timestamp without time zone", "datetime":
		return "timestamp"
	case "bytea", "blob":
		return "bytes"
	case "real", "double precision", "float", "double":
		return "float"
	}
	return "unmapped " + dialect + " type " + strconv.Quote(declared)
}

func readSchema(t *testing.T, s *store.Store) *schema {
	t.Helper()
	if s.Dialect() == store.Postgres {
		return readPostgresSchema(t, s)
	}
	return readSQLiteSchema(t, s)
}

func readPostgresSchema(t *testing.T, s *store.Store) *schema {
	t.Helper()
	sc := newSchema()
	for _, r := range storetest.Rows(t, s, `
		SELECT table_name FROM information_schema.tables
		WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`) {
		if !bookkeeping[r[0]] {
			sc.table(r[0])
		}
	}
	for _, r := range storetest.Rows(t, s, `
		SELECT table_name, column_name, data_type, is_nullable
		FROM information_schema.columns
		WHERE table_schema = current_schema()
		ORDER BY table_name, ordinal_position`) {
		if tb := sc.tables[r[0]]; tb != nil {
			tb.columns[r[1]] = schemaColumn{declared: r[2], class: typeClass(store.Postgres, r[2]), notNull: r[3] == "NO"}
		}
	}
	// Every index of the schema's tables with its key columns in order.
	// origin says what made it: p (primary key), u (UNIQUE constraint), or
	// '' for CREATE INDEX.
	type pgIndex struct {
		schemaIndex
		origin string
	}
	found := map[string]*pgIndex{}
	var names []string
	for _, r := range storetest.Rows(t, s, `
		SELECT t.relname, ic.relname,
		       CASE WHEN i.indisunique THEN '1' ELSE '0' END,
		       CASE WHEN i.indpred IS NOT NULL THEN '1' ELSE '0' END,
		       COALESCE(con.contype::text, ''),
		       COALESCE(a.attname::text, '(expression)'),
		       CASE WHEN (i.indoption[k.ord - 1] & 1) = 1 THEN '1' ELSE '0' END
		FROM pg_index i
		JOIN pg_class ic ON ic.oid = i.indexrelid
		JOIN pg_class t ON t.oid = i.indrelid
		JOIN pg_namespace n ON n.oid = t.relnamespace
		LEFT JOIN pg_constraint con ON con.conindid = i.indexrelid AND con.conrelid = i.indrelid AND con.contype IN ('p', 'u')
		CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
		LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum AND k.attnum <> 0
		WHERE n.nspname = current_schema() AND k.ord <= i.indnkeyatts
		ORDER BY t.relname, ic.relname, k.ord`) {
		if sc.tables[r[0]] == nil {
			continue
		}
		ix := found[r[1]]
		if ix == nil {
			ix = &pgIndex{schemaIndex{table: r[0], unique: r[2] == "1", partial: r[3] == "1"}, r[4]}
			found[r[1]] = ix
			names = append(names, r[1])
		}
		col := r[5]
		if r[6] == "1" {
			col += " DESC"
		}
		ix.columns = append(ix.columns, col)
	}
	for _, name := range names {
		ix := found[name]
		tb := sc.tables[ix.table]
		switch ix.origin {
		case "p":
			tb.pk = ix.columns
		case "u":
			tb.uniques[strings.Join(ix.columns, ", ")] = true
		default:
			sc.indexes[name] = ix.schemaIndex
		}
	}
	return sc
}

func readSQLiteSchema(t *testing.T, s *store.Store) *schema {
	t.Helper()
	sc := newSchema()
	withoutRowid := map[string]bool{}
	for _, r := range storetest.Rows(t, s, `
		SELECT name, wr FROM pragma_table_list
		WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\'`) {
		if !bookkeeping[r[0]] {
			sc.table(r[0])
			withoutRowid[r[0]] = r[1] == "1"
		}
	}
	for _, name := range slices.Sorted(maps.Keys(sc.tables)) {
		tb := sc.tables[name]
		var pk []string
		pkType := map[string]string{}
		for _, r := range storetest.Rows(t, s, `
			SELECT name, type, "notnull", pk FROM pragma_table_info(?) ORDER BY pk, cid`, name) {
			tb.columns[r[0]] = schemaColumn{declared: r[1], class: typeClass(store.SQLite, r[1]), notNull: r[2] == "1"}
			if r[3] != "0" {
				pk = append(pk, r[0])
				pkType[r[0]] = r[1]
			}
		}
		tb.pk = pk
		// The one column of an INTEGER PRIMARY KEY is the rowid, which can
		// never hold NULL (NULL picks the next id) though table_info reports
		// it nullable. Any other primary key column of a rowid table DOES
		// accept NULL unless declared NOT NULL: SQLite's documented legacy
		// quirk, so it is left as reported.
		if (len(pk) == 1 && strings.EqualFold(pkType[pk[0]], "INTEGER")) || withoutRowid[name] {
			for _, c := range pk {
				col := tb.columns[c]
				col.notNull = true
				tb.columns[c] = col
			}
		}
		type liteIndex struct {
			schemaIndex
			origin string
		}
		found := map[string]*liteIndex{}
		var names []string
		for _, r := range storetest.Rows(t, s, `
			SELECT il.name, il."unique", il.origin, il.partial, COALESCE(ix.name, '(expression)'), ix."desc"
			FROM pragma_index_list(?) il, pragma_index_xinfo(il.name) ix
			WHERE ix.key = 1
			ORDER BY il.name, ix.seqno`, name) {
			ix := found[r[0]]
			if ix == nil {
				ix = &liteIndex{schemaIndex{table: name, unique: r[1] == "1", partial: r[3] == "1"}, r[2]}
				found[r[0]] = ix
				names = append(names, r[0])
			}
			col := r[4]
			if r[5] == "1" {
				col += " DESC"
			}
			ix.columns = append(ix.columns, col)
		}
		for _, iname := range names {
			ix := found[iname]
			switch ix.origin {
			case "pk": // the primary key, already read from table_info
			case "u":
				tb.uniques[strings.Join(ix.columns, ", ")] = true
			default: // "c": CREATE INDEX
				sc.indexes[iname] = ix.schemaIndex
			}
		}
	}
	return sc
}

type schemaDiff struct {
	key, msg string
}

// diffSchemas lists every difference between a (postgres) and b (sqlite).
func diffSchemas(a, b *schema) []schemaDiff {
	const an, bn = store.Postgres, store.SQLite
	var out []schemaDiff
	add := func(key, format string, args ...any) {
		out = append(out, schemaDiff{key, fmt.Sprintf(format, args...)})
	}
	nullity := func(notNull bool) string {
		if notNull {
			return "NOT NULL"
		}
		return "NULL"
	}
	for _, tn := range union(a.tables, b.tables) {
		ta, tb := a.tables[tn], b.tables[tn]
		if ta == nil || tb == nil {
			add("table "+tn, "table %s: %s %s, %s %s", tn, an, presence(ta != nil), bn, presence(tb != nil))
			continue
		}
		for _, cn := range union(ta.columns, tb.columns) {
			ca, oka := ta.columns[cn]
			cb, okb := tb.columns[cn]
			where := tn + "." + cn
			switch {
			case !oka || !okb:
				add("column "+where, "column %s: %s %s, %s %s", where, an, presence(oka), bn, presence(okb))
			default:
				if ca.notNull != cb.notNull {
					add("nullability "+where, "column %s nullability: %s %s, %s %s", where, an, nullity(ca.notNull), bn, nullity(cb.notNull))
				}
				if ca.class != cb.class {
					add("type "+where, "column %s type: %s %q (%s), %s %q (%s)", where, an, ca.declared, ca.class, bn, cb.declared, cb.class)
				}
			}
		}
		if !slices.Equal(ta.pk, tb.pk) {
			add("primary key "+tn, "table %s primary key: %s (%s), %s (%s)", tn, an, strings.Join(ta.pk, ", "), bn, strings.Join(tb.pk, ", "))
		}
		for _, cols := range union(ta.uniques, tb.uniques) {
			if ta.uniques[cols] != tb.uniques[cols] {
				add("unique "+tn+" ("+cols+")", "table %s UNIQUE (%s): %s %s, %s %s", tn, cols, an, presence(ta.uniques[cols]), bn, presence(tb.uniques[cols]))
			}
		}
	}
	for _, in := range union(a.indexes, b.indexes) {
		ia, oka := a.indexes[in]
		ib, okb := b.indexes[in]
		switch {
		case !oka || !okb:
			add("index "+in, "index %s: %s %s, %s %s", in, an, describe(ia, oka), bn, describe(ib, okb))
		case ia.String() != ib.String():
			add("index "+in, "index %s: %s %s, %s %s", in, an, ia, bn, ib)
		}
	}
	return out
}

func presence(ok bool) string {
	if ok {
		return "present"
	}
	return "missing"
}

func describe(ix schemaIndex, ok bool) string {
	if !ok {
		return "missing"
	}
	return ix.String()
}

func union[V any](a, b map[string]V) []string {
	keys := slices.Collect(maps.Keys(a))
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}

func TestSchema_DialectsMatch(t *testing.T) {
	schemas := map[string]*schema{}
	for _, d := range storetest.Dialects {
		sc := readSchema(t, storetest.Open(t, d))
		// A query that read nothing would make the comparison vacuous.
		if len(sc.tables) < 5 || len(sc.indexes) < 5 || len(sc.table("users").columns) < 5 {
			t.Fatalf("%s: read only %d tables, %d indexes, users columns %v: the schema query is broken",
				d, len(sc.tables), len(sc.indexes), slices.Sorted(maps.Keys(sc.table("users").columns)))
		}
		schemas[d] = sc
	}
	diffs := diffSchemas(schemas[store.Postgres], schemas[store.SQLite])
	var bad []string
	used := map[string]bool{}
	for _, d := range diffs {
		if _, ok := schemaAllowed[d.key]; ok {
			used[d.key] = true
			continue
		}
		bad = append(bad, "\t"+d.msg+"  ["+d.key+"]")
	}
	for _, key := range slices.Sorted(maps.Keys(schemaAllowed)) {
		if !used[key] {
			bad = append(bad, "\tallow-list entry "+strconv.Quote(key)+" matches no difference: remove it")
		}
	}
	if len(bad) > 0 {
		t.Errorf("the migrated %s and %s schemas differ (%d):\n%s\n"+
			"Fix the migrations of one dialect, or add the key in brackets to schemaAllowed with why it is intended.",
			store.Postgres, store.SQLite, len(bad), strings.Join(bad, "\n"))
	}
}

// schemaFile is the current schema in one readable file, as PostgreSQL
// reports it once every migration has run; the test below keeps it true.
const schemaFile = "SCHEMA.md"

// TestSchema_FileIsCurrent: SCHEMA.md is what the migrations make. After a
// new migration, UPDATE_SCHEMA=1 go test -run Schema ./server/store/
// rewrites it.
func TestSchema_FileIsCurrent(t *testing.T) {
	got := renderSchema(readSchema(t, storetest.Open(t, store.Postgres)))
	if os.Getenv("UPDATE_SCHEMA") != "" {
		if err := os.WriteFile(schemaFile, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(schemaFile)
	if err != nil || string(want) != got {
		t.Fatalf("server/store/%s is not the migrated schema (%v); rerun with UPDATE_SCHEMA=1 and commit it. It should read:\n%s", schemaFile, err, got)
	}
}

func renderSchema(sc *schema) string {
	var b strings.Builder
	b.WriteString("# The schema\n\nWhat the migrations in `migrations/` make, as PostgreSQL reports it (the SQLite twin\n" +
		"has the same tables, columns, nullability and indexes: `schema_test.go`). Generated by\n" +
		"`UPDATE_SCHEMA=1 go test -run Schema ./server/store/`; do not edit.\n")
	for _, name := range slices.Sorted(maps.Keys(sc.tables)) {
		tb := sc.tables[name]
		fmt.Fprintf(&b, "\n## %s\n\n| column | type | null |\n|---|---|---|\n", name)
		cols := slices.Sorted(maps.Keys(tb.columns))
		// Primary key columns first, in their order, then the rest by name.
		cols = slices.DeleteFunc(cols, func(c string) bool { return slices.Contains(tb.pk, c) })
		for _, c := range append(slices.Clone(tb.pk), cols...) {
			col := tb.columns[c]
			null := "yes"
			if col.notNull {
				null = "no"
			}
			key := ""
			if slices.Contains(tb.pk, c) {
				key = " (primary key)"
			}
			fmt.Fprintf(&b, "| %s%s | %s | %s |\n", c, key, col.declared, null)
		}
		for _, u := range slices.Sorted(maps.Keys(tb.uniques)) {
			fmt.Fprintf(&b, "\nUnique: (%s)\n", u)
		}
		var ixs []string
		for _, ixName := range slices.Sorted(maps.Keys(sc.indexes)) {
			if ix := sc.indexes[ixName]; ix.table == name {
				ixs = append(ixs, fmt.Sprintf("- `%s` %s", ixName, ix))
			}
		}
		if len(ixs) > 0 {
			b.WriteString("\nIndexes:\n\n" + strings.Join(ixs, "\n") + "\n")
		}
	}
	return b.String()
}
