-- Where an application may have the browser sent after Warden signed the
-- user out at its request (RP-initiated logout): one per line, matched
-- exactly.
ALTER TABLE oidc_clients ADD COLUMN post_logout_redirect_uris TEXT NOT NULL DEFAULT '';
