-- Undoes V2 add_avatar_usage. Dropping the tables drops their indexes,
-- constraints and triggers.

DROP VIEW user_quota_status;
DROP VIEW active_avatar_sessions;

DROP TABLE usage_summaries;
DROP TABLE usage_quotas;
DROP TABLE avatar_usage_records;

DROP FUNCTION cleanup_old_usage_records();
DROP FUNCTION update_usage_summary();
DROP FUNCTION update_quota_on_avatar_session_end();
DROP FUNCTION derive_usage_quota_state();
DROP FUNCTION update_avatar_usage_updated_at();
