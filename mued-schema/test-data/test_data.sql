-- MUED test data: sample rows for local development, applied with --with-test-data
-- after the migrations (never on a production profile).
--
-- Idempotent: fixed uuids and upserts. A row that already matches is not touched (the
-- DO UPDATE ... WHERE ... IS DISTINCT FROM guard keeps the updated_at triggers from
-- firing), a row a developer changed is put back. Applying this twice leaves the same
-- rows. No BEGIN/COMMIT: the runner applies it in one transaction.
--
-- Fixed ids all start with 7e57da7a- ("test data"):
--   7e57da7a-0000-4000-8000-...  the dev user and its chat session
--   7e57da7a-0000-4000-8001-...  ai_dialogue_log
--   7e57da7a-0000-4000-8002-...  provenance (and the external content it describes)
--   7e57da7a-0000-4000-8003-...  rag_metrics_history
--   7e57da7a-0000-4000-8004-...  plugin_registry

-- The dev user. Only columns that both sql/dev_base.sql and the application's users
-- table have, covering every NOT NULL column without a default (clerk_id, email);
-- clerk_id is unique there too, so it is fixed and clearly fake.
INSERT INTO users AS t (id, clerk_id, email, name, role)
VALUES ('7e57da7a-0000-4000-8000-000000000001', 'user_mued_dev_0001',
        'mued-dev@example.com', 'MUED Dev User', 'student')
ON CONFLICT (id) DO UPDATE
   SET clerk_id = EXCLUDED.clerk_id, email = EXCLUDED.email,
       name = EXCLUDED.name, role = EXCLUDED.role
 WHERE (t.clerk_id, t.email, t.name, t.role)
       IS DISTINCT FROM (EXCLUDED.clerk_id, EXCLUDED.email, EXCLUDED.name, EXCLUDED.role);

-- Three exchanges of one chat session: cited, partly cited, uncited.
INSERT INTO ai_dialogue_log AS t
       (id, user_id, session_id, query, response, model_used, created_at, updated_at,
        citations, latency_ms, token_cost_jpy, citation_rate, prompt_tokens,
        completion_tokens, total_tokens, relevance_score, user_feedback,
        context_window_size, temperature)
VALUES
    ('7e57da7a-0000-4000-8001-000000000001', '7e57da7a-0000-4000-8000-000000000001',
     '7e57da7a-0000-4000-8000-00000000a001',
     'How do I practise a C major scale evenly?',
     'Play it slowly with a metronome at 60 bpm, one note per click, then raise the tempo by 4 bpm once it is even.',
     'gpt-4o-mini', '2025-10-28 09:00:00', '2025-10-28 09:00:00',
     '[{"source": "Scale practice basics", "sourceType": "material", "excerpt": "Start at 60 bpm and raise the tempo only when every note is even.", "confidence": 0.92, "timestamp": "2025-10-28T09:00:00Z"}]',
     1840, 0.42, 85.00, 412, 96, 508, 0.88, 1, 4096, 0.70),
    ('7e57da7a-0000-4000-8001-000000000002', '7e57da7a-0000-4000-8000-000000000001',
     '7e57da7a-0000-4000-8000-00000000a001',
     'What does ABC notation look like for that scale?',
     'X:1, K:C, then CDEFGABc. Each letter is one note; lower case is the octave above.',
     'gpt-4o-mini', '2025-10-28 09:02:00', '2025-10-28 09:02:00',
     '[{"source": "https://note.com/example/n/abc-notation", "sourceType": "note_article", "excerpt": "K: sets the key, letters are notes.", "confidence": 0.71, "timestamp": "2025-10-28T09:02:00Z", "paragraphIndex": 3}]',
     2310, 0.55, 60.00, 530, 120, 650, 0.74, 0, 4096, 0.70),
    ('7e57da7a-0000-4000-8001-000000000003', '7e57da7a-0000-4000-8000-000000000001',
     '7e57da7a-0000-4000-8000-00000000a001',
     'Thanks! Any tip for staying motivated?',
     'Keep sessions short and log each one; small daily progress adds up.',
     'gpt-4o-mini', '2025-10-28 09:05:00', '2025-10-28 09:05:00',
     '[]',
     950, 0.18, 0.00, 220, 40, 260, 0.35, -1, 4096, 0.70)
