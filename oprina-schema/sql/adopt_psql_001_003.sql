-- Brings a database built by running the original 001-003 with psql (004 failed
-- and stopped the run, so 004 and 005 left nothing) to version 3. Run by
-- `runner adopt` in one transaction; our functions, triggers and views of V1-V3
-- are created again right after it.

-- The originals' views select `table.*` from tables whose columns change
-- below, so they cannot be replaced in place.
DROP VIEW IF EXISTS active_avatar_sessions, user_quota_status, active_service_tokens;

-- 003 declared cleanup_expired_tokens() as returning integer (and its body
-- always failed); ours returns a table, which CREATE OR REPLACE cannot change.
DROP FUNCTION IF EXISTS cleanup_expired_tokens();

-- 001's tables used timestamp without time zone; the application wrote UTC.
DO $$
DECLARE c record;
BEGIN
    FOR c IN SELECT table_name, column_name FROM information_schema.columns
              WHERE table_schema = current_schema()
                AND data_type = 'timestamp without time zone'
                AND table_name IN ('users', 'sessions', 'messages', 'user_tokens', 'user_activities')
    LOOP
        EXECUTE format('ALTER TABLE %I ALTER COLUMN %I TYPE timestamptz USING %I AT TIME ZONE ''UTC''',
                       c.table_name, c.column_name, c.column_name);
    END LOOP;
END
$$;

-- Indexes that duplicate a unique constraint's own index.
DROP INDEX IF EXISTS idx_users_email, idx_sessions_token, idx_usage_quotas_user_id, idx_usage_summaries_user_billing;
