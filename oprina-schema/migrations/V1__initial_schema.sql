-- V1 initial_schema (seed 001_initial_schema): the core application tables
-- users, sessions, messages, user_tokens and user_activities, their indexes
-- and their triggers (updated_at, session statistics, message numbering,
-- login activity).
--
-- No extension is needed: primary keys use the core gen_random_uuid().
-- All timestamps are timestamptz (the seed mixed timestamp and timestamptz).
-- The enum-like and format CHECKs of these tables come with V4
-- (add_indexes_constraints), as in the seed.

-- ---------------------------------------------------------------------------
-- Tables
-- ---------------------------------------------------------------------------

CREATE TABLE users (
    id                  uuid         NOT NULL DEFAULT gen_random_uuid(),
    email               varchar(255) NOT NULL,
    password_hash       varchar(255),               -- bcrypt; NULL for OAuth-only users
    display_name        varchar(255),
    avatar_url          text,
    preferences         jsonb        DEFAULT '{}'::jsonb,
    timezone            varchar(50)  DEFAULT 'UTC',
    language            varchar(10)  DEFAULT 'en',
    is_active           boolean      DEFAULT true,
    is_verified         boolean      DEFAULT false,
    email_verified_at   timestamptz,
    has_google_oauth    boolean      DEFAULT false,  -- maintained from service_tokens (V3)
    has_microsoft_oauth boolean      DEFAULT false,  -- maintained from service_tokens (V3)
    last_login_at       timestamptz,
    last_activity_at    timestamptz,
    created_at          timestamptz  DEFAULT now(),
    updated_at          timestamptz  DEFAULT now(),
    CONSTRAINT users_pkey PRIMARY KEY (id),
    CONSTRAINT users_email_key UNIQUE (email)
);

CREATE TABLE sessions (
    id                uuid          NOT NULL DEFAULT gen_random_uuid(),
    user_id           uuid          NOT NULL,
    -- The seed had no default and the application never sends a value, so
    -- every insert failed; an opaque random token is generated instead.
    session_token     varchar(255)  NOT NULL DEFAULT gen_random_uuid()::text,
    session_name      varchar(255),
    title             varchar(500),
    description       text,
    context_data      jsonb         DEFAULT '{}'::jsonb,
    agent_type        varchar(100)  DEFAULT 'default',
    agent_config      jsonb         DEFAULT '{}'::jsonb,
    message_count     integer       DEFAULT 0,       -- maintained by update_session_stats()
    total_tokens_used integer       DEFAULT 0,       -- maintained by update_session_stats()
    estimated_cost    numeric(10,4) DEFAULT 0.0000,  -- maintained by update_session_stats()
    started_at        timestamptz   DEFAULT now(),
    ended_at          timestamptz,
    last_activity_at  timestamptz   DEFAULT now(),
    status            varchar(50)   DEFAULT 'active',
    is_archived       boolean       DEFAULT false,
    created_at        timestamptz   DEFAULT now(),
    updated_at        timestamptz   DEFAULT now(),
    CONSTRAINT sessions_pkey PRIMARY KEY (id),
    CONSTRAINT sessions_session_token_key UNIQUE (session_token),
    CONSTRAINT sessions_user_id_fkey FOREIGN KEY (user_id)
        REFERENCES users (id) ON DELETE CASCADE
);

