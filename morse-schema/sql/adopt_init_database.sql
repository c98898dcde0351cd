-- Brings a database built by the original init_database.sh (archived
-- migrations 001-006 and/or init_production_schema.sql + init_functions.sql,
-- reference §2-§4, §10) to exactly our version 4. Run by `runner adopt` in
-- one transaction; our functions, triggers and views of V1-V4 are created
-- again (CREATE OR REPLACE) right after it, which brings back the sync
-- triggers and replaces the original function bodies.
-- Every step is guarded, so a part that is already in our shape is left alone.
-- The uuid-ossp extension stays: nothing of ours uses it once the id defaults
-- below are ours, `verify` does not count an extension as drift, and code
-- outside our objects (or the original verify_database.sh) may still use it.

-- ---------------------------------------------------------------------------
-- The API's upload sessions (same definition as V1)
-- ---------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS sessions (
    id           uuid         NOT NULL DEFAULT gen_random_uuid(),
    user_id      uuid         NOT NULL,
    device_uuid  varchar(255),
    status       varchar(50)  NOT NULL DEFAULT 'active',
    created_at   timestamptz  NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at   timestamptz  NOT NULL DEFAULT CURRENT_TIMESTAMP,
    completed_at timestamptz,
    notes        text,
    CONSTRAINT sessions_pkey PRIMARY KEY (id),
    CONSTRAINT sessions_user_id_fkey FOREIGN KEY (user_id)
        REFERENCES users (id) ON DELETE CASCADE
);
COMMENT ON TABLE sessions IS 'The API''s upload sessions (SessionService). audio_files.session_id references this table; the worker uses workout_sessions instead.';

-- ---------------------------------------------------------------------------
-- The API's columns (as V1 defines them), filled for the existing rows the
-- way the API or the sync triggers would have filled them
-- ---------------------------------------------------------------------------
-- device_uuid: the API stores the uploading device, which is the owning
-- legacy user's device_uuid; filled only where the column is new.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM information_schema.columns
                    WHERE table_schema = current_schema() AND table_name = 'audio_files'
                      AND column_name = 'device_uuid') THEN
        ALTER TABLE audio_files ADD COLUMN device_uuid varchar(255);
        UPDATE audio_files af SET device_uuid = u.device_uuid FROM users u WHERE u.id = af.user_id;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM information_schema.columns
                    WHERE table_schema = current_schema() AND table_name = 'workouts'
                      AND column_name = 'device_uuid') THEN
        ALTER TABLE workouts ADD COLUMN device_uuid varchar(255);
        UPDATE workouts w SET device_uuid = u.device_uuid FROM users u WHERE u.id = w.user_id;
    END IF;
END
$$;

ALTER TABLE audio_files
    ADD COLUMN IF NOT EXISTS status     varchar(50) NOT NULL DEFAULT 'uploaded',
    ADD COLUMN IF NOT EXISTS created_at timestamptz;
UPDATE audio_files SET created_at = COALESCE(upload_timestamp, CURRENT_TIMESTAMP) WHERE created_at IS NULL;
ALTER TABLE audio_files
    ALTER COLUMN created_at SET DEFAULT CURRENT_TIMESTAMP,
    ALTER COLUMN created_at SET NOT NULL;

ALTER TABLE workouts
    ADD COLUMN IF NOT EXISTS date_completed   timestamptz,
    ADD COLUMN IF NOT EXISTS duration_seconds integer;
UPDATE workouts
   SET date_completed = (workout_date + COALESCE(workout_start_time, time '00:00'))::timestamptz
 WHERE date_completed IS NULL AND workout_date IS NOT NULL;
UPDATE workouts SET duration_seconds = workout_duration_minutes * 60
 WHERE duration_seconds IS NULL AND workout_duration_minutes IS NOT NULL;

ALTER TABLE exercises
    ADD COLUMN IF NOT EXISTS name             varchar(255),
    ADD COLUMN IF NOT EXISTS category         varchar(100),
    ADD COLUMN IF NOT EXISTS weight           numeric,
    ADD COLUMN IF NOT EXISTS duration_seconds integer,
    ADD COLUMN IF NOT EXISTS distance         numeric(8,2);
UPDATE exercises SET name = exercise_name WHERE name IS NULL;
UPDATE exercises SET weight = (SELECT max(x) FROM unnest(weight_lbs) AS x)
 WHERE weight IS NULL AND weight_lbs IS NOT NULL;
UPDATE exercises SET duration_seconds = round(duration_minutes * 60)::integer
 WHERE duration_seconds IS NULL AND duration_minutes IS NOT NULL;
UPDATE exercises SET distance = distance_miles WHERE distance IS NULL AND distance_miles IS NOT NULL;

