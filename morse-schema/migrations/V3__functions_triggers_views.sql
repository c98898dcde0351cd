-- MORSE V3: functions, trigger functions, triggers and views.
--
-- The 11 callable functions of reference §4 with their exact signatures,
-- defaults and result columns (the application calls them), the 4 original
-- trigger functions and triggers, the 2 views, and 2 new sync triggers that
-- keep the API's column names and the consolidated ones in step.
-- Bugs of reference §10 fixed here: claim_workout 'Workout not found',
-- add_audio_to_session double count, auto_assign_workout_to_user false
-- success, update_device_last_seen overreach, case-sensitive device search.
-- Column references inside functions are always qualified, because the
-- RETURNS TABLE columns are variables that would shadow them.

-- ===========================================================================
-- Callable functions (11)
-- ===========================================================================

-- 1. The worker session that an upload at p_upload_timestamp continues, if any.
--    p_audio_file_id is unused (kept for the signature).
CREATE OR REPLACE FUNCTION detect_session_candidates(
    p_user_id uuid,
    p_audio_file_id uuid,
    p_upload_timestamp timestamptz,
    p_timeout_minutes integer DEFAULT 60
)
RETURNS TABLE (candidate_session_id uuid, time_gap_minutes numeric)
LANGUAGE plpgsql
AS $$
BEGIN
    RETURN QUERY
    SELECT ws.id,
           EXTRACT(EPOCH FROM (p_upload_timestamp - ws.session_end_time)) / 60
    FROM workout_sessions ws
    WHERE ws.user_id = p_user_id
      AND ws.session_status IN ('pending', 'processing')
      AND ws.session_date = p_upload_timestamp::date
      AND EXTRACT(EPOCH FROM (p_upload_timestamp - ws.session_end_time)) / 60 <= p_timeout_minutes
    ORDER BY ws.session_end_time DESC
    LIMIT 1;
END;
$$;

-- 2. Add a recording to a worker session. Adding a file that is already in
--    the session changes nothing (the original counted it again).
CREATE OR REPLACE FUNCTION add_audio_to_session(
    p_session_id uuid,
    p_audio_file_id uuid,
    p_upload_timestamp timestamptz
)
RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
    v_start      timestamptz;
    v_next_order integer;
    v_inserted   integer;
BEGIN
    -- Lock the session so concurrent additions get distinct recording orders.
    SELECT ws.session_start_time INTO v_start
    FROM workout_sessions ws
    WHERE ws.id = p_session_id
    FOR UPDATE;

    SELECT COALESCE(MAX(saf.recording_order), 0) + 1 INTO v_next_order
    FROM session_audio_files saf
    WHERE saf.session_id = p_session_id;

    INSERT INTO session_audio_files (session_id, audio_file_id, recording_order, time_offset_minutes)
    VALUES (p_session_id, p_audio_file_id, v_next_order,
            (EXTRACT(EPOCH FROM (p_upload_timestamp - v_start)) / 60)::numeric(8,2))
    ON CONFLICT (session_id, audio_file_id) DO NOTHING;

    GET DIAGNOSTICS v_inserted = ROW_COUNT;
    IF v_inserted = 0 THEN
        RETURN;  -- already part of the session: no double count
    END IF;

    UPDATE workout_sessions ws
    SET total_recordings = COALESCE(ws.total_recordings, 0) + 1,
        session_end_time = GREATEST(ws.session_end_time, p_upload_timestamp),
        session_duration_minutes = (EXTRACT(EPOCH FROM (
            GREATEST(ws.session_end_time, p_upload_timestamp) - ws.session_start_time)) / 60)::integer,
        updated_at = CURRENT_TIMESTAMP
    WHERE ws.id = p_session_id;
END;
$$;

-- 3. Start a new worker session with its first recording.
CREATE OR REPLACE FUNCTION create_new_session(
    p_user_id uuid,
    p_audio_file_id uuid,
    p_upload_timestamp timestamptz
)
RETURNS uuid
LANGUAGE plpgsql
AS $$
DECLARE
    v_session_id uuid;
