-- SQLite lets a primary key that is not an INTEGER hold NULL unless it says
-- NOT NULL; PostgreSQL never does. Rebuild the two tables keyed by text with
-- NOT NULL, as their PostgreSQL twins are (schema_test.go compares them).
CREATE TABLE login_throttles_new (
    key          TEXT NOT NULL PRIMARY KEY,
    failures     INTEGER NOT NULL,
    locked_until TIMESTAMP,
    updated_at   TIMESTAMP NOT NULL
);

--bun:split

INSERT INTO login_throttles_new (key, failures, locked_until, updated_at)
SELECT key, failures, locked_until, updated_at FROM login_throttles WHERE key IS NOT NULL;

--bun:split

DROP TABLE login_throttles;

--bun:split

ALTER TABLE login_throttles_new RENAME TO login_throttles;

--bun:split

CREATE INDEX login_throttles_updated_at_idx ON login_throttles (updated_at);

--bun:split

CREATE TABLE sealed_keys_new (
    name            TEXT NOT NULL PRIMARY KEY,
    sealed          BLOB NOT NULL,
    created_at      TIMESTAMP NOT NULL,
    sealed_at       TIMESTAMP NOT NULL
);

--bun:split

INSERT INTO sealed_keys_new (name, sealed, created_at, sealed_at)
SELECT name, sealed, created_at, sealed_at FROM sealed_keys WHERE name IS NOT NULL;

--bun:split

DROP TABLE sealed_keys;

--bun:split

ALTER TABLE sealed_keys_new RENAME TO sealed_keys;