CREATE TABLE messages (
    id                  uuid          NOT NULL DEFAULT gen_random_uuid(),
    session_id          uuid          NOT NULL,
    role                varchar(50)   NOT NULL,
    content             text          NOT NULL,
    content_type        varchar(50)   DEFAULT 'text',
    message_index       integer       NOT NULL,      -- next free index when omitted (set_message_index)
    parent_message_id   uuid,                        -- threading; NO ACTION on delete, as in the seed
    agent_response_data jsonb         DEFAULT '{}'::jsonb,
    processing_time_ms  integer,
    prompt_tokens       integer       DEFAULT 0,
    completion_tokens   integer       DEFAULT 0,
    total_tokens        integer       DEFAULT 0,
    estimated_cost      numeric(10,4) DEFAULT 0.0000,
    has_voice_response  boolean       DEFAULT false,
    voice_response_url  text,
    has_avatar_response boolean       DEFAULT false,
    avatar_session_id   varchar(255),
    status              varchar(50)   DEFAULT 'completed',
    error_message       text,
    created_at          timestamptz   DEFAULT now(),
    updated_at          timestamptz   DEFAULT now(),
    CONSTRAINT messages_pkey PRIMARY KEY (id),
    CONSTRAINT messages_session_id_message_index_key UNIQUE (session_id, message_index),
    CONSTRAINT messages_session_id_fkey FOREIGN KEY (session_id)
        REFERENCES sessions (id) ON DELETE CASCADE,
    CONSTRAINT messages_parent_message_id_fkey FOREIGN KEY (parent_message_id)
        REFERENCES messages (id)
);

CREATE TABLE user_tokens (
    id         uuid         NOT NULL DEFAULT gen_random_uuid(),
    user_id    uuid         NOT NULL,
    token_type varchar(50)  NOT NULL,
    token_hash varchar(255) NOT NULL,                -- a hash, never the raw token
    token_data jsonb        DEFAULT '{}'::jsonb,
    expires_at timestamptz  NOT NULL,
    used_at    timestamptz,
    is_revoked boolean      DEFAULT false,
    created_at timestamptz  DEFAULT now(),
    updated_at timestamptz  DEFAULT now(),
    CONSTRAINT user_tokens_pkey PRIMARY KEY (id),
    CONSTRAINT user_tokens_user_id_fkey FOREIGN KEY (user_id)
        REFERENCES users (id) ON DELETE CASCADE
);

CREATE TABLE user_activities (
    id            uuid         NOT NULL DEFAULT gen_random_uuid(),
    user_id       uuid         NOT NULL,
    activity_type varchar(100) NOT NULL,             -- free text: login, logout, session_start, ...
    activity_data jsonb        DEFAULT '{}'::jsonb,
    session_id    uuid,
    ip_address    inet,
    user_agent    text,
    created_at    timestamptz  DEFAULT now(),
    CONSTRAINT user_activities_pkey PRIMARY KEY (id),
    CONSTRAINT user_activities_user_id_fkey FOREIGN KEY (user_id)
        REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT user_activities_session_id_fkey FOREIGN KEY (session_id)
        REFERENCES sessions (id) ON DELETE SET NULL
);

-- ---------------------------------------------------------------------------
-- Indexes (the seed's idx_users_email, idx_sessions_token and
-- idx_messages_session_id duplicated or prefixed a UNIQUE index: left out)
-- ---------------------------------------------------------------------------

CREATE INDEX idx_users_active     ON users (is_active);
CREATE INDEX idx_users_created_at ON users (created_at);

CREATE INDEX idx_sessions_user_id    ON sessions (user_id);
CREATE INDEX idx_sessions_status     ON sessions (status);
CREATE INDEX idx_sessions_activity   ON sessions (last_activity_at);
CREATE INDEX idx_sessions_created_at ON sessions (created_at);

CREATE INDEX idx_messages_role       ON messages (role);
CREATE INDEX idx_messages_index      ON messages (message_index);
CREATE INDEX idx_messages_created_at ON messages (created_at);
CREATE INDEX idx_messages_parent     ON messages (parent_message_id);

CREATE INDEX idx_user_tokens_user_id ON user_tokens (user_id);
CREATE INDEX idx_user_tokens_type    ON user_tokens (token_type);
CREATE INDEX idx_user_tokens_expires ON user_tokens (expires_at);
CREATE INDEX idx_user_tokens_hash    ON user_tokens (token_hash);

CREATE INDEX idx_user_activities_user_id    ON user_activities (user_id);
CREATE INDEX idx_user_activities_type       ON user_activities (activity_type);
CREATE INDEX idx_user_activities_session    ON user_activities (session_id);
CREATE INDEX idx_user_activities_created_at ON user_activities (created_at);

-- ---------------------------------------------------------------------------
-- updated_at
-- ---------------------------------------------------------------------------

CREATE FUNCTION update_updated_at_column() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END
$$;

