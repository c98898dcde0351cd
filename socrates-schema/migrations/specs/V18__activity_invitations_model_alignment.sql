-- socrates_specs V18: make activity_logs and project_invitations (V7) fit the models.
-- Same rule as V12; the application could not write these tables before, so new required
-- columns are added without invented values.

-- activity_logs: the model logs actions per project (action_type, entity_type, entity_id).
-- action, resource_type and resource_id are not written by the model.
ALTER TABLE activity_logs
    ADD COLUMN project_id uuid NOT NULL,
    ADD COLUMN action_type varchar(50) NOT NULL,
    ADD COLUMN entity_type varchar(50) NOT NULL,
    ADD COLUMN entity_id uuid,
    ADD COLUMN action_metadata jsonb,
    ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now(),
    ADD CONSTRAINT activity_logs_project_id_fkey FOREIGN KEY (project_id) REFERENCES projects (id) ON DELETE CASCADE;

ALTER TABLE activity_logs
    ALTER COLUMN description SET NOT NULL,
    ALTER COLUMN action DROP NOT NULL,
    ALTER COLUMN resource_type DROP NOT NULL,
    ALTER COLUMN resource_id DROP NOT NULL;

COMMENT ON COLUMN activity_logs.entity_id IS 'Polymorphic reference: id of a row of the kind named by entity_type (no foreign key possible)';

CREATE INDEX ix_activity_logs_project_id ON activity_logs (project_id);
CREATE INDEX ix_activity_logs_entity ON activity_logs (entity_type, entity_id);

-- project_invitations: invited_by is the model's inviter column; invited_email is required;
-- expires_at and accepted_at are varchar(50) in the model (ISO strings). status is a Python enum
-- stored by name, so the default becomes 'PENDING'. invited_by_id is not written by the model.
ALTER TABLE project_invitations
    ADD COLUMN invited_by uuid NOT NULL,
    ADD COLUMN expires_at varchar(50),
    ADD COLUMN accepted_at varchar(50);

ALTER TABLE project_invitations
    ALTER COLUMN invited_email SET NOT NULL,
    ALTER COLUMN invited_by_id DROP NOT NULL,
    ALTER COLUMN status SET DEFAULT 'PENDING';

COMMENT ON COLUMN project_invitations.invited_by IS 'References socrates_auth.users.id (cross-database, no foreign key)';

CREATE INDEX ix_project_invitations_invited_by ON project_invitations (invited_by);