ON CONFLICT (id) DO UPDATE
   SET user_id = EXCLUDED.user_id, session_id = EXCLUDED.session_id,
       query = EXCLUDED.query, response = EXCLUDED.response,
       model_used = EXCLUDED.model_used, created_at = EXCLUDED.created_at,
       citations = EXCLUDED.citations, latency_ms = EXCLUDED.latency_ms,
       token_cost_jpy = EXCLUDED.token_cost_jpy, citation_rate = EXCLUDED.citation_rate,
       prompt_tokens = EXCLUDED.prompt_tokens, completion_tokens = EXCLUDED.completion_tokens,
       total_tokens = EXCLUDED.total_tokens, relevance_score = EXCLUDED.relevance_score,
       user_feedback = EXCLUDED.user_feedback,
       context_window_size = EXCLUDED.context_window_size,
       temperature = EXCLUDED.temperature
 WHERE (t.user_id, t.session_id, t.query, t.response, t.model_used, t.created_at,
        t.citations, t.latency_ms, t.token_cost_jpy, t.citation_rate, t.prompt_tokens,
        t.completion_tokens, t.total_tokens, t.relevance_score, t.user_feedback,
        t.context_window_size, t.temperature)
       IS DISTINCT FROM
       (EXCLUDED.user_id, EXCLUDED.session_id, EXCLUDED.query, EXCLUDED.response,
        EXCLUDED.model_used, EXCLUDED.created_at, EXCLUDED.citations, EXCLUDED.latency_ms,
        EXCLUDED.token_cost_jpy, EXCLUDED.citation_rate, EXCLUDED.prompt_tokens,
        EXCLUDED.completion_tokens, EXCLUDED.total_tokens, EXCLUDED.relevance_score,
        EXCLUDED.user_feedback, EXCLUDED.context_window_size, EXCLUDED.temperature);

-- Provenance of: an AI answer (content_id = a dialogue row), a note.com article
-- (external, no table), and an AI-generated exercise. content_id has no foreign key.
INSERT INTO provenance AS t
       (id, content_id, content_type, source_uri, license_type, acquisition_method,
        rights_holder, permission_flag, hash_c2pa, hash_sha256, retention_years,
        access_policy, external_share_consent, acquired_by, acquired_at,
        last_verified_at, verification_status, created_at, updated_at)
VALUES
    ('7e57da7a-0000-4000-8002-000000000001', '7e57da7a-0000-4000-8001-000000000001',
     'ai_response', NULL, 'proprietary', 'ai_generated', 'MUED', true, NULL,
     'b5bb9d8014a0f9b1d61e21e796d78dccdf1352f23cd32812f4850b878ae4944c', 3,
     '{"readGroups": ["admin", "mentor"], "writeGroups": ["admin"]}', false,
     '7e57da7a-0000-4000-8000-000000000001', '2025-10-28 09:00:00',
     '2025-10-28 09:00:00', 'verified', '2025-10-28 09:00:00', '2025-10-28 09:00:00'),
    ('7e57da7a-0000-4000-8002-000000000002', '7e57da7a-0000-4000-8002-0000000000a2',
     'note_article', 'https://note.com/example/n/abc-notation', 'cc_by', 'api_fetch',
     'example (note.com)', true, NULL, NULL, 5,
     '{"readGroups": ["student", "mentor", "admin"], "writeGroups": ["admin"], "expiresAt": "2030-10-28T00:00:00Z"}',
     true, '7e57da7a-0000-4000-8000-000000000001', '2025-10-27 12:00:00',
     '2025-10-28 08:00:00', 'verified', '2025-10-27 12:00:00', '2025-10-27 12:00:00'),
    ('7e57da7a-0000-4000-8002-000000000003', '7e57da7a-0000-4000-8002-0000000000a3',
     'generated', NULL, 'all_rights_reserved', 'ai_generated', 'MUED', false, NULL,
     NULL, NULL, NULL, false, NULL, '2025-10-28 10:00:00', NULL, NULL,
     '2025-10-28 10:00:00', '2025-10-28 10:00:00')
