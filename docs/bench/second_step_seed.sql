-- Seed for second_step.pgbench: one account and 10,000 users, in a schema
-- made by `server migrate`.
INSERT INTO accounts (name, created_at) VALUES ('Bench', now());
INSERT INTO users (account_id, username, password_hash, role, created_at, updated_at)
    SELECT 1, 'user' || g, 'x', 'user', now(), now() FROM generate_series(1, 10000) g;
