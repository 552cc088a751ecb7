-- The SQLite twin of this migration adds NOT NULL to two text primary keys;
-- PostgreSQL's primary keys are NOT NULL already. Kept so that both dialects
-- list the same migrations.
SELECT 1;
