-- Undoes V1 initial_schema. Dropping the tables drops their indexes,
-- constraints and triggers. Leaves oprina_schema_history alone (it belongs
-- to the runner).

DROP TABLE user_activities;
DROP TABLE user_tokens;
DROP TABLE messages;
DROP TABLE sessions;
DROP TABLE users;

DROP FUNCTION log_user_activity();
DROP FUNCTION update_session_stats();
DROP FUNCTION set_message_index();
DROP FUNCTION update_updated_at_column();
