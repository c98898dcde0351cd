-- V9 validate_api_constraints: the checks and references V6 and V8 added
-- NOT VALID are checked against the existing rows, then the columns
-- they prove non-null become NOT NULL and the wider status checks replace
-- the old ones under their names.
--
-- Each VALIDATE scans its table under SHARE UPDATE EXCLUSIVE (a reference
-- also takes ROW SHARE on the table it references): the application keeps
-- reading and writing. They come first; the statements that need ACCESS
-- EXCLUSIVE come last and hold it for an instant before the commit:
-- SET NOT NULL skips its scan because a validated CHECK (col IS NOT NULL)
-- already proves it (PostgreSQL 12+), and dropping or renaming a constraint
-- reads no row.

ALTER TABLE users VALIDATE CONSTRAINT chk_users_settings_object;
ALTER TABLE users VALIDATE CONSTRAINT chk_users_status_valid;
ALTER TABLE users VALIDATE CONSTRAINT chk_users_status_matches_is_active;
ALTER TABLE users VALIDATE CONSTRAINT chk_users_deactivated_only_when_inactive;

ALTER TABLE sessions VALIDATE CONSTRAINT chk_sessions_session_type_valid;
ALTER TABLE sessions VALIDATE CONSTRAINT chk_sessions_status_valid_with_inactive;

ALTER TABLE messages VALIDATE CONSTRAINT chk_messages_message_type_valid;
ALTER TABLE messages VALIDATE CONSTRAINT chk_messages_user_id_not_null;
ALTER TABLE messages VALIDATE CONSTRAINT messages_user_id_fkey;
ALTER TABLE messages VALIDATE CONSTRAINT messages_session_user_fkey;

ALTER TABLE token_refresh_logs VALIDATE CONSTRAINT valid_refresh_status_with_started;
ALTER TABLE token_refresh_logs VALIDATE CONSTRAINT chk_token_refresh_logs_refresh_started_at_not_null;

-- NOT NULL through the validated helpers, which then say nothing more.
ALTER TABLE messages ALTER COLUMN user_id SET NOT NULL;
-- runner:allow ban-drop-constraint a helper for SET NOT NULL: the column is NOT NULL now, which says the same
ALTER TABLE messages DROP CONSTRAINT chk_messages_user_id_not_null;

ALTER TABLE token_refresh_logs ALTER COLUMN refresh_started_at SET NOT NULL;
-- runner:allow ban-drop-constraint a helper for SET NOT NULL: the column is NOT NULL now, which says the same
ALTER TABLE token_refresh_logs DROP CONSTRAINT chk_token_refresh_logs_refresh_started_at_not_null;

-- The wider status checks, validated above, accept every value the old ones
-- did, and take their names.
-- runner:allow ban-drop-constraint widening: chk_sessions_status_valid_with_inactive, validated above, accepts every value this check accepted, and 'inactive'
ALTER TABLE sessions DROP CONSTRAINT chk_sessions_status_valid;
-- runner:allow renaming-object it takes the name of the check dropped just above, in the same transaction: clients still see chk_sessions_status_valid, only wider
ALTER TABLE sessions RENAME CONSTRAINT chk_sessions_status_valid_with_inactive TO chk_sessions_status_valid;

-- runner:allow ban-drop-constraint widening: valid_refresh_status_with_started, validated above, accepts every value this check accepted, and 'started'
ALTER TABLE token_refresh_logs DROP CONSTRAINT valid_refresh_status;
-- runner:allow renaming-object it takes the name of the check dropped just above, in the same transaction: clients still see valid_refresh_status, only wider
ALTER TABLE token_refresh_logs RENAME CONSTRAINT valid_refresh_status_with_started TO valid_refresh_status;

INSERT INTO schema_migration_notes (version, description) VALUES
    ('009_validate_api_constraints',
     'API checks and references validated; messages.user_id and token_refresh_logs.refresh_started_at NOT NULL; wider status checks');
