-- The User-Agent a notice was caused from, so that its device is said in
-- the language of whoever reads it (the list, the mail); device keeps the
-- English name, the one rows written before have.
ALTER TABLE notices ADD COLUMN user_agent TEXT NOT NULL DEFAULT '';
