-- Brings a database Alembic built (auth at 002 or 010, specs at 009 or 017) to
-- the version `runner adopt` records for it (NOTES.md, "Adopting Alembic
-- databases"). Run in the adoption's transaction; harmless where an object
-- is already in our shape.

-- Indexes that duplicate another index: 7 copies of unique-constraint indexes,
-- 7 covered by the leading column of a composite, and 011's second index on
-- projects.current_phase.
DROP INDEX IF EXISTS
    ix_users_email, ix_users_username, ix_refresh_tokens_token, ix_admin_roles_name, ix_teams_name,
    ix_api_keys_key_hash, ix_invoices_invoice_number,
    ix_admin_users_user_id, ix_specifications_project_id, ix_generated_files_generated_project_id,
    ix_team_members_team_id, ix_notification_preferences_user_id, ix_admin_audit_logs_resource_type,
    ix_activity_logs_resource_type,
    idx_projects_current_phase;

-- 015 created questions.context as varchar(500) (016's text version was
-- skipped); 017 created specifications.spec_metadata as json.
DO $$
BEGIN
    IF EXISTS (SELECT FROM information_schema.columns
                WHERE table_schema = current_schema() AND table_name = 'questions'
                  AND column_name = 'context' AND data_type <> 'text') THEN
        ALTER TABLE questions ALTER COLUMN context TYPE text;
    END IF;
    IF EXISTS (SELECT FROM information_schema.columns
                WHERE table_schema = current_schema() AND table_name = 'specifications'
                  AND column_name = 'spec_metadata' AND data_type = 'json') THEN
        ALTER TABLE specifications ALTER COLUMN spec_metadata TYPE jsonb USING spec_metadata::jsonb;
    END IF;
END
$$;