CREATE TRIGGER update_users_updated_at BEFORE UPDATE ON users
    FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();
CREATE TRIGGER update_sessions_updated_at BEFORE UPDATE ON sessions
    FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();
CREATE TRIGGER update_messages_updated_at BEFORE UPDATE ON messages
    FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();
CREATE TRIGGER update_user_tokens_updated_at BEFORE UPDATE ON user_tokens
    FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();

-- ---------------------------------------------------------------------------
-- Message numbering: an insert without message_index gets the session's next
-- index (0 for the first message). The session row is locked first so that
-- concurrent inserts into one session are numbered one after the other.
-- ---------------------------------------------------------------------------

CREATE FUNCTION set_message_index() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.message_index IS NULL THEN
        PERFORM 1 FROM sessions WHERE id = NEW.session_id FOR NO KEY UPDATE;
        SELECT coalesce(max(m.message_index) + 1, 0)
          INTO NEW.message_index
          FROM messages m
         WHERE m.session_id = NEW.session_id;
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER set_message_index_on_insert BEFORE INSERT ON messages
    FOR EACH ROW WHEN (NEW.message_index IS NULL)
    EXECUTE FUNCTION set_message_index();

-- ---------------------------------------------------------------------------
-- Session statistics: message_count, total_tokens_used and estimated_cost are
-- recomputed from the session's messages after every insert, update and
-- delete (the seed missed deletes and the old session of a moved message).
-- Inserts and updates also mark the session active now.
-- ---------------------------------------------------------------------------

CREATE FUNCTION update_session_stats() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    affected uuid[];
    sid      uuid;
BEGIN
    IF TG_OP = 'INSERT' THEN
        affected := ARRAY[NEW.session_id];
    ELSIF TG_OP = 'DELETE' THEN
        affected := ARRAY[OLD.session_id];
    ELSIF OLD.session_id IS DISTINCT FROM NEW.session_id THEN
        affected := ARRAY[NEW.session_id, OLD.session_id];
    ELSE
        affected := ARRAY[NEW.session_id];
    END IF;

    FOREACH sid IN ARRAY affected LOOP
        UPDATE sessions s
           SET message_count     = agg.message_count,
               total_tokens_used = agg.total_tokens,
               estimated_cost    = agg.estimated_cost,
               last_activity_at  = CASE
                                       WHEN TG_OP <> 'DELETE' AND sid = NEW.session_id THEN now()
                                       ELSE s.last_activity_at
                                   END
          FROM (SELECT count(*)::integer                       AS message_count,
                       coalesce(sum(m.total_tokens), 0)::integer AS total_tokens,
                       coalesce(sum(m.estimated_cost), 0)      AS estimated_cost
                  FROM messages m
                 WHERE m.session_id = sid) AS agg
         WHERE s.id = sid;
    END LOOP;
    RETURN NULL;
END
$$;

CREATE TRIGGER update_session_stats_on_message_insert AFTER INSERT ON messages
    FOR EACH ROW EXECUTE FUNCTION update_session_stats();
CREATE TRIGGER update_session_stats_on_message_update AFTER UPDATE ON messages
    FOR EACH ROW EXECUTE FUNCTION update_session_stats();
CREATE TRIGGER update_session_stats_on_message_delete AFTER DELETE ON messages
    FOR EACH ROW EXECUTE FUNCTION update_session_stats();

-- ---------------------------------------------------------------------------
-- Login activity: a change of users.last_login_at to a new value logs a
-- 'login' activity.
-- ---------------------------------------------------------------------------

CREATE FUNCTION log_user_activity() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO user_activities (user_id, activity_type, activity_data)
    VALUES (NEW.id, 'login', jsonb_build_object('login_time', NEW.last_login_at));
    RETURN NULL;
END
$$;

CREATE TRIGGER log_user_login_activity AFTER UPDATE OF last_login_at ON users
    FOR EACH ROW
    WHEN (NEW.last_login_at IS NOT NULL AND NEW.last_login_at IS DISTINCT FROM OLD.last_login_at)
    EXECUTE FUNCTION log_user_activity();