ON CONFLICT (id) DO UPDATE
   SET content_id = EXCLUDED.content_id, content_type = EXCLUDED.content_type,
       source_uri = EXCLUDED.source_uri, license_type = EXCLUDED.license_type,
       acquisition_method = EXCLUDED.acquisition_method,
       rights_holder = EXCLUDED.rights_holder, permission_flag = EXCLUDED.permission_flag,
       hash_c2pa = EXCLUDED.hash_c2pa, hash_sha256 = EXCLUDED.hash_sha256,
       retention_years = EXCLUDED.retention_years, access_policy = EXCLUDED.access_policy,
       external_share_consent = EXCLUDED.external_share_consent,
       acquired_by = EXCLUDED.acquired_by, acquired_at = EXCLUDED.acquired_at,
       last_verified_at = EXCLUDED.last_verified_at,
       verification_status = EXCLUDED.verification_status,
       created_at = EXCLUDED.created_at
 WHERE (t.content_id, t.content_type, t.source_uri, t.license_type, t.acquisition_method,
        t.rights_holder, t.permission_flag, t.hash_c2pa, t.hash_sha256, t.retention_years,
        t.access_policy, t.external_share_consent, t.acquired_by, t.acquired_at,
        t.last_verified_at, t.verification_status, t.created_at)
       IS DISTINCT FROM
       (EXCLUDED.content_id, EXCLUDED.content_type, EXCLUDED.source_uri,
        EXCLUDED.license_type, EXCLUDED.acquisition_method, EXCLUDED.rights_holder,
        EXCLUDED.permission_flag, EXCLUDED.hash_c2pa, EXCLUDED.hash_sha256,
        EXCLUDED.retention_years, EXCLUDED.access_policy, EXCLUDED.external_share_consent,
        EXCLUDED.acquired_by, EXCLUDED.acquired_at, EXCLUDED.last_verified_at,
        EXCLUDED.verification_status, EXCLUDED.created_at);

-- Three days of metrics. The day (idx_rag_metrics_date_unique) is the arbiter, as in
-- the app's aggregation script; a row for that day that is not ours (other id) is
-- left alone.
INSERT INTO rag_metrics_history AS t
       (id, date, citation_rate, citation_count, unique_sources_count, latency_p50_ms,
        latency_p95_ms, latency_p99_ms, cost_per_answer, total_cost, total_queries,
        unique_users, average_tokens_per_query, average_relevance_score,
        positive_votes_rate, slo_compliance, created_at)
VALUES
    ('7e57da7a-0000-4000-8003-000000000001', '2025-10-26 00:00:00', 72.50, 58, 14,
     1650, 3900, 5200, 0.38, 30.40, 80, 12, 540, 0.81, 66.67,
     '{"citationRateMet": true, "latencyMet": true, "costMet": true, "overallMet": true}',
     '2025-10-27 02:00:00'),
    ('7e57da7a-0000-4000-8003-000000000002', '2025-10-27 00:00:00', 64.00, 41, 11,
     2100, 5600, 8100, 0.52, 33.28, 64, 9, 610, 0.77, 50.00,
     '{"citationRateMet": false, "latencyMet": false, "costMet": true, "overallMet": false}',
     '2025-10-28 02:00:00'),
    ('7e57da7a-0000-4000-8003-000000000003', '2025-10-28 00:00:00', 48.33, 2, 2,
     1840, 2263, 2301, 0.38, 1.15, 3, 1, 473, 0.66, 33.33,
     '{"citationRateMet": false, "latencyMet": true, "costMet": true, "overallMet": false}',
     '2025-10-29 02:00:00')
