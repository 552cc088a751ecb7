-- Platform administration (issue 16). A third role, platform_admin, who
-- administers every account; the earliest administrator of the Default
-- account (the one the first start created, auth.DefaultAccount) becomes it,
-- so an existing install keeps someone who can. An administrator of any
-- other account administers a tenant, not the platform: without a Default
-- account nobody is promoted, and `server user set-role` names one.

-- When an administrator disabled the user; a disabled user cannot log in.
-- Added first: ADD COLUMN edits the table's text at an offset this
-- connection parsed, which the CHECK edit below would move.
ALTER TABLE users ADD COLUMN disabled_at TIMESTAMP;

--bun:split

-- SQLite cannot alter a CHECK constraint, and rebuilding users would cascade
-- into sessions and recovery codes (foreign keys are on, and cannot be
-- switched off inside the migration's transaction). A CHECK does not touch
-- how rows are stored, so its text is edited in the schema, as SQLite's
-- documentation allows for such changes (ALTER TABLE, "other kinds of table
-- schema changes"). writable_schema = RESET re-reads the schema on this
-- connection; the CREATE INDEX below bumps the schema cookie so every other
-- connection re-reads it too.
PRAGMA writable_schema = ON;

--bun:split

UPDATE sqlite_schema SET sql = replace(sql, 'CHECK (role IN (''user'', ''admin''))', 'CHECK (role IN (''user'', ''admin'', ''platform_admin''))')
WHERE type = 'table' AND name = 'users';

--bun:split

PRAGMA writable_schema = RESET;

--bun:split

-- Account names are unique regardless of case ("Acme" and "acme" are one).
CREATE UNIQUE INDEX accounts_name_lower_idx ON accounts (lower(name));

--bun:split

UPDATE users SET role = 'platform_admin'
WHERE id = (SELECT min(u.id) FROM users AS u JOIN accounts AS a ON a.id = u.account_id
            WHERE u.role = 'admin' AND a.name = 'Default')
  AND NOT EXISTS (SELECT 1 FROM users WHERE role = 'platform_admin');
