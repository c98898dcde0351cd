-- Totalis test data: the target's state before the first import, for local
-- development (reference/totalis.md §7 "Target pre-state"). Applied by
-- `runner migrate --with-test-data` in one transaction after the migrations.
--
-- It reproduces what the original target already held when the import ran:
-- the app's seed coaches Daniel, Sarah and Alex with random-looking ids (not
-- the import's deterministic ids, and with created_at = now(), newer than
-- any legacy row), and the schema-seeded settings ai_config, shortcuts and
-- voice_config. So the import's gates and tests meet same-name coaches it
-- does not own, and config keys that must survive the import.
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
    ('3f6b2c1e-8d4a-4b7e-9c15-2a7e4d9b0c31', 'Daniel',
     'Daniel helps you build calm, steady habits one small step at a time.',
     'male', 1981, 'alloy', '{"speed": 1.0, "stability": 0.6}', 'default', 'stress and sleep', true),
    ('b82d9e47-1c3f-4a6d-8e20-5f9a13c7d4e8', 'Sarah',
     'Sarah is a mindfulness coach who keeps check-ins short and kind.',
     'female', 1988, 'nova', '{"speed": 0.95, "stability": 0.7}', 'default', 'mindfulness', true),
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
