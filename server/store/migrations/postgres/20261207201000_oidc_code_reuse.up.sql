-- A code once exchanged is kept, spent (code_used_at), until the tokens it
-- gave would have expired; a grant names the request its code came from.
-- A spent code presented again revokes that grant (RFC 6749 4.1.2).
ALTER TABLE oidc_auth_requests ADD COLUMN code_used_at TIMESTAMPTZ;

--bun:split

ALTER TABLE oidc_grants ADD COLUMN request_id TEXT;

--bun:split

CREATE INDEX oidc_grants_request_idx ON oidc_grants (request_id);
