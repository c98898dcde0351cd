-- V6 api_columns_and_functions: what the seed-era API's own code sends that
-- V1-V5 (the seed's design) refused. The API's repositories were written
-- against the tables of its setup script, not against 001-005; this version
-- adds their columns, statuses and the one RPC the schema validator calls,
-- with checks that fit the values the API sends:
--   users               settings (jsonb object), status ('active' or
--                       'inactive', kept in step with is_active) and
--                       deactivated_at (soft deactivation)
--   sessions            session_type, vertex_session_id, avatar_session_id,
--                       and the status 'inactive' (the API's end of a chat)
--   messages            user_id (the session's user; filled in when omitted)
--                       and message_type ('text' or 'voice')
--   usage_quotas        is_active
--   token_refresh_logs  refresh_started_at / refresh_completed_at (the ORM's
--                       names for started_at / completed_at, kept equal) and
--                       the status 'started'
--   get_table_names()   the application's tables, for the schema validator
-- The API's quota update is made harmless: the finished-session trigger of V2
-- owns the counted totals (see keep_counted_quota_totals below).
--
-- exec_sql(sql), through which the API's setup script sent its DDL, is NOT
-- created: a function that runs any SQL string it is given would let every
-- role that may call RPCs (behind PostgREST: anyone holding the anon key)
-- run arbitrary SQL. The runner's migrations do what that script did.

-- ---------------------------------------------------------------------------
-- users: settings, status, deactivated_at
-- ---------------------------------------------------------------------------

ALTER TABLE users
    ADD COLUMN settings       jsonb       NOT NULL DEFAULT '{}'::jsonb,
    ADD COLUMN status         varchar(20) NOT NULL DEFAULT 'active',
    ADD COLUMN deactivated_at timestamptz;

-- Existing inactive accounts get the status that says so. This is not an
-- edit of the account, so updated_at is left as it was.
ALTER TABLE users DISABLE TRIGGER update_users_updated_at;
UPDATE users
   SET status    = CASE WHEN is_active = false THEN 'inactive' ELSE 'active' END,
       is_active = coalesce(is_active, true)
 WHERE is_active IS DISTINCT FROM true;
ALTER TABLE users ENABLE TRIGGER update_users_updated_at;

ALTER TABLE users
    ADD CONSTRAINT chk_users_settings_object
        CHECK (jsonb_typeof(settings) = 'object'),
    ADD CONSTRAINT chk_users_status_valid
        CHECK (status IN ('active', 'inactive')),
    ADD CONSTRAINT chk_users_status_matches_is_active
        CHECK (is_active IS NOT DISTINCT FROM (status = 'active')),
    ADD CONSTRAINT chk_users_deactivated_only_when_inactive
        CHECK (deactivated_at IS NULL OR status = 'inactive');

-- status and is_active say the same thing in two ways (the API writes status,
-- the views and the seed's columns read is_active): a write of either sets
-- the other. On INSERT, an account is inactive when either says so. On
-- UPDATE, a changed status wins, otherwise a changed is_active. Becoming
-- inactive stamps deactivated_at (unless given); becoming active again
-- clears it.
CREATE FUNCTION sync_user_status() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.status = 'inactive' OR NEW.is_active = false THEN
            NEW.status := 'inactive';
            NEW.is_active := false;
        ELSIF NEW.status = 'active' THEN
            NEW.is_active := true;
        END IF;
    ELSIF NEW.status IS DISTINCT FROM OLD.status THEN
        NEW.is_active := NEW.status = 'active';
    ELSIF NEW.is_active IS DISTINCT FROM OLD.is_active THEN
        NEW.status := CASE WHEN NEW.is_active THEN 'active' ELSE 'inactive' END;
    END IF;

    IF NEW.status = 'inactive' THEN
        IF TG_OP = 'INSERT' OR OLD.status IS DISTINCT FROM 'inactive' THEN
            NEW.deactivated_at := coalesce(NEW.deactivated_at, now());
        END IF;
    ELSIF NEW.status = 'active' THEN
        NEW.deactivated_at := NULL;
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER sync_user_status_on_write
    BEFORE INSERT OR UPDATE OF status, is_active, deactivated_at ON users
    FOR EACH ROW EXECUTE FUNCTION sync_user_status();

-- ---------------------------------------------------------------------------
-- sessions: session_type, the agent and avatar session ids, status 'inactive'
-- ---------------------------------------------------------------------------

ALTER TABLE sessions
    ADD COLUMN session_type      varchar(50)  NOT NULL DEFAULT 'chat',
    ADD COLUMN vertex_session_id text,                 -- the Vertex AI agent session
    ADD COLUMN avatar_session_id varchar(255),         -- the HeyGen session shown in it
    ADD CONSTRAINT chk_sessions_session_type_valid
        CHECK (session_type ~ '^[a-z][a-z0-9_]*$'),
    DROP CONSTRAINT chk_sessions_status_valid,
    ADD CONSTRAINT chk_sessions_status_valid
        CHECK (status IN ('active', 'paused', 'ended', 'archived', 'inactive')),
    -- the target of messages' (session_id, user_id) reference below
    ADD CONSTRAINT sessions_id_user_id_key UNIQUE (id, user_id);

-- the agent's internal endpoints find the user by the Vertex session id
CREATE INDEX idx_sessions_vertex_session_id ON sessions (vertex_session_id)
    WHERE vertex_session_id IS NOT NULL;

-- ---------------------------------------------------------------------------
-- messages: user_id (always the session's user) and message_type
-- ---------------------------------------------------------------------------

ALTER TABLE messages
    ADD COLUMN user_id      uuid,
    ADD COLUMN message_type varchar(20) NOT NULL DEFAULT 'text',
    ADD CONSTRAINT chk_messages_message_type_valid
        CHECK (message_type IN ('text', 'voice'));

-- Existing messages belong to their session's user. Filling the new column
-- is not an edit: no updated_at, no session statistics, no activity time.
ALTER TABLE messages DISABLE TRIGGER USER;
UPDATE messages m
   SET user_id = s.user_id
  FROM sessions s
 WHERE s.id = m.session_id;
ALTER TABLE messages ENABLE TRIGGER USER;

-- The pair (session_id, user_id) must be a session and its user, and it
-- follows the session when the session is given to another user.
ALTER TABLE messages
    ALTER COLUMN user_id SET NOT NULL,
    ADD CONSTRAINT messages_user_id_fkey FOREIGN KEY (user_id)
        REFERENCES users (id) ON DELETE CASCADE,
    ADD CONSTRAINT messages_session_user_fkey FOREIGN KEY (session_id, user_id)
        REFERENCES sessions (id, user_id) ON UPDATE CASCADE ON DELETE CASCADE;

CREATE INDEX idx_messages_user_id ON messages (user_id);

-- A message written without user_id gets its session's user; so does one
-- moved to another session without a new user_id. A user_id that is not the
-- session's user is refused by messages_session_user_fkey.
CREATE FUNCTION set_message_user_id() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.session_id IS NOT NULL
       AND (NEW.user_id IS NULL
            OR (TG_OP = 'UPDATE' AND NEW.session_id IS DISTINCT FROM OLD.session_id
                AND NEW.user_id IS NOT DISTINCT FROM OLD.user_id)) THEN
        SELECT s.user_id INTO NEW.user_id FROM sessions s WHERE s.id = NEW.session_id;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'session % does not exist', NEW.session_id
                USING ERRCODE = 'foreign_key_violation';
        END IF;
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER set_message_user_id_on_write
    BEFORE INSERT OR UPDATE OF session_id, user_id ON messages
    FOR EACH ROW EXECUTE FUNCTION set_message_user_id();

-- ---------------------------------------------------------------------------
-- usage_quotas: is_active, and who counts the used time
-- ---------------------------------------------------------------------------

ALTER TABLE usage_quotas
    ADD COLUMN is_active boolean NOT NULL DEFAULT true;

-- The counted totals (used_seconds, session_count) and the moment of
-- exhaustion belong to update_quota_on_avatar_session_end(), which counts
-- each finished avatar session exactly once. The seed-era API also adds a
-- finished session's duration itself (read the row, add, write it back);
-- honouring that write would count the session twice. So a direct UPDATE
-- keeps those three columns as they were, and the row the API gets back
-- shows the true totals. Only writes made by a trigger (the usage trigger,
-- at trigger depth 2) change them; an operator who really means to change
-- them sets `SET LOCAL oprina.quota_adjustment = 'on'` in the same
-- transaction first. Everything else (the limit, is_active) is written as
-- sent. BEFORE triggers fire in name order, so this one ('counted...') runs
-- before derive_usage_quota_state_on_write, which then derives used_minutes,
-- quota_exhausted and exhausted_at from the kept totals.
CREATE FUNCTION keep_counted_quota_totals() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF pg_trigger_depth() = 1
       AND coalesce(current_setting('oprina.quota_adjustment', true), '') <> 'on' THEN
        NEW.used_seconds  := OLD.used_seconds;
        NEW.session_count := OLD.session_count;
        NEW.exhausted_at  := OLD.exhausted_at;
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER counted_quota_totals_kept BEFORE UPDATE ON usage_quotas
    FOR EACH ROW EXECUTE FUNCTION keep_counted_quota_totals();

-- ---------------------------------------------------------------------------
-- token_refresh_logs: the ORM's column names and the status 'started'
-- ---------------------------------------------------------------------------

ALTER TABLE token_refresh_logs
    ADD COLUMN refresh_started_at   timestamptz,
    ADD COLUMN refresh_completed_at timestamptz,
    DROP CONSTRAINT valid_refresh_status,
    ADD CONSTRAINT valid_refresh_status
        CHECK (refresh_status IN ('pending', 'started', 'success', 'failed', 'cancelled'));

UPDATE token_refresh_logs
   SET refresh_started_at = started_at,
       refresh_completed_at = completed_at;

ALTER TABLE token_refresh_logs
    ALTER COLUMN refresh_started_at SET NOT NULL;

-- refresh_started_at = started_at and refresh_completed_at = completed_at,
-- whichever name a writer uses: the application's name wins when it is
-- written (on INSERT: when given; on UPDATE: when it changed), otherwise the
-- seed's column is copied to it.
CREATE FUNCTION sync_refresh_log_times() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        NEW.started_at := coalesce(NEW.refresh_started_at, NEW.started_at);
        NEW.completed_at := coalesce(NEW.refresh_completed_at, NEW.completed_at);
    ELSE
        IF NEW.refresh_started_at IS DISTINCT FROM OLD.refresh_started_at THEN
            NEW.started_at := NEW.refresh_started_at;
        END IF;
        IF NEW.refresh_completed_at IS DISTINCT FROM OLD.refresh_completed_at THEN
            NEW.completed_at := NEW.refresh_completed_at;
        END IF;
    END IF;
    NEW.refresh_started_at := NEW.started_at;
    NEW.refresh_completed_at := NEW.completed_at;
    RETURN NEW;
END
$$;

CREATE TRIGGER sync_refresh_log_times_on_write
    BEFORE INSERT OR UPDATE ON token_refresh_logs
    FOR EACH ROW EXECUTE FUNCTION sync_refresh_log_times();

-- ---------------------------------------------------------------------------
-- get_table_names(): the RPC the API's schema validator calls. It answers
-- with a JSON array of names, so the function returns a set of text: every
-- table of this schema except the runner's history, plus the two views that
-- stand in for the seed's tracking tables of the same names. A plain query
-- over the catalog: no dynamic SQL, the caller's own rights.
-- ---------------------------------------------------------------------------

CREATE FUNCTION get_table_names() RETURNS SETOF text
LANGUAGE sql STABLE
AS $$
    SELECT c.relname::text
      FROM pg_class c
     WHERE c.relnamespace = current_schema()::regnamespace
       AND (c.relkind IN ('r', 'p')
            OR (c.relkind = 'v' AND c.relname IN ('schema_migrations', 'database_schema_version')))
       AND c.relname <> 'oprina_schema_history'
     ORDER BY 1
$$;

INSERT INTO schema_migration_notes (version, description) VALUES
    ('006_api_columns_and_functions',
     'Columns, statuses and get_table_names() used by the API code; quota totals owned by the usage trigger');