BEGIN
    INSERT INTO workout_sessions (user_id, session_date, session_start_time, session_end_time,
                                  session_duration_minutes, total_recordings)
    VALUES (p_user_id, p_upload_timestamp::date, p_upload_timestamp, p_upload_timestamp, 0, 1)
    RETURNING id INTO v_session_id;

    INSERT INTO session_audio_files (session_id, audio_file_id, recording_order, time_offset_minutes)
    VALUES (v_session_id, p_audio_file_id, 1, 0);

    RETURN v_session_id;
END;
$$;

-- 4. Link an app user to a device that has uploaded (upsert device_links).
CREATE OR REPLACE FUNCTION link_user_to_device(
    p_user_id uuid,
    p_device_uuid varchar,
    p_device_name varchar DEFAULT NULL
)
RETURNS uuid
LANGUAGE plpgsql
AS $$
DECLARE
    v_link_id uuid;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM users u WHERE u.device_uuid = p_device_uuid) THEN
        RAISE EXCEPTION 'Device UUID % not found. Device must have uploaded audio files first.', p_device_uuid;
    END IF;

    INSERT INTO device_links AS dl (user_id, device_uuid, device_name)
    VALUES (p_user_id, p_device_uuid, COALESCE(p_device_name, 'Device ' || right(p_device_uuid, 4)))
    ON CONFLICT (user_id, device_uuid) DO UPDATE
        SET device_name   = COALESCE(p_device_name, dl.device_name),
            last_activity = CURRENT_TIMESTAMP,
            is_active     = true
    RETURNING dl.id INTO v_link_id;

    RETURN v_link_id;
END;
$$;

-- 5. The user's active device links with workout counts.
CREATE OR REPLACE FUNCTION get_user_linked_devices(p_user_id uuid)
RETURNS TABLE (
    device_uuid varchar,
    device_name varchar,
    linked_at timestamptz,
    last_activity timestamptz,
    recent_workouts_count bigint,
    pending_workouts_count bigint
)
LANGUAGE plpgsql
AS $$
BEGIN
    RETURN QUERY
    SELECT dl.device_uuid,
           dl.device_name,
           dl.linked_at,
           dl.last_activity,
           COALESCE((SELECT COUNT(*)
                     FROM workout_claims wc
                     JOIN workouts w ON w.id = wc.workout_id
                     JOIN users u ON u.id = w.user_id
                     WHERE wc.user_id = p_user_id
                       AND u.device_uuid = dl.device_uuid
                       AND wc.claimed_at >= CURRENT_TIMESTAMP - INTERVAL '30 days'), 0)::bigint,
           COALESCE((SELECT COUNT(*)
                     FROM workouts w
                     JOIN users u ON u.id = w.user_id
                     WHERE u.device_uuid = dl.device_uuid
                       AND w.claim_status = 'unclaimed'
                       AND w.created_at >= CURRENT_TIMESTAMP - INTERVAL '7 days'), 0)::bigint
    FROM device_links dl
    WHERE dl.user_id = p_user_id
      AND dl.is_active = true
    ORDER BY dl.last_activity DESC;
END;
$$;

-- 6. Devices whose id ends in the given 4 characters, case-insensitively.
--    The predicate lower(right(device_uuid, 4)) is the expression of the
--    index idx_users_device_uuid_last4 (V4), so the search can use it.
CREATE OR REPLACE FUNCTION search_devices_by_last4(last4_digits varchar)
RETURNS TABLE (
    device_uuid varchar,
    device_name varchar,
    last_seen timestamptz,
    unclaimed_workouts_count bigint,
    unclaimed_sessions_count bigint
)
LANGUAGE plpgsql
AS $$
BEGIN
    RETURN QUERY
    SELECT DISTINCT
           u.device_uuid,
           ('Device ' || right(u.device_uuid, 4))::varchar,
           u.last_seen,
           (SELECT COUNT(*) FROM workouts w
             WHERE w.user_id = u.id AND w.claim_status = 'unclaimed')::bigint,
           COALESCE((SELECT COUNT(*) FROM workout_sessions ws
                      WHERE ws.user_id = u.id AND ws.claim_status = 'unclaimed'), 0)::bigint
    FROM users u
    WHERE lower(right(u.device_uuid, 4)) = lower(last4_digits)
    ORDER BY u.last_seen DESC;
