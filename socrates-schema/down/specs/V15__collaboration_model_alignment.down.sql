-- Undo socrates_specs V15__collaboration_model_alignment.
-- Lossy but always applicable: the two tables V15 created are dropped with their rows, the
-- model's columns with their values; consolidated columns that become required again are
-- filled from the model's columns first.

DROP TABLE project_ownership_history;
DROP TABLE project_collaborators;

-- project_shares: shared_by_id comes from shared_by; access_type becomes 'team' (the model
-- only shares with teams); shared_with_team_id is filled from team_id where empty.
DROP INDEX ix_project_shares_shared_by;
DROP INDEX ix_project_shares_team_id;

UPDATE project_shares
   SET shared_by_id        = coalesce(shared_by_id, shared_by),
       access_type         = coalesce(access_type, 'team'),
       shared_with_team_id = coalesce(shared_with_team_id, team_id)
 WHERE shared_by_id IS NULL OR access_type IS NULL OR shared_with_team_id IS NULL;

ALTER TABLE project_shares
    ALTER COLUMN shared_by_id SET NOT NULL,
    ALTER COLUMN access_type SET NOT NULL;

ALTER TABLE project_shares
    DROP CONSTRAINT project_shares_unique,
    DROP CONSTRAINT project_shares_team_id_fkey;

ALTER TABLE project_shares
    DROP COLUMN shared_at,
    DROP COLUMN shared_by,
    DROP COLUMN team_id;

-- team_members: joined_at optional again, without a default.
ALTER TABLE team_members ALTER COLUMN joined_at DROP NOT NULL;
ALTER TABLE team_members ALTER COLUMN joined_at DROP DEFAULT;

-- teams: owner_id comes from created_by.
DROP INDEX ix_teams_created_by;
UPDATE teams SET owner_id = created_by WHERE owner_id IS NULL;
ALTER TABLE teams ALTER COLUMN owner_id SET NOT NULL;
ALTER TABLE teams DROP COLUMN created_by;
