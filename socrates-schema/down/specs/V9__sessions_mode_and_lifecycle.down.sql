-- Undo socrates_specs V9__sessions_mode_and_lifecycle.
-- user_id becomes required again. Sessions without one (every session the application
-- creates) get their project's user_id first, so the rollback cannot fail on them
-- (Alembic 014's downgrade did).

UPDATE sessions s
   SET user_id = p.user_id
  FROM projects p
 WHERE p.id = s.project_id
   AND s.user_id IS NULL;

ALTER TABLE sessions ALTER COLUMN user_id SET NOT NULL;

ALTER TABLE sessions
    DROP COLUMN ended_at,
    DROP COLUMN started_at,
    DROP COLUMN mode;
