-- MORSE data-integrity checks, run by `runner verify`. Each block: a header
-- `-- @name: what it checks`, then one query; every row it returns is one
-- problem (a text), no rows means healthy. The foreign keys make orphans
-- impossible while they exist; these catch rows left by a dropped or disabled
-- key, a bulk load with triggers off, or a restore gone wrong.

-- @no_orphaned_audio_files: every audio file belongs to an existing device user
SELECT 'audio file ' || a.id || ' points at missing user ' || a.user_id
  FROM audio_files a LEFT JOIN users u ON u.id = a.user_id WHERE u.id IS NULL;

-- @no_orphaned_workouts: every workout belongs to an existing device user
SELECT 'workout ' || w.id || ' points at missing user ' || w.user_id
  FROM workouts w LEFT JOIN users u ON u.id = w.user_id WHERE u.id IS NULL;

-- @no_orphaned_exercises: every exercise belongs to an existing workout
SELECT 'exercise ' || e.id || ' points at missing workout ' || e.workout_id
  FROM exercises e LEFT JOIN workouts w ON w.id = e.workout_id WHERE w.id IS NULL;

-- @no_orphaned_transcriptions: every transcription belongs to an existing audio file
SELECT 'transcription ' || t.id || ' points at missing audio file ' || t.audio_file_id
  FROM transcriptions t LEFT JOIN audio_files a ON a.id = t.audio_file_id WHERE a.id IS NULL;

-- @no_orphaned_claims: every workout claim names an existing workout and app user
SELECT 'workout claim ' || c.id || ' points at a missing ' || CASE WHEN w.id IS NULL THEN 'workout ' || c.workout_id ELSE 'app user ' || c.user_id END
  FROM workout_claims c LEFT JOIN workouts w ON w.id = c.workout_id LEFT JOIN app_users u ON u.id = c.user_id
 WHERE w.id IS NULL OR u.id IS NULL;

-- @test_devices_only_outside_production: the five test devices of --with-test-data never reach a production database
SELECT 'test device ' || device_uuid || ' is present on a production database'
  FROM users
 WHERE current_setting('runner.production', true) = 'true'
   AND device_uuid IN ('f47ac10b-58cc-4372-a567-0e02b2c4c4b9', 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d',
                       '9876543f-210a-4bcd-ef12-3456789abc12', 'deadbeef-cafe-4bad-face-123456789012',
                       '12345678-90ab-4cde-f123-456789abcdef');