ON CONFLICT ((date(date))) DO UPDATE
   SET citation_rate = EXCLUDED.citation_rate, citation_count = EXCLUDED.citation_count,
       unique_sources_count = EXCLUDED.unique_sources_count,
       latency_p50_ms = EXCLUDED.latency_p50_ms, latency_p95_ms = EXCLUDED.latency_p95_ms,
       latency_p99_ms = EXCLUDED.latency_p99_ms, cost_per_answer = EXCLUDED.cost_per_answer,
       total_cost = EXCLUDED.total_cost, total_queries = EXCLUDED.total_queries,
       unique_users = EXCLUDED.unique_users,
       average_tokens_per_query = EXCLUDED.average_tokens_per_query,
       average_relevance_score = EXCLUDED.average_relevance_score,
       positive_votes_rate = EXCLUDED.positive_votes_rate,
       slo_compliance = EXCLUDED.slo_compliance, date = EXCLUDED.date,
       created_at = EXCLUDED.created_at
 WHERE t.id = EXCLUDED.id
   AND (t.date, t.citation_rate, t.citation_count, t.unique_sources_count,
        t.latency_p50_ms, t.latency_p95_ms, t.latency_p99_ms, t.cost_per_answer,
        t.total_cost, t.total_queries, t.unique_users, t.average_tokens_per_query,
        t.average_relevance_score, t.positive_votes_rate, t.slo_compliance, t.created_at)
       IS DISTINCT FROM
       (EXCLUDED.date, EXCLUDED.citation_rate, EXCLUDED.citation_count,
        EXCLUDED.unique_sources_count, EXCLUDED.latency_p50_ms, EXCLUDED.latency_p95_ms,
        EXCLUDED.latency_p99_ms, EXCLUDED.cost_per_answer, EXCLUDED.total_cost,
        EXCLUDED.total_queries, EXCLUDED.unique_users, EXCLUDED.average_tokens_per_query,
        EXCLUDED.average_relevance_score, EXCLUDED.positive_votes_rate,
        EXCLUDED.slo_compliance, EXCLUDED.created_at);

-- A disabled stub plugin beside the two seeded by V1 (which are not touched here).
INSERT INTO plugin_registry AS t
       (id, name, source, capabilities, config, api_endpoint, api_key_env_var, enabled,
        version, last_health_check, health_status, created_at, updated_at)
VALUES
    ('7e57da7a-0000-4000-8004-000000000001', 'Dev Stub Source', 'dev_stub',
     '{"list": true, "search": true, "filter": false, "fetch": true, "transform": false}',
     '{"fixtures": "local"}', 'http://localhost:3999/stub', 'MUED_DEV_STUB_API_KEY',
     false, '0.0.1', '2025-10-28 00:00:00', 'unknown',
     '2025-10-28 00:00:00', '2025-10-28 00:00:00')
ON CONFLICT (id) DO UPDATE
   SET name = EXCLUDED.name, source = EXCLUDED.source,
       capabilities = EXCLUDED.capabilities, config = EXCLUDED.config,
       api_endpoint = EXCLUDED.api_endpoint, api_key_env_var = EXCLUDED.api_key_env_var,
       enabled = EXCLUDED.enabled, version = EXCLUDED.version,
       last_health_check = EXCLUDED.last_health_check,
       health_status = EXCLUDED.health_status, created_at = EXCLUDED.created_at
 WHERE (t.name, t.source, t.capabilities, t.config, t.api_endpoint, t.api_key_env_var,
        t.enabled, t.version, t.last_health_check, t.health_status, t.created_at)
       IS DISTINCT FROM
       (EXCLUDED.name, EXCLUDED.source, EXCLUDED.capabilities, EXCLUDED.config,
        EXCLUDED.api_endpoint, EXCLUDED.api_key_env_var, EXCLUDED.enabled,
        EXCLUDED.version, EXCLUDED.last_health_check, EXCLUDED.health_status,
        EXCLUDED.created_at);
