-- socrates_auth V2: admin roles, admin grants and the admin audit log (consolidated revision 002).
--
-- Left out as redundant (reference §3): ix_admin_roles_name (duplicate of uq_admin_roles_name),
-- ix_admin_users_user_id (leading column of uq_admin_users_user_role) and
-- ix_admin_audit_logs_resource_type (leading column of ix_admin_audit_logs_resource).

CREATE TABLE admin_roles (
    id             uuid         NOT NULL DEFAULT gen_random_uuid(),
    name           varchar(100) NOT NULL,
    description    text,
    permissions    varchar[]    NOT NULL DEFAULT '{}'::varchar[],
    is_system_role boolean      NOT NULL DEFAULT false,
    created_at     timestamptz  NOT NULL DEFAULT now(),
    updated_at     timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT admin_roles_pkey PRIMARY KEY (id),
    CONSTRAINT uq_admin_roles_name UNIQUE (name)
);
COMMENT ON TABLE admin_roles IS 'Named sets of admin permissions';

CREATE INDEX ix_admin_roles_is_system_role ON admin_roles (is_system_role);

CREATE TABLE admin_users (
    id            uuid        NOT NULL DEFAULT gen_random_uuid(),
    user_id       uuid        NOT NULL,
    role_id       uuid        NOT NULL,
    granted_by_id uuid,
    reason        text,
    revoked_at    timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT admin_users_pkey PRIMARY KEY (id),
    CONSTRAINT uq_admin_users_user_role UNIQUE (user_id, role_id),
    CONSTRAINT admin_users_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT admin_users_role_id_fkey FOREIGN KEY (role_id) REFERENCES admin_roles (id) ON DELETE RESTRICT
);
COMMENT ON TABLE admin_users IS 'Admin role grants to users';
COMMENT ON COLUMN admin_users.granted_by_id IS 'References users.id in this database (no foreign key in the consolidated schema)';

CREATE INDEX ix_admin_users_granted_by_id ON admin_users (granted_by_id);
CREATE INDEX ix_admin_users_revoked_at ON admin_users (revoked_at);
CREATE INDEX ix_admin_users_role_id ON admin_users (role_id);

CREATE TABLE admin_audit_logs (
    id            uuid         NOT NULL DEFAULT gen_random_uuid(),
    admin_id      uuid         NOT NULL,
    action        varchar(100) NOT NULL,
    resource_type varchar(100) NOT NULL,
    resource_id   varchar(36)  NOT NULL,
    changes       jsonb,
    ip_address    varchar(45),
    user_agent    varchar(500),
    created_at    timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT admin_audit_logs_pkey PRIMARY KEY (id),
    CONSTRAINT admin_audit_logs_admin_id_fkey FOREIGN KEY (admin_id) REFERENCES users (id) ON DELETE RESTRICT
);
COMMENT ON TABLE admin_audit_logs IS 'Audit trail of admin actions';
COMMENT ON COLUMN admin_audit_logs.resource_id IS 'Polymorphic reference: id of a row of the kind named by resource_type (no foreign key possible)';

CREATE INDEX ix_admin_audit_logs_action ON admin_audit_logs (action);
CREATE INDEX ix_admin_audit_logs_admin_id ON admin_audit_logs (admin_id);
CREATE INDEX ix_admin_audit_logs_created_at ON admin_audit_logs (created_at);
CREATE INDEX ix_admin_audit_logs_resource ON admin_audit_logs (resource_type, resource_id);
