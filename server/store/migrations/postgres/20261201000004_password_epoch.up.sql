-- Counts the user's password changes. Device cookies bind it into their tag,
-- so a change voids every cookie earned with an older password.
ALTER TABLE users ADD COLUMN password_epoch BIGINT NOT NULL DEFAULT 0;
