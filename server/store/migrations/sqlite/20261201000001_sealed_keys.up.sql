-- Keys the server keeps in its database, sealed under SECRET_KEY: the key of
-- the recovery codes' keyed hashes, which must outlive any one SECRET_KEY.
-- Every server on the database must be able to open them; that is also how
-- a server with the wrong SECRET_KEY is stopped at start.
CREATE TABLE sealed_keys (
    name            TEXT PRIMARY KEY,
    sealed          BLOB NOT NULL,
    created_at      TIMESTAMP NOT NULL,
    sealed_at       TIMESTAMP NOT NULL
);
