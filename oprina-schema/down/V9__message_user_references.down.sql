-- no-transaction
-- Undoes V9 message_user_references: the messages references go, and
-- sessions (id, user_id) is a plain unique index again, as V8 left it.
-- Dropping the key drops its index, so the index is built again,
-- concurrently (sessions keeps taking writes). Outside a transaction, one
-- statement at a time, re-runnable from the top: (id, user_id) stays unique
-- meanwhile, since id is the primary key.

ALTER TABLE messages DROP CONSTRAINT IF EXISTS messages_session_user_fkey;
ALTER TABLE messages DROP CONSTRAINT IF EXISTS messages_user_id_fkey;
ALTER TABLE sessions DROP CONSTRAINT IF EXISTS sessions_id_user_id_key;
DROP INDEX CONCURRENTLY IF EXISTS sessions_id_user_id_key;
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS sessions_id_user_id_key ON sessions (id, user_id);
DELETE FROM schema_migration_notes WHERE version = '009_message_user_references';
