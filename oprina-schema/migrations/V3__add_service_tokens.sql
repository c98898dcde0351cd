-- V3 add_service_tokens (seed 003_add_service_tokens): encrypted OAuth tokens
-- and API keys per user and service, their refresh log, automatic revocation
-- of a user's older token for the same service, the users' OAuth flags, the
-- expired-token cleanup and the active_service_tokens view.
--
-- Tokens are encrypted by the application (Fernet); the database stores the
-- ciphertext in the *_encrypted columns and needs no extension.
--
-- One active token per (user_id, service_type, provider): enforced by a
-- PARTIAL unique index over rows that are active and not revoked. The seed's
-- full UNIQUE constraint rejected the new token before its revocation trigger
-- could run, and a revoked row kept blocking the key, so a user could never
-- reconnect a service. Revoked and deactivated rows are kept as history.

-- ---------------------------------------------------------------------------
-- Tables
-- ---------------------------------------------------------------------------

CREATE TABLE service_tokens (
    id                      uuid         NOT NULL DEFAULT gen_random_uuid(),
    user_id                 uuid         NOT NULL,
    service_type            varchar(100) NOT NULL,    -- gmail, calendar, microsoft, api_key, ...
    service_name            varchar(200),
    access_token_encrypted  text         NOT NULL,
    refresh_token_encrypted text,
    id_token_encrypted      text,
    token_type              varchar(50)  NOT NULL DEFAULT 'Bearer',
    scope                   text,                     -- space separated
    expires_at              timestamptz,
    provider                varchar(50)  NOT NULL,
    provider_user_id        varchar(200),
    provider_email          varchar(255),
    is_active               boolean      NOT NULL DEFAULT true,
    is_revoked              boolean      NOT NULL DEFAULT false,
    revoked_at              timestamptz,
    revoked_reason          text,
    last_used_at            timestamptz,
    use_count               integer      NOT NULL DEFAULT 0,
    token_metadata          jsonb,
    created_at              timestamptz  NOT NULL DEFAULT now(),
    updated_at              timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT service_tokens_pkey PRIMARY KEY (id),
    CONSTRAINT service_tokens_user_id_fkey FOREIGN KEY (user_id)
        REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT valid_service_type CHECK (service_type ~ '^[a-z][a-z0-9_]*$'),
    CONSTRAINT valid_provider CHECK (provider ~ '^[a-z][a-z0-9_]*$'),
    -- the stricter of the seed's two provider_email patterns (it was the one in effect)
    CONSTRAINT valid_provider_email CHECK (
        provider_email IS NULL
        OR provider_email ~* '^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$')
);

CREATE TABLE token_refresh_logs (
    id                  uuid        NOT NULL DEFAULT gen_random_uuid(),
    service_token_id    uuid        NOT NULL,
    refresh_type        varchar(50) NOT NULL DEFAULT 'automatic',
    refresh_status      varchar(20) NOT NULL DEFAULT 'pending',
    started_at          timestamptz NOT NULL DEFAULT now(),
    completed_at        timestamptz,
    previous_expires_at timestamptz,
    new_expires_at      timestamptz,
    error_message       text,
    retry_count         integer     NOT NULL DEFAULT 0,
    refresh_metadata    jsonb,
    created_at          timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT token_refresh_logs_pkey PRIMARY KEY (id),
    CONSTRAINT token_refresh_logs_service_token_id_fkey FOREIGN KEY (service_token_id)
        REFERENCES service_tokens (id) ON DELETE CASCADE,
    CONSTRAINT valid_refresh_type CHECK (refresh_type IN ('automatic', 'manual', 'scheduled')),
    CONSTRAINT valid_refresh_status CHECK (refresh_status IN ('pending', 'success', 'failed', 'cancelled'))
);

-- ---------------------------------------------------------------------------
-- Indexes
-- ---------------------------------------------------------------------------

-- at most one active, unrevoked token per user, service and provider
CREATE UNIQUE INDEX unique_user_service_provider
    ON service_tokens (user_id, service_type, provider)
    WHERE is_active AND NOT is_revoked;

