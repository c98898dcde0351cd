-- socrates_auth V4: make the auth tables fit the application's models (reference §6.3/§6.4).
-- No Alembic counterpart: 001-017 never reconciled these tables with the models.
--
-- Rule used throughout: a model column is NOT NULL in the database exactly when the model
-- requires it; a database column the model never writes may not be NOT NULL without a default.
-- Where a column is tightened on a table the application already wrote (users, admin_users),
-- NULLs left by other tools are first filled with a neutral value so the migration also applies
-- to a database adopted from Alembic.

-- users: the model makes email optional and name, surname and username required (the table
-- had it the other way round).
ALTER TABLE users ALTER COLUMN email DROP NOT NULL;

UPDATE users
   SET name     = coalesce(name, ''),
       surname  = coalesce(surname, ''),
       username = coalesce(username, 'user_' || replace(id::text, '-', ''))
 WHERE name IS NULL OR surname IS NULL OR username IS NULL;

ALTER TABLE users
    ALTER COLUMN name SET NOT NULL,
    ALTER COLUMN surname SET NOT NULL,
    ALTER COLUMN username SET NOT NULL;

-- admin_roles: the model writes permissions as a JSON list, which a varchar[] column rejects.
-- is_system_role is optional in the model.
ALTER TABLE admin_roles ALTER COLUMN permissions DROP DEFAULT;
ALTER TABLE admin_roles ALTER COLUMN permissions TYPE jsonb USING to_jsonb(permissions);
ALTER TABLE admin_roles ALTER COLUMN permissions SET DEFAULT '[]'::jsonb;
ALTER TABLE admin_roles ALTER COLUMN is_system_role DROP NOT NULL;

-- admin_users: the model requires granted_by_id and declares it a foreign key to users.id.
-- Grants without a (valid) grantor become self-grants.
UPDATE admin_users a
   SET granted_by_id = a.user_id
 WHERE a.granted_by_id IS NULL
    OR NOT EXISTS (SELECT 1 FROM users u WHERE u.id = a.granted_by_id);

ALTER TABLE admin_users ALTER COLUMN granted_by_id SET NOT NULL;
ALTER TABLE admin_users
    ADD CONSTRAINT admin_users_granted_by_id_fkey FOREIGN KEY (granted_by_id) REFERENCES users (id);
COMMENT ON COLUMN admin_users.granted_by_id IS 'References users.id in this database: the user who granted the role';

-- admin_audit_logs: model columns details and updated_at; resource_id and ip_address are
-- wider in the model (varchar(255), varchar(50)). changes stays beside details.
ALTER TABLE admin_audit_logs
    ALTER COLUMN resource_id TYPE varchar(255),
    ALTER COLUMN ip_address TYPE varchar(50);

ALTER TABLE admin_audit_logs
    ADD COLUMN details jsonb,
    ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