END;
$$;

-- 7. A device's unclaimed workouts of the last 30 days. LEFT JOIN (was an
--    inner join): workouts made by the worker's session path have no audio
--    file and must still be claimable; audio_filename is NULL for them.
CREATE OR REPLACE FUNCTION get_unclaimed_workouts_for_device(target_device_uuid varchar)
RETURNS TABLE (
    workout_id uuid,
    workout_date date,
    total_exercises integer,
    duration_minutes integer,
    audio_filename varchar,
    created_at timestamptz
)
LANGUAGE plpgsql
AS $$
BEGIN
    RETURN QUERY
    SELECT w.id,
           w.workout_date,
           w.total_exercises,
           w.workout_duration_minutes,
           af.original_filename,
           w.created_at
    FROM workouts w
    JOIN users u ON u.id = w.user_id
    LEFT JOIN audio_files af ON af.id = w.audio_file_id
    WHERE u.device_uuid = target_device_uuid
      AND w.claim_status = 'unclaimed'
      AND w.created_at >= CURRENT_TIMESTAMP - INTERVAL '30 days'
    ORDER BY w.created_at DESC;
END;
$$;

-- 8. Claim a workout for an app user.
CREATE OR REPLACE FUNCTION claim_workout(
    p_user_id uuid,
    p_workout_id uuid,
    p_claim_method varchar DEFAULT 'manual',
    p_voice_confidence numeric DEFAULT NULL
)
RETURNS boolean
LANGUAGE plpgsql
AS $$
DECLARE
    v_claim_status varchar;
    v_device_uuid  varchar;
BEGIN
    -- Row lock: a concurrent claim of the same workout waits, then sees 'claimed'.
    SELECT w.claim_status, u.device_uuid
      INTO v_claim_status, v_device_uuid
    FROM workouts w
    JOIN users u ON u.id = w.user_id
    WHERE w.id = p_workout_id
    FOR UPDATE OF w;

    IF NOT FOUND THEN
        RAISE EXCEPTION 'Workout not found';
    END IF;

    IF COALESCE(v_claim_status, 'unclaimed') <> 'unclaimed' THEN
        RAISE EXCEPTION 'Workout already claimed';
    END IF;

    INSERT INTO workout_claims (user_id, workout_id, claim_method, voice_match_confidence)
    VALUES (p_user_id, p_workout_id, p_claim_method, p_voice_confidence);

    UPDATE workouts w SET claim_status = 'claimed' WHERE w.id = p_workout_id;

    INSERT INTO user_devices AS ud (user_id, device_uuid, device_name)
    VALUES (p_user_id, v_device_uuid, 'Claimed Device')
    ON CONFLICT (user_id, device_uuid) DO UPDATE
        SET last_seen = CURRENT_TIMESTAMP,
            is_active = true;

    RETURN true;
END;
$$;

-- 9. Expire unclaimed workouts and sessions older than 30 days; returns the
--    number of workouts expired.
CREATE OR REPLACE FUNCTION expire_old_unclaimed_workouts()
RETURNS integer
LANGUAGE plpgsql
AS $$
DECLARE
    v_count integer;
BEGIN
    UPDATE workouts w
    SET claim_status = 'expired'
    WHERE w.claim_status = 'unclaimed'
      AND w.created_at < CURRENT_TIMESTAMP - INTERVAL '30 days';
    GET DIAGNOSTICS v_count = ROW_COUNT;

    UPDATE workout_sessions ws
    SET claim_status = 'expired'
    WHERE ws.claim_status = 'unclaimed'
      AND ws.created_at < CURRENT_TIMESTAMP - INTERVAL '30 days';

    RETURN v_count;
END;
$$;

