-- Warden as an OpenID Connect provider (server/auth/idp). A session
-- remembers what its sign-in proved (methods: the login steps' methods, in
-- order), which the ID token's amr and acr say.
ALTER TABLE sessions ADD COLUMN methods TEXT NOT NULL DEFAULT '';

--bun:split

-- The applications that may ask who the user is. account_id NULL: the
-- platform's, for every account. A confidential client keeps only the
-- SHA-256 of its secret (256 random bits, shown once); a public one has
-- none and must use PKCE. redirect_uris: one per line, matched exactly.
-- roles: the roles that may use it, space-separated; empty: every role.
CREATE TABLE oidc_clients (
    id            TEXT NOT NULL PRIMARY KEY,
    account_id    BIGINT REFERENCES accounts (id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    redirect_uris TEXT NOT NULL,
    secret_hash   BLOB,
    roles         TEXT NOT NULL,
    created_at    TIMESTAMP NOT NULL
);

--bun:split

CREATE INDEX oidc_clients_account_idx ON oidc_clients (account_id);

--bun:split

-- An authorization request on its way through the login. session_id is set
-- when a full session completes it, and the request goes with the session;
-- code_hash is the SHA-256 of its code, which the exchange deletes the row
-- by, so a code works once.
CREATE TABLE oidc_auth_requests (
    id         TEXT NOT NULL PRIMARY KEY,
    client_id  TEXT NOT NULL REFERENCES oidc_clients (id) ON DELETE CASCADE,
    params     TEXT NOT NULL,
    session_id BIGINT REFERENCES sessions (id) ON DELETE CASCADE,
    user_id    BIGINT REFERENCES users (id) ON DELETE CASCADE,
    methods    TEXT NOT NULL,
    auth_time  TIMESTAMP,
    code_hash  BLOB UNIQUE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);

--bun:split

CREATE INDEX oidc_auth_requests_expires_at_idx ON oidc_auth_requests (expires_at);

--bun:split

CREATE INDEX oidc_auth_requests_session_idx ON oidc_auth_requests (session_id);

--bun:split

-- A grant: what one code exchange gave a client, and every token refreshed
-- from it (one family). It goes with the Warden session it came from, and
-- its tokens with it.
CREATE TABLE oidc_grants (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    client_id  TEXT NOT NULL REFERENCES oidc_clients (id) ON DELETE CASCADE,
    session_id BIGINT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    scopes     TEXT NOT NULL,
    methods    TEXT NOT NULL,
    auth_time  TIMESTAMP NOT NULL,
    created_at TIMESTAMP NOT NULL
);

--bun:split

CREATE INDEX oidc_grants_session_idx ON oidc_grants (session_id);

--bun:split

-- Access and refresh tokens, by the SHA-256 of their secret. A refresh
-- token is used once (used_at): presented again, it ends its grant.
CREATE TABLE oidc_tokens (
    hash       BLOB NOT NULL PRIMARY KEY,
    grant_id   BIGINT NOT NULL REFERENCES oidc_grants (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('access', 'refresh')),
    expires_at TIMESTAMP NOT NULL,
    used_at    TIMESTAMP
);

--bun:split

CREATE INDEX oidc_tokens_grant_idx ON oidc_tokens (grant_id);

--bun:split

CREATE INDEX oidc_tokens_expires_at_idx ON oidc_tokens (expires_at);
