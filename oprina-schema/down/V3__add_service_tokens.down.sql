-- Undoes V3 add_service_tokens. Dropping the tables drops their indexes,
-- constraints and triggers. The users' OAuth flag columns belong to V1 and
-- keep their last values.

DROP VIEW active_service_tokens;

DROP TABLE token_refresh_logs;
DROP TABLE service_tokens;

DROP FUNCTION cleanup_expired_tokens();
DROP FUNCTION update_user_oauth_flags();
DROP FUNCTION revoke_old_service_tokens();
DROP FUNCTION update_service_tokens_updated_at();
