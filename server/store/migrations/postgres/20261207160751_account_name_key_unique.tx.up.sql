-- One account per key, which replaces the uniqueness of lower(name): that
-- let "ACME" and "AC<zero-width space>ME" both exist, and on SQLite, whose
-- lower() folds only ASCII, "Été" and "ÉTÉ" too.
CREATE UNIQUE INDEX accounts_name_key_idx ON accounts (name_key);

--bun:split

DROP INDEX accounts_name_lower_idx;