-- 10. Claim the workout of an audio file for the owner of a matched voice
--     profile. Returns true only when this call created the claim; when
--     ON CONFLICT skipped it (the workout is already claimed) it records the
--     verification with auto_linked = false and returns false.
CREATE OR REPLACE FUNCTION auto_assign_workout_to_user(
    p_audio_file_id uuid,
    p_similarity_score numeric,
    p_matched_profile_id uuid
)
RETURNS boolean
LANGUAGE plpgsql
AS $$
DECLARE
    v_user_id     uuid;
    v_device_uuid varchar;
    v_workout_id  uuid;
    v_level       varchar(20);
    v_claimed     integer;
BEGIN
    SELECT vp.user_id INTO v_user_id
    FROM voice_profiles vp
    WHERE vp.id = p_matched_profile_id
      AND vp.is_active = true;
    IF NOT FOUND THEN
        RETURN false;
    END IF;

    SELECT u.device_uuid, w.id INTO v_device_uuid, v_workout_id
    FROM audio_files af
    JOIN users u ON u.id = af.user_id
    JOIN workouts w ON w.audio_file_id = af.id
    WHERE af.id = p_audio_file_id
    ORDER BY w.created_at, w.id
    LIMIT 1;
    IF NOT FOUND THEN
        RETURN false;
    END IF;

    IF NOT EXISTS (SELECT 1 FROM device_links dl
                   WHERE dl.user_id = v_user_id
                     AND dl.device_uuid = v_device_uuid
                     AND dl.is_active = true) THEN
        RETURN false;
    END IF;

    v_level := CASE
                   WHEN p_similarity_score >= 0.85 THEN 'high'
                   WHEN p_similarity_score >= 0.70 THEN 'medium'
                   ELSE 'low'
               END;

    IF v_level IN ('high', 'medium') THEN
        INSERT INTO workout_claims (user_id, workout_id, claim_method, voice_match_confidence)
        VALUES (v_user_id, v_workout_id, 'voice_match', p_similarity_score)
        ON CONFLICT (workout_id) DO NOTHING;
        GET DIAGNOSTICS v_claimed = ROW_COUNT;

        IF v_claimed = 0 THEN
            INSERT INTO speaker_verifications (audio_file_id, voice_profile_id, similarity_score,
                                               confidence_level, auto_linked)
            VALUES (p_audio_file_id, p_matched_profile_id, p_similarity_score, v_level, false);
            RETURN false;
        END IF;

        UPDATE workouts w SET claim_status = 'claimed'
        WHERE w.id = v_workout_id AND w.claim_status = 'unclaimed';

        INSERT INTO speaker_verifications (audio_file_id, voice_profile_id, similarity_score,
                                           confidence_level, auto_linked)
        VALUES (p_audio_file_id, p_matched_profile_id, p_similarity_score, v_level, true);
        RETURN true;
    END IF;

    INSERT INTO speaker_verifications (audio_file_id, voice_profile_id, similarity_score,
                                       confidence_level, auto_linked)
    VALUES (p_audio_file_id, p_matched_profile_id, p_similarity_score, v_level, false);
    RETURN false;
END;
$$;

-- 11. An unused 8-character upper-case hex team invite code.
CREATE OR REPLACE FUNCTION generate_invite_code()
RETURNS varchar
LANGUAGE plpgsql
AS $$
DECLARE
    v_code varchar;
BEGIN
    LOOP
        v_code := upper(substr(md5(random()::text), 1, 8));
        EXIT WHEN NOT EXISTS (SELECT 1 FROM teams t WHERE t.invite_code = v_code);
    END LOOP;
    RETURN v_code;
END;
$$;

-- ===========================================================================
-- Trigger functions
-- ===========================================================================

CREATE OR REPLACE FUNCTION update_session_updated_at()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    NEW.updated_at := CURRENT_TIMESTAMP;
    RETURN NEW;
END;
$$;

CREATE OR REPLACE FUNCTION update_updated_at_column()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    NEW.updated_at := CURRENT_TIMESTAMP;
    RETURN NEW;
END;
$$;

CREATE OR REPLACE FUNCTION set_invite_code()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    IF NEW.invite_code IS NULL OR NEW.invite_code = '' THEN
        NEW.invite_code := generate_invite_code();
    END IF;
    RETURN NEW;
END;
$$;

