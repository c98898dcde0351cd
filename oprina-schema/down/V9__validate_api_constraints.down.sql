-- Undoes V9 validate_api_constraints: back to V8, where the API's checks and
-- references are NOT VALID, messages.user_id and
-- token_refresh_logs.refresh_started_at are nullable behind their helper
-- checks, and the old status checks stand beside the wider ones. The old
-- checks refuse what only the wider ones allow, so those values are mapped
-- to their V5 equivalents first: sessions 'inactive' become 'ended' (the
-- API set it when a chat ended), refresh logs 'started' become 'pending'.
-- A constraint cannot be made NOT VALID again, so each is dropped and added
-- back NOT VALID.

DELETE FROM schema_migration_notes WHERE version = '009_validate_api_constraints';

UPDATE sessions SET status = 'ended' WHERE status = 'inactive';
UPDATE token_refresh_logs SET refresh_status = 'pending' WHERE refresh_status = 'started';

ALTER TABLE token_refresh_logs
    DROP CONSTRAINT valid_refresh_status,
    ADD CONSTRAINT valid_refresh_status
        CHECK (refresh_status IN ('pending', 'success', 'failed', 'cancelled')),
    ADD CONSTRAINT valid_refresh_status_with_started
        CHECK (refresh_status IN ('pending', 'started', 'success', 'failed', 'cancelled')) NOT VALID,
    ALTER COLUMN refresh_started_at DROP NOT NULL,
    ADD CONSTRAINT chk_token_refresh_logs_refresh_started_at_not_null
        CHECK (refresh_started_at IS NOT NULL) NOT VALID;

ALTER TABLE messages
    ALTER COLUMN user_id DROP NOT NULL,
    ADD CONSTRAINT chk_messages_user_id_not_null
        CHECK (user_id IS NOT NULL) NOT VALID,
    DROP CONSTRAINT messages_session_user_fkey,
    ADD CONSTRAINT messages_session_user_fkey FOREIGN KEY (session_id, user_id)
        REFERENCES sessions (id, user_id) ON UPDATE CASCADE ON DELETE CASCADE NOT VALID,
    DROP CONSTRAINT messages_user_id_fkey,
    ADD CONSTRAINT messages_user_id_fkey FOREIGN KEY (user_id)
        REFERENCES users (id) ON DELETE CASCADE NOT VALID,
    DROP CONSTRAINT chk_messages_message_type_valid,
    ADD CONSTRAINT chk_messages_message_type_valid
        CHECK (message_type IN ('text', 'voice')) NOT VALID;

ALTER TABLE sessions
    DROP CONSTRAINT chk_sessions_status_valid,
    ADD CONSTRAINT chk_sessions_status_valid
        CHECK (status IN ('active', 'paused', 'ended', 'archived')),
    ADD CONSTRAINT chk_sessions_status_valid_with_inactive
        CHECK (status IN ('active', 'paused', 'ended', 'archived', 'inactive')) NOT VALID,
    DROP CONSTRAINT chk_sessions_session_type_valid,
    ADD CONSTRAINT chk_sessions_session_type_valid
        CHECK (session_type ~ '^[a-z][a-z0-9_]*$') NOT VALID;

ALTER TABLE users
    DROP CONSTRAINT chk_users_deactivated_only_when_inactive,
    ADD CONSTRAINT chk_users_deactivated_only_when_inactive
        CHECK (deactivated_at IS NULL OR status = 'inactive') NOT VALID,
    DROP CONSTRAINT chk_users_status_matches_is_active,
    ADD CONSTRAINT chk_users_status_matches_is_active
        CHECK (is_active IS NOT DISTINCT FROM (status = 'active')) NOT VALID,
    DROP CONSTRAINT chk_users_status_valid,
    ADD CONSTRAINT chk_users_status_valid
        CHECK (status IN ('active', 'inactive')) NOT VALID,
    DROP CONSTRAINT chk_users_settings_object,
    ADD CONSTRAINT chk_users_settings_object
        CHECK (jsonb_typeof(settings) = 'object') NOT VALID;
