-- Undoes V6 api_columns_and_functions. The new columns go with their data
-- (settings, deactivated_at, session_type, the Vertex and HeyGen session
-- ids, message user ids and types, is_active of quotas); users' is_active
-- keeps the state status had. V9's down already mapped the values only the
-- wider status checks allow, which V4's and V3's checks (never dropped at
-- this version) refuse.

DELETE FROM schema_migration_notes WHERE version = '006_api_columns_and_functions';

DROP FUNCTION get_table_names();

-- token_refresh_logs
DROP TRIGGER sync_refresh_log_times_on_write ON token_refresh_logs;
DROP FUNCTION sync_refresh_log_times();
ALTER TABLE token_refresh_logs
    DROP CONSTRAINT valid_refresh_status_with_started,
    DROP COLUMN refresh_completed_at,
    DROP COLUMN refresh_started_at;

-- usage_quotas
DROP TRIGGER counted_quota_totals_kept ON usage_quotas;
DROP FUNCTION keep_counted_quota_totals();
ALTER TABLE usage_quotas DROP COLUMN is_active;

-- messages
DROP TRIGGER set_message_user_id_on_write ON messages;
DROP FUNCTION set_message_user_id();
ALTER TABLE messages
    DROP CONSTRAINT chk_messages_message_type_valid,
    DROP COLUMN message_type,
    DROP COLUMN user_id;

-- sessions
ALTER TABLE sessions
    DROP CONSTRAINT chk_sessions_status_valid_with_inactive,
    DROP CONSTRAINT chk_sessions_session_type_valid,
    DROP COLUMN avatar_session_id,
    DROP COLUMN vertex_session_id,
    DROP COLUMN session_type;

-- users
DROP TRIGGER sync_user_status_on_write ON users;
DROP FUNCTION sync_user_status();
ALTER TABLE users
    DROP CONSTRAINT chk_users_deactivated_only_when_inactive,
    DROP CONSTRAINT chk_users_status_valid,
    DROP CONSTRAINT chk_users_settings_object,
    DROP COLUMN deactivated_at,
    DROP COLUMN status,
    DROP COLUMN settings;
