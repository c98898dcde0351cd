-- Oprina test data: a small coherent set for local development, applied by
-- `runner migrate --with-test-data` in one transaction after the migrations.
--
-- Idempotent: every row has a fixed uuid and is inserted with
-- ON CONFLICT (id) DO NOTHING, so a second application inserts nothing,
-- updates nothing and fires no AFTER trigger. That matters because triggers
-- derive data from these rows: the quota and monthly-summary triggers add each
-- finished avatar session once, the message triggers recount sessions, the
-- token triggers set the users' OAuth flags. Derived rows are therefore not
-- written here, except the quota and summary rows, which are created empty
-- with fixed ids (before the usage records) so that their ids are stable too.
-- No UPDATE statements: an UPDATE would run again on every application.
-- No credentials: password hashes are NULL (OAuth-only users) and token
-- columns hold obvious placeholders, not real ciphertext.
--
-- What it contains:
--   alice  below the avatar quota (600 s in 2025-05 + 300 s in 2025-06),
--          Google (Gmail) connected; her first Gmail token was revoked and
--          replaced (reconnect), so she has one revoked and one active token
--   bob    over the quota: 900 s + 400 s in 2025-06, the second session
--          crossed 20 minutes (exhausted); Microsoft token and an API key
--   carol  exactly at the quota (one 1200 s session: exhausted), plus an
--          avatar session still running (active_avatar_sessions)
--   dave   inactive account (status 'inactive', deactivated); one avatar
--          session that ended in error (45 s)
--   erin   just signed up: no session, no quota row yet
-- The columns the API's own code uses (V6) are filled the way the API fills
-- them: users.settings, sessions.session_type and the Vertex/HeyGen session
-- ids, messages.message_type (messages.user_id is left to the trigger, which
-- takes the session's user), a refresh log still 'started' (ORM names).

-- ---------------------------------------------------------------------------
-- users
-- ---------------------------------------------------------------------------
INSERT INTO users (id, email, password_hash, display_name, avatar_url, preferences, settings, timezone, language,
                   is_active, status, deactivated_at, is_verified, email_verified_at, last_login_at, last_activity_at)
VALUES
    ('11111111-1111-4111-8111-000000000001', 'alice@example.com', NULL, 'Alice Example', NULL,
     '{"theme": "dark"}', '{"voice_enabled": true, "avatar_enabled": true}', 'America/Argentina/Buenos_Aires', 'es-AR',
     true, 'active', NULL, true, '2025-05-01 12:00:00+00', '2025-06-20 09:00:00+00', '2025-06-20 09:30:00+00'),
    ('11111111-1111-4111-8111-000000000002', 'bob@example.com', NULL, 'Bob Example', NULL,
     '{}', '{}', 'Etc/GMT+5', 'en-US',
     true, 'active', NULL, true, '2025-05-02 12:00:00+00', '2025-06-21 10:00:00+00', '2025-06-21 10:45:00+00'),
    ('11111111-1111-4111-8111-000000000003', 'carol@example.com', NULL, 'Carol Example', NULL,
     '{}', '{"voice_enabled": false}', 'Asia/Kolkata', 'en',
     true, 'active', NULL, false, NULL, '2025-06-22 08:00:00+00', '2025-06-22 08:30:00+00'),
    ('11111111-1111-4111-8111-000000000004', 'dave@example.com', NULL, 'Dave Example', NULL,
     '{}', '{}', 'UTC', 'de',
     false, 'inactive', '2025-05-11 09:00:00+00', true, '2025-05-03 12:00:00+00', '2025-05-10 07:00:00+00', '2025-05-10 07:10:00+00'),
    ('11111111-1111-4111-8111-000000000005', 'erin@example.com', NULL, 'Erin Example', NULL,
     '{}', '{}', 'Europe/Berlin', 'de-DE',
     true, 'active', NULL, false, NULL, NULL, NULL)
ON CONFLICT (id) DO NOTHING;

-- ---------------------------------------------------------------------------
-- sessions (statistics are filled in by the message triggers)
-- ---------------------------------------------------------------------------
INSERT INTO sessions (id, user_id, session_token, session_name, title, agent_type, session_type, status,
                      vertex_session_id, avatar_session_id, started_at, ended_at)
VALUES
    ('22222222-2222-4222-8222-000000000001', '11111111-1111-4111-8111-000000000001',
     'test-session-token-0001', 'alice-inbox', 'Sort my inbox', 'email_agent', 'chat', 'active',
     'vertex-test-session-0001', NULL, '2025-06-20 09:00:00+00', NULL),
    ('22222222-2222-4222-8222-000000000002', '11111111-1111-4111-8111-000000000001',
     'test-session-token-0002', 'alice-may', 'May planning', 'default', 'chat', 'inactive',
     'vertex-test-session-0002', 'heygen-test-0001', '2025-05-15 14:00:00+00', '2025-05-15 14:20:00+00'),
    ('22222222-2222-4222-8222-000000000003', '11111111-1111-4111-8111-000000000002',
     'test-session-token-0003', 'bob-calendar', 'Plan my week', 'calendar_agent', 'chat', 'active',
     'vertex-test-session-0003', NULL, '2025-06-21 10:00:00+00', NULL),
    ('22222222-2222-4222-8222-000000000004', '11111111-1111-4111-8111-000000000003',
     'test-session-token-0004', 'carol-avatar', 'Talk to the avatar', 'default', 'voice', 'active',
     'vertex-test-session-0004', 'heygen-test-0007', '2025-06-22 08:00:00+00', NULL),
    ('22222222-2222-4222-8222-000000000005', '11111111-1111-4111-8111-000000000004',
     'test-session-token-0005', 'dave-old', 'Old conversation', 'default', 'chat', 'archived',
     NULL, NULL, '2025-05-10 07:00:00+00', '2025-05-10 07:10:00+00')
ON CONFLICT (id) DO NOTHING;

-- ---------------------------------------------------------------------------
-- messages (message 4 replies to message 3; user_id is filled in from the
-- session by the trigger, as when the API leaves it out)
-- ---------------------------------------------------------------------------
INSERT INTO messages (id, session_id, role, content, content_type, message_index, parent_message_id,
                      prompt_tokens, completion_tokens, total_tokens, estimated_cost, status,
                      has_voice_response, has_avatar_response, created_at, message_type)
VALUES
    ('33333333-3333-4333-8333-000000000001', '22222222-2222-4222-8222-000000000001', 'user',
     'Which emails need an answer today?', 'text', 0, NULL, 0, 0, 0, 0, 'completed',
     false, false, '2025-06-20 09:00:10+00', 'text'),
    ('33333333-3333-4333-8333-000000000002', '22222222-2222-4222-8222-000000000001', 'assistant',
     'Three: the invoice from ACME, the meeting request from Bob and the newsletter reply.', 'text', 1, NULL,
     120, 45, 165, 0.0033, 'completed', true, false, '2025-06-20 09:00:14+00', 'text'),
    ('33333333-3333-4333-8333-000000000003', '22222222-2222-4222-8222-000000000001', 'user',
     'Draft a reply to Bob.', 'text', 2, NULL, 0, 0, 0, 0, 'completed',
     false, false, '2025-06-20 09:01:00+00', 'text'),
    ('33333333-3333-4333-8333-000000000004', '22222222-2222-4222-8222-000000000001', 'assistant',
     'Here is a draft: "Hi Bob, Thursday at 10 works for me."', 'text', 3,
     '33333333-3333-4333-8333-000000000003', 210, 30, 240, 0.0048, 'completed',
     false, true, '2025-06-20 09:01:05+00', 'text'),
    ('33333333-3333-4333-8333-000000000005', '22222222-2222-4222-8222-000000000002', 'user',
     'What is on my plate in May?', 'text', 0, NULL, 0, 0, 0, 0, 'completed',
     false, false, '2025-05-15 14:00:05+00', 'text'),
    ('33333333-3333-4333-8333-000000000006', '22222222-2222-4222-8222-000000000002', 'assistant',
     'Two deadlines and a trip.', 'text', 1, NULL, 80, 12, 92, 0.0018, 'completed',
     false, false, '2025-05-15 14:00:09+00', 'text'),
    ('33333333-3333-4333-8333-000000000007', '22222222-2222-4222-8222-000000000003', 'user',
     'Block two hours for focus work every morning.', 'text', 0, NULL, 0, 0, 0, 0, 'completed',
     false, false, '2025-06-21 10:00:20+00', 'text'),
    ('33333333-3333-4333-8333-000000000008', '22222222-2222-4222-8222-000000000003', 'assistant',
     'Done for Monday to Friday, 8:00 to 10:00.', 'text', 1, NULL, 150, 20, 170, 0.0034, 'completed',
     false, false, '2025-06-21 10:00:26+00', 'text'),
    ('33333333-3333-4333-8333-000000000009', '22222222-2222-4222-8222-000000000004', 'user',
     'Hello avatar!', 'audio', 0, NULL, 0, 0, 0, 0, 'completed',
     false, false, '2025-06-22 08:00:30+00', 'voice')
ON CONFLICT (id) DO NOTHING;

-- ---------------------------------------------------------------------------
-- user_tokens (token_hash holds placeholders, not hashes of real tokens)
-- ---------------------------------------------------------------------------
INSERT INTO user_tokens (id, user_id, token_type, token_hash, token_data, expires_at, used_at, is_revoked)
VALUES
    ('44444444-4444-4444-8444-000000000001', '11111111-1111-4111-8111-000000000001', 'refresh',
     'test-hash-alice-refresh', '{"device": "laptop"}', '2099-01-01 00:00:00+00', NULL, false),
    ('44444444-4444-4444-8444-000000000002', '11111111-1111-4111-8111-000000000001', 'email_verify',
     'test-hash-alice-verify', '{}', '2025-05-02 12:00:00+00', '2025-05-01 12:00:00+00', false),
    ('44444444-4444-4444-8444-000000000003', '11111111-1111-4111-8111-000000000002', 'refresh',
     'test-hash-bob-refresh', '{"device": "phone"}', '2099-01-01 00:00:00+00', NULL, false),
    ('44444444-4444-4444-8444-000000000004', '11111111-1111-4111-8111-000000000002', 'reset_password',
     'test-hash-bob-reset', '{}', '2099-01-01 00:00:00+00', NULL, true)
ON CONFLICT (id) DO NOTHING;

-- ---------------------------------------------------------------------------
-- user_activities
-- ---------------------------------------------------------------------------
INSERT INTO user_activities (id, user_id, activity_type, activity_data, session_id, ip_address,
                             user_agent, created_at)
VALUES
    ('55555555-5555-4555-8555-000000000001', '11111111-1111-4111-8111-000000000001', 'login',
     '{"login_time": "2025-06-20T09:00:00+00:00"}', NULL, '192.0.2.10', 'Mozilla/5.0 (test)',
     '2025-06-20 09:00:00+00'),
    ('55555555-5555-4555-8555-000000000002', '11111111-1111-4111-8111-000000000001', 'session_start',
     '{}', '22222222-2222-4222-8222-000000000001', '192.0.2.10', 'Mozilla/5.0 (test)',
     '2025-06-20 09:00:01+00'),
    ('55555555-5555-4555-8555-000000000003', '11111111-1111-4111-8111-000000000002', 'login',
     '{"login_time": "2025-06-21T10:00:00+00:00"}', NULL, '198.51.100.7', 'OprinaApp/1.0 (test)',
     '2025-06-21 10:00:00+00'),
    ('55555555-5555-4555-8555-000000000004', '11111111-1111-4111-8111-000000000002', 'message_sent',
     '{"message_id": "33333333-3333-4333-8333-000000000007"}', '22222222-2222-4222-8222-000000000003',
     '198.51.100.7', 'OprinaApp/1.0 (test)', '2025-06-21 10:00:20+00')
ON CONFLICT (id) DO NOTHING;

-- ---------------------------------------------------------------------------
-- service_tokens (the OAuth flag triggers set alice.has_google_oauth and
-- bob.has_microsoft_oauth). Alice's first Gmail token is inserted already
-- revoked: inserting it active and letting the second one revoke it would not
-- be idempotent, because the revocation trigger runs BEFORE the ON CONFLICT
-- check on every application.
-- ---------------------------------------------------------------------------
INSERT INTO service_tokens (id, user_id, service_type, service_name, access_token_encrypted,
                            refresh_token_encrypted, token_type, scope, expires_at, provider,
                            provider_user_id, provider_email, is_active, is_revoked, revoked_at,
                            revoked_reason, last_used_at, use_count, token_metadata, created_at)
VALUES
    ('66666666-6666-4666-8666-000000000001', '11111111-1111-4111-8111-000000000001', 'gmail', 'Gmail',
     'test-placeholder-not-ciphertext-1', 'test-placeholder-not-ciphertext-1r', 'Bearer',
     'https://www.googleapis.com/auth/gmail.modify', '2025-05-20 13:00:00+00', 'google',
     'google-uid-alice', 'alice@example.com', false, true, '2025-06-01 08:00:00+00',
     'user disconnected Gmail', '2025-05-31 18:00:00+00', 12, '{"source": "test-data"}',
     '2025-05-20 12:00:00+00'),
    ('66666666-6666-4666-8666-000000000002', '11111111-1111-4111-8111-000000000001', 'gmail', 'Gmail',
     'test-placeholder-not-ciphertext-2', 'test-placeholder-not-ciphertext-2r', 'Bearer',
     'https://www.googleapis.com/auth/gmail.modify', '2099-01-01 00:00:00+00', 'google',
     'google-uid-alice', 'alice@example.com', true, false, NULL,
     NULL, '2025-06-20 09:00:12+00', 3, '{"source": "test-data"}',
     '2025-06-10 12:00:00+00'),
    ('66666666-6666-4666-8666-000000000003', '11111111-1111-4111-8111-000000000002', 'calendar', 'Outlook Calendar',
     'test-placeholder-not-ciphertext-3', 'test-placeholder-not-ciphertext-3r', 'Bearer',
     'Calendars.ReadWrite offline_access', '2099-01-01 00:00:00+00', 'microsoft',
     'ms-uid-bob', 'bob@example.com', true, false, NULL,
     NULL, '2025-06-21 10:00:25+00', 5, '{"source": "test-data"}',
     '2025-06-01 12:00:00+00'),
    ('66666666-6666-4666-8666-000000000004', '11111111-1111-4111-8111-000000000002', 'api_key', 'Oprina API key',
     'test-placeholder-not-ciphertext-4', NULL, 'ApiKey',
     NULL, NULL, 'oprina',
     NULL, NULL, true, false, NULL,
     NULL, NULL, 0, '{"source": "test-data"}',
     '2025-06-02 12:00:00+00')
ON CONFLICT (id) DO NOTHING;

INSERT INTO token_refresh_logs (id, service_token_id, refresh_type, refresh_status, started_at,
                                completed_at, previous_expires_at, new_expires_at, error_message,
                                retry_count, refresh_metadata, created_at)
VALUES
    ('77777777-7777-4777-8777-000000000001', '66666666-6666-4666-8666-000000000002', 'automatic', 'success',
     '2025-06-15 11:59:00+00', '2025-06-15 11:59:01+00', '2025-06-15 12:00:00+00', '2099-01-01 00:00:00+00',
     NULL, 0, '{"source": "test-data"}', '2025-06-15 11:59:00+00'),
    ('77777777-7777-4777-8777-000000000002', '66666666-6666-4666-8666-000000000003', 'scheduled', 'failed',
     '2025-06-18 06:00:00+00', '2025-06-18 06:00:03+00', '2025-06-18 07:00:00+00', NULL,
     'provider returned 503', 2, '{"source": "test-data"}', '2025-06-18 06:00:00+00')
ON CONFLICT (id) DO NOTHING;

-- A refresh still running, written with the ORM's column names (started_at
-- is kept equal to refresh_started_at by the trigger).
INSERT INTO token_refresh_logs (id, service_token_id, refresh_type, refresh_status, refresh_started_at,
                                refresh_metadata, created_at)
