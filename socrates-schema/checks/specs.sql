-- Socrates specs data-integrity checks, run by `runner verify`.

-- @no_foreign_key_crosses_to_auth: user references are comments, not foreign keys (the users live in the auth database)
SELECT conrelid::regclass || '.' || conname || ' references ' || confrelid::regclass || ', an auth table: foreign keys cannot cross databases'
  FROM pg_constraint
 WHERE contype = 'f' AND connamespace = current_schema()::regnamespace
   AND confrelid::regclass::text IN ('users', 'refresh_tokens', 'admin_roles', 'admin_users', 'admin_audit_logs');

-- @no_orphaned_sessions: every session belongs to an existing project
SELECT 'session ' || s.id || ' points at missing project ' || s.project_id
  FROM sessions s LEFT JOIN projects p ON p.id = s.project_id WHERE p.id IS NULL;
