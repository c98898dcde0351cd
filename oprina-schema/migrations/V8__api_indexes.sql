-- no-transaction
-- V8 api_indexes: the indexes of the API columns, built CONCURRENTLY so the
-- application keeps reading and writing sessions and messages. Runs outside a
-- transaction, one statement at a time; a run that fails part way is run
-- again from the top, so each build follows a DROP of an INVALID index an
-- interrupted build may have left (IF NOT EXISTS alone would keep it).
--   sessions_id_user_id_key         unique (id, user_id): V9 makes it the
--                                   key that messages (session_id, user_id)
--                                   references
--   idx_sessions_vertex_session_id  the agent's internal endpoints find the
--                                   user by the Vertex session id
--   idx_messages_user_id            the API counts a user's messages
-- Built after V7's fill, so the fill did not maintain them row by row.

DROP INDEX CONCURRENTLY IF EXISTS sessions_id_user_id_key;
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS sessions_id_user_id_key ON sessions (id, user_id);

DROP INDEX CONCURRENTLY IF EXISTS idx_sessions_vertex_session_id;
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_sessions_vertex_session_id ON sessions (vertex_session_id)
    WHERE vertex_session_id IS NOT NULL;

DROP INDEX CONCURRENTLY IF EXISTS idx_messages_user_id;
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_messages_user_id ON messages (user_id);

INSERT INTO schema_migration_notes (version, description) VALUES
    ('008_api_indexes', 'Indexes of the API columns, built concurrently')
ON CONFLICT (version) DO NOTHING;
