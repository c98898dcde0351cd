-- Test data for socrates_specs (local development only; applied after the migrations, in one
-- transaction, with --with-test-data). Idempotent: fixed ids and timestamps, upserts that
-- reset every column they insert. Applying it twice leaves the same rows.
--
-- User ids are those of test-data/auth.sql (socrates_auth.users; no foreign key across
-- databases):
--   alice a0000000-0000-4000-8000-000000000001  owns the project
--   bob   a0000000-0000-4000-8000-000000000002  collaborator (editor)
--
-- One project with two sessions (a finished Socratic interview and an open direct chat), three
-- questions, three specifications (the "database" decision was revised, so one row is
-- superseded by its successor) and the conversation of the first session.
-- Enum-typed model columns would hold the enum names (upper case); none are used here.

INSERT INTO projects (id, user_id, creator_id, owner_id, name, description, current_phase,
                      maturity_score, status, metadata, created_at, updated_at)
VALUES
    ('b0000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000001',
     'a0000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000001',
     'Team task tracker', 'A task tracker for small teams, specified with Socrates',
     'analysis', 35, 'active', '{"source": "test-data"}'::jsonb,
     '2025-02-01 10:00:00+00', '2025-02-03 16:30:00+00')
ON CONFLICT (id) DO UPDATE SET
    user_id        = EXCLUDED.user_id,
    creator_id     = EXCLUDED.creator_id,
    owner_id       = EXCLUDED.owner_id,
    name           = EXCLUDED.name,
    description    = EXCLUDED.description,
    current_phase  = EXCLUDED.current_phase,
    maturity_score = EXCLUDED.maturity_score,
    status         = EXCLUDED.status,
    metadata       = EXCLUDED.metadata,
    created_at     = EXCLUDED.created_at,
    updated_at     = EXCLUDED.updated_at;

-- Bob collaborates on Alice's project.
INSERT INTO project_collaborators (id, project_id, user_id, role, added_by, created_at, updated_at)
VALUES
    ('b0000000-0000-4000-8000-000000000501', 'b0000000-0000-4000-8000-000000000001',
     'a0000000-0000-4000-8000-000000000002', 'editor', 'a0000000-0000-4000-8000-000000000001',
     '2025-02-01 10:30:00+00', '2025-02-01 10:30:00+00')
ON CONFLICT (id) DO UPDATE SET
    project_id = EXCLUDED.project_id,
    user_id    = EXCLUDED.user_id,
    role       = EXCLUDED.role,
    added_by   = EXCLUDED.added_by,
    created_at = EXCLUDED.created_at,
    updated_at = EXCLUDED.updated_at;

-- Session 1 is finished; session 2 is open and, like every session the application creates,
-- has no user_id (ownership goes through the project).
INSERT INTO sessions (id, project_id, user_id, title, mode, status, domain, message_count,
                      metadata, started_at, ended_at, created_at, updated_at)
VALUES
    ('b0000000-0000-4000-8000-000000000101', 'b0000000-0000-4000-8000-000000000001',
     'a0000000-0000-4000-8000-000000000001', 'Discovery interview', 'socratic', 'completed',
     'programming', 4, '{}'::jsonb,
     '2025-02-01 11:00:00+00', '2025-02-01 11:40:00+00',
     '2025-02-01 11:00:00+00', '2025-02-01 11:40:00+00'),
    ('b0000000-0000-4000-8000-000000000102', 'b0000000-0000-4000-8000-000000000001',
     NULL, 'Storage questions', 'direct_chat', 'active',
     'programming', 0, '{}'::jsonb,
     '2025-02-03 16:00:00+00', NULL,
     '2025-02-03 16:00:00+00', '2025-02-03 16:30:00+00')
ON CONFLICT (id) DO UPDATE SET
    project_id    = EXCLUDED.project_id,
    user_id       = EXCLUDED.user_id,
    title         = EXCLUDED.title,
    mode          = EXCLUDED.mode,
    status        = EXCLUDED.status,
    domain        = EXCLUDED.domain,
    message_count = EXCLUDED.message_count,
    metadata      = EXCLUDED.metadata,
    started_at    = EXCLUDED.started_at,
    ended_at      = EXCLUDED.ended_at,
    created_at    = EXCLUDED.created_at,
    updated_at    = EXCLUDED.updated_at;

INSERT INTO questions (id, project_id, session_id, text, category, context, quality_score,
                       priority, answer, status, metadata, created_at, updated_at)
VALUES
    ('b0000000-0000-4000-8000-000000000201', 'b0000000-0000-4000-8000-000000000001',
     'b0000000-0000-4000-8000-000000000101', 'Who will use the task tracker day to day?',
     'goals', 'Opening question of the discovery phase', 0.95, 'high',
     'Small teams of three to ten people', 'answered', '{}'::jsonb,
     '2025-02-01 11:01:00+00', '2025-02-01 11:05:00+00'),
    ('b0000000-0000-4000-8000-000000000202', 'b0000000-0000-4000-8000-000000000001',
     'b0000000-0000-4000-8000-000000000101', 'Where should the tasks be stored?',
     'technical', 'Follows up on the deployment answer', 0.80, 'medium',
     'A single SQLite file is enough for now', 'answered', '{}'::jsonb,
     '2025-02-01 11:20:00+00', '2025-02-01 11:25:00+00'),
    ('b0000000-0000-4000-8000-000000000203', 'b0000000-0000-4000-8000-000000000001',
     'b0000000-0000-4000-8000-000000000102', 'Do several teams need to share one server?',
     'technical', NULL, 1.00, 'medium',
     NULL, 'pending', '{}'::jsonb,
     '2025-02-03 16:05:00+00', '2025-02-03 16:05:00+00')
