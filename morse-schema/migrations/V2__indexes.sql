-- MORSE V2: explicit indexes.
--
-- All 47 indexes of the consolidated schema (reference §3), by their original
-- names, including the 8 the reference calls redundant (they duplicate or
-- prefix a PK/UNIQUE index): idx_users_device_uuid, idx_user_devices_user_id,
-- idx_device_links_user_id, idx_session_audio_files_session_id,
-- idx_workout_claims_workout_id, idx_session_claims_session_id,
-- idx_teams_invite_code, idx_team_memberships_team_id. They are kept so that
-- every name the original tooling checks exists.
-- Then the indexes on foreign keys the original lacked, and on sessions.
-- The case-insensitive device suffix index on users is V4 (built CONCURRENTLY).

-- users
CREATE INDEX idx_users_device_uuid ON users (device_uuid);
CREATE INDEX idx_users_migration_status ON users (migration_status);

-- app_users
CREATE INDEX idx_app_users_passphrase ON app_users (passphrase_hash);
CREATE INDEX idx_app_users_active ON app_users (is_active) WHERE is_active = true;

-- voice_profiles
CREATE INDEX idx_voice_profiles_user_id ON voice_profiles (user_id);
CREATE INDEX idx_voice_profiles_active ON voice_profiles (is_active) WHERE is_active = true;

-- user_devices
CREATE INDEX idx_user_devices_user_id ON user_devices (user_id);
CREATE INDEX idx_user_devices_device_uuid ON user_devices (device_uuid);
CREATE INDEX idx_user_devices_active ON user_devices (is_active) WHERE is_active = true;
CREATE INDEX idx_user_devices_device_uuid_suffix ON user_devices (right(device_uuid, 4));

-- device_links
CREATE INDEX idx_device_links_user_id ON device_links (user_id);
CREATE INDEX idx_device_links_device_uuid ON device_links (device_uuid);
CREATE INDEX idx_device_links_active ON device_links (is_active) WHERE is_active = true;
CREATE INDEX idx_device_links_last4 ON device_links (right(device_uuid, 4));

-- audio_files
CREATE INDEX idx_audio_files_user_id ON audio_files (user_id);
CREATE INDEX idx_audio_files_processed ON audio_files (processed);
CREATE INDEX idx_audio_files_upload_timestamp ON audio_files (upload_timestamp);
CREATE INDEX idx_audio_files_transcription_status ON audio_files (transcription_status);
CREATE INDEX idx_audio_files_session_id ON audio_files (session_id);
CREATE INDEX idx_audio_files_voice_extracted ON audio_files (voice_extracted);

-- transcriptions
CREATE INDEX idx_transcriptions_audio_file_id ON transcriptions (audio_file_id);

-- workout_sessions
CREATE INDEX idx_workout_sessions_user_id ON workout_sessions (user_id);
CREATE INDEX idx_workout_sessions_date ON workout_sessions (session_date);
CREATE INDEX idx_workout_sessions_status ON workout_sessions (session_status);
CREATE INDEX idx_workout_sessions_claim_status ON workout_sessions (claim_status);

-- session_audio_files
CREATE INDEX idx_session_audio_files_session_id ON session_audio_files (session_id);
CREATE INDEX idx_session_audio_files_audio_file_id ON session_audio_files (audio_file_id);

-- workouts
CREATE INDEX idx_workouts_user_id ON workouts (user_id);
CREATE INDEX idx_workouts_date ON workouts (workout_date);
CREATE INDEX idx_workouts_session_id ON workouts (session_id);
CREATE INDEX idx_workouts_claim_status ON workouts (claim_status);

-- exercises
CREATE INDEX idx_exercises_workout_id ON exercises (workout_id);
CREATE INDEX idx_exercises_name ON exercises (exercise_name);
CREATE INDEX idx_exercises_muscle_groups ON exercises USING gin (muscle_groups);

-- user_progress
CREATE INDEX idx_user_progress_user_id ON user_progress (user_id);
CREATE INDEX idx_user_progress_exercise ON user_progress (exercise_name);
CREATE INDEX idx_user_progress_date ON user_progress (recorded_date);

-- workout_claims / session_claims
CREATE INDEX idx_workout_claims_user_id ON workout_claims (user_id);
CREATE INDEX idx_workout_claims_workout_id ON workout_claims (workout_id);
CREATE INDEX idx_session_claims_user_id ON session_claims (user_id);
CREATE INDEX idx_session_claims_session_id ON session_claims (session_id);

-- speaker_verifications
CREATE INDEX idx_speaker_verifications_audio_file_id ON speaker_verifications (audio_file_id);
CREATE INDEX idx_speaker_verifications_voice_profile_id ON speaker_verifications (voice_profile_id);

-- teams / team_memberships
CREATE INDEX idx_teams_invite_code ON teams (invite_code);
CREATE INDEX idx_teams_creator ON teams (creator_user_id);
CREATE INDEX idx_team_memberships_team_id ON team_memberships (team_id);
CREATE INDEX idx_team_memberships_user_id ON team_memberships (user_id);

-- Foreign keys the original left unindexed (reference §3)
CREATE INDEX idx_workouts_audio_file_id ON workouts (audio_file_id);
CREATE INDEX idx_workouts_transcription_id ON workouts (transcription_id);
CREATE INDEX idx_user_progress_workout_id ON user_progress (workout_id);
CREATE INDEX idx_session_detection_config_user_id ON session_detection_config (user_id);
-- also unindexed: users.migrated_to_app_user_id (deleting an app user scans users)
CREATE INDEX idx_users_migrated_to_app_user_id ON users (migrated_to_app_user_id);

-- sessions (API): FK index; S1 looks up a user's latest active session
CREATE INDEX idx_sessions_user_id ON sessions (user_id);
