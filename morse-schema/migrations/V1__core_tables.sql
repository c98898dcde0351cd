-- MORSE V1: core tables, keys, constraints and comments.
--
-- The consolidated schema (reference §2, 19 tables) plus what the API code
-- at HEAD uses and the consolidated schema lacked (reference §9): the
-- `sessions` table and the API's extra columns on audio_files, workouts and
-- exercises. The API's columns and the consolidated ones are kept in sync by
-- BEFORE triggers created in V3 (sync_workout_columns, sync_exercise_columns).
--
-- Plain CREATE TABLE on purpose (no IF NOT EXISTS): a pre-existing table of a
-- different shape must fail loudly instead of being silently kept, and the
-- history table guarantees that this file runs once.
-- UUID keys default to the built-in gen_random_uuid() (no extension needed).
-- Constraints are named explicitly, using PostgreSQL's own naming convention
-- except where the original schema used a name of its own (fk_*).

-- ---------------------------------------------------------------------------
-- Identity: passphrase accounts and legacy device users
-- ---------------------------------------------------------------------------

CREATE TABLE app_users (
    id              uuid         NOT NULL DEFAULT gen_random_uuid(),
    passphrase_hash varchar(255) NOT NULL,
    created_at      timestamptz  DEFAULT CURRENT_TIMESTAMP,
    last_login      timestamptz,
    is_active       boolean      DEFAULT true,
    CONSTRAINT app_users_pkey PRIMARY KEY (id)
);

CREATE TABLE users (
    id                      uuid         NOT NULL DEFAULT gen_random_uuid(),
    device_uuid             varchar(255) NOT NULL,
    created_at              timestamptz  DEFAULT CURRENT_TIMESTAMP,
    last_seen               timestamptz  DEFAULT CURRENT_TIMESTAMP,
    total_workouts          integer      DEFAULT 0,
    migrated_to_app_user_id uuid,
    migration_status        varchar(50)  DEFAULT 'pending',
    CONSTRAINT users_pkey PRIMARY KEY (id),
    CONSTRAINT users_device_uuid_key UNIQUE (device_uuid),
    CONSTRAINT fk_users_app_users FOREIGN KEY (migrated_to_app_user_id)
        REFERENCES app_users (id)
);

CREATE TABLE voice_profiles (
    id                      uuid         NOT NULL DEFAULT gen_random_uuid(),
    user_id                 uuid         NOT NULL,
    embedding_vector        float8[]     NOT NULL,
    confidence_score        numeric(5,4) NOT NULL,
    created_from_workout_id uuid,
    created_at              timestamptz  DEFAULT CURRENT_TIMESTAMP,
    is_active               boolean      DEFAULT true,
    CONSTRAINT voice_profiles_pkey PRIMARY KEY (id),
    CONSTRAINT voice_profiles_user_id_fkey FOREIGN KEY (user_id)
        REFERENCES app_users (id) ON DELETE CASCADE
);

CREATE TABLE user_devices (
    id               uuid         NOT NULL DEFAULT gen_random_uuid(),
    user_id          uuid         NOT NULL,
    device_uuid      varchar(255) NOT NULL,
    first_claimed_at timestamptz  DEFAULT CURRENT_TIMESTAMP,
    last_seen        timestamptz  DEFAULT CURRENT_TIMESTAMP,
    device_name      varchar(255),
    is_active        boolean      DEFAULT true,
    CONSTRAINT user_devices_pkey PRIMARY KEY (id),
    CONSTRAINT user_devices_user_id_device_uuid_key UNIQUE (user_id, device_uuid),
    CONSTRAINT user_devices_user_id_fkey FOREIGN KEY (user_id)
        REFERENCES app_users (id) ON DELETE CASCADE
);

