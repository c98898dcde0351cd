-- Undo socrates_specs V18__activity_invitations_model_alignment.
-- Lossy but always applicable: the model's columns are dropped with their values; consolidated
-- columns that become required again are filled from them first.

-- project_invitations: invited_by_id comes from invited_by.
DROP INDEX ix_project_invitations_invited_by;

UPDATE project_invitations SET invited_by_id = invited_by WHERE invited_by_id IS NULL;

ALTER TABLE project_invitations
    ALTER COLUMN status SET DEFAULT 'pending',
    ALTER COLUMN invited_by_id SET NOT NULL,
    ALTER COLUMN invited_email DROP NOT NULL;

ALTER TABLE project_invitations
    DROP COLUMN accepted_at,
    DROP COLUMN expires_at,
    DROP COLUMN invited_by;

-- activity_logs: action, resource_type and resource_id come from action_type, entity_type and
-- entity_id (or the project when there is no entity).
DROP INDEX ix_activity_logs_entity;
DROP INDEX ix_activity_logs_project_id;

UPDATE activity_logs
   SET action        = coalesce(action, action_type),
       resource_type = coalesce(resource_type, CASE WHEN entity_id IS NULL THEN 'project' ELSE entity_type END),
       resource_id   = coalesce(resource_id, entity_id, project_id)
 WHERE action IS NULL OR resource_type IS NULL OR resource_id IS NULL;

ALTER TABLE activity_logs
    ALTER COLUMN action SET NOT NULL,
    ALTER COLUMN resource_type SET NOT NULL,
    ALTER COLUMN resource_id SET NOT NULL,
    ALTER COLUMN description DROP NOT NULL;

ALTER TABLE activity_logs DROP CONSTRAINT activity_logs_project_id_fkey;
ALTER TABLE activity_logs
    DROP COLUMN updated_at,
    DROP COLUMN action_metadata,
    DROP COLUMN entity_id,
    DROP COLUMN entity_type,
    DROP COLUMN action_type,
    DROP COLUMN project_id;
