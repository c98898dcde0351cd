-- no-transaction
-- V7 fill_and_index_api_columns: the existing rows get the values V6's
-- columns stand for, then the indexes of those columns are built
-- CONCURRENTLY. Rows written since V6 were filled in by its triggers; every
-- statement below skips them.
--
-- Runs outside a transaction, one statement at a time, so no lock outlives
-- its statement (or its batch), and a run cut short (lock_timeout,
-- statement_timeout, a lost connection) keeps what it finished: every
-- statement is re-runnable, and running `migrate` again goes on from the
-- top.
--
-- Filling a column is not an edit of the row: no updated_at, no session
-- statistics, no activity time, no deactivated_at stamp. So the user
-- triggers of messages and users are disabled around their UPDATE, inside
-- one transaction that enables them again before it commits (no other
-- session ever sees them disabled). Disabling takes a SHARE ROW EXCLUSIVE
-- lock until that commit: reads go on, writes wait; so messages are filled
-- in batches, each its own transaction, and the application's writes wait
-- for one batch at most.

-- Logs keep one time under two names: this UPDATE runs through V6's
-- sync_refresh_log_times, which copies both. It locks only the rows it
-- writes (30 days of logs; the cleanup deletes older ones).
UPDATE token_refresh_logs
   SET refresh_started_at = started_at,
       refresh_completed_at = completed_at
 WHERE refresh_started_at IS NULL;

-- Messages belong to their session's user: 5000 at a time, in primary-key
-- order, each batch committed (the runner sends this block alone, outside a
-- transaction, which is what lets it COMMIT). The statement_timeout of the
-- profile covers the whole block; a fill it cuts short keeps its batches.
-- runner:allow rerunnable-no-transaction the DISABLE and ENABLE run inside the block's transactions: each batch enables the triggers again before its COMMIT, and a rerun fills only the messages still without user_id
DO $$
DECLARE
    from_id uuid;
    to_id   uuid;
BEGIN
    SELECT id INTO from_id FROM messages ORDER BY id LIMIT 1;
    WHILE from_id IS NOT NULL LOOP
        SELECT id INTO to_id
          FROM (SELECT id FROM messages WHERE id >= from_id ORDER BY id LIMIT 5000) AS batch
         ORDER BY id DESC LIMIT 1;
        ALTER TABLE messages DISABLE TRIGGER USER;
        UPDATE messages m
           SET user_id = s.user_id
          FROM sessions s
         WHERE m.id BETWEEN from_id AND to_id
           AND m.user_id IS NULL
           AND s.id = m.session_id;
        ALTER TABLE messages ENABLE TRIGGER USER;
        COMMIT;
        SELECT id INTO from_id FROM messages WHERE id > to_id ORDER BY id LIMIT 1;
    END LOOP;
END
$$;

-- Inactive accounts get the status that says so (when they were deactivated
-- stays unknown: NULL), and a NULL is_active, which the seed counted as
-- active, becomes true. A few rows, which idx_users_active finds.
-- runner:allow rerunnable-no-transaction the block is one transaction: the triggers are enabled again before it commits, and a rerun finds no account left to fill
DO $$
BEGIN
    ALTER TABLE users DISABLE TRIGGER USER;
    UPDATE users
       SET status    = CASE WHEN is_active = false THEN 'inactive' ELSE 'active' END,
           is_active = coalesce(is_active, true)
     WHERE (is_active = false AND status <> 'inactive')
        OR is_active IS NULL;
    ALTER TABLE users ENABLE TRIGGER USER;
END
$$;

-- The indexes, built after the fill, so the fill did not maintain them row
-- by row. Each build follows a DROP of an INVALID index an interrupted
-- build may have left (IF NOT EXISTS alone would keep it).
--   sessions_id_user_id_key         unique (id, user_id): V8 makes it the key
--                                   that messages (session_id, user_id)
--                                   references
--   idx_sessions_vertex_session_id  the agent's internal endpoints find the
--                                   user by the Vertex session id
--   idx_messages_user_id            the API counts a user's messages
DROP INDEX CONCURRENTLY IF EXISTS sessions_id_user_id_key;
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS sessions_id_user_id_key ON sessions (id, user_id);

DROP INDEX CONCURRENTLY IF EXISTS idx_sessions_vertex_session_id;
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_sessions_vertex_session_id ON sessions (vertex_session_id)
    WHERE vertex_session_id IS NOT NULL;

DROP INDEX CONCURRENTLY IF EXISTS idx_messages_user_id;
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_messages_user_id ON messages (user_id);

INSERT INTO schema_migration_notes (version, description) VALUES
    ('007_fill_and_index_api_columns',
     'Existing rows filled in for the API columns (in batches, not as edits); their indexes built concurrently')
ON CONFLICT (version) DO NOTHING;
