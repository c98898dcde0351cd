-- Totalis test data: a target as the app leaves it before the first import,
-- for local development. Applied by `runner migrate --with-test-data` in one
-- transaction after the migrations.
--
-- The app's seed coach Alex (a random-looking id, not one of the import's
-- deterministic ids, created_at = now()) and the schema-seeded settings
-- ai_config, shortcuts and voice_config: rows the import does not own and
-- must leave alone. The app's other seed coaches, Daniel and Sarah, are
-- left out on purpose: the legacy data has coaches of those names, and a
-- developer's database (scripts/demo) would end with two of each. The import
-- test that checks the report of same-name rows (reference/totalis.md §7,
-- "Target pre-state") inserts them itself.
--
-- Deliberately absent: a default_coach row (the original seeded a
-- placeholder id that named no coach) and any legacy_id_map or
-- legacy_image_map row (nothing here was imported).
--
-- Idempotent: fixed keys, ON CONFLICT DO NOTHING. A second application
-- changes nothing, not even updated_at, and never overwrites rows that an
-- import or a developer changed in the meantime.

INSERT INTO coaches (id, name, bio, sex, year_of_birth, voice_id, voice_settings, voice, specialty, is_active)
VALUES
    ('e41a7c58-6b2d-4f93-a1c8-9d0e3b6f2a75', 'Alex',
     'Alex focuses on movement, energy and getting back on track after setbacks.',
     NULL, NULL, 'echo', '{}', 'default', 'fitness', true)
ON CONFLICT (id) DO NOTHING;

INSERT INTO app_config (key, value, description, is_public)
VALUES
    ('ai_config',
     '{"model": "gpt-4o-mini", "temperature": 0.7, "max_tokens": 1000, "checkin_max_questions": 5}',
     'AI model settings for chat and check-ins', false),
    ('shortcuts',
     '[{"id": "checkin", "label": "Start a check-in", "icon": "check_circle"},
       {"id": "chat", "label": "Talk to my coach", "icon": "chat"},
       {"id": "history", "label": "My check-ins", "icon": "history"}]',
     'Quick actions on the home screen', true),
    ('voice_config',
     '{"enabled": true, "provider": "openai", "default_voice": "alloy", "max_duration_seconds": 60}',
     'Voice messages and text-to-speech', true)
ON CONFLICT (key) DO NOTHING;
