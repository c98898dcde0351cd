-- V4 add_indexes_constraints (seed 004_add_indexes_constraints): validation
-- constraints (email format, time zones, languages, the allowed values of
-- every enum-like column, non-negative amounts), composite indexes, the
-- monitoring views and the session statistics maintenance function.
--
-- Differences from the seed file: constraints that 003 already had are not
-- added a second time (service_type, provider, provider_email, refresh type
-- and status formats, the user_id foreign key), idx_service_tokens_user_active
-- is not repeated, idx_messages_session_index (a copy of the UNIQUE
-- (session_id, message_index) index) is left out, and cleanup_expired_tokens()
-- is not redefined (V3 installs the intended version).

-- ---------------------------------------------------------------------------
-- Time zone validation: accepts exactly the IANA zone names known to the
-- server's time zone database, spelled as IANA spells them
-- ('America/Argentina/Buenos_Aires', 'Etc/GMT+5', 'America/Port-au-Prince',
-- 'UTC', ...) and rejects anything else ('Mars/Olympus', abbreviations such
-- as 'PST', POSIX rules such as 'XYZ+3', numeric offsets, wrong case).
-- It asks the server to load the zone (SET LOCAL TimeZone inside the
-- function; the function's SET clause restores the caller's value on exit)
-- and compares the canonical name it reports. This is fast (zones are cached
-- per connection), unlike a lookup in pg_timezone_names, which reads every
-- zone file (~100 ms) and would run on every UPDATE of a users row.
-- A name without '/' that contains a digit could be read as a POSIX rule, so
-- only the seven such names that exist in tzdata are accepted.
-- ---------------------------------------------------------------------------

CREATE FUNCTION is_valid_timezone(p_name text) RETURNS boolean
LANGUAGE plpgsql STABLE
SET "TimeZone" TO 'UTC'
AS $$
BEGIN
    IF p_name IS NULL THEN
        RETURN NULL;
    END IF;
    IF p_name !~ '^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*$'
       OR p_name IN ('localtime', 'posixrules') THEN
        RETURN false;
    END IF;
    IF p_name !~ '/' AND p_name ~ '[0-9]'
       AND p_name NOT IN ('CST6CDT', 'EST5EDT', 'MST7MDT', 'PST8PDT', 'GMT0', 'GMT+0', 'GMT-0') THEN
        RETURN false;
    END IF;
    BEGIN
        PERFORM set_config('TimeZone', p_name, true);
    EXCEPTION WHEN invalid_parameter_value THEN
        RETURN false;
    END;
    RETURN current_setting('TimeZone') = p_name;
END
$$;

-- ---------------------------------------------------------------------------
-- Constraints
-- ---------------------------------------------------------------------------

ALTER TABLE users
    ADD CONSTRAINT chk_users_email_format
        CHECK (email ~* '^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$'),
    ADD CONSTRAINT chk_users_timezone_format
        CHECK (timezone IS NULL OR is_valid_timezone(timezone)),
    -- BCP 47 language tag: language (2-3 letters), optional script (4
    -- letters), optional region (2 letters or 3 digits), any letter case:
    -- en, en-US, en-us, fil, zh-Hant-TW, es-419
    ADD CONSTRAINT chk_users_language_format
        CHECK (language ~* '^[a-z]{2,3}(-[a-z]{4})?(-([a-z]{2}|[0-9]{3}))?$');

ALTER TABLE sessions
    ADD CONSTRAINT chk_sessions_status_valid
        CHECK (status IN ('active', 'paused', 'ended', 'archived')),
    ADD CONSTRAINT chk_sessions_agent_type_valid
        CHECK (agent_type ~ '^[a-z][a-z0-9_]*$'),
    ADD CONSTRAINT chk_sessions_positive_values
        CHECK (message_count >= 0 AND total_tokens_used >= 0 AND estimated_cost >= 0);

ALTER TABLE messages
    ADD CONSTRAINT chk_messages_role_valid
        CHECK (role IN ('user', 'assistant', 'system', 'function')),
    ADD CONSTRAINT chk_messages_content_type_valid
        CHECK (content_type IN ('text', 'image', 'audio', 'file')),
    ADD CONSTRAINT chk_messages_status_valid
        CHECK (status IN ('pending', 'processing', 'completed', 'error')),
    ADD CONSTRAINT chk_messages_positive_tokens
        CHECK (prompt_tokens >= 0 AND completion_tokens >= 0 AND total_tokens >= 0
               AND estimated_cost >= 0 AND message_index >= 0);

ALTER TABLE user_tokens
    ADD CONSTRAINT chk_user_tokens_type_valid
        CHECK (token_type IN ('refresh', 'reset_password', 'email_verify', 'api_key'));

ALTER TABLE service_tokens
    ADD CONSTRAINT chk_service_tokens_token_type_valid
        CHECK (token_type IN ('Bearer', 'Basic', 'ApiKey', 'OAuth')),
    ADD CONSTRAINT chk_service_tokens_use_count_positive
        CHECK (use_count >= 0);

ALTER TABLE token_refresh_logs
    ADD CONSTRAINT chk_token_refresh_logs_retry_count_positive
        CHECK (retry_count >= 0);

-- ---------------------------------------------------------------------------
-- Composite and partial indexes for the common queries
-- ---------------------------------------------------------------------------

CREATE INDEX idx_sessions_user_status     ON sessions (user_id, status);
CREATE INDEX idx_sessions_user_activity   ON sessions (user_id, last_activity_at);
CREATE INDEX idx_sessions_status_activity ON sessions (status, last_activity_at);

CREATE INDEX idx_messages_session_role    ON messages (session_id, role);
CREATE INDEX idx_messages_session_created ON messages (session_id, created_at);

