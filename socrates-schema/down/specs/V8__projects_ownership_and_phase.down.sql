-- Undo socrates_specs V8__projects_ownership_and_phase.
-- creator_id and owner_id are dropped with their values (user_id stays).

DROP INDEX idx_projects_maturity_score;
DROP INDEX idx_projects_owner_id;
DROP INDEX idx_projects_creator_id;

ALTER TABLE projects
    DROP COLUMN owner_id,
    DROP COLUMN creator_id;

ALTER TABLE projects RENAME COLUMN maturity_score TO maturity_level;
ALTER TABLE projects RENAME COLUMN current_phase TO phase;
