-- Socrates auth data-integrity checks, run by `runner verify`.

-- @no_foreign_key_leaves_the_auth_database: foreign keys only reference the auth tables
SELECT conrelid::regclass || '.' || conname || ' references ' || confrelid::regclass || ', which is not an auth table'
  FROM pg_constraint
 WHERE contype = 'f' AND connamespace = current_schema()::regnamespace
   AND confrelid::regclass::text NOT IN ('users', 'refresh_tokens', 'admin_roles', 'admin_users', 'admin_audit_logs');

-- @no_orphaned_refresh_tokens: every refresh token belongs to an existing user
SELECT 'refresh token ' || t.id || ' points at missing user ' || t.user_id
  FROM refresh_tokens t LEFT JOIN users u ON u.id = t.user_id WHERE u.id IS NULL;
