-- MORSE test data (applied with --with-test-data, in one transaction, after
-- the migrations). Idempotent: every row has a fixed key (fixed uuid, device
-- uuid, name or invite code) and is inserted only when missing (ON CONFLICT DO
-- NOTHING), so a second run changes nothing and rows a developer has since
-- changed (a claimed workout, ...) are left alone. Times are relative to now()
-- (values only, never keys), so a fresh database always has recent workouts.
--
-- What you get:
--   * 5 devices (users), searchable by c4b9, 4c5d, bc12, 9012 and cdef
--     (case-insensitive: C4B9 works too)
--   * app user 20000000-0000-4000-8000-000000000001, passphrase TestPassword123
--   * 3 unclaimed workouts (c4b9, 4c5d, bc12), each with an audio file, a
--     completed transcription and 3 exercises
--   * 1 workout of device 9012 claimed by the test user, with a linked device,
--     progress rows and an API upload session; device cdef has no uploads
--   * the 10-row exercise library
--   * team "MORSE Dev Team" (invite code DEVTEAM1) with the test user as admin
--
-- Fixed uuid scheme: 1... users, 2... app_users, 3... audio_files,
-- 4... transcriptions, 5... workouts, 6... exercises, 7... exercise_library,
-- 8... user_progress, 9... workout_claims, a... user_devices,
-- b... device_links, c... sessions.

-- ---------------------------------------------------------------------------
-- App user (bcrypt $2a$, cost 10, of TestPassword123; verified)
-- ---------------------------------------------------------------------------
INSERT INTO app_users (id, passphrase_hash, created_at, last_login, is_active)
VALUES ('20000000-0000-4000-8000-000000000001',
        '$2a$10$ojS.jQ7rlW/Qijelom/Ns.QTu.eicqNCOqfVuVr578oQ.WN4SuY.C',
        now() - interval '10 days', now() - interval '1 day', true)
ON CONFLICT DO NOTHING;

