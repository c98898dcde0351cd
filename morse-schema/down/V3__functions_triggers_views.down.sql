-- Undoes V3__functions_triggers_views.sql: views, then triggers, then the
-- trigger functions, then the callable functions (reverse order of creation).
DROP VIEW IF EXISTS user_workout_summaries;
DROP VIEW IF EXISTS session_summaries;

DROP TRIGGER IF EXISTS trigger_sync_exercise_columns ON exercises;
DROP TRIGGER IF EXISTS trigger_sync_workout_columns ON workouts;
DROP TRIGGER IF EXISTS teams_updated_at_trigger ON teams;
DROP TRIGGER IF EXISTS teams_invite_code_trigger ON teams;
DROP TRIGGER IF EXISTS trigger_update_device_last_seen ON audio_files;
DROP TRIGGER IF EXISTS trigger_update_session_updated_at ON workout_sessions;

DROP FUNCTION IF EXISTS sync_exercise_columns();
DROP FUNCTION IF EXISTS sync_workout_columns();
DROP FUNCTION IF EXISTS update_device_last_seen();
DROP FUNCTION IF EXISTS set_invite_code();
DROP FUNCTION IF EXISTS update_updated_at_column();
DROP FUNCTION IF EXISTS update_session_updated_at();

DROP FUNCTION IF EXISTS generate_invite_code();
DROP FUNCTION IF EXISTS auto_assign_workout_to_user(uuid, numeric, uuid);
DROP FUNCTION IF EXISTS expire_old_unclaimed_workouts();
DROP FUNCTION IF EXISTS claim_workout(uuid, uuid, varchar, numeric);
DROP FUNCTION IF EXISTS get_unclaimed_workouts_for_device(varchar);
DROP FUNCTION IF EXISTS search_devices_by_last4(varchar);
DROP FUNCTION IF EXISTS get_user_linked_devices(uuid);
DROP FUNCTION IF EXISTS link_user_to_device(uuid, varchar, varchar);
DROP FUNCTION IF EXISTS create_new_session(uuid, uuid, timestamptz);
DROP FUNCTION IF EXISTS add_audio_to_session(uuid, uuid, timestamptz);
DROP FUNCTION IF EXISTS detect_session_candidates(uuid, uuid, timestamptz, integer);
