-- Test data for socrates_auth (local development only; applied after the migrations, in one
-- transaction, with --with-test-data). Idempotent: fixed ids and timestamps, upserts that
-- reset every column they insert. Applying it twice leaves the same rows.
--
-- Users (password for all three: TestPassword123, bcrypt cost 10):
--   alice@socrates.test  a0000000-0000-4000-8000-000000000001  user, owns the demo project
--   bob@socrates.test    a0000000-0000-4000-8000-000000000002  user, collaborator on it
--   admin@socrates.test  a0000000-0000-4000-8000-000000000003  admin, holds role super_admin
-- test-data/specs.sql refers to these ids (cross-database references, no foreign key).

INSERT INTO users (id, email, hashed_password, name, surname, username,
                   is_active, is_verified, role, status, created_at, updated_at)
VALUES
    ('a0000000-0000-4000-8000-000000000001', 'alice@socrates.test',
     '$2a$10$V0CLdyvP669YJDXFkjGi0OH5vWKuE3UIloL/q95UjFLldN3JLoIaS',
     'Alice', 'Anderson', 'alice', true, true, 'user', 'active',
     '2025-01-10 09:00:00+00', '2025-01-10 09:00:00+00'),
    ('a0000000-0000-4000-8000-000000000002', 'bob@socrates.test',
     '$2a$10$V0CLdyvP669YJDXFkjGi0OH5vWKuE3UIloL/q95UjFLldN3JLoIaS',
     'Bob', 'Brown', 'bob', true, true, 'user', 'active',
     '2025-01-11 09:00:00+00', '2025-01-11 09:00:00+00'),
    ('a0000000-0000-4000-8000-000000000003', 'admin@socrates.test',
     '$2a$10$V0CLdyvP669YJDXFkjGi0OH5vWKuE3UIloL/q95UjFLldN3JLoIaS',
     'Ada', 'Admin', 'admin', true, true, 'admin', 'active',
     '2025-01-01 09:00:00+00', '2025-01-01 09:00:00+00')
ON CONFLICT (id) DO UPDATE SET
    email           = EXCLUDED.email,
    hashed_password = EXCLUDED.hashed_password,
    name            = EXCLUDED.name,
    surname         = EXCLUDED.surname,
    username        = EXCLUDED.username,
    is_active       = EXCLUDED.is_active,
    is_verified     = EXCLUDED.is_verified,
    role            = EXCLUDED.role,
    status          = EXCLUDED.status,
    created_at      = EXCLUDED.created_at,
    updated_at      = EXCLUDED.updated_at;

-- One refresh token per user; Bob's is revoked. Tokens expire far in the future so the data
-- stays usable; they are opaque test strings, not signed JWTs.
INSERT INTO refresh_tokens (id, user_id, token, expires_at, is_revoked, revoked_at, created_at, updated_at)
VALUES
    ('a0000000-0000-4000-8000-000000000101', 'a0000000-0000-4000-8000-000000000001',
     'test-refresh-token-alice', '2099-01-01 00:00:00+00', false, NULL,
     '2025-01-20 08:00:00+00', '2025-01-20 08:00:00+00'),
    ('a0000000-0000-4000-8000-000000000102', 'a0000000-0000-4000-8000-000000000002',
     'test-refresh-token-bob', '2099-01-01 00:00:00+00', true, '2025-01-21 12:00:00+00',
     '2025-01-21 08:00:00+00', '2025-01-21 12:00:00+00'),
    ('a0000000-0000-4000-8000-000000000103', 'a0000000-0000-4000-8000-000000000003',
     'test-refresh-token-admin', '2099-01-01 00:00:00+00', false, NULL,
     '2025-01-22 08:00:00+00', '2025-01-22 08:00:00+00')
ON CONFLICT (id) DO UPDATE SET
    user_id    = EXCLUDED.user_id,
    token      = EXCLUDED.token,
    expires_at = EXCLUDED.expires_at,
    is_revoked = EXCLUDED.is_revoked,
    revoked_at = EXCLUDED.revoked_at,
    created_at = EXCLUDED.created_at,
    updated_at = EXCLUDED.updated_at;

INSERT INTO admin_roles (id, name, description, permissions, is_system_role, created_at, updated_at)
VALUES
    ('a0000000-0000-4000-8000-000000000201', 'super_admin', 'Full access to every admin function',
     '["users:read", "users:write", "projects:read", "projects:write", "admin:manage"]'::jsonb,
     true, '2025-01-01 09:00:00+00', '2025-01-01 09:00:00+00')
ON CONFLICT (id) DO UPDATE SET
    name           = EXCLUDED.name,
    description    = EXCLUDED.description,
    permissions    = EXCLUDED.permissions,
    is_system_role = EXCLUDED.is_system_role,
    created_at     = EXCLUDED.created_at,
    updated_at     = EXCLUDED.updated_at;

-- The first administrator grants the role to itself (bootstrap).
INSERT INTO admin_users (id, user_id, role_id, granted_by_id, reason, revoked_at, created_at, updated_at)
VALUES
    ('a0000000-0000-4000-8000-000000000301', 'a0000000-0000-4000-8000-000000000003',
     'a0000000-0000-4000-8000-000000000201', 'a0000000-0000-4000-8000-000000000003',
     'Initial administrator (test data)', NULL,
     '2025-01-01 09:05:00+00', '2025-01-01 09:05:00+00')
ON CONFLICT (id) DO UPDATE SET
    user_id       = EXCLUDED.user_id,
    role_id       = EXCLUDED.role_id,
    granted_by_id = EXCLUDED.granted_by_id,
    reason        = EXCLUDED.reason,
    revoked_at    = EXCLUDED.revoked_at,
    created_at    = EXCLUDED.created_at,
    updated_at    = EXCLUDED.updated_at;

INSERT INTO admin_audit_logs (id, admin_id, action, resource_type, resource_id, changes, details,
                              ip_address, user_agent, created_at, updated_at)
VALUES
    ('a0000000-0000-4000-8000-000000000401', 'a0000000-0000-4000-8000-000000000003',
     'admin_role.grant', 'admin_user', 'a0000000-0000-4000-8000-000000000301',
     '{"role": "super_admin"}'::jsonb, '{"role": "super_admin", "user": "admin@socrates.test"}'::jsonb,
     '127.0.0.1', 'socrates-test-data', '2025-01-01 09:05:00+00', '2025-01-01 09:05:00+00')
ON CONFLICT (id) DO UPDATE SET
    admin_id      = EXCLUDED.admin_id,
    action        = EXCLUDED.action,
    resource_type = EXCLUDED.resource_type,
    resource_id   = EXCLUDED.resource_id,
    changes       = EXCLUDED.changes,
    details       = EXCLUDED.details,
    ip_address    = EXCLUDED.ip_address,
    user_agent    = EXCLUDED.user_agent,
    created_at    = EXCLUDED.created_at,
    updated_at    = EXCLUDED.updated_at;
