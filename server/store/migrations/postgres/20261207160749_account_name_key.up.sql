-- Look-alike account names (issue 22). Names are compared by
-- shared.AccountNameKey (NFKC, case-folded, without default-ignorable
-- characters), which SQL cannot compute: the store writes it beside the
-- name, and the next migration (Go, 20261207160750, in store/migrate.go)
-- fills it for the accounts already there. '' is only ever an account not
-- yet filled.
ALTER TABLE accounts ADD COLUMN name_key TEXT NOT NULL DEFAULT '';
