-- socrates_specs V9: session mode, start and end times, optional user (Alembic revisions 012-014).
--
-- 012: mode ('socratic' or 'direct_chat').
-- 013: started_at and ended_at.
-- 014: user_id becomes optional; a session belongs to its project's owner and the Session
--      model does not write user_id.

ALTER TABLE sessions
    ADD COLUMN mode varchar(20) NOT NULL DEFAULT 'socratic',
    ADD COLUMN started_at timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN ended_at timestamptz;

ALTER TABLE sessions ALTER COLUMN user_id DROP NOT NULL;
