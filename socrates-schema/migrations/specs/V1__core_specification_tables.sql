-- socrates_specs V1: projects, sessions, questions, specifications, conversation history and
-- conflicts (the consolidated Alembic revision 003).
--
-- Left out as redundant (reference §3): ix_specifications_project_id, the leading column of
-- uq_specifications_project_key_version.
-- Columns ending in user_id refer to socrates_auth.users.id; no foreign key can cross databases.

CREATE TABLE projects (
    id             uuid         NOT NULL DEFAULT gen_random_uuid(),
    user_id        uuid         NOT NULL,
    name           varchar(255) NOT NULL,
    description    text,
    phase          varchar(50)  NOT NULL DEFAULT 'discovery',
    status         varchar(20)  NOT NULL DEFAULT 'active',
    maturity_level integer,
    metadata       jsonb                 DEFAULT '{}'::jsonb,
    created_at     timestamptz  NOT NULL DEFAULT now(),
    updated_at     timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT projects_pkey PRIMARY KEY (id)
);
COMMENT ON TABLE projects IS 'Specification projects';
COMMENT ON COLUMN projects.user_id IS 'References socrates_auth.users.id (cross-database, no foreign key)';

CREATE INDEX ix_projects_created_at ON projects (created_at);
CREATE INDEX ix_projects_phase ON projects (phase);
CREATE INDEX ix_projects_status ON projects (status);
CREATE INDEX ix_projects_user_id ON projects (user_id);

CREATE TABLE sessions (
    id            uuid         NOT NULL DEFAULT gen_random_uuid(),
    project_id    uuid         NOT NULL,
    user_id       uuid         NOT NULL,
    title         varchar(255),
    status        varchar(20)  NOT NULL DEFAULT 'active',
    message_count integer      NOT NULL DEFAULT 0,
    metadata      jsonb                 DEFAULT '{}'::jsonb,
    created_at    timestamptz  NOT NULL DEFAULT now(),
    updated_at    timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT sessions_pkey PRIMARY KEY (id),
    CONSTRAINT sessions_project_id_fkey FOREIGN KEY (project_id) REFERENCES projects (id) ON DELETE CASCADE
);
COMMENT ON TABLE sessions IS 'Conversation sessions within a project';
COMMENT ON COLUMN sessions.user_id IS 'References socrates_auth.users.id (cross-database, no foreign key)';

CREATE INDEX ix_sessions_created_at ON sessions (created_at);
CREATE INDEX ix_sessions_project_id ON sessions (project_id);
CREATE INDEX ix_sessions_status ON sessions (status);
CREATE INDEX ix_sessions_user_id ON sessions (user_id);

CREATE TABLE questions (
    id         uuid         NOT NULL DEFAULT gen_random_uuid(),
    project_id uuid         NOT NULL,
    session_id uuid,
    text       text         NOT NULL,
    category   varchar(100),
    priority   varchar(20)           DEFAULT 'medium',
    answer     text,
    status     varchar(20)  NOT NULL DEFAULT 'pending',
    metadata   jsonb                 DEFAULT '{}'::jsonb,
    created_at timestamptz  NOT NULL DEFAULT now(),
    updated_at timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT questions_pkey PRIMARY KEY (id),
    CONSTRAINT questions_project_id_fkey FOREIGN KEY (project_id) REFERENCES projects (id) ON DELETE CASCADE,
    CONSTRAINT questions_session_id_fkey FOREIGN KEY (session_id) REFERENCES sessions (id) ON DELETE SET NULL
);
COMMENT ON TABLE questions IS 'Questions asked during sessions';

CREATE INDEX ix_questions_category ON questions (category);
CREATE INDEX ix_questions_created_at ON questions (created_at);
CREATE INDEX ix_questions_project_id ON questions (project_id);
CREATE INDEX ix_questions_session_id ON questions (session_id);
CREATE INDEX ix_questions_status ON questions (status);

CREATE TABLE specifications (
    id         uuid         NOT NULL DEFAULT gen_random_uuid(),
    project_id uuid         NOT NULL,
    key        varchar(255) NOT NULL,
    value      text,
    type       varchar(100),
    status     varchar(20)  NOT NULL DEFAULT 'draft',
    version    integer      NOT NULL DEFAULT 1,
    metadata   jsonb                 DEFAULT '{}'::jsonb,
    created_at timestamptz  NOT NULL DEFAULT now(),
    updated_at timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT specifications_pkey PRIMARY KEY (id),
    CONSTRAINT uq_specifications_project_key_version UNIQUE (project_id, key, version),
    CONSTRAINT specifications_project_id_fkey FOREIGN KEY (project_id) REFERENCES projects (id) ON DELETE CASCADE
);
COMMENT ON TABLE specifications IS 'Specification items extracted for a project';

CREATE INDEX ix_specifications_created_at ON specifications (created_at);
CREATE INDEX ix_specifications_key ON specifications (key);
CREATE INDEX ix_specifications_status ON specifications (status);
CREATE INDEX ix_specifications_type ON specifications (type);

CREATE TABLE conversation_history (
    id           uuid        NOT NULL DEFAULT gen_random_uuid(),
    session_id   uuid        NOT NULL,
    role         varchar(20) NOT NULL,
    content      text        NOT NULL,
    message_type varchar(50),
    tokens_used  integer,
    metadata     jsonb                DEFAULT '{}'::jsonb,
    created_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT conversation_history_pkey PRIMARY KEY (id),
    CONSTRAINT conversation_history_session_id_fkey FOREIGN KEY (session_id) REFERENCES sessions (id) ON DELETE CASCADE
);
COMMENT ON TABLE conversation_history IS 'Messages exchanged in a session';

CREATE INDEX ix_conversation_history_created_at ON conversation_history (created_at);
CREATE INDEX ix_conversation_history_role ON conversation_history (role);
CREATE INDEX ix_conversation_history_session_id ON conversation_history (session_id);

CREATE TABLE conflicts (
    id                     uuid         NOT NULL DEFAULT gen_random_uuid(),
    project_id             uuid         NOT NULL,
    title                  varchar(255) NOT NULL,
    description            text,
    type                   varchar(100),
    severity               varchar(20)  NOT NULL DEFAULT 'medium',
    status                 varchar(20)  NOT NULL DEFAULT 'open',
    resolution             text,
    related_specifications uuid[]                DEFAULT '{}'::uuid[],
    metadata               jsonb                 DEFAULT '{}'::jsonb,
    created_at             timestamptz  NOT NULL DEFAULT now(),
    updated_at             timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT conflicts_pkey PRIMARY KEY (id),
    CONSTRAINT conflicts_project_id_fkey FOREIGN KEY (project_id) REFERENCES projects (id) ON DELETE CASCADE
);
COMMENT ON TABLE conflicts IS 'Contradictions detected between specifications';

CREATE INDEX ix_conflicts_created_at ON conflicts (created_at);
CREATE INDEX ix_conflicts_project_id ON conflicts (project_id);
CREATE INDEX ix_conflicts_severity ON conflicts (severity);
CREATE INDEX ix_conflicts_status ON conflicts (status);
CREATE INDEX ix_conflicts_type ON conflicts (type);
