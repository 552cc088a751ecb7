-- Platform administration (issue 16). A third role, platform_admin, who
-- administers every account; the earliest administrator of the Default
-- account (the one the first start created, auth.DefaultAccount) becomes it,
-- so an existing install keeps someone who can. An administrator of any
-- other account administers a tenant, not the platform: without a Default
-- account nobody is promoted, and `server user set-role` names one.
ALTER TABLE users DROP CONSTRAINT users_role_check;

--bun:split

ALTER TABLE users ADD CONSTRAINT users_role_check CHECK (role IN ('user', 'admin', 'platform_admin'));

--bun:split

-- When an administrator disabled the user; a disabled user cannot log in.
ALTER TABLE users ADD COLUMN disabled_at TIMESTAMPTZ;

--bun:split

-- Account names are unique regardless of case ("Acme" and "acme" are one).
CREATE UNIQUE INDEX accounts_name_lower_idx ON accounts (lower(name));

--bun:split

UPDATE users SET role = 'platform_admin'
WHERE id = (SELECT min(u.id) FROM users AS u JOIN accounts AS a ON a.id = u.account_id
            WHERE u.role = 'admin' AND a.name = 'Default')
  AND NOT EXISTS (SELECT 1 FROM users WHERE role = 'platform_admin');