CREATE INDEX idx_service_tokens_user_id      ON service_tokens (user_id);
CREATE INDEX idx_service_tokens_service_type ON service_tokens (service_type);
CREATE INDEX idx_service_tokens_provider     ON service_tokens (provider);
CREATE INDEX idx_service_tokens_active       ON service_tokens (is_active, is_revoked)
    WHERE is_active = true AND is_revoked = false;
CREATE INDEX idx_service_tokens_expires_at   ON service_tokens (expires_at)
    WHERE expires_at IS NOT NULL;
CREATE INDEX idx_service_tokens_created_at   ON service_tokens (created_at);
CREATE INDEX idx_service_tokens_user_active  ON service_tokens (user_id, is_active, is_revoked)
    WHERE is_active = true AND is_revoked = false;

CREATE INDEX idx_token_refresh_logs_service_token_id ON token_refresh_logs (service_token_id);
CREATE INDEX idx_token_refresh_logs_status           ON token_refresh_logs (refresh_status);
CREATE INDEX idx_token_refresh_logs_created_at       ON token_refresh_logs (created_at);

-- ---------------------------------------------------------------------------
-- updated_at
-- ---------------------------------------------------------------------------

CREATE FUNCTION update_service_tokens_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END
$$;

CREATE TRIGGER trigger_update_service_tokens_updated_at BEFORE UPDATE ON service_tokens
    FOR EACH ROW EXECUTE FUNCTION update_service_tokens_updated_at();

-- ---------------------------------------------------------------------------
-- Revocation. BEFORE the row is written, so the partial unique index sees the
-- older token already revoked:
--  * a token that becomes active and unrevoked (inserted so, or updated into
--    that state, or moved to another key) revokes every other active token
--    of the same user, service_type and provider (is_active = false,
--    is_revoked = true, revoked_at = now(), revoked_reason set);
--  * a token that is revoked without revoked_at gets revoked_at = now().
-- After a revoke, the user reconnects by inserting a new token.
-- ---------------------------------------------------------------------------

CREATE FUNCTION revoke_old_service_tokens() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.is_revoked AND NEW.revoked_at IS NULL THEN
        NEW.revoked_at := now();
    END IF;

    IF NEW.is_active AND NOT NEW.is_revoked THEN
        IF TG_OP = 'INSERT'
           OR NOT (OLD.is_active AND NOT OLD.is_revoked)
           OR (OLD.user_id, OLD.service_type, OLD.provider)
              IS DISTINCT FROM (NEW.user_id, NEW.service_type, NEW.provider) THEN
            UPDATE service_tokens t
               SET is_active      = false,
                   is_revoked     = true,
                   revoked_at     = now(),
                   revoked_reason = coalesce(t.revoked_reason, 'superseded by a newer token')
             WHERE t.user_id = NEW.user_id
               AND t.service_type = NEW.service_type
               AND t.provider = NEW.provider
               AND t.is_active
               AND t.id <> NEW.id;
        END IF;
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER revoke_old_tokens_on_insert BEFORE INSERT ON service_tokens
    FOR EACH ROW EXECUTE FUNCTION revoke_old_service_tokens();
CREATE TRIGGER revoke_old_tokens_on_update
    BEFORE UPDATE OF is_active, is_revoked, revoked_at, user_id, service_type, provider
    ON service_tokens
    FOR EACH ROW EXECUTE FUNCTION revoke_old_service_tokens();

-- ---------------------------------------------------------------------------
-- OAuth flags: users.has_google_oauth / has_microsoft_oauth say whether the
-- user holds an active, unrevoked token of that provider. Google covers the
-- providers 'google', 'gmail' and 'calendar' (the application stores Gmail
-- and Calendar tokens with provider = service_type); Microsoft is
-- 'microsoft'. Recomputed for every affected user (old and new owner) on
-- insert, delete and relevant updates; users rows are written only when a
-- flag actually changes.
-- ---------------------------------------------------------------------------

CREATE FUNCTION update_user_oauth_flags() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    affected uuid[];
    uid      uuid;