ON CONFLICT (id) DO UPDATE SET
    project_id    = EXCLUDED.project_id,
    session_id    = EXCLUDED.session_id,
    text          = EXCLUDED.text,
    category      = EXCLUDED.category,
    context       = EXCLUDED.context,
    quality_score = EXCLUDED.quality_score,
    priority      = EXCLUDED.priority,
    answer        = EXCLUDED.answer,
    status        = EXCLUDED.status,
    metadata      = EXCLUDED.metadata,
    created_at    = EXCLUDED.created_at,
    updated_at    = EXCLUDED.updated_at;

-- Specifications. 303 (PostgreSQL) supersedes 302 (SQLite): same project and key, both with
-- version 1, which the consolidated UNIQUE (project_id, key, version) would have rejected.
-- 303 is inserted before 302 because 302 refers to it.
INSERT INTO specifications (id, project_id, session_id, category, key, value, content, source,
                            confidence, is_current, spec_metadata, superseded_at, superseded_by,
                            type, status, version, metadata, maturity_score, created_at, updated_at)
VALUES
    ('b0000000-0000-4000-8000-000000000301', 'b0000000-0000-4000-8000-000000000001',
     'b0000000-0000-4000-8000-000000000101', 'goals', 'target_users',
     'Small teams of 3-10 people', 'The tracker is used daily by small teams of three to ten people.',
     'extracted', 0.90, true, '{"question_id": "b0000000-0000-4000-8000-000000000201"}'::jsonb,
     NULL, NULL, 'requirement', 'draft', 1, '{}'::jsonb, 0,
     '2025-02-01 11:06:00+00', '2025-02-01 11:06:00+00'),
    ('b0000000-0000-4000-8000-000000000303', 'b0000000-0000-4000-8000-000000000001',
     'b0000000-0000-4000-8000-000000000102', 'tech_stack', 'database',
     'PostgreSQL', 'Several teams share one server, so tasks are stored in PostgreSQL.',
     'extracted', 0.85, true, '{"replaces": "b0000000-0000-4000-8000-000000000302"}'::jsonb,
     NULL, NULL, 'decision', 'draft', 1, '{}'::jsonb, 0,
     '2025-02-03 16:20:00+00', '2025-02-03 16:20:00+00'),
    ('b0000000-0000-4000-8000-000000000302', 'b0000000-0000-4000-8000-000000000001',
     'b0000000-0000-4000-8000-000000000101', 'tech_stack', 'database',
     'SQLite', 'Tasks are stored in a single SQLite file.',
     'extracted', 0.70, false, '{"question_id": "b0000000-0000-4000-8000-000000000202"}'::jsonb,
     '2025-02-03 16:20:00', 'b0000000-0000-4000-8000-000000000303', 'decision', 'draft', 1, '{}'::jsonb, 0,
     '2025-02-01 11:26:00+00', '2025-02-03 16:20:00+00')
ON CONFLICT (id) DO UPDATE SET
    project_id     = EXCLUDED.project_id,
    session_id     = EXCLUDED.session_id,
    category       = EXCLUDED.category,
    key            = EXCLUDED.key,
    value          = EXCLUDED.value,
    content        = EXCLUDED.content,
    source         = EXCLUDED.source,
    confidence     = EXCLUDED.confidence,
    is_current     = EXCLUDED.is_current,
    spec_metadata  = EXCLUDED.spec_metadata,
    superseded_at  = EXCLUDED.superseded_at,
    superseded_by  = EXCLUDED.superseded_by,
    type           = EXCLUDED.type,
    status         = EXCLUDED.status,
    version        = EXCLUDED.version,
    metadata       = EXCLUDED.metadata,
    maturity_score = EXCLUDED.maturity_score,
    created_at     = EXCLUDED.created_at,
    updated_at     = EXCLUDED.updated_at;

-- The conversation of session 1 (its message_count is 4).
INSERT INTO conversation_history (id, session_id, role, content, message_type, tokens_used,
                                  metadata, created_at)
VALUES
    ('b0000000-0000-4000-8000-000000000401', 'b0000000-0000-4000-8000-000000000101',
     'assistant', 'Who will use the task tracker day to day?', 'question', 42,
     '{"question_id": "b0000000-0000-4000-8000-000000000201"}'::jsonb, '2025-02-01 11:01:00+00'),
    ('b0000000-0000-4000-8000-000000000402', 'b0000000-0000-4000-8000-000000000101',
     'user', 'Small teams of three to ten people.', 'answer', 12,
     '{}'::jsonb, '2025-02-01 11:05:00+00'),
    ('b0000000-0000-4000-8000-000000000403', 'b0000000-0000-4000-8000-000000000101',
     'assistant', 'Where should the tasks be stored?', 'question', 38,
     '{"question_id": "b0000000-0000-4000-8000-000000000202"}'::jsonb, '2025-02-01 11:20:00+00'),
    ('b0000000-0000-4000-8000-000000000404', 'b0000000-0000-4000-8000-000000000101',
     'user', 'A single SQLite file is enough for now.', 'answer', 11,
     '{}'::jsonb, '2025-02-01 11:25:00+00')
ON CONFLICT (id) DO UPDATE SET
    session_id   = EXCLUDED.session_id,
    role         = EXCLUDED.role,
    content      = EXCLUDED.content,
    message_type = EXCLUDED.message_type,
    tokens_used  = EXCLUDED.tokens_used,
    metadata     = EXCLUDED.metadata,
    created_at   = EXCLUDED.created_at;
