-- no-transaction
-- Undoes V7 fill_and_index_api_columns: its indexes go, concurrently (one
-- statement at a time, re-runnable). The values it filled in stay (V6's
-- columns hold them; V6's down drops the columns).
DROP INDEX CONCURRENTLY IF EXISTS idx_messages_user_id;
DROP INDEX CONCURRENTLY IF EXISTS idx_sessions_vertex_session_id;
DROP INDEX CONCURRENTLY IF EXISTS sessions_id_user_id_key;
DELETE FROM schema_migration_notes WHERE version = '007_fill_and_index_api_columns';
