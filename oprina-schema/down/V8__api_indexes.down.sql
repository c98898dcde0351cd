-- no-transaction
-- Undoes V8 api_indexes, concurrently (one statement at a time, re-runnable).
DROP INDEX CONCURRENTLY IF EXISTS idx_messages_user_id;
DROP INDEX CONCURRENTLY IF EXISTS idx_sessions_vertex_session_id;
DROP INDEX CONCURRENTLY IF EXISTS sessions_id_user_id_key;
DELETE FROM schema_migration_notes WHERE version = '008_api_indexes';
