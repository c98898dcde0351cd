-- Undoes V1__core_tables.sql: drops its 20 tables in reverse dependency order
-- (their constraints, implicit indexes, comments and the two serial sequences
-- go with them). No CASCADE: anything else still depending on these tables
-- (V2-V4 not rolled back first, or objects added by hand) makes this fail
-- loudly instead of being dropped silently.
DROP TABLE IF EXISTS team_memberships;
DROP TABLE IF EXISTS teams;
DROP TABLE IF EXISTS session_claims;
DROP TABLE IF EXISTS workout_claims;
DROP TABLE IF EXISTS user_progress;
DROP TABLE IF EXISTS exercise_library;
DROP TABLE IF EXISTS exercises;
DROP TABLE IF EXISTS workouts;
DROP TABLE IF EXISTS session_detection_config;
DROP TABLE IF EXISTS session_audio_files;
DROP TABLE IF EXISTS workout_sessions;
DROP TABLE IF EXISTS transcriptions;
DROP TABLE IF EXISTS speaker_verifications;
DROP TABLE IF EXISTS audio_files;
DROP TABLE IF EXISTS sessions;
DROP TABLE IF EXISTS device_links;
DROP TABLE IF EXISTS user_devices;
DROP TABLE IF EXISTS voice_profiles;
DROP TABLE IF EXISTS users;
DROP TABLE IF EXISTS app_users;
