-- Undoes V4 add_indexes_constraints.

DROP VIEW session_activity_summary;
DROP VIEW user_token_summary;
DROP VIEW active_user_sessions;

DROP FUNCTION update_session_statistics();

DROP INDEX idx_service_tokens_service_provider;
DROP INDEX idx_service_tokens_user_provider;
DROP INDEX idx_service_tokens_user_service;
DROP INDEX idx_user_activities_session_type;
DROP INDEX idx_user_activities_type_created;
DROP INDEX idx_user_activities_user_type;
DROP INDEX idx_user_tokens_active;
DROP INDEX idx_user_tokens_type_expires;
DROP INDEX idx_user_tokens_user_type;
DROP INDEX idx_messages_session_created;
DROP INDEX idx_messages_session_role;
DROP INDEX idx_sessions_status_activity;
DROP INDEX idx_sessions_user_activity;
DROP INDEX idx_sessions_user_status;

ALTER TABLE token_refresh_logs
    DROP CONSTRAINT chk_token_refresh_logs_retry_count_positive;
ALTER TABLE service_tokens
    DROP CONSTRAINT chk_service_tokens_use_count_positive,
    DROP CONSTRAINT chk_service_tokens_token_type_valid;
ALTER TABLE user_tokens
    DROP CONSTRAINT chk_user_tokens_type_valid;
ALTER TABLE messages
    DROP CONSTRAINT chk_messages_positive_tokens,
    DROP CONSTRAINT chk_messages_status_valid,
    DROP CONSTRAINT chk_messages_content_type_valid,
    DROP CONSTRAINT chk_messages_role_valid;
ALTER TABLE sessions
    DROP CONSTRAINT chk_sessions_positive_values,
    DROP CONSTRAINT chk_sessions_agent_type_valid,
    DROP CONSTRAINT chk_sessions_status_valid;
ALTER TABLE users
    DROP CONSTRAINT chk_users_language_format,
    DROP CONSTRAINT chk_users_timezone_format,
    DROP CONSTRAINT chk_users_email_format;

DROP FUNCTION is_valid_timezone(text);