VALUES
    ('77777777-7777-4777-8777-000000000003', '66666666-6666-4666-8666-000000000002', 'manual', 'started',
     '2025-06-20 09:00:11+00', '{"source": "test-data"}', '2025-06-20 09:00:11+00')
ON CONFLICT (id) DO NOTHING;

-- ---------------------------------------------------------------------------
-- Avatar usage: empty quota and summary rows first (fixed ids), then the
-- records; the triggers add each finished record to its user's quota and to
-- the summary of its billing_period.
-- ---------------------------------------------------------------------------
INSERT INTO usage_quotas (id, user_id)
VALUES
    ('88888888-8888-4888-8888-000000000001', '11111111-1111-4111-8111-000000000001'),
    ('88888888-8888-4888-8888-000000000002', '11111111-1111-4111-8111-000000000002'),
    ('88888888-8888-4888-8888-000000000003', '11111111-1111-4111-8111-000000000003'),
    ('88888888-8888-4888-8888-000000000004', '11111111-1111-4111-8111-000000000004')
ON CONFLICT (id) DO NOTHING;

INSERT INTO usage_summaries (id, user_id, billing_period)
VALUES
    ('99999999-9999-4999-8999-000000000001', '11111111-1111-4111-8111-000000000001', '2025-05'),
    ('99999999-9999-4999-8999-000000000002', '11111111-1111-4111-8111-000000000001', '2025-06'),
    ('99999999-9999-4999-8999-000000000003', '11111111-1111-4111-8111-000000000002', '2025-06'),
    ('99999999-9999-4999-8999-000000000004', '11111111-1111-4111-8111-000000000003', '2025-06'),
    ('99999999-9999-4999-8999-000000000005', '11111111-1111-4111-8111-000000000004', '2025-05')