-- ---------------------------------------------------------------------------
-- Archived leftovers in transcriptions: processing_time_seconds goes, its
-- value moves to processing_time_ms where that is empty
-- ---------------------------------------------------------------------------
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM information_schema.columns
                WHERE table_schema = current_schema() AND table_name = 'transcriptions'
                  AND column_name = 'processing_time_seconds') THEN
        EXECUTE 'UPDATE transcriptions SET processing_time_ms = round(processing_time_seconds * 1000)
                  WHERE processing_time_ms IS NULL AND processing_time_seconds IS NOT NULL';
        EXECUTE 'ALTER TABLE transcriptions DROP COLUMN processing_time_seconds';
    END IF;
END
$$;

-- ---------------------------------------------------------------------------
-- Column types: archived numeric shapes, and the original teams timestamps
-- (written as UTC, like the rest of the application). Only columns whose
-- type differs from ours are altered.
-- ---------------------------------------------------------------------------
DO $$
DECLARE c record;
BEGIN
    FOR c IN
        SELECT d.tbl, d.col, d.typ, d.conv
          FROM (VALUES
                  ('transcriptions',   'confidence_score',   'numeric(5,4)',             '%I'),
                  ('transcriptions',   'processing_time_ms', 'integer',                  'round(%I)'),
                  ('exercises',        'duration_minutes',   'numeric(8,2)',             '%I'),
                  ('exercises',        'duration_seconds',   'integer',                  'round(%I)'),
                  ('teams',            'created_at',         'timestamp with time zone', '%I AT TIME ZONE ''UTC'''),
                  ('teams',            'updated_at',         'timestamp with time zone', '%I AT TIME ZONE ''UTC'''),
                  ('team_memberships', 'joined_at',          'timestamp with time zone', '%I AT TIME ZONE ''UTC''')
               ) AS d(tbl, col, typ, conv)
          JOIN pg_attribute a
            ON a.attrelid = format('%I.%I', current_schema(), d.tbl)::regclass
           AND a.attname = d.col AND NOT a.attisdropped
         WHERE format_type(a.atttypid, a.atttypmod) <> d.typ
    LOOP
        EXECUTE format('ALTER TABLE %I ALTER COLUMN %I TYPE %s USING (' || c.conv || ')::%s',
                       c.tbl, c.col, c.typ, c.col, c.typ);
    END LOOP;
END
$$;
ALTER TABLE teams
    ALTER COLUMN created_at SET DEFAULT CURRENT_TIMESTAMP,
    ALTER COLUMN updated_at SET DEFAULT CURRENT_TIMESTAMP;
ALTER TABLE team_memberships ALTER COLUMN joined_at SET DEFAULT CURRENT_TIMESTAMP;

-- ---------------------------------------------------------------------------
-- Nullability: the worker's session path inserts workouts without a file;
-- progress rows may exist without a workout
-- ---------------------------------------------------------------------------
ALTER TABLE workouts ALTER COLUMN audio_file_id DROP NOT NULL;
ALTER TABLE user_progress ALTER COLUMN workout_id DROP NOT NULL;

-- ---------------------------------------------------------------------------
-- Foreign keys
-- ---------------------------------------------------------------------------

-- The archived tables' inline REFERENCES, under PostgreSQL's generated names,
-- twin three of ours (§10). Dropped when their definition is ours, or (for
-- audio_files.session_id) the original's reference to workout_sessions,
-- which ours replaces below.
DO $$
DECLARE k record;
BEGIN
    FOR k IN
        SELECT c.conrelid::regclass AS tbl, c.conname
          FROM pg_constraint c
          JOIN (VALUES
                  ('users',                 'fk_users_app_users',             'FOREIGN KEY (migrated_to_app_user_id) REFERENCES app_users(id)'),
                  ('speaker_verifications', 'fk_speaker_verifications_audio', 'FOREIGN KEY (audio_file_id) REFERENCES audio_files(id) ON DELETE CASCADE'),
                  ('audio_files',           'fk_audio_files_session',         'FOREIGN KEY (session_id) REFERENCES sessions(id) ON DELETE SET NULL'),
                  ('audio_files',           'fk_audio_files_session',         'FOREIGN KEY (session_id) REFERENCES workout_sessions(id)')
               ) AS d(tbl, ours, def)
            ON c.conrelid = format('%I.%I', current_schema(), d.tbl)::regclass
           AND c.contype = 'f' AND c.conname <> d.ours
           AND pg_get_constraintdef(c.oid) = d.def
    LOOP
        EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', k.tbl, k.conname);
    END LOOP;
END
$$;

