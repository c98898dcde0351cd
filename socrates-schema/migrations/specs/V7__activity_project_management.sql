-- socrates_specs V7: activity log and project invitations (consolidated revision 009).
--
-- Left out as redundant (reference §3): ix_activity_logs_resource_type, the leading column of
-- ix_activity_logs_resource.

CREATE TABLE activity_logs (
    id            uuid         NOT NULL DEFAULT gen_random_uuid(),
    user_id       uuid         NOT NULL,
    action        varchar(100) NOT NULL,
    resource_type varchar(100) NOT NULL,
    resource_id   uuid         NOT NULL,
    resource_name varchar(255),
    changes       jsonb                 DEFAULT '{}'::jsonb,
    description   text,
    severity      varchar(20)           DEFAULT 'info',
    ip_address    varchar(45),
    user_agent    varchar(500),
    metadata      jsonb                 DEFAULT '{}'::jsonb,
    created_at    timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT activity_logs_pkey PRIMARY KEY (id)
);
COMMENT ON TABLE activity_logs IS 'Activity feed entries';
COMMENT ON COLUMN activity_logs.user_id IS 'References socrates_auth.users.id (cross-database, no foreign key)';
COMMENT ON COLUMN activity_logs.resource_id IS 'Polymorphic reference: id of a row of the kind named by resource_type (no foreign key possible)';

CREATE INDEX ix_activity_logs_action ON activity_logs (action);
CREATE INDEX ix_activity_logs_created_at ON activity_logs (created_at);
CREATE INDEX ix_activity_logs_resource ON activity_logs (resource_type, resource_id);
CREATE INDEX ix_activity_logs_resource_id ON activity_logs (resource_id);
CREATE INDEX ix_activity_logs_severity ON activity_logs (severity);
CREATE INDEX ix_activity_logs_user_id ON activity_logs (user_id);

CREATE TABLE project_invitations (
    id               uuid         NOT NULL DEFAULT gen_random_uuid(),
    project_id       uuid         NOT NULL,
    invited_user_id  uuid,
    invited_email    varchar(255),
    invited_by_id    uuid         NOT NULL,
    role             varchar(50)  NOT NULL DEFAULT 'member',
    permission_level varchar(50),
    status           varchar(20)  NOT NULL DEFAULT 'pending',
    invitation_token varchar(255),
    token_expires_at timestamptz,
    message          text,
    responded_at     timestamptz,
    metadata         jsonb                 DEFAULT '{}'::jsonb,
    created_at       timestamptz  NOT NULL DEFAULT now(),
    updated_at       timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT project_invitations_pkey PRIMARY KEY (id),
    CONSTRAINT project_invitations_project_id_fkey FOREIGN KEY (project_id) REFERENCES projects (id) ON DELETE CASCADE
);
COMMENT ON TABLE project_invitations IS 'Invitations to collaborate on a project';
COMMENT ON COLUMN project_invitations.invited_user_id IS 'References socrates_auth.users.id (cross-database, no foreign key)';
COMMENT ON COLUMN project_invitations.invited_by_id IS 'References socrates_auth.users.id (cross-database, no foreign key)';

CREATE INDEX ix_project_invitations_created_at ON project_invitations (created_at);
CREATE INDEX ix_project_invitations_invitation_token ON project_invitations (invitation_token);
CREATE INDEX ix_project_invitations_invited_by_id ON project_invitations (invited_by_id);
CREATE INDEX ix_project_invitations_invited_email ON project_invitations (invited_email);
CREATE INDEX ix_project_invitations_invited_user_id ON project_invitations (invited_user_id);
CREATE INDEX ix_project_invitations_project_id ON project_invitations (project_id);
CREATE INDEX ix_project_invitations_role ON project_invitations (role);
CREATE INDEX ix_project_invitations_status ON project_invitations (status);