CREATE INDEX idx_user_tokens_user_type    ON user_tokens (user_id, token_type);
CREATE INDEX idx_user_tokens_type_expires ON user_tokens (token_type, expires_at);
CREATE INDEX idx_user_tokens_active       ON user_tokens (user_id, is_revoked)
    WHERE is_revoked = false;

CREATE INDEX idx_user_activities_user_type    ON user_activities (user_id, activity_type);
CREATE INDEX idx_user_activities_type_created ON user_activities (activity_type, created_at);
CREATE INDEX idx_user_activities_session_type ON user_activities (session_id, activity_type)
    WHERE session_id IS NOT NULL;

CREATE INDEX idx_service_tokens_user_service     ON service_tokens (user_id, service_type);
CREATE INDEX idx_service_tokens_user_provider    ON service_tokens (user_id, provider);
CREATE INDEX idx_service_tokens_service_provider ON service_tokens (service_type, provider);

-- ---------------------------------------------------------------------------
-- Session statistics maintenance: recomputes message_count,
-- total_tokens_used and estimated_cost of every session whose stored values
-- differ from its messages (sessions without messages are reset to 0).
-- Returns the number of sessions corrected.
-- ---------------------------------------------------------------------------

CREATE FUNCTION update_session_statistics() RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    corrected integer;
BEGIN
    UPDATE sessions s
       SET message_count     = agg.message_count,
           total_tokens_used = agg.total_tokens,
           estimated_cost    = agg.estimated_cost
      FROM (SELECT s2.id,
                   count(m.id)::integer                       AS message_count,
                   coalesce(sum(m.total_tokens), 0)::integer  AS total_tokens,
                   coalesce(sum(m.estimated_cost), 0)         AS estimated_cost
              FROM sessions s2
              LEFT JOIN messages m ON m.session_id = s2.id
             GROUP BY s2.id) AS agg
     WHERE s.id = agg.id
       AND (s.message_count IS DISTINCT FROM agg.message_count
            OR s.total_tokens_used IS DISTINCT FROM agg.total_tokens
            OR s.estimated_cost IS DISTINCT FROM agg.estimated_cost);
    GET DIAGNOSTICS corrected = ROW_COUNT;
    RAISE NOTICE 'update_session_statistics: % sessions corrected', corrected;
    RETURN corrected;
END
$$;

-- ---------------------------------------------------------------------------
-- Monitoring views. Each count comes from its own aggregate, so joining
-- several child tables never multiplies rows (the seed's user_token_summary
-- reported 6 and 6 for 2 service tokens and 3 user tokens).
-- ---------------------------------------------------------------------------

-- Active sessions of active users, with the real message count.
CREATE VIEW active_user_sessions AS
SELECT s.id, s.user_id, s.session_token, s.session_name, s.title, s.description,
       s.context_data, s.agent_type, s.agent_config, s.message_count,
       s.total_tokens_used, s.estimated_cost, s.started_at, s.ended_at,
       s.last_activity_at, s.status, s.is_archived, s.created_at, s.updated_at,
       u.email        AS user_email,
       u.display_name AS user_name,
       u.timezone     AS user_timezone,
       coalesce(m.actual_message_count, 0) AS actual_message_count,
       m.last_message_at
  FROM sessions s
  JOIN users u ON u.id = s.user_id
  LEFT JOIN (SELECT session_id,
                    count(*)        AS actual_message_count,
                    max(created_at) AS last_message_at
               FROM messages
              GROUP BY session_id) m ON m.session_id = s.id
 WHERE s.status = 'active'
   AND u.is_active = true;

-- Per active user: active unrevoked service tokens, unrevoked unexpired user
-- tokens, the latest use of any of the user's service tokens.
CREATE VIEW user_token_summary AS
SELECT u.id AS user_id, u.email, u.display_name,
       coalesce(st.active_service_tokens, 0) AS active_service_tokens,
       coalesce(ut.valid_user_tokens, 0)     AS valid_user_tokens,
       st.last_service_token_use,
       u.has_google_oauth, u.has_microsoft_oauth
  FROM users u
  LEFT JOIN (SELECT user_id,
                    count(*) FILTER (WHERE is_active AND NOT is_revoked) AS active_service_tokens,
                    max(last_used_at)                                     AS last_service_token_use
               FROM service_tokens
              GROUP BY user_id) st ON st.user_id = u.id
  LEFT JOIN (SELECT user_id,
                    count(*) AS valid_user_tokens
               FROM user_tokens
              WHERE is_revoked IS NOT TRUE
                AND expires_at > now()
              GROUP BY user_id) ut ON ut.user_id = u.id
 WHERE u.is_active = true;

-- Every session: stored statistics next to the ones recomputed from messages.
CREATE VIEW session_activity_summary AS
SELECT s.id AS session_id, s.user_id, s.session_name, s.status,
       s.message_count, s.total_tokens_used, s.estimated_cost,
       coalesce(m.actual_message_count, 0) AS actual_message_count,
       coalesce(m.actual_total_tokens, 0)  AS actual_total_tokens,
       coalesce(m.actual_total_cost, 0)    AS actual_total_cost,
       m.first_message_at,
       m.last_message_at,
       extract(epoch FROM m.last_message_at - m.first_message_at) AS session_duration_seconds
  FROM sessions s
  LEFT JOIN (SELECT session_id,
                    count(*)            AS actual_message_count,
                    sum(total_tokens)   AS actual_total_tokens,
                    sum(estimated_cost) AS actual_total_cost,
                    min(created_at)     AS first_message_at,
                    max(created_at)     AS last_message_at
               FROM messages
              GROUP BY session_id) m ON m.session_id = s.id;
