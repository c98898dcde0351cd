-- Undoes V7 fill_api_columns: its checks go. The values it filled in stay
-- (V6's columns hold them, and V6's down drops the columns).
DELETE FROM schema_migration_notes WHERE version = '007_fill_api_columns';

ALTER TABLE token_refresh_logs DROP CONSTRAINT chk_token_refresh_logs_refresh_started_at_not_null;
ALTER TABLE messages DROP CONSTRAINT chk_messages_user_id_not_null;
ALTER TABLE users DROP CONSTRAINT chk_users_status_matches_is_active;