-- ---------------------------------------------------------------------------
-- Devices (legacy users). Keyed by device_uuid: a device that already exists
-- keeps its id, and everything below finds users by device_uuid.
-- ---------------------------------------------------------------------------
INSERT INTO users (id, device_uuid, created_at, last_seen, total_workouts)
VALUES
    ('10000000-0000-4000-8000-000000000001', 'f47ac10b-58cc-4372-a567-0e02b2c4c4b9', now() - interval '7 days', now() - interval '1 day',    1),
    ('10000000-0000-4000-8000-000000000002', 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d', now() - interval '5 days', now() - interval '2 hours',  1),
    ('10000000-0000-4000-8000-000000000003', '9876543f-210a-4bcd-ef12-3456789abc12', now() - interval '3 days', now() - interval '6 hours',  1),
    ('10000000-0000-4000-8000-000000000004', 'deadbeef-cafe-4bad-face-123456789012', now() - interval '2 days', now() - interval '12 hours', 1),
    ('10000000-0000-4000-8000-000000000005', '12345678-90ab-4cde-f123-456789abcdef', now() - interval '1 day',  now() - interval '30 minutes', 0)
ON CONFLICT DO NOTHING;

-- ---------------------------------------------------------------------------
-- API upload session of device 9012 (its audio file belongs to it)
-- ---------------------------------------------------------------------------
INSERT INTO sessions (id, user_id, device_uuid, status, created_at, updated_at, completed_at, notes)
SELECT 'c0000000-0000-4000-8000-000000000001', u.id, u.device_uuid, 'completed',
       now() - interval '37 hours', now() - interval '36 hours', now() - interval '35 hours',
       'Test upload session for device 9012.'
FROM users u
WHERE u.device_uuid = 'deadbeef-cafe-4bad-face-123456789012'
ON CONFLICT DO NOTHING;

-- ---------------------------------------------------------------------------
-- Audio files (processed, transcription completed)
-- ---------------------------------------------------------------------------
INSERT INTO audio_files (id, user_id, device_uuid, original_filename, file_path, file_size,
                         duration_seconds, upload_timestamp, created_at, processed,
                         transcription_status, status, session_id)
SELECT v.id::uuid, u.id, u.device_uuid, v.original_filename,
       '/uploads/test/' || u.device_uuid || '.mp3', v.file_size, v.duration_seconds,
       now() - v.age, now() - v.age, true, 'completed', 'completed', v.session_id::uuid
FROM (VALUES
    ('30000000-0000-4000-8000-000000000001', 'f47ac10b-58cc-4372-a567-0e02b2c4c4b9', 'test_workout_c4b9_001.mp3', 2048000, 2700.00, interval '2 days',   NULL),
    ('30000000-0000-4000-8000-000000000002', 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d', 'test_workout_4c5d_001.mp3', 3072000, 3000.00, interval '1 day',    NULL),
    ('30000000-0000-4000-8000-000000000003', '9876543f-210a-4bcd-ef12-3456789abc12', 'test_workout_bc12_001.mp3', 1536000, 2400.00, interval '8 hours',  NULL),
    ('30000000-0000-4000-8000-000000000004', 'deadbeef-cafe-4bad-face-123456789012', 'test_workout_9012_001.mp3', 2560000, 3300.00, interval '36 hours', 'c0000000-0000-4000-8000-000000000001')
) AS v (id, device_uuid, original_filename, file_size, duration_seconds, age, session_id)
JOIN users u ON u.device_uuid = v.device_uuid
ON CONFLICT DO NOTHING;

INSERT INTO transcriptions (id, audio_file_id, raw_text, confidence_score, processing_time_ms, created_at)
SELECT v.id::uuid, v.audio_file_id::uuid, v.raw_text, v.confidence_score, v.processing_time_ms,
       af.upload_timestamp + interval '2 minutes'
FROM (VALUES
    ('40000000-0000-4000-8000-000000000001', '30000000-0000-4000-8000-000000000001',
     'Test transcription for device c4b9. I did bench press, 3 sets of 8 reps at 185 pounds, then squats, 4 sets of 10 at 225, and pull-ups, 12, 10 and 8 reps. About 45 minutes total.',
     0.9400, 1500),
    ('40000000-0000-4000-8000-000000000002', '30000000-0000-4000-8000-000000000002',
     'Test transcription for device 4c5d. I did bench press, 3 sets of 8 reps at 185 pounds, then squats, 4 sets of 10 at 225, and pull-ups, 12, 10 and 8 reps. About 50 minutes total.',
     0.9600, 1700),
    ('40000000-0000-4000-8000-000000000003', '30000000-0000-4000-8000-000000000003',
     'Test transcription for device bc12. I did bench press, 3 sets of 8 reps at 185 pounds, then squats, 4 sets of 10 at 225, and pull-ups, 12, 10 and 8 reps. About 40 minutes total.',
     0.9300, 1300),
    ('40000000-0000-4000-8000-000000000004', '30000000-0000-4000-8000-000000000004',
     'Test transcription for device 9012. Deadlifts, 3 sets of 5 at 275 pounds, overhead press, 8, 8 and 6 reps at 115, then a 20 minute run, about 2 miles. 55 minutes in all.',
     0.9500, 1900)
) AS v (id, audio_file_id, raw_text, confidence_score, processing_time_ms)
JOIN audio_files af ON af.id = v.audio_file_id::uuid
ON CONFLICT DO NOTHING;

-- ---------------------------------------------------------------------------
-- Workouts: three unclaimed, one (9012) claimed by the test user.
-- date_completed / duration_seconds are filled by trigger_sync_workout_columns.
-- ---------------------------------------------------------------------------
INSERT INTO workouts (id, user_id, device_uuid, audio_file_id, transcription_id, workout_date,
                      workout_start_time, workout_duration_minutes, total_exercises,
                      claim_status, notes, created_at)
SELECT v.id::uuid, u.id, u.device_uuid, v.audio_file_id::uuid, v.transcription_id::uuid,
       (now() - v.age)::date, v.start_time::time, v.minutes, 3, v.claim_status,
       'Test workout for device ' || right(u.device_uuid, 4)
           || '. Generated for testing device search and claiming functionality.',
       now() - v.age + interval '5 minutes'
FROM (VALUES
    ('50000000-0000-4000-8000-000000000001', 'f47ac10b-58cc-4372-a567-0e02b2c4c4b9', '30000000-0000-4000-8000-000000000001', '40000000-0000-4000-8000-000000000001', interval '2 days',   '07:30', 45, 'unclaimed'),
    ('50000000-0000-4000-8000-000000000002', 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d', '30000000-0000-4000-8000-000000000002', '40000000-0000-4000-8000-000000000002', interval '1 day',    '12:15', 50, 'unclaimed'),
    ('50000000-0000-4000-8000-000000000003', '9876543f-210a-4bcd-ef12-3456789abc12', '30000000-0000-4000-8000-000000000003', '40000000-0000-4000-8000-000000000003', interval '8 hours',  '18:00', 40, 'unclaimed'),
    ('50000000-0000-4000-8000-000000000004', 'deadbeef-cafe-4bad-face-123456789012', '30000000-0000-4000-8000-000000000004', '40000000-0000-4000-8000-000000000004', interval '36 hours', '06:45', 55, 'claimed')
) AS v (id, device_uuid, audio_file_id, transcription_id, age, start_time, minutes, claim_status)
JOIN users u ON u.device_uuid = v.device_uuid
ON CONFLICT DO NOTHING;

-- ---------------------------------------------------------------------------
-- Exercises (arrays for reps, weight_lbs and muscle_groups; the API columns
-- name/weight/duration_seconds/distance are filled by trigger_sync_exercise_columns)
-- ---------------------------------------------------------------------------
INSERT INTO exercises (id, workout_id, exercise_name, exercise_type, category, muscle_groups,
                       sets, reps, weight_lbs, duration_minutes, distance_miles, effort_level,
                       rest_seconds, order_in_workout)
SELECT v.id::uuid, v.workout_id::uuid, v.exercise_name, v.exercise_type, v.category,
       v.muscle_groups::text[], v.sets, v.reps::integer[], v.weight_lbs::numeric[],
       v.duration_minutes, v.distance_miles, v.effort_level, v.rest_seconds, v.order_in_workout
FROM (VALUES
    ('60000000-0000-4000-8000-000000000011', '50000000-0000-4000-8000-000000000001', 'Bench Press',    'Barbell',    'strength', '{Chest,Triceps}',           3,    '{8,8,8}',       '{185,185,185}',     NULL::numeric, NULL::numeric, 7, 120, 1),
    ('60000000-0000-4000-8000-000000000012', '50000000-0000-4000-8000-000000000001', 'Squats',         'Barbell',    'strength', '{Quadriceps,Glutes}',       4,    '{10,10,10,10}', '{225,225,225,225}', NULL,          NULL,          8, 150, 2),
    ('60000000-0000-4000-8000-000000000013', '50000000-0000-4000-8000-000000000001', 'Pull-ups',       'Bodyweight', 'strength', '{Lats,Biceps}',             3,    '{12,10,8}',     NULL,                NULL,          NULL,          6,  90, 3),
    ('60000000-0000-4000-8000-000000000021', '50000000-0000-4000-8000-000000000002', 'Bench Press',    'Barbell',    'strength', '{Chest,Triceps}',           3,    '{8,8,8}',       '{185,185,185}',     NULL,          NULL,          7, 120, 1),
    ('60000000-0000-4000-8000-000000000022', '50000000-0000-4000-8000-000000000002', 'Squats',         'Barbell',    'strength', '{Quadriceps,Glutes}',       4,    '{10,10,10,10}', '{225,225,225,225}', NULL,          NULL,          8, 150, 2),
    ('60000000-0000-4000-8000-000000000023', '50000000-0000-4000-8000-000000000002', 'Pull-ups',       'Bodyweight', 'strength', '{Lats,Biceps}',             3,    '{12,10,8}',     NULL,                NULL,          NULL,          6,  90, 3),
    ('60000000-0000-4000-8000-000000000031', '50000000-0000-4000-8000-000000000003', 'Bench Press',    'Barbell',    'strength', '{Chest,Triceps}',           3,    '{8,8,8}',       '{185,185,185}',     NULL,          NULL,          7, 120, 1),
    ('60000000-0000-4000-8000-000000000032', '50000000-0000-4000-8000-000000000003', 'Squats',         'Barbell',    'strength', '{Quadriceps,Glutes}',       4,    '{10,10,10,10}', '{225,225,225,225}', NULL,          NULL,          8, 150, 2),
    ('60000000-0000-4000-8000-000000000033', '50000000-0000-4000-8000-000000000003', 'Pull-ups',       'Bodyweight', 'strength', '{Lats,Biceps}',             3,    '{12,10,8}',     NULL,                NULL,          NULL,          6,  90, 3),
    ('60000000-0000-4000-8000-000000000041', '50000000-0000-4000-8000-000000000004', 'Deadlifts',      'Barbell',    'strength', '{Back,Hamstrings,Glutes}',  3,    '{5,5,5}',       '{275,275,275}',     NULL,          NULL,          8, 180, 1),
    ('60000000-0000-4000-8000-000000000042', '50000000-0000-4000-8000-000000000004', 'Overhead Press', 'Barbell',    'strength', '{Shoulders,Triceps}',       3,    '{8,8,6}',       '{115,115,115}',     NULL,          NULL,          7, 120, 2),
    ('60000000-0000-4000-8000-000000000043', '50000000-0000-4000-8000-000000000004', 'Running',        'Cardio',     'cardio',   '{Quadriceps,Hamstrings}',   NULL, NULL,            NULL,                20.00,         2.00,          6, NULL, 3)
) AS v (id, workout_id, exercise_name, exercise_type, category, muscle_groups, sets, reps,
        weight_lbs, duration_minutes, distance_miles, effort_level, rest_seconds, order_in_workout)
JOIN workouts w ON w.id = v.workout_id::uuid
ON CONFLICT DO NOTHING;

-- ---------------------------------------------------------------------------
-- Exercise library
-- ---------------------------------------------------------------------------
INSERT INTO exercise_library (id, name, category, primary_muscle_groups, secondary_muscle_groups,
                              difficulty_level, instructions)
VALUES
    ('70000000-0000-4000-8000-000000000001', 'Push-ups',       'Bodyweight', '{Chest,Triceps}',     '{Shoulders,Core}',     2, 'Keep the body straight and lower the chest to just above the floor, then push back up.'),
    ('70000000-0000-4000-8000-000000000002', 'Pull-ups',       'Bodyweight', '{Lats,Biceps}',       '{Rhomboids,Core}',     4, 'Hang with straight arms and pull until the chin clears the bar.'),
    ('70000000-0000-4000-8000-000000000003', 'Squats',         'Barbell',    '{Quadriceps,Glutes}', '{Hamstrings,Core}',    3, 'Bar on the upper back, sit back and down until the thighs are parallel, then stand up.'),
    ('70000000-0000-4000-8000-000000000004', 'Deadlifts',      'Barbell',    '{Back,Hamstrings}',   '{Glutes,Forearms}',    4, 'With a flat back, lift the bar from the floor by driving the hips forward.'),
    ('70000000-0000-4000-8000-000000000005', 'Bench Press',    'Barbell',    '{Chest,Triceps}',     '{Shoulders}',          3, 'Lower the bar to the mid chest and press it back up to straight arms.'),
    ('70000000-0000-4000-8000-000000000006', 'Bicep Curls',    'Dumbbell',   '{Biceps}',            '{Forearms}',           2, 'Keep the elbows at your sides and curl the weights up to the shoulders.'),
    ('70000000-0000-4000-8000-000000000007', 'Plank',          'Bodyweight', '{Core}',              '{Shoulders,Glutes}',   2, 'Hold a straight line from head to heels on the forearms and toes.'),
    ('70000000-0000-4000-8000-000000000008', 'Running',        'Cardio',     '{Quadriceps,Hamstrings}', '{Calves,Glutes}',  2, 'Run at a steady, conversational pace.'),
    ('70000000-0000-4000-8000-000000000009', 'Overhead Press', 'Barbell',    '{Shoulders,Triceps}', '{Core,Upper Chest}',   3, 'Press the bar from the shoulders to straight arms overhead without leaning back.'),
    ('70000000-0000-4000-8000-000000000010', 'Rows',           'Barbell',    '{Back,Lats}',         '{Biceps,Rear Delts}',  3, 'Hinge forward with a flat back and pull the bar to the lower chest.')
ON CONFLICT DO NOTHING;

-- ---------------------------------------------------------------------------
-- The test user's claim of the 9012 workout (what claim_workout would write)
-- ---------------------------------------------------------------------------
INSERT INTO workout_claims (id, user_id, workout_id, claimed_at, claim_method)
SELECT '90000000-0000-4000-8000-000000000001', '20000000-0000-4000-8000-000000000001', w.id,
       now() - interval '30 hours', 'manual'
FROM workouts w
WHERE w.id = '50000000-0000-4000-8000-000000000004'
ON CONFLICT DO NOTHING;

INSERT INTO user_devices (id, user_id, device_uuid, device_name, first_claimed_at, last_seen, is_active)
VALUES ('a0000000-0000-4000-8000-000000000001', '20000000-0000-4000-8000-000000000001',
        'deadbeef-cafe-4bad-face-123456789012', 'Device 9012',
        now() - interval '30 hours', now() - interval '12 hours', true)
ON CONFLICT DO NOTHING;

INSERT INTO device_links (id, user_id, device_uuid, device_name, linked_at, last_activity, is_active)
VALUES ('b0000000-0000-4000-8000-000000000001', '20000000-0000-4000-8000-000000000001',
        'deadbeef-cafe-4bad-face-123456789012', 'Device 9012',
        now() - interval '30 hours', now() - interval '12 hours', true)
ON CONFLICT DO NOTHING;

-- Progress the worker would have recorded for the 9012 workout
INSERT INTO user_progress (id, user_id, exercise_name, metric_type, metric_value, recorded_date, workout_id)
SELECT v.id::uuid, w.user_id, v.exercise_name, v.metric_type, v.metric_value, w.workout_date, w.id
FROM (VALUES
    ('80000000-0000-4000-8000-000000000001', 'Deadlifts',      'weight',   275.00),
    ('80000000-0000-4000-8000-000000000002', 'Deadlifts',      'reps',       5.00),
    ('80000000-0000-4000-8000-000000000003', 'Overhead Press', 'weight',   115.00),
    ('80000000-0000-4000-8000-000000000004', 'Overhead Press', 'reps',       8.00),
    ('80000000-0000-4000-8000-000000000005', 'Running',        'duration',  20.00),
    ('80000000-0000-4000-8000-000000000006', 'Running',        'distance',   2.00)
) AS v (id, exercise_name, metric_type, metric_value)
JOIN workouts w ON w.id = '50000000-0000-4000-8000-000000000004'
ON CONFLICT DO NOTHING;

-- ---------------------------------------------------------------------------
-- A team with the test user as admin. Keyed by invite code; the NOT EXISTS
-- guards keep the serial sequences from advancing on a second run.
-- ---------------------------------------------------------------------------
INSERT INTO teams (team_name, team_description, creator_user_id, invite_code, allow_public_view)
SELECT 'MORSE Dev Team', 'Sample team for local development. Join with invite code DEVTEAM1.',
       '20000000-0000-4000-8000-000000000001', 'DEVTEAM1', true
WHERE NOT EXISTS (SELECT 1 FROM teams t WHERE t.invite_code = 'DEVTEAM1')
ON CONFLICT DO NOTHING;

INSERT INTO team_memberships (team_id, user_id, display_name, role)
SELECT t.team_id, '20000000-0000-4000-8000-000000000001', 'Test Athlete', 'admin'
FROM teams t
WHERE t.invite_code = 'DEVTEAM1'
  AND NOT EXISTS (SELECT 1 FROM team_memberships tm
                  WHERE tm.team_id = t.team_id
                    AND tm.user_id = '20000000-0000-4000-8000-000000000001')
ON CONFLICT DO NOTHING;