ON CONFLICT (id) DO NOTHING;

-- Inserted in time order so that bob's second record is the one that crosses.
INSERT INTO avatar_usage_records (id, user_id, session_id, avatar_session_id, avatar_name,
                                  session_started_at, session_ended_at, duration_seconds,
                                  words_spoken, messages_count, estimated_cost, billing_period,
                                  status, error_message)
VALUES
    ('aaaaaaaa-aaaa-4aaa-8aaa-000000000001', '11111111-1111-4111-8111-000000000001',
     '22222222-2222-4222-8222-000000000002', 'heygen-test-0001', 'Ann_Therapist_public',
     '2025-05-15 14:00:00+00', '2025-05-15 14:10:00+00', 600, 850, 6, 5.00, '2025-05', 'completed', NULL),
    ('aaaaaaaa-aaaa-4aaa-8aaa-000000000002', '11111111-1111-4111-8111-000000000004',
     '22222222-2222-4222-8222-000000000005', 'heygen-test-0002', 'Ann_Therapist_public',
     '2025-05-10 07:00:00+00', '2025-05-10 07:00:45+00', 45, 20, 1, 0.38, '2025-05', 'error',
     'HeyGen stream dropped'),
    ('aaaaaaaa-aaaa-4aaa-8aaa-000000000003', '11111111-1111-4111-8111-000000000001',
     '22222222-2222-4222-8222-000000000001', 'heygen-test-0003', 'Ann_Therapist_public',
     '2025-06-20 09:05:00+00', '2025-06-20 09:10:00+00', 300, 400, 3, 2.50, '2025-06', 'completed', NULL),
    ('aaaaaaaa-aaaa-4aaa-8aaa-000000000004', '11111111-1111-4111-8111-000000000002',
     '22222222-2222-4222-8222-000000000003', 'heygen-test-0004', 'Wayne_20240711',
     '2025-06-21 10:00:00+00', '2025-06-21 10:15:00+00', 900, 1300, 9, 7.50, '2025-06', 'completed', NULL),
    ('aaaaaaaa-aaaa-4aaa-8aaa-000000000005', '11111111-1111-4111-8111-000000000002',
     '22222222-2222-4222-8222-000000000003', 'heygen-test-0005', 'Wayne_20240711',
     '2025-06-21 10:20:00+00', '2025-06-21 10:26:40+00', 400, 560, 4, 3.33, '2025-06', 'completed', NULL),
    ('aaaaaaaa-aaaa-4aaa-8aaa-000000000006', '11111111-1111-4111-8111-000000000003',
     '22222222-2222-4222-8222-000000000004', 'heygen-test-0006', 'Ann_Therapist_public',
     '2025-06-22 08:00:00+00', '2025-06-22 08:20:00+00', 1200, 1700, 12, 10.00, '2025-06', 'completed', NULL),
    ('aaaaaaaa-aaaa-4aaa-8aaa-000000000007', '11111111-1111-4111-8111-000000000003',
     '22222222-2222-4222-8222-000000000004', 'heygen-test-0007', 'Ann_Therapist_public',
     '2025-06-22 08:25:00+00', NULL, 0, 0, 0, 0, '2025-06', 'active', NULL)
ON CONFLICT (id) DO NOTHING;
