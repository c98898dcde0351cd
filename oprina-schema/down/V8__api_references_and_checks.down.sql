-- no-transaction
-- Undoes V8 api_references_and_checks: its checks and the messages
-- references go, and sessions (id, user_id) is a plain unique index again,
-- as V7 left it. Dropping the key drops its index, so the index is built
-- again, concurrently (sessions keeps taking writes). Outside a transaction,
-- one statement at a time, re-runnable from the top; (id, user_id) stays
-- unique meanwhile, since id is the primary key.

ALTER TABLE token_refresh_logs DROP CONSTRAINT IF EXISTS chk_token_refresh_logs_refresh_started_at_not_null;
ALTER TABLE messages DROP CONSTRAINT IF EXISTS chk_messages_user_id_not_null;
ALTER TABLE users DROP CONSTRAINT IF EXISTS chk_users_status_matches_is_active;
ALTER TABLE messages DROP CONSTRAINT IF EXISTS messages_session_user_fkey;
ALTER TABLE messages DROP CONSTRAINT IF EXISTS messages_user_id_fkey;
ALTER TABLE sessions DROP CONSTRAINT IF EXISTS sessions_id_user_id_key;
DROP INDEX CONCURRENTLY IF EXISTS sessions_id_user_id_key;
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS sessions_id_user_id_key ON sessions (id, user_id);
DELETE FROM schema_migration_notes WHERE version = '008_api_references_and_checks';
