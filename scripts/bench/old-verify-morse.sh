#!/usr/bin/env bash
# The baseline for scripts/bench-verify: the shape of the old
# verify_database.sh (48 checks, one psql process and connection per check,
# names only), restated against our MORSE schema. Not a tool: a cost baseline.
set -u
url="$1"
pass=0; fail=0
check() { # expected sql
  got=$(psql "$url" -X -t -A -c "$2" 2>/dev/null | tr -d '[:space:]')
  if [ "$got" = "$1" ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
}
check 1 "SELECT count(*) FROM pg_extension WHERE extname='plpgsql'"
for t in users app_users audio_files transcriptions workouts exercises exercise_library user_progress \
         voice_profiles speaker_verifications user_devices device_links workout_claims session_claims \
         workout_sessions session_audio_files session_detection_config teams team_memberships; do
  check 1 "SELECT count(*) FROM information_schema.tables WHERE table_schema='public' AND table_name='$t'"
done
for i in idx_users_device_uuid idx_audio_files_user_id idx_audio_files_transcription_status idx_workouts_user_id \
         idx_workouts_claim_status idx_exercises_workout_id idx_voice_profiles_user_id idx_workout_sessions_user_id \
         idx_device_links_device_uuid; do
  check 1 "SELECT count(*) FROM pg_indexes WHERE schemaname='public' AND indexname='$i'"
done
for f in claim_workout search_devices_by_last4 get_unclaimed_workouts_for_device link_user_to_device \
         get_user_linked_devices auto_assign_workout_to_user create_new_session add_audio_to_session \
         detect_session_candidates generate_invite_code expire_old_unclaimed_workouts; do
  check 1 "SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid=p.pronamespace WHERE n.nspname='public' AND p.proname='$f'"
done
for v in session_summaries user_workout_summaries; do
  check 1 "SELECT count(*) FROM information_schema.views WHERE table_schema='public' AND table_name='$v'"
done
check 1 "SELECT count(*) FROM information_schema.table_constraints WHERE table_name='audio_files' AND constraint_type='FOREIGN KEY' AND constraint_name LIKE '%user%'"
check 1 "SELECT count(*) FROM information_schema.table_constraints WHERE table_name='workouts' AND constraint_type='FOREIGN KEY' AND constraint_name LIKE '%user%'"
check 1 "SELECT count(*) FROM information_schema.table_constraints WHERE table_name='exercises' AND constraint_type='FOREIGN KEY'"
check 0 "SELECT count(*) FROM audio_files a LEFT JOIN users u ON u.id=a.user_id WHERE u.id IS NULL"
check 0 "SELECT count(*) FROM workouts w LEFT JOIN users u ON u.id=w.user_id WHERE u.id IS NULL"
check 0 "SELECT count(*) FROM exercises e LEFT JOIN workouts w ON w.id=e.workout_id WHERE w.id IS NULL"
echo "old-style verify: $pass passed, $fail failed" >&2
[ "$fail" -eq 0 ]