CREATE TABLE device_links (
    id            uuid         NOT NULL DEFAULT gen_random_uuid(),
    user_id       uuid         NOT NULL,
    device_uuid   varchar(255) NOT NULL,
    device_name   varchar(255),
    linked_at     timestamptz  DEFAULT CURRENT_TIMESTAMP,
    last_activity timestamptz  DEFAULT CURRENT_TIMESTAMP,
    is_active     boolean      DEFAULT true,
    CONSTRAINT device_links_pkey PRIMARY KEY (id),
    CONSTRAINT device_links_user_id_device_uuid_key UNIQUE (user_id, device_uuid),
    CONSTRAINT device_links_user_id_fkey FOREIGN KEY (user_id)
        REFERENCES app_users (id) ON DELETE CASCADE
);

-- ---------------------------------------------------------------------------
-- Uploads: API sessions, audio files, transcriptions
-- ---------------------------------------------------------------------------

-- The API's upload sessions (SessionService.detectSession, reference §9 S1-S13).
-- Not the worker's workout_sessions.
CREATE TABLE sessions (
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

CREATE TABLE audio_files (
    id                   uuid          NOT NULL DEFAULT gen_random_uuid(),
    user_id              uuid          NOT NULL,
    original_filename    varchar(255)  NOT NULL,
    file_path            varchar(500)  NOT NULL,
    file_size            bigint        NOT NULL,
    duration_seconds     numeric(10,2),
    upload_timestamp     timestamptz   DEFAULT CURRENT_TIMESTAMP,
    processed            boolean       DEFAULT false,
    transcription_status varchar(50)   DEFAULT 'pending',
    session_id           uuid,
    voice_embedding      float8[],
    voice_extracted      boolean       DEFAULT false,
    voice_quality_score  numeric(5,4),
    -- API columns (reference §9a)
    device_uuid          varchar(255),
    status               varchar(50)   NOT NULL DEFAULT 'uploaded',
    created_at           timestamptz   NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT audio_files_pkey PRIMARY KEY (id),
    CONSTRAINT audio_files_user_id_fkey FOREIGN KEY (user_id)
        REFERENCES users (id) ON DELETE CASCADE,
    -- The API stores sessions.id here (S4); nothing stores workout_sessions ids.
    CONSTRAINT fk_audio_files_session FOREIGN KEY (session_id)
        REFERENCES sessions (id) ON DELETE SET NULL
);

CREATE TABLE speaker_verifications (
    id               uuid         NOT NULL DEFAULT gen_random_uuid(),
    audio_file_id    uuid         NOT NULL,
    voice_profile_id uuid,
    similarity_score numeric(5,4) NOT NULL,
    confidence_level varchar(20)  NOT NULL,
    auto_linked      boolean      DEFAULT false,
    verified_at      timestamptz  DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT speaker_verifications_pkey PRIMARY KEY (id),
    CONSTRAINT fk_speaker_verifications_audio FOREIGN KEY (audio_file_id)
        REFERENCES audio_files (id) ON DELETE CASCADE,
    CONSTRAINT speaker_verifications_voice_profile_id_fkey FOREIGN KEY (voice_profile_id)
        REFERENCES voice_profiles (id) ON DELETE SET NULL
);

CREATE TABLE transcriptions (
    id                 uuid         NOT NULL DEFAULT gen_random_uuid(),
    audio_file_id      uuid         NOT NULL,
    raw_text           text         NOT NULL,
    confidence_score   numeric(5,4),
    processing_time_ms integer,
    created_at         timestamptz  DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT transcriptions_pkey PRIMARY KEY (id),
    CONSTRAINT transcriptions_audio_file_id_fkey FOREIGN KEY (audio_file_id)
        REFERENCES audio_files (id) ON DELETE CASCADE
);

-- ---------------------------------------------------------------------------
-- The worker's session grouping
-- ---------------------------------------------------------------------------

CREATE TABLE workout_sessions (
    id                       uuid        NOT NULL DEFAULT gen_random_uuid(),
    user_id                  uuid        NOT NULL,
    session_date             date        NOT NULL,
    session_start_time       timestamptz,
    session_end_time         timestamptz,
    session_duration_minutes integer,
    total_recordings         integer     DEFAULT 0,
    total_exercises          integer     DEFAULT 0,
    session_status           varchar(50) DEFAULT 'pending',
    claim_status             varchar(50) DEFAULT 'unclaimed',
    notes                    text,
    created_at               timestamptz DEFAULT CURRENT_TIMESTAMP,
    updated_at               timestamptz DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT workout_sessions_pkey PRIMARY KEY (id),
    CONSTRAINT workout_sessions_user_id_fkey FOREIGN KEY (user_id)
        REFERENCES users (id) ON DELETE CASCADE
);

CREATE TABLE session_audio_files (
    session_id          uuid         NOT NULL,
    audio_file_id       uuid         NOT NULL,
    recording_order     integer      NOT NULL,
    time_offset_minutes numeric(8,2),
    CONSTRAINT session_audio_files_pkey PRIMARY KEY (session_id, audio_file_id),
    CONSTRAINT session_audio_files_session_id_fkey FOREIGN KEY (session_id)
        REFERENCES workout_sessions (id) ON DELETE CASCADE,
    CONSTRAINT session_audio_files_audio_file_id_fkey FOREIGN KEY (audio_file_id)
        REFERENCES audio_files (id) ON DELETE CASCADE
);

CREATE TABLE session_detection_config (
    id                      uuid        NOT NULL DEFAULT gen_random_uuid(),
    user_id                 uuid,
    session_timeout_minutes integer     DEFAULT 60,
    min_session_recordings  integer     DEFAULT 1,
    auto_complete_sessions  boolean     DEFAULT true,
    created_at              timestamptz DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT session_detection_config_pkey PRIMARY KEY (id),
    CONSTRAINT session_detection_config_user_id_fkey FOREIGN KEY (user_id)
        REFERENCES users (id) ON DELETE CASCADE
);

-- ---------------------------------------------------------------------------
-- Workouts and exercises
-- ---------------------------------------------------------------------------

CREATE TABLE workouts (
    id                       uuid        NOT NULL DEFAULT gen_random_uuid(),
    user_id                  uuid        NOT NULL,
    -- Nullable: the worker's session path (K5) inserts workouts without a file.
    audio_file_id            uuid,
    transcription_id         uuid,
    session_id               uuid,
    -- NOT NULL; filled from date_completed by trigger_sync_workout_columns.
    workout_date             date        NOT NULL,
    workout_start_time       time,
    workout_duration_minutes integer,
    total_exercises          integer     DEFAULT 0,
    claim_status             varchar(50) DEFAULT 'unclaimed',
    notes                    text,
    created_at               timestamptz DEFAULT CURRENT_TIMESTAMP,
    -- API columns (reference §9a), kept in sync by trigger_sync_workout_columns
    device_uuid              varchar(255),
    date_completed           timestamptz,
    duration_seconds         integer,
    CONSTRAINT workouts_pkey PRIMARY KEY (id),
    CONSTRAINT workouts_user_id_fkey FOREIGN KEY (user_id)
        REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT workouts_audio_file_id_fkey FOREIGN KEY (audio_file_id)
        REFERENCES audio_files (id) ON DELETE CASCADE,
    CONSTRAINT workouts_transcription_id_fkey FOREIGN KEY (transcription_id)
        REFERENCES transcriptions (id) ON DELETE SET NULL,
    CONSTRAINT workouts_session_id_fkey FOREIGN KEY (session_id)
        REFERENCES workout_sessions (id) ON DELETE CASCADE
);

CREATE TABLE exercises (
    id               uuid         NOT NULL DEFAULT gen_random_uuid(),
    workout_id       uuid         NOT NULL,
    -- NOT NULL; filled from name by trigger_sync_exercise_columns.
    exercise_name    varchar(255) NOT NULL,
    exercise_type    varchar(100),
    muscle_groups    text[],
    sets             integer,
    reps             integer[],
    weight_lbs       numeric[],
    duration_minutes numeric(8,2),
    distance_miles   numeric(8,2),
    effort_level     integer,
    rest_seconds     integer,
    notes            text,
    order_in_workout integer,
    created_at       timestamptz  DEFAULT CURRENT_TIMESTAMP,
    -- API columns (reference §9a), kept in sync by trigger_sync_exercise_columns
    name             varchar(255),
    category         varchar(100),
    weight           numeric,
    duration_seconds integer,
    distance         numeric(8,2),
    CONSTRAINT exercises_pkey PRIMARY KEY (id),
    CONSTRAINT exercises_workout_id_fkey FOREIGN KEY (workout_id)
        REFERENCES workouts (id) ON DELETE CASCADE,
    CONSTRAINT exercises_effort_level_check CHECK (effort_level >= 1 AND effort_level <= 10)
);

CREATE TABLE exercise_library (
    id                      uuid         NOT NULL DEFAULT gen_random_uuid(),
    name                    varchar(255) NOT NULL,
    category                varchar(100),
    primary_muscle_groups   text[],
    secondary_muscle_groups text[],
    equipment_needed        text[],
    instructions            text,
    difficulty_level        integer,
    created_at              timestamptz  DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT exercise_library_pkey PRIMARY KEY (id),
    CONSTRAINT exercise_library_name_key UNIQUE (name),
    CONSTRAINT exercise_library_difficulty_level_check CHECK (difficulty_level >= 1 AND difficulty_level <= 5)
);

CREATE TABLE user_progress (
    id            uuid          NOT NULL DEFAULT gen_random_uuid(),
    user_id       uuid          NOT NULL,
    exercise_name varchar(255)  NOT NULL,
    metric_type   varchar(50)   NOT NULL,
    metric_value  numeric(10,2) NOT NULL,
    recorded_date date          NOT NULL,
    workout_id    uuid,
    created_at    timestamptz   DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT user_progress_pkey PRIMARY KEY (id),
    CONSTRAINT user_progress_user_id_fkey FOREIGN KEY (user_id)
        REFERENCES users (id) ON DELETE CASCADE,
    -- CASCADE (was NO ACTION, reference §10): progress rows are derived from the
    -- workout's exercises by the worker, so they go with the workout.
    CONSTRAINT user_progress_workout_id_fkey FOREIGN KEY (workout_id)
        REFERENCES workouts (id) ON DELETE CASCADE
);

-- ---------------------------------------------------------------------------
-- Claims
-- ---------------------------------------------------------------------------

CREATE TABLE workout_claims (
    id                     uuid         NOT NULL DEFAULT gen_random_uuid(),
    user_id                uuid         NOT NULL,
    workout_id             uuid         NOT NULL,
    claimed_at             timestamptz  DEFAULT CURRENT_TIMESTAMP,
    claim_method           varchar(50)  NOT NULL,
    voice_match_confidence numeric(5,4),
    CONSTRAINT workout_claims_pkey PRIMARY KEY (id),
    CONSTRAINT workout_claims_workout_id_key UNIQUE (workout_id),
    CONSTRAINT workout_claims_user_id_fkey FOREIGN KEY (user_id)
        REFERENCES app_users (id) ON DELETE CASCADE,
    CONSTRAINT workout_claims_workout_id_fkey FOREIGN KEY (workout_id)
        REFERENCES workouts (id) ON DELETE CASCADE
);

CREATE TABLE session_claims (
    id                     uuid         NOT NULL DEFAULT gen_random_uuid(),
    user_id                uuid         NOT NULL,
    session_id             uuid         NOT NULL,
    claimed_at             timestamptz  DEFAULT CURRENT_TIMESTAMP,
    claim_method           varchar(50)  NOT NULL,
    voice_match_confidence numeric(5,4),
    CONSTRAINT session_claims_pkey PRIMARY KEY (id),
    CONSTRAINT session_claims_session_id_key UNIQUE (session_id),
    CONSTRAINT session_claims_user_id_fkey FOREIGN KEY (user_id)
        REFERENCES app_users (id) ON DELETE CASCADE,
    CONSTRAINT session_claims_session_id_fkey FOREIGN KEY (session_id)
        REFERENCES workout_sessions (id) ON DELETE CASCADE
);

-- ---------------------------------------------------------------------------
-- Teams (timestamptz here too, unlike the original)
-- ---------------------------------------------------------------------------

CREATE TABLE teams (
    team_id           serial       NOT NULL,
    team_name         varchar(255) NOT NULL,
    team_description  text,
    creator_user_id   uuid         NOT NULL,
    -- NOT NULL; filled by teams_invite_code_trigger when null or empty.
    invite_code       varchar(32)  NOT NULL,
    allow_public_view boolean      DEFAULT false,
    created_at        timestamptz  DEFAULT CURRENT_TIMESTAMP,
    updated_at        timestamptz  DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT teams_pkey PRIMARY KEY (team_id),
    CONSTRAINT teams_invite_code_key UNIQUE (invite_code),
    CONSTRAINT teams_creator_user_id_fkey FOREIGN KEY (creator_user_id)
        REFERENCES app_users (id) ON DELETE CASCADE
);

CREATE TABLE team_memberships (
    membership_id serial       NOT NULL,
    team_id       integer      NOT NULL,
    user_id       uuid         NOT NULL,
    display_name  varchar(255),
    role          varchar(50)  DEFAULT 'member',
    joined_at     timestamptz  DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT team_memberships_pkey PRIMARY KEY (membership_id),
    CONSTRAINT team_memberships_team_id_user_id_key UNIQUE (team_id, user_id),
    CONSTRAINT team_memberships_team_id_fkey FOREIGN KEY (team_id)
        REFERENCES teams (team_id) ON DELETE CASCADE,
    CONSTRAINT team_memberships_user_id_fkey FOREIGN KEY (user_id)
        REFERENCES app_users (id) ON DELETE CASCADE
);

-- ---------------------------------------------------------------------------
-- Comments
-- ---------------------------------------------------------------------------

COMMENT ON TABLE app_users IS 'Passphrase-based user accounts (bcrypt hash); they own devices and workouts by claiming them.';
COMMENT ON TABLE users IS 'Legacy device-based identity: one row per recording device (device_uuid as parsed from upload file names).';
COMMENT ON TABLE voice_profiles IS 'Speaker voice embeddings of app users, used to match uploads to their owner.';
COMMENT ON COLUMN voice_profiles.embedding_vector IS '192-dimensional ECAPA-TDNN speaker embedding.';
COMMENT ON TABLE user_devices IS 'Devices an app user owns through claiming their workouts (one row per user and device).';
COMMENT ON TABLE device_links IS 'Explicit links between app users and devices (link_user_to_device).';
COMMENT ON TABLE workout_claims IS 'Which app user claimed which workout (at most one claim per workout).';
COMMENT ON COLUMN workout_claims.claim_method IS 'How the workout was claimed: manual, voice_match or device_link.';
COMMENT ON TABLE speaker_verifications IS 'Results of matching an audio file against a voice profile.';
COMMENT ON TABLE sessions IS 'The API''s upload sessions (SessionService). audio_files.session_id references this table; the worker uses workout_sessions instead.';
COMMENT ON COLUMN audio_files.session_id IS 'The API upload session (sessions.id); set to NULL when the session is deleted.';
COMMENT ON COLUMN audio_files.status IS 'API upload status: uploaded, processing, completed or failed (the worker uses transcription_status).';
COMMENT ON COLUMN workouts.date_completed IS 'API name; kept in sync with workout_date (and workout_start_time on insert) by trigger_sync_workout_columns.';
COMMENT ON COLUMN workouts.duration_seconds IS 'API name; kept in sync with workout_duration_minutes (x 60) by trigger_sync_workout_columns.';
COMMENT ON COLUMN exercises.name IS 'API name; kept in sync with exercise_name by trigger_sync_exercise_columns.';
COMMENT ON COLUMN exercises.weight IS 'API scalar weight in lbs; kept in sync with weight_lbs (max of the array / one element per set) by trigger_sync_exercise_columns.';
COMMENT ON COLUMN exercises.duration_seconds IS 'API name; kept in sync with duration_minutes by trigger_sync_exercise_columns.';
COMMENT ON COLUMN exercises.distance IS 'API name, in miles; kept in sync with distance_miles by trigger_sync_exercise_columns.';
COMMENT ON COLUMN exercises.reps IS 'Reps per set (integer array). The API''s scalar insert (reference §9 U7) is not supported.';
