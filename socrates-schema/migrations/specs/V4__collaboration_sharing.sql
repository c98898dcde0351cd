-- socrates_specs V4: teams, team members and project shares (consolidated revision 006).
--
-- Left out as redundant (reference §3): ix_teams_name (duplicate of uq_teams_name) and
-- ix_team_members_team_id (leading column of uq_team_members_team_user).

CREATE TABLE teams (
    id            uuid         NOT NULL DEFAULT gen_random_uuid(),
    name          varchar(255) NOT NULL,
    description   text,
    owner_id      uuid         NOT NULL,
    status        varchar(20)  NOT NULL DEFAULT 'active',
    member_count  integer      NOT NULL DEFAULT 1,
    project_count integer      NOT NULL DEFAULT 0,
    settings      jsonb                 DEFAULT '{}'::jsonb,
    metadata      jsonb                 DEFAULT '{}'::jsonb,
    created_at    timestamptz  NOT NULL DEFAULT now(),
    updated_at    timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT teams_pkey PRIMARY KEY (id),
    CONSTRAINT uq_teams_name UNIQUE (name)
);
COMMENT ON TABLE teams IS 'Teams of users';
COMMENT ON COLUMN teams.owner_id IS 'References socrates_auth.users.id (cross-database, no foreign key)';

CREATE INDEX ix_teams_created_at ON teams (created_at);
CREATE INDEX ix_teams_owner_id ON teams (owner_id);
CREATE INDEX ix_teams_status ON teams (status);

CREATE TABLE team_members (
    id                 uuid             NOT NULL DEFAULT gen_random_uuid(),
    team_id            uuid             NOT NULL,
    user_id            uuid             NOT NULL,
    role               varchar(50)      NOT NULL DEFAULT 'member',
    permission_level   varchar(50),
    status             varchar(20)      NOT NULL DEFAULT 'active',
    invited_by_id      uuid,
    joined_at          timestamptz,
    contribution_score double precision,
    metadata           jsonb                     DEFAULT '{}'::jsonb,
    created_at         timestamptz      NOT NULL DEFAULT now(),
    updated_at         timestamptz      NOT NULL DEFAULT now(),
    CONSTRAINT team_members_pkey PRIMARY KEY (id),
    CONSTRAINT uq_team_members_team_user UNIQUE (team_id, user_id),
    CONSTRAINT team_members_team_id_fkey FOREIGN KEY (team_id) REFERENCES teams (id) ON DELETE CASCADE
);
COMMENT ON TABLE team_members IS 'Membership of users in teams';
COMMENT ON COLUMN team_members.user_id IS 'References socrates_auth.users.id (cross-database, no foreign key)';
COMMENT ON COLUMN team_members.invited_by_id IS 'References socrates_auth.users.id (cross-database, no foreign key)';

CREATE INDEX ix_team_members_created_at ON team_members (created_at);
CREATE INDEX ix_team_members_role ON team_members (role);
CREATE INDEX ix_team_members_status ON team_members (status);
CREATE INDEX ix_team_members_user_id ON team_members (user_id);

CREATE TABLE project_shares (
    id                  uuid        NOT NULL DEFAULT gen_random_uuid(),
    project_id          uuid        NOT NULL,
    shared_with_user_id uuid,
    shared_with_team_id uuid,
    shared_by_id        uuid        NOT NULL,
    permission_level    varchar(50) NOT NULL DEFAULT 'view',
    access_type         varchar(50) NOT NULL,
    expiry_date         timestamptz,
    password_protected  boolean     NOT NULL DEFAULT false,
    access_count        integer     NOT NULL DEFAULT 0,
    last_accessed_at    timestamptz,
    metadata            jsonb                DEFAULT '{}'::jsonb,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT project_shares_pkey PRIMARY KEY (id),
    CONSTRAINT project_shares_project_id_fkey FOREIGN KEY (project_id) REFERENCES projects (id) ON DELETE CASCADE,
    CONSTRAINT project_shares_shared_with_team_id_fkey FOREIGN KEY (shared_with_team_id) REFERENCES teams (id) ON DELETE CASCADE
);
COMMENT ON TABLE project_shares IS 'Projects shared with users or teams';
COMMENT ON COLUMN project_shares.shared_with_user_id IS 'References socrates_auth.users.id (cross-database, no foreign key)';
COMMENT ON COLUMN project_shares.shared_by_id IS 'References socrates_auth.users.id (cross-database, no foreign key)';

CREATE INDEX ix_project_shares_access_type ON project_shares (access_type);
CREATE INDEX ix_project_shares_created_at ON project_shares (created_at);
CREATE INDEX ix_project_shares_permission_level ON project_shares (permission_level);
CREATE INDEX ix_project_shares_project_id ON project_shares (project_id);
CREATE INDEX ix_project_shares_shared_by_id ON project_shares (shared_by_id);
CREATE INDEX ix_project_shares_shared_with_team_id ON project_shares (shared_with_team_id);
CREATE INDEX ix_project_shares_shared_with_user_id ON project_shares (shared_with_user_id);
