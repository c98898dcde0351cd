-- V2 add_avatar_usage (seed 002_add_avatar_usage): HeyGen avatar usage
-- records, the lifetime avatar quota (20 minutes per user) and the monthly
-- usage summaries, with the triggers that maintain them, the retention
-- cleanup and the two avatar views.
--
-- Counting rule (one place, used by both triggers): an avatar usage record
-- counts once it has finished, i.e. its status is 'completed', 'error' or
-- 'timeout' and duration_seconds is not NULL, whether it was inserted that
-- way or updated into that state. Each record is counted exactly once: a
-- later UPDATE of a counted record only applies the difference between its
-- old and new values (nothing when they are equal), so re-saving a finished
-- record never counts it again. Deleting records (retention, cascades) does
-- not give quota back and does not shrink the summaries: the quota is for the
-- lifetime of the account and summaries are kept longer than records.

-- ---------------------------------------------------------------------------
-- Tables
-- ---------------------------------------------------------------------------

CREATE TABLE avatar_usage_records (
    id                 uuid          NOT NULL DEFAULT gen_random_uuid(),
    user_id            uuid          NOT NULL,
    session_id         uuid          NOT NULL,
    avatar_session_id  varchar(255)  NOT NULL,       -- HeyGen session id (not unique)
    avatar_name        varchar(255)  NOT NULL,
    session_started_at timestamptz   NOT NULL,
    session_ended_at   timestamptz,
    duration_seconds   integer       DEFAULT 0,
    words_spoken       integer       DEFAULT 0,
    messages_count     integer       DEFAULT 0,
    estimated_cost     numeric(10,4) DEFAULT 0.0000,
    billing_period     varchar(7)    NOT NULL,       -- 'YYYY-MM'
    status             varchar(50)   NOT NULL DEFAULT 'active',
    error_message      text,
    created_at         timestamptz   NOT NULL DEFAULT now(),
    updated_at         timestamptz   NOT NULL DEFAULT now(),
    CONSTRAINT avatar_usage_records_pkey PRIMARY KEY (id),
    CONSTRAINT avatar_usage_records_user_id_fkey FOREIGN KEY (user_id)
        REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT avatar_usage_records_session_id_fkey FOREIGN KEY (session_id)
        REFERENCES sessions (id) ON DELETE CASCADE,
    CONSTRAINT valid_status CHECK (status IN ('active', 'completed', 'error', 'timeout')),
    CONSTRAINT valid_billing_period CHECK (billing_period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
    CONSTRAINT positive_duration CHECK (duration_seconds >= 0),
    CONSTRAINT positive_words CHECK (words_spoken >= 0),
    CONSTRAINT positive_messages CHECK (messages_count >= 0),
    CONSTRAINT positive_cost CHECK (estimated_cost >= 0)
);

-- One row per user: a lifetime quota. used_minutes, quota_exhausted and
-- exhausted_at are derived from used_seconds and total_limit_minutes by
-- derive_usage_quota_state() on every write, whoever writes the row.
CREATE TABLE usage_quotas (
    id                  uuid        NOT NULL DEFAULT gen_random_uuid(),
    user_id             uuid        NOT NULL,
    total_limit_minutes integer     NOT NULL DEFAULT 20,
    used_minutes        integer     NOT NULL DEFAULT 0,
    used_seconds        integer     NOT NULL DEFAULT 0,
    session_count       integer     NOT NULL DEFAULT 0,
    quota_exhausted     boolean     NOT NULL DEFAULT false,
    exhausted_at        timestamptz,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT usage_quotas_pkey PRIMARY KEY (id),
    CONSTRAINT unique_user_quota UNIQUE (user_id),
    CONSTRAINT usage_quotas_user_id_fkey FOREIGN KEY (user_id)
        REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT positive_limits CHECK (total_limit_minutes > 0),
    CONSTRAINT positive_used CHECK (used_minutes >= 0 AND used_seconds >= 0),
    CONSTRAINT positive_sessions CHECK (session_count >= 0)
);

CREATE TABLE usage_summaries (
    id                     uuid          NOT NULL DEFAULT gen_random_uuid(),
    user_id                uuid          NOT NULL,
    billing_period         varchar(7)    NOT NULL,
    total_sessions         integer       NOT NULL DEFAULT 0,
    total_duration_seconds integer       NOT NULL DEFAULT 0,
    total_words_spoken     integer       NOT NULL DEFAULT 0,
    total_messages         integer       NOT NULL DEFAULT 0,
    total_estimated_cost   numeric(10,4) NOT NULL DEFAULT 0.0000,
    created_at             timestamptz   NOT NULL DEFAULT now(),
    updated_at             timestamptz   NOT NULL DEFAULT now(),
    CONSTRAINT usage_summaries_pkey PRIMARY KEY (id),
    CONSTRAINT unique_user_billing_period UNIQUE (user_id, billing_period),
    CONSTRAINT usage_summaries_user_id_fkey FOREIGN KEY (user_id)
        REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT valid_summary_billing_period CHECK (billing_period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
    CONSTRAINT positive_summary_totals CHECK (
        total_sessions >= 0 AND total_duration_seconds >= 0 AND total_words_spoken >= 0
        AND total_messages >= 0 AND total_estimated_cost >= 0)
);

-- ---------------------------------------------------------------------------
-- Indexes (the seed's idx_usage_quotas_user_id, idx_usage_summaries_user_id
-- and idx_usage_summaries_user_billing duplicated or prefixed a UNIQUE index)
-- ---------------------------------------------------------------------------

CREATE INDEX idx_avatar_usage_user_id           ON avatar_usage_records (user_id);
CREATE INDEX idx_avatar_usage_session_id        ON avatar_usage_records (session_id);
CREATE INDEX idx_avatar_usage_avatar_session_id ON avatar_usage_records (avatar_session_id);
CREATE INDEX idx_avatar_usage_billing_period    ON avatar_usage_records (billing_period);
CREATE INDEX idx_avatar_usage_status            ON avatar_usage_records (status);
CREATE INDEX idx_avatar_usage_created_at        ON avatar_usage_records (created_at);
CREATE INDEX idx_avatar_usage_user_billing      ON avatar_usage_records (user_id, billing_period);

CREATE INDEX idx_usage_quotas_exhausted  ON usage_quotas (quota_exhausted);
CREATE INDEX idx_usage_quotas_created_at ON usage_quotas (created_at);

CREATE INDEX idx_usage_summaries_billing_period ON usage_summaries (billing_period);
CREATE INDEX idx_usage_summaries_created_at     ON usage_summaries (created_at);

-- ---------------------------------------------------------------------------
-- updated_at
-- ---------------------------------------------------------------------------

CREATE FUNCTION update_avatar_usage_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END
$$;

CREATE TRIGGER trigger_update_avatar_usage_updated_at BEFORE UPDATE ON avatar_usage_records
    FOR EACH ROW EXECUTE FUNCTION update_avatar_usage_updated_at();
CREATE TRIGGER trigger_update_usage_quotas_updated_at BEFORE UPDATE ON usage_quotas
    FOR EACH ROW EXECUTE FUNCTION update_avatar_usage_updated_at();
CREATE TRIGGER trigger_update_usage_summaries_updated_at BEFORE UPDATE ON usage_summaries
    FOR EACH ROW EXECUTE FUNCTION update_avatar_usage_updated_at();

-- ---------------------------------------------------------------------------
-- Quota state: exhausted when floor(used_seconds / 60) >= total_limit_minutes,
-- i.e. used_seconds >= 60 * total_limit_minutes. exhausted_at is the moment
-- it became exhausted (kept while it stays exhausted, cleared when an admin
-- resets used_seconds or raises the limit).
-- ---------------------------------------------------------------------------

CREATE FUNCTION derive_usage_quota_state() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.used_minutes := NEW.used_seconds / 60;
    NEW.quota_exhausted := NEW.used_seconds >= NEW.total_limit_minutes * 60;
    IF NOT NEW.quota_exhausted THEN
        NEW.exhausted_at := NULL;
    ELSIF TG_OP = 'INSERT' OR NOT OLD.quota_exhausted THEN
        NEW.exhausted_at := coalesce(NEW.exhausted_at, now());
    ELSE
        NEW.exhausted_at := coalesce(NEW.exhausted_at, OLD.exhausted_at, now());
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER derive_usage_quota_state_on_write BEFORE INSERT OR UPDATE ON usage_quotas
    FOR EACH ROW EXECUTE FUNCTION derive_usage_quota_state();

-- ---------------------------------------------------------------------------
-- Quota accounting from avatar usage records (see the counting rule above).
-- The finished record that takes used_seconds to the limit or beyond marks
-- the user exhausted, including a user's very first session.
-- ---------------------------------------------------------------------------

CREATE FUNCTION update_quota_on_avatar_session_end() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    new_counted boolean := NEW.status IN ('completed', 'error', 'timeout')
                           AND NEW.duration_seconds IS NOT NULL;
    old_counted boolean := false;
    d_seconds   integer;
    d_sessions  integer;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        old_counted := OLD.status IN ('completed', 'error', 'timeout')
                       AND OLD.duration_seconds IS NOT NULL;
    END IF;

    IF old_counted AND new_counted AND OLD.user_id = NEW.user_id THEN
        -- already counted: apply a corrected duration only
        d_seconds  := NEW.duration_seconds - OLD.duration_seconds;
        d_sessions := 0;
        IF d_seconds = 0 THEN
            RETURN NULL;
        END IF;
    ELSE
        IF old_counted THEN
            -- the record stopped counting or moved to another user
            UPDATE usage_quotas
               SET used_seconds  = greatest(used_seconds - OLD.duration_seconds, 0),
                   session_count = greatest(session_count - 1, 0)
             WHERE user_id = OLD.user_id;
        END IF;
        IF NOT new_counted THEN
            RETURN NULL;
        END IF;
        d_seconds  := NEW.duration_seconds;
        d_sessions := 1;
    END IF;

    INSERT INTO usage_quotas (user_id, used_seconds, session_count)
    VALUES (NEW.user_id, NEW.duration_seconds, 1)
    ON CONFLICT (user_id) DO UPDATE
       SET used_seconds  = greatest(usage_quotas.used_seconds + d_seconds, 0),
           session_count = greatest(usage_quotas.session_count + d_sessions, 0);
    RETURN NULL;
END
$$;

CREATE TRIGGER update_quota_on_session_end
    AFTER INSERT OR UPDATE OF status, duration_seconds, user_id ON avatar_usage_records
    FOR EACH ROW EXECUTE FUNCTION update_quota_on_avatar_session_end();

-- ---------------------------------------------------------------------------
-- Monthly summaries, one row per (user_id, billing_period); same counting
-- rule, so each session is counted once in the month of its billing_period.
-- ---------------------------------------------------------------------------

CREATE FUNCTION update_usage_summary() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    new_counted boolean := NEW.status IN ('completed', 'error', 'timeout')
                           AND NEW.duration_seconds IS NOT NULL;
    old_counted boolean := false;
    d_sessions  integer;
    d_duration  integer;
    d_words     integer;
    d_messages  integer;
    d_cost      numeric;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        old_counted := OLD.status IN ('completed', 'error', 'timeout')
                       AND OLD.duration_seconds IS NOT NULL;
    END IF;

    IF old_counted AND new_counted
       AND OLD.user_id = NEW.user_id AND OLD.billing_period = NEW.billing_period THEN
        -- already counted in this summary: apply corrected values only
        d_sessions := 0;
        d_duration := NEW.duration_seconds - OLD.duration_seconds;
        d_words    := coalesce(NEW.words_spoken, 0)   - coalesce(OLD.words_spoken, 0);
        d_messages := coalesce(NEW.messages_count, 0) - coalesce(OLD.messages_count, 0);
        d_cost     := coalesce(NEW.estimated_cost, 0) - coalesce(OLD.estimated_cost, 0);
        IF d_duration = 0 AND d_words = 0 AND d_messages = 0 AND d_cost = 0 THEN
            RETURN NULL;
        END IF;
    ELSE
        IF old_counted THEN
            -- the record stopped counting or moved to another user or month
            UPDATE usage_summaries
               SET total_sessions         = greatest(total_sessions - 1, 0),
                   total_duration_seconds = greatest(total_duration_seconds - OLD.duration_seconds, 0),
                   total_words_spoken     = greatest(total_words_spoken - coalesce(OLD.words_spoken, 0), 0),
                   total_messages         = greatest(total_messages - coalesce(OLD.messages_count, 0), 0),
                   total_estimated_cost   = greatest(total_estimated_cost - coalesce(OLD.estimated_cost, 0), 0)
             WHERE user_id = OLD.user_id AND billing_period = OLD.billing_period;
        END IF;
        IF NOT new_counted THEN
            RETURN NULL;
        END IF;
        d_sessions := 1;
        d_duration := NEW.duration_seconds;
        d_words    := coalesce(NEW.words_spoken, 0);
        d_messages := coalesce(NEW.messages_count, 0);
        d_cost     := coalesce(NEW.estimated_cost, 0);
    END IF;

    INSERT INTO usage_summaries (user_id, billing_period, total_sessions, total_duration_seconds,
                                 total_words_spoken, total_messages, total_estimated_cost)
    VALUES (NEW.user_id, NEW.billing_period, 1, NEW.duration_seconds,
            coalesce(NEW.words_spoken, 0), coalesce(NEW.messages_count, 0),
            coalesce(NEW.estimated_cost, 0))
    ON CONFLICT (user_id, billing_period) DO UPDATE
       SET total_sessions         = greatest(usage_summaries.total_sessions + d_sessions, 0),
           total_duration_seconds = greatest(usage_summaries.total_duration_seconds + d_duration, 0),
           total_words_spoken     = greatest(usage_summaries.total_words_spoken + d_words, 0),
           total_messages         = greatest(usage_summaries.total_messages + d_messages, 0),
           total_estimated_cost   = greatest(usage_summaries.total_estimated_cost + d_cost, 0);
    RETURN NULL;
END
$$;

CREATE TRIGGER update_monthly_summary
    AFTER INSERT OR UPDATE OF status, duration_seconds, words_spoken, messages_count,
                              estimated_cost, billing_period, user_id
    ON avatar_usage_records
    FOR EACH ROW EXECUTE FUNCTION update_usage_summary();

-- ---------------------------------------------------------------------------
-- Retention: avatar usage records 12 months, summaries 24 months (created_at).
-- ---------------------------------------------------------------------------

CREATE FUNCTION cleanup_old_usage_records()
RETURNS TABLE (deleted_usage_records integer, deleted_usage_summaries integer)
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM avatar_usage_records WHERE created_at < now() - interval '12 months';
    GET DIAGNOSTICS deleted_usage_records = ROW_COUNT;
    DELETE FROM usage_summaries WHERE created_at < now() - interval '24 months';
    GET DIAGNOSTICS deleted_usage_summaries = ROW_COUNT;
    RAISE NOTICE 'cleanup_old_usage_records: % usage records (> 12 months) and % summaries (> 24 months) deleted',
        deleted_usage_records, deleted_usage_summaries;
    RETURN NEXT;
END
$$;

-- ---------------------------------------------------------------------------
-- Views (explicit column lists: a later migration adding a column to a base
-- table does not break CREATE OR REPLACE VIEW)
-- ---------------------------------------------------------------------------

CREATE VIEW active_avatar_sessions AS
SELECT r.id, r.user_id, r.session_id, r.avatar_session_id, r.avatar_name,
       r.session_started_at, r.session_ended_at, r.duration_seconds, r.words_spoken,
       r.messages_count, r.estimated_cost, r.billing_period, r.status, r.error_message,
       r.created_at, r.updated_at,
       u.email        AS user_email,
       u.display_name AS user_name,
       s.session_name,
       s.title        AS session_title
  FROM avatar_usage_records r
  JOIN users u    ON u.id = r.user_id
  JOIN sessions s ON s.id = r.session_id
 WHERE r.status = 'active';

-- Remaining time is clamped at 0 and the percentage at 100.
CREATE VIEW user_quota_status AS
SELECT q.id, q.user_id, q.total_limit_minutes, q.used_minutes, q.used_seconds,
       q.session_count, q.quota_exhausted, q.exhausted_at, q.created_at, q.updated_at,
       u.email        AS user_email,
       u.display_name AS user_name,
       greatest(q.total_limit_minutes * 60 - q.used_seconds, 0) AS seconds_remaining,
       greatest(q.total_limit_minutes - q.used_minutes, 0)      AS minutes_remaining,
       least(round(q.used_seconds::numeric * 100 / (q.total_limit_minutes * 60), 2), 100.00)
                                                                 AS usage_percentage
  FROM usage_quotas q
  JOIN users u ON u.id = q.user_id;