BEGIN
    IF TG_OP = 'INSERT' THEN
        affected := ARRAY[NEW.user_id];
    ELSIF TG_OP = 'DELETE' THEN
        affected := ARRAY[OLD.user_id];
    ELSIF OLD.user_id IS DISTINCT FROM NEW.user_id THEN
        affected := ARRAY[NEW.user_id, OLD.user_id];
    ELSE
        affected := ARRAY[NEW.user_id];
    END IF;

    FOREACH uid IN ARRAY affected LOOP
        UPDATE users u
           SET has_google_oauth    = f.google,
               has_microsoft_oauth = f.microsoft
          FROM (SELECT coalesce(bool_or(t.provider IN ('google', 'gmail', 'calendar')), false) AS google,
                       coalesce(bool_or(t.provider = 'microsoft'), false)                      AS microsoft
                  FROM service_tokens t
                 WHERE t.user_id = uid
                   AND t.is_active
                   AND NOT t.is_revoked) AS f
         WHERE u.id = uid
           AND (u.has_google_oauth IS DISTINCT FROM f.google
                OR u.has_microsoft_oauth IS DISTINCT FROM f.microsoft);
    END LOOP;
    RETURN NULL;
END
$$;

CREATE TRIGGER update_user_oauth_on_token_change
    AFTER INSERT OR UPDATE OF user_id, provider, is_active, is_revoked ON service_tokens
    FOR EACH ROW EXECUTE FUNCTION update_user_oauth_flags();
CREATE TRIGGER update_user_oauth_on_token_delete AFTER DELETE ON service_tokens
    FOR EACH ROW EXECUTE FUNCTION update_user_oauth_flags();

-- ---------------------------------------------------------------------------
-- Cleanup (the seed's intended version, installed once with one signature):
--  1. deactivates service tokens whose expires_at has passed and that have no
--     refresh token (a token with a refresh token is renewed by the
--     application, not switched off);
--  2. deletes user_tokens whose expires_at has passed;
--  3. deletes token_refresh_logs older than 30 days (created_at).
-- ---------------------------------------------------------------------------

CREATE FUNCTION cleanup_expired_tokens()
RETURNS TABLE (deactivated_service_tokens integer, deleted_user_tokens integer,
               deleted_refresh_logs integer)
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE service_tokens
       SET is_active = false
     WHERE is_active
       AND expires_at IS NOT NULL
       AND expires_at < now()
       AND refresh_token_encrypted IS NULL;
    GET DIAGNOSTICS deactivated_service_tokens = ROW_COUNT;

    DELETE FROM user_tokens WHERE expires_at < now();
    GET DIAGNOSTICS deleted_user_tokens = ROW_COUNT;

    DELETE FROM token_refresh_logs WHERE created_at < now() - interval '30 days';
    GET DIAGNOSTICS deleted_refresh_logs = ROW_COUNT;

    RAISE NOTICE 'cleanup_expired_tokens: % service tokens deactivated, % user tokens and % refresh logs (> 30 days) deleted',
        deactivated_service_tokens, deleted_user_tokens, deleted_refresh_logs;
    RETURN NEXT;
END
$$;

-- ---------------------------------------------------------------------------
-- View: active tokens without their encrypted values. (The seed granted
-- SELECT on it to the role postgres; no GRANT here: the owner can read it and
-- the role may not exist.)
-- ---------------------------------------------------------------------------

CREATE VIEW active_service_tokens AS
SELECT t.id, t.user_id,
       u.email AS user_email,
       t.service_type, t.service_name, t.provider, t.provider_email, t.token_type,
       t.scope, t.expires_at,
       CASE
           WHEN t.expires_at IS NULL                    THEN 'never'
           WHEN t.expires_at < now()                    THEN 'expired'
           WHEN t.expires_at < now() + interval '1 hour' THEN 'expiring_soon'
           ELSE 'valid'
       END AS expiry_status,
       t.last_used_at, t.created_at, t.updated_at
  FROM service_tokens t
  JOIN users u ON u.id = t.user_id
 WHERE t.is_active AND NOT t.is_revoked;
