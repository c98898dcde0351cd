-- V8 api_references_and_checks: what needs V7's filled rows and indexes.
-- Every statement holds its lock for an instant: sessions (id, user_id)
-- becomes a key on the unique index V7 built (no build here), and the
-- references and checks are added NOT VALID: rows written from now on are
-- checked, the existing ones by V9's VALIDATE, which lets reads and writes
-- through. Since V6 the triggers fill user_id, status and
-- refresh_started_at on every write, so no row can break these meanwhile.

ALTER TABLE sessions
    ADD CONSTRAINT sessions_id_user_id_key UNIQUE USING INDEX sessions_id_user_id_key;

-- The pair (session_id, user_id) must be a session and its user, and it
-- follows the session when the session is given to another user.
ALTER TABLE messages
    ADD CONSTRAINT messages_user_id_fkey FOREIGN KEY (user_id)
        REFERENCES users (id) ON DELETE CASCADE NOT VALID,
    ADD CONSTRAINT messages_session_user_fkey FOREIGN KEY (session_id, user_id)
        REFERENCES sessions (id, user_id) ON UPDATE CASCADE ON DELETE CASCADE NOT VALID;

-- status and is_active say the same thing (V6's sync_user_status keeps them
-- in step on every write).
ALTER TABLE users
    ADD CONSTRAINT chk_users_status_matches_is_active
        CHECK (is_active IS NOT DISTINCT FROM (status = 'active')) NOT VALID;

-- Helpers for SET NOT NULL in V9: once validated they prove the column has
-- no NULL, so SET NOT NULL skips its scan. V9 drops them again.
ALTER TABLE messages
    ADD CONSTRAINT chk_messages_user_id_not_null
        CHECK (user_id IS NOT NULL) NOT VALID;
ALTER TABLE token_refresh_logs
    ADD CONSTRAINT chk_token_refresh_logs_refresh_started_at_not_null
        CHECK (refresh_started_at IS NOT NULL) NOT VALID;

INSERT INTO schema_migration_notes (version, description) VALUES
    ('008_api_references_and_checks',
     'Key sessions (id, user_id) on its concurrently built index; messages references and the checks that need filled rows, NOT VALID');
