-- V7 fill_api_columns: the existing rows get the values V6's columns stand
-- for, then the CHECKs that need them are added NOT VALID (V10 validates).
--
-- Filling a column is not an edit of the row: no updated_at, no session
-- statistics, no activity time, no deactivated_at stamp. So the user
-- triggers of messages and users are disabled around their UPDATE. That
-- takes a SHARE ROW EXCLUSIVE lock on the table until commit: reads go on,
-- writes wait for the fill. Messages are filled first and users (a few
-- inactive accounts) last, so users' writes wait only for their own fill.
-- The ADD CONSTRAINTs come at the end and take their locks for an instant.
-- Rows written since V6 were filled in by its triggers; the WHERE clauses
-- skip them.

-- Logs keep one time under two names (V6's sync_refresh_log_times): this
-- UPDATE runs through that trigger, which copies both.
UPDATE token_refresh_logs
   SET refresh_started_at = started_at,
       refresh_completed_at = completed_at
 WHERE refresh_started_at IS NULL;

-- Existing messages belong to their session's user.
ALTER TABLE messages DISABLE TRIGGER USER;
UPDATE messages m
   SET user_id = s.user_id
  FROM sessions s
 WHERE s.id = m.session_id
   AND m.user_id IS NULL;
ALTER TABLE messages ENABLE TRIGGER USER;

-- Existing inactive accounts get the status that says so (deactivated_at
-- stays unknown: NULL).
ALTER TABLE users DISABLE TRIGGER USER;
UPDATE users
   SET status    = CASE WHEN is_active = false THEN 'inactive' ELSE 'active' END,
       is_active = coalesce(is_active, true)
 WHERE is_active IS DISTINCT FROM true;
ALTER TABLE users ENABLE TRIGGER USER;

-- status and is_active say the same thing (V6's sync_user_status keeps them
-- in step on every write since V6).
ALTER TABLE users
    ADD CONSTRAINT chk_users_status_matches_is_active
        CHECK (is_active IS NOT DISTINCT FROM (status = 'active')) NOT VALID;

-- Helpers for SET NOT NULL in V10: once validated they prove the column has
-- no NULL, so SET NOT NULL skips its scan. V10 drops them again.
ALTER TABLE messages
    ADD CONSTRAINT chk_messages_user_id_not_null
        CHECK (user_id IS NOT NULL) NOT VALID;
ALTER TABLE token_refresh_logs
    ADD CONSTRAINT chk_token_refresh_logs_refresh_started_at_not_null
        CHECK (refresh_started_at IS NOT NULL) NOT VALID;

INSERT INTO schema_migration_notes (version, description) VALUES
    ('007_fill_api_columns',
     'Existing rows filled in for the API columns (not as edits); checks that need them, NOT VALID');