-- A new upload refreshes last_seen of the user_devices rows that belong to
-- this device legitimately: the active rows of app users who have claimed at
-- least one workout recorded by this device (the original updated every
-- user's row for the device). last_seen never moves backwards.
CREATE OR REPLACE FUNCTION update_device_last_seen()
RETURNS trigger
LANGUAGE plpgsql
AS $$
DECLARE
    v_seen timestamptz := COALESCE(NEW.upload_timestamp, CURRENT_TIMESTAMP);
BEGIN
    UPDATE user_devices ud
    SET last_seen = GREATEST(ud.last_seen, v_seen)
    FROM users u
    WHERE u.id = NEW.user_id
      AND ud.device_uuid = u.device_uuid
      AND ud.is_active = true
      AND ud.last_seen IS DISTINCT FROM GREATEST(ud.last_seen, v_seen)
      AND EXISTS (SELECT 1
                  FROM workout_claims wc
                  JOIN workouts w ON w.id = wc.workout_id
                  WHERE wc.user_id = ud.user_id
                    AND w.user_id = NEW.user_id);
    RETURN NULL;
END;
$$;

-- Keeps the API's workout columns and the consolidated ones in step.
--   workout_date (+ workout_start_time) <-> date_completed
--   workout_duration_minutes            <-> duration_seconds (x 60)
-- INSERT: a side that is NULL is derived from the other (both given: kept).
-- UPDATE: the side that changed is copied to the side that did not.
-- Dates use the session's TimeZone, like the rest of the schema.
CREATE OR REPLACE FUNCTION sync_workout_columns()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.date_completed IS NOT NULL THEN
            IF NEW.workout_date IS NULL THEN
                NEW.workout_date := NEW.date_completed::date;
                IF NEW.workout_start_time IS NULL THEN
                    NEW.workout_start_time := NEW.date_completed::time;
                END IF;
            END IF;
        ELSIF NEW.workout_date IS NOT NULL THEN
            NEW.date_completed := (NEW.workout_date + COALESCE(NEW.workout_start_time, time '00:00'))::timestamptz;
        END IF;

        IF NEW.workout_duration_minutes IS NULL AND NEW.duration_seconds IS NOT NULL THEN
            NEW.workout_duration_minutes := round(NEW.duration_seconds / 60.0)::integer;
        ELSIF NEW.duration_seconds IS NULL AND NEW.workout_duration_minutes IS NOT NULL THEN
            NEW.duration_seconds := NEW.workout_duration_minutes * 60;
        END IF;
    ELSE
        IF NEW.date_completed IS DISTINCT FROM OLD.date_completed
           AND NEW.workout_date IS NOT DISTINCT FROM OLD.workout_date
           AND NEW.workout_start_time IS NOT DISTINCT FROM OLD.workout_start_time THEN
            IF NEW.date_completed IS NOT NULL THEN  -- workout_date cannot be NULL
                NEW.workout_date := NEW.date_completed::date;
            END IF;
        ELSIF NEW.date_completed IS NOT DISTINCT FROM OLD.date_completed
              AND (NEW.workout_date IS DISTINCT FROM OLD.workout_date
                   OR NEW.workout_start_time IS DISTINCT FROM OLD.workout_start_time)
              AND NEW.workout_date IS NOT NULL THEN
            NEW.date_completed := (NEW.workout_date + COALESCE(NEW.workout_start_time, time '00:00'))::timestamptz;
        END IF;

        IF NEW.duration_seconds IS DISTINCT FROM OLD.duration_seconds
           AND NEW.workout_duration_minutes IS NOT DISTINCT FROM OLD.workout_duration_minutes THEN
            NEW.workout_duration_minutes := round(NEW.duration_seconds / 60.0)::integer;
        ELSIF NEW.workout_duration_minutes IS DISTINCT FROM OLD.workout_duration_minutes
              AND NEW.duration_seconds IS NOT DISTINCT FROM OLD.duration_seconds THEN
            NEW.duration_seconds := NEW.workout_duration_minutes * 60;
        END IF;
    END IF;
    RETURN NEW;
END;
$$;

-- Keeps the API's exercise columns and the consolidated ones in step.
--   exercise_name    <-> name
--   weight_lbs[]     <-> weight   (weight = max of the array; the array = the
--                                 weight once per set, at least one element)
--   duration_minutes <-> duration_seconds
--   distance_miles   <-> distance (both miles)
-- INSERT: a side that is NULL is derived from the other (both given: kept).
-- UPDATE: the side that changed is copied to the side that did not.
-- reps stays integer[]; the API's scalar reps cannot be helped here, because
-- the input is rejected before any trigger runs.
CREATE OR REPLACE FUNCTION sync_exercise_columns()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.exercise_name IS NULL THEN
            NEW.exercise_name := NEW.name;
        ELSIF NEW.name IS NULL THEN
            NEW.name := NEW.exercise_name;
        END IF;

        IF NEW.weight_lbs IS NULL AND NEW.weight IS NOT NULL THEN
            NEW.weight_lbs := array_fill(NEW.weight, ARRAY[GREATEST(COALESCE(NEW.sets, 1), 1)]);
        ELSIF NEW.weight IS NULL AND NEW.weight_lbs IS NOT NULL THEN
            NEW.weight := (SELECT max(x) FROM unnest(NEW.weight_lbs) AS x);
        END IF;

        IF NEW.duration_minutes IS NULL AND NEW.duration_seconds IS NOT NULL THEN
            NEW.duration_minutes := round(NEW.duration_seconds / 60.0, 2);
        ELSIF NEW.duration_seconds IS NULL AND NEW.duration_minutes IS NOT NULL THEN
            NEW.duration_seconds := round(NEW.duration_minutes * 60)::integer;
        END IF;

        IF NEW.distance_miles IS NULL THEN
            NEW.distance_miles := NEW.distance;
        ELSIF NEW.distance IS NULL THEN
            NEW.distance := NEW.distance_miles;
        END IF;
    ELSE
        IF NEW.name IS DISTINCT FROM OLD.name
           AND NEW.exercise_name IS NOT DISTINCT FROM OLD.exercise_name THEN
            IF NEW.name IS NOT NULL THEN  -- exercise_name cannot be NULL
                NEW.exercise_name := NEW.name;
            END IF;
        ELSIF NEW.exercise_name IS DISTINCT FROM OLD.exercise_name
              AND NEW.name IS NOT DISTINCT FROM OLD.name THEN
            NEW.name := NEW.exercise_name;
        END IF;

        IF NEW.weight IS DISTINCT FROM OLD.weight
           AND NEW.weight_lbs IS NOT DISTINCT FROM OLD.weight_lbs THEN
            NEW.weight_lbs := CASE WHEN NEW.weight IS NULL THEN NULL
                                   ELSE array_fill(NEW.weight, ARRAY[GREATEST(COALESCE(NEW.sets, 1), 1)])
                              END;
        ELSIF NEW.weight_lbs IS DISTINCT FROM OLD.weight_lbs
              AND NEW.weight IS NOT DISTINCT FROM OLD.weight THEN
            NEW.weight := (SELECT max(x) FROM unnest(NEW.weight_lbs) AS x);
        END IF;

        IF NEW.duration_seconds IS DISTINCT FROM OLD.duration_seconds
           AND NEW.duration_minutes IS NOT DISTINCT FROM OLD.duration_minutes THEN
            NEW.duration_minutes := round(NEW.duration_seconds / 60.0, 2);
        ELSIF NEW.duration_minutes IS DISTINCT FROM OLD.duration_minutes
              AND NEW.duration_seconds IS NOT DISTINCT FROM OLD.duration_seconds THEN
            NEW.duration_seconds := round(NEW.duration_minutes * 60)::integer;
        END IF;

        IF NEW.distance IS DISTINCT FROM OLD.distance
           AND NEW.distance_miles IS NOT DISTINCT FROM OLD.distance_miles THEN
            NEW.distance_miles := NEW.distance;
        ELSIF NEW.distance_miles IS DISTINCT FROM OLD.distance_miles
              AND NEW.distance IS NOT DISTINCT FROM OLD.distance THEN
            NEW.distance := NEW.distance_miles;
        END IF;
    END IF;
    RETURN NEW;
END;
$$;

-- ===========================================================================
-- Triggers
-- ===========================================================================

CREATE OR REPLACE TRIGGER trigger_update_session_updated_at
    BEFORE UPDATE ON workout_sessions
    FOR EACH ROW EXECUTE FUNCTION update_session_updated_at();

CREATE OR REPLACE TRIGGER trigger_update_device_last_seen
    AFTER INSERT ON audio_files
    FOR EACH ROW EXECUTE FUNCTION update_device_last_seen();

CREATE OR REPLACE TRIGGER teams_invite_code_trigger
    BEFORE INSERT ON teams
    FOR EACH ROW EXECUTE FUNCTION set_invite_code();

CREATE OR REPLACE TRIGGER teams_updated_at_trigger
    BEFORE UPDATE ON teams
    FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();

CREATE OR REPLACE TRIGGER trigger_sync_workout_columns
    BEFORE INSERT OR UPDATE ON workouts
    FOR EACH ROW EXECUTE FUNCTION sync_workout_columns();

CREATE OR REPLACE TRIGGER trigger_sync_exercise_columns
    BEFORE INSERT OR UPDATE ON exercises
    FOR EACH ROW EXECUTE FUNCTION sync_exercise_columns();

-- ===========================================================================
-- Views (plain, not materialized)
-- ===========================================================================

CREATE OR REPLACE VIEW session_summaries AS
SELECT ws.id,
       ws.user_id,
       ws.session_date,
       ws.session_start_time,
       ws.session_end_time,
       ws.session_duration_minutes,
       ws.total_recordings,
       ws.total_exercises,
       ws.session_status,
       ws.notes,
       COALESCE(
           json_agg(
               json_build_object(
                   'audio_file_id', af.id,
                   'original_filename', af.original_filename,
                   'recording_order', saf.recording_order,
                   'time_offset_minutes', saf.time_offset_minutes,
                   'transcription_status', af.transcription_status)
               ORDER BY saf.recording_order)
           FILTER (WHERE af.id IS NOT NULL),
           '[]'::json) AS audio_files
FROM workout_sessions ws
LEFT JOIN session_audio_files saf ON saf.session_id = ws.id
LEFT JOIN audio_files af ON af.id = saf.audio_file_id
GROUP BY ws.id;

CREATE OR REPLACE VIEW user_workout_summaries AS
SELECT au.id AS user_id,
       COUNT(DISTINCT wc.workout_id) AS total_claimed_workouts,
       COUNT(DISTINCT dl.device_uuid) AS linked_devices,
       COUNT(DISTINCT vp.id) AS voice_profiles_count,
       MAX(wc.claimed_at) AS last_workout_claimed,
       MAX(dl.last_activity) AS last_device_activity,
       COUNT(DISTINCT wc.workout_id)
           FILTER (WHERE wc.claimed_at >= CURRENT_TIMESTAMP - INTERVAL '7 days') AS workouts_this_week,
       COUNT(DISTINCT wc.workout_id)
           FILTER (WHERE wc.claim_method = 'voice_match') AS auto_matched_workouts
FROM app_users au
LEFT JOIN workout_claims wc ON wc.user_id = au.id
LEFT JOIN device_links dl ON dl.user_id = au.id AND dl.is_active = true
LEFT JOIN voice_profiles vp ON vp.user_id = au.id AND vp.is_active = true
GROUP BY au.id;

COMMENT ON FUNCTION claim_workout(uuid, uuid, varchar, numeric) IS 'Claims an unclaimed workout for an app user; raises ''Workout not found'' or ''Workout already claimed''.';
COMMENT ON FUNCTION search_devices_by_last4(varchar) IS 'Case-insensitive search of devices (users) by the last 4 characters of device_uuid; uses idx_users_device_uuid_last4.';
COMMENT ON FUNCTION update_device_last_seen() IS 'On upload, refreshes last_seen of active user_devices rows of app users who claimed a workout of this device.';
COMMENT ON VIEW session_summaries IS 'One row per worker session with its recordings as a JSON array.';
COMMENT ON VIEW user_workout_summaries IS 'One row per app user with claim, device link and voice profile counts.';
