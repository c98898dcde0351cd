-- socrates_specs V15: make teams, team_members and project_shares (V4) fit the models, and
-- create project_collaborators and project_ownership_history, which the models map but no
-- Alembic migration created. Same rule as V12.
--
-- The models' foreign keys to users.id (teams.created_by, team_members.user_id) cannot exist
-- here: users live in socrates_auth. Those columns carry a comment instead.
-- The models' check constraints team_members_role_valid (owner, lead, developer, viewer) and
-- project_shares_permission_valid (read, write, admin) are not created: they contradict the
-- consolidated defaults 'member' and 'view', which stay.

-- teams: created_by is the model's owner column; owner_id is not written by the model.
ALTER TABLE teams ADD COLUMN created_by uuid NOT NULL;
ALTER TABLE teams ALTER COLUMN owner_id DROP NOT NULL;
COMMENT ON COLUMN teams.created_by IS 'References socrates_auth.users.id (cross-database, no foreign key)';
CREATE INDEX ix_teams_created_by ON teams (created_by);

-- team_members: joined_at is required, default now(). The application already wrote this
-- table, so missing values are filled from created_at. The model's team_members_unique
-- (team_id, user_id) is the existing uq_team_members_team_user.
UPDATE team_members SET joined_at = created_at WHERE joined_at IS NULL;
ALTER TABLE team_members ALTER COLUMN joined_at SET DEFAULT now();
ALTER TABLE team_members ALTER COLUMN joined_at SET NOT NULL;

-- project_shares: the model shares a project with a team (team_id, shared_by, shared_at).
-- shared_by_id and access_type are not written by the model. team_id gets the same foreign
-- key as shared_with_team_id.
ALTER TABLE project_shares
    ADD COLUMN team_id uuid NOT NULL,
    ADD COLUMN shared_by uuid NOT NULL,
    ADD COLUMN shared_at timestamptz NOT NULL DEFAULT now(),
    ADD CONSTRAINT project_shares_team_id_fkey FOREIGN KEY (team_id) REFERENCES teams (id) ON DELETE CASCADE,
    ADD CONSTRAINT project_shares_unique UNIQUE (project_id, team_id);

ALTER TABLE project_shares
    ALTER COLUMN shared_by_id DROP NOT NULL,
    ALTER COLUMN access_type DROP NOT NULL;

COMMENT ON COLUMN project_shares.shared_by IS 'References socrates_auth.users.id (cross-database, no foreign key)';

CREATE INDEX ix_project_shares_team_id ON project_shares (team_id);
CREATE INDEX ix_project_shares_shared_by ON project_shares (shared_by);

-- project_collaborators (model ProjectCollaborator, used by the collaboration API).
CREATE TABLE project_collaborators (
    id         uuid        NOT NULL DEFAULT gen_random_uuid(),
    project_id uuid        NOT NULL,
    user_id    uuid        NOT NULL,
    role       varchar(20) NOT NULL DEFAULT 'viewer',
    added_by   uuid        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT project_collaborators_pkey PRIMARY KEY (id),
    CONSTRAINT project_collaborators_project_id_fkey FOREIGN KEY (project_id) REFERENCES projects (id) ON DELETE CASCADE
);
COMMENT ON TABLE project_collaborators IS 'Users collaborating on a project, with their role';
COMMENT ON COLUMN project_collaborators.user_id IS 'References socrates_auth.users.id (cross-database, no foreign key)';
COMMENT ON COLUMN project_collaborators.added_by IS 'References socrates_auth.users.id (cross-database, no foreign key)';

CREATE INDEX ix_project_collaborators_project_id ON project_collaborators (project_id);
CREATE INDEX ix_project_collaborators_user_id ON project_collaborators (user_id);

-- project_ownership_history (model ProjectOwnershipHistory).
CREATE TABLE project_ownership_history (
    id             uuid         NOT NULL DEFAULT gen_random_uuid(),
    project_id     uuid         NOT NULL,
    from_user_id   uuid,
    to_user_id     uuid         NOT NULL,
    transferred_by uuid         NOT NULL,
    reason         varchar(255),
    created_at     timestamptz  NOT NULL DEFAULT now(),
    updated_at     timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT project_ownership_history_pkey PRIMARY KEY (id),
    CONSTRAINT project_ownership_history_project_id_fkey FOREIGN KEY (project_id) REFERENCES projects (id) ON DELETE CASCADE
);
COMMENT ON TABLE project_ownership_history IS 'Ownership transfers of projects';
COMMENT ON COLUMN project_ownership_history.from_user_id IS 'References socrates_auth.users.id (cross-database, no foreign key)';
COMMENT ON COLUMN project_ownership_history.to_user_id IS 'References socrates_auth.users.id (cross-database, no foreign key)';
COMMENT ON COLUMN project_ownership_history.transferred_by IS 'References socrates_auth.users.id (cross-database, no foreign key)';

CREATE INDEX ix_project_ownership_history_project_id ON project_ownership_history (project_id);