-- audio_files.session_id holds sessions ids (the API's), not workout_sessions
-- ids. A file the original linked to a worker session keeps that link in
-- session_audio_files (added at the end of the session's order if missing);
-- then its session_id is cleared, as nothing in `sessions` matches it.
INSERT INTO session_audio_files (session_id, audio_file_id, recording_order, time_offset_minutes)
SELECT af.session_id,
       af.id,
       COALESCE((SELECT max(s.recording_order) FROM session_audio_files s WHERE s.session_id = af.session_id), 0)
           + row_number() OVER (PARTITION BY af.session_id ORDER BY af.upload_timestamp, af.id),
       CASE WHEN abs(EXTRACT(EPOCH FROM (af.upload_timestamp - ws.session_start_time)) / 60) < 1000000
            THEN (EXTRACT(EPOCH FROM (af.upload_timestamp - ws.session_start_time)) / 60)::numeric(8,2)
       END
  FROM audio_files af
  JOIN workout_sessions ws ON ws.id = af.session_id
 WHERE NOT EXISTS (SELECT 1 FROM sessions x WHERE x.id = af.session_id)
   AND NOT EXISTS (SELECT 1 FROM session_audio_files s WHERE s.session_id = af.session_id AND s.audio_file_id = af.id);
UPDATE audio_files af SET session_id = NULL
 WHERE af.session_id IS NOT NULL
   AND NOT EXISTS (SELECT 1 FROM sessions x WHERE x.id = af.session_id);

-- Our definition where the original's differs: audio_files.session_id to
-- sessions (SET NULL); user_progress.workout_id cascades (the consolidated
-- schema had NO ACTION, so deleting a workout with progress rows failed).
DO $$
DECLARE f record;
BEGIN
    FOR f IN
        SELECT d.tbl, d.name, d.def
          FROM (VALUES
                  ('audio_files',   'fk_audio_files_session',        'FOREIGN KEY (session_id) REFERENCES sessions(id) ON DELETE SET NULL'),
                  ('user_progress', 'user_progress_workout_id_fkey', 'FOREIGN KEY (workout_id) REFERENCES workouts(id) ON DELETE CASCADE')
               ) AS d(tbl, name, def)
         WHERE NOT EXISTS (SELECT 1 FROM pg_constraint c
                            WHERE c.conrelid = format('%I.%I', current_schema(), d.tbl)::regclass
                              AND c.conname = d.name AND pg_get_constraintdef(c.oid) = d.def)
    LOOP
        EXECUTE format('ALTER TABLE %I DROP CONSTRAINT IF EXISTS %I', f.tbl, f.name);
        EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I %s', f.tbl, f.name, f.def);
    END LOOP;
END
$$;

-- ---------------------------------------------------------------------------
-- Id defaults: the built-in gen_random_uuid() instead of uuid-ossp's
-- ---------------------------------------------------------------------------
DO $$
DECLARE c record;
BEGIN
    FOR c IN SELECT table_name, column_name FROM information_schema.columns
              WHERE table_schema = current_schema()
                AND column_default IN ('uuid_generate_v4()', 'public.uuid_generate_v4()')
                AND table_name IN ('users', 'app_users', 'voice_profiles', 'speaker_verifications',
                                   'user_devices', 'device_links', 'audio_files', 'transcriptions',
                                   'workout_sessions', 'session_detection_config', 'workouts',
                                   'exercises', 'exercise_library', 'user_progress', 'workout_claims',
                                   'session_claims')
    LOOP
        EXECUTE format('ALTER TABLE %I ALTER COLUMN %I SET DEFAULT gen_random_uuid()', c.table_name, c.column_name);
    END LOOP;
END
$$;

-- ---------------------------------------------------------------------------
-- Indexes our V2/V4 add over the original 47 (V4 builds the last one
-- concurrently; inside this transaction a plain build is fine)
-- ---------------------------------------------------------------------------
CREATE INDEX IF NOT EXISTS idx_workouts_audio_file_id ON workouts (audio_file_id);
CREATE INDEX IF NOT EXISTS idx_workouts_transcription_id ON workouts (transcription_id);
CREATE INDEX IF NOT EXISTS idx_user_progress_workout_id ON user_progress (workout_id);
CREATE INDEX IF NOT EXISTS idx_session_detection_config_user_id ON session_detection_config (user_id);
CREATE INDEX IF NOT EXISTS idx_users_migrated_to_app_user_id ON users (migrated_to_app_user_id);
CREATE INDEX IF NOT EXISTS idx_sessions_user_id ON sessions (user_id);
CREATE INDEX IF NOT EXISTS idx_users_device_uuid_last4 ON users (lower(right(device_uuid, 4)));

-- ---------------------------------------------------------------------------
-- Views: ours are created again right after this script; dropped first so a
-- differing original column list cannot stop CREATE OR REPLACE VIEW (no
-- application code reads them). The original functions have our signatures
-- and result types (§4), so CREATE OR REPLACE replaces their bodies in place.
-- ---------------------------------------------------------------------------
DROP VIEW IF EXISTS session_summaries, user_workout_summaries;
