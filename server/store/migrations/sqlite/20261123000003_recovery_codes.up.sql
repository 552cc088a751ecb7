-- Single-use recovery codes, stored only as keyed hashes ("key-id:hex").
CREATE TABLE recovery_codes (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash  TEXT NOT NULL,
    used_at    TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);

--bun:split

CREATE INDEX recovery_codes_user_id_idx ON recovery_codes (user_id);
