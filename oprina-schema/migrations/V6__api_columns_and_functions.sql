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
-- These tables hold the application's rows, so the change is spread over
-- four migrations, none of which scans a table while it blocks the
-- application (README "Writing safe migrations"):
--   V6  columns (nullable, or with a constant default: no rewrite), triggers,
--       functions, and the CHECKs NOT VALID (new rows are checked at once;
--       no scan). Only short ACCESS EXCLUSIVE locks.
--   V7  (no transaction) fills in the existing rows, in batches, then builds
--       the indexes CONCURRENTLY.
--   V8  the key sessions (id, user_id) on V7's index, the messages
--       references and the checks that need filled rows, NOT VALID.
--   V9  validates everything (SHARE UPDATE EXCLUSIVE: reads and writes go
--       on), then SET NOT NULL through validated checks (no scan), and the
--       wider status checks take the names of the ones they replace.
--
-- exec_sql(sql), through which the API's setup script sent its DDL, is NOT
-- created: a function that runs any SQL string it is given would let every
-- role that may call RPCs (behind PostgREST: anyone holding the anon key)
-- run arbitrary SQL. The runner's migrations do what that script did.

-- ---------------------------------------------------------------------------
-- users: settings, status, deactivated_at
-- ---------------------------------------------------------------------------

-- Every existing row gets '{}', 'active' and NULL, which these checks accept;
-- chk_users_status_matches_is_active comes in V8, once V7 has given inactive
-- accounts their status.
ALTER TABLE users
    ADD COLUMN settings       jsonb       NOT NULL DEFAULT '{}'::jsonb,
    ADD COLUMN status         varchar(20) NOT NULL DEFAULT 'active',
    ADD COLUMN deactivated_at timestamptz,
    ADD CONSTRAINT chk_users_settings_object
        CHECK (jsonb_typeof(settings) = 'object') NOT VALID,
    ADD CONSTRAINT chk_users_status_valid
        CHECK (status IN ('active', 'inactive')) NOT VALID,
    ADD CONSTRAINT chk_users_deactivated_only_when_inactive
        CHECK (deactivated_at IS NULL OR status = 'inactive') NOT VALID;

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

-- The status 'inactive' is a wider check beside V4's chk_sessions_status_valid
-- (which still refuses 'inactive'); V9 validates it, drops the old one and
-- gives it the old name. Its index and the key (id, user_id) come in V7 and V8.
ALTER TABLE sessions
    ADD COLUMN session_type      varchar(50)  NOT NULL DEFAULT 'chat',
    ADD COLUMN vertex_session_id text,                 -- the Vertex AI agent session
    ADD COLUMN avatar_session_id varchar(255),         -- the HeyGen session shown in it
    ADD CONSTRAINT chk_sessions_session_type_valid
        CHECK (session_type ~ '^[a-z][a-z0-9_]*$') NOT VALID,
    ADD CONSTRAINT chk_sessions_status_valid_with_inactive
        CHECK (status IN ('active', 'paused', 'ended', 'archived', 'inactive')) NOT VALID;

-- ---------------------------------------------------------------------------
-- messages: user_id (always the session's user) and message_type
-- ---------------------------------------------------------------------------

-- user_id stays nullable until V7 has filled in the existing messages and
-- V9 has validated a CHECK that proves it; the references to users and to
-- sessions (id, user_id) come in V8, after the fill (which then checks
-- nothing row by row).
ALTER TABLE messages
    ADD COLUMN user_id      uuid,
    ADD COLUMN message_type varchar(20) NOT NULL DEFAULT 'text',
    ADD CONSTRAINT chk_messages_message_type_valid
        CHECK (message_type IN ('text', 'voice')) NOT VALID;

-- A message written without user_id gets its session's user; so does one
-- moved to another session without a new user_id. A user_id that is not the
-- session's user is refused by messages_session_user_fkey (V8).
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

-- refresh_started_at is filled in for existing logs by V7 and made NOT NULL
-- by V9; the status 'started' is a wider check beside V3's
-- valid_refresh_status, which V9 replaces with it (as for sessions).
ALTER TABLE token_refresh_logs
    ADD COLUMN refresh_started_at   timestamptz,
    ADD COLUMN refresh_completed_at timestamptz,
    ADD CONSTRAINT valid_refresh_status_with_started
        CHECK (refresh_status IN ('pending', 'started', 'success', 'failed', 'cancelled')) NOT VALID;

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
     'Columns, statuses, triggers and get_table_names() used by the API code (their checks NOT VALID until V9); quota totals owned by the usage trigger');
