-- Oprina data-integrity checks, run by `runner verify` (one query per block;
-- each row returned is one problem).

-- @quota_covers_usage: each user's quota counts at least the finished avatar sessions still on record (records older than 12 months are cleaned up, the lifetime quota keeps them)
SELECT 'user ' || r.user_id || ': finished avatar sessions hold ' || r.seconds || ' s, usage_quotas counts ' || coalesce(q.used_seconds, 0) || ' s'
  FROM (SELECT user_id, sum(duration_seconds) AS seconds
          FROM avatar_usage_records
         WHERE status IN ('completed', 'error', 'timeout') AND duration_seconds IS NOT NULL
         GROUP BY user_id) r
  LEFT JOIN usage_quotas q ON q.user_id = r.user_id
 WHERE coalesce(q.used_seconds, 0) < r.seconds;

-- @quota_flag_matches_usage: quota_exhausted is set exactly when the used time reaches the limit
SELECT 'user ' || user_id || ': quota_exhausted is ' || quota_exhausted || ' with ' || used_seconds || ' s of ' || total_limit_minutes * 60 || ' s used'
  FROM usage_quotas
 WHERE quota_exhausted <> (used_seconds >= total_limit_minutes * 60);

-- @one_active_token_per_service: at most one active, unrevoked token per user, service and provider
SELECT 'user ' || user_id || ' has ' || count(*) || ' active ' || service_type || '/' || provider || ' tokens'
  FROM service_tokens WHERE is_active AND NOT is_revoked
 GROUP BY user_id, service_type, provider HAVING count(*) > 1;

-- @refresh_log_times_agree: the ORM's refresh_started_at / refresh_completed_at equal started_at / completed_at (kept so by a trigger; a writer that bypasses triggers can split them)
SELECT 'token_refresh_logs ' || id || ': started_at ' || started_at || ' vs refresh_started_at ' || refresh_started_at
       || ', completed_at ' || coalesce(completed_at::text, 'NULL') || ' vs refresh_completed_at ' || coalesce(refresh_completed_at::text, 'NULL')
  FROM token_refresh_logs
 WHERE started_at IS DISTINCT FROM refresh_started_at OR completed_at IS DISTINCT FROM refresh_completed_at;
