-- socrates_specs V8: project ownership columns and renamed phase/maturity (Alembic revision 011).
--
-- phase becomes current_phase and maturity_level becomes maturity_score (the model's names).
-- creator_id and owner_id start as the project's user_id.
-- 011's idx_projects_current_phase is left out (reference §3): after the rename the consolidated
-- index ix_projects_phase already covers current_phase and keeps its name.

ALTER TABLE projects RENAME COLUMN phase TO current_phase;
ALTER TABLE projects RENAME COLUMN maturity_level TO maturity_score;

ALTER TABLE projects
    ADD COLUMN creator_id uuid,
    ADD COLUMN owner_id uuid;

UPDATE projects SET creator_id = user_id, owner_id = user_id;

ALTER TABLE projects
    ALTER COLUMN creator_id SET NOT NULL,
    ALTER COLUMN owner_id SET NOT NULL;

COMMENT ON COLUMN projects.creator_id IS 'References socrates_auth.users.id (cross-database, no foreign key)';
COMMENT ON COLUMN projects.owner_id IS 'References socrates_auth.users.id (cross-database, no foreign key)';

CREATE INDEX idx_projects_creator_id ON projects (creator_id);
CREATE INDEX idx_projects_owner_id ON projects (owner_id);
CREATE INDEX idx_projects_maturity_score ON projects (maturity_score);
