-- V9 message_user_references: a message's user is its session's user.
-- sessions (id, user_id) becomes a key on the unique index V8 built (no
-- build here), and messages gets its two references NOT VALID: rows written
-- from now on are checked, the existing ones by V10's VALIDATE, which lets
-- reads and writes through. Each statement holds its locks for an instant.

ALTER TABLE sessions
    ADD CONSTRAINT sessions_id_user_id_key UNIQUE USING INDEX sessions_id_user_id_key;

-- The pair (session_id, user_id) must be a session and its user, and it
-- follows the session when the session is given to another user.
ALTER TABLE messages
    ADD CONSTRAINT messages_user_id_fkey FOREIGN KEY (user_id)
        REFERENCES users (id) ON DELETE CASCADE NOT VALID,
    ADD CONSTRAINT messages_session_user_fkey FOREIGN KEY (session_id, user_id)
        REFERENCES sessions (id, user_id) ON UPDATE CASCADE ON DELETE CASCADE NOT VALID;

INSERT INTO schema_migration_notes (version, description) VALUES
    ('009_message_user_references',
     'Key sessions (id, user_id) on its concurrently built index; messages references to users and sessions, NOT VALID');
