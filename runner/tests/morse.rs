//! MORSE end to end through the runner binary, on a fresh database per test.

mod common;

use common::*;

const REFERENCE_TABLES: [&str; 19] = [
    "users", "app_users", "voice_profiles", "speaker_verifications", "user_devices", "device_links",
    "audio_files", "transcriptions", "workout_sessions", "session_audio_files", "session_detection_config",
    "workouts", "exercises", "exercise_library", "user_progress", "workout_claims", "session_claims",
    "teams", "team_memberships",
];

const REFERENCE_FUNCTIONS: [&str; 11] = [
    "detect_session_candidates", "add_audio_to_session", "create_new_session", "link_user_to_device",
    "get_user_linked_devices", "search_devices_by_last4", "get_unclaimed_workouts_for_device",
    "claim_workout", "expire_old_unclaimed_workouts", "auto_assign_workout_to_user", "generate_invite_code",
];

/// The 47 explicit indexes of the consolidated schema (reference §3).
const REFERENCE_INDEXES: [&str; 47] = [
    "idx_users_device_uuid", "idx_users_migration_status", "idx_app_users_passphrase", "idx_app_users_active",
    "idx_voice_profiles_user_id", "idx_voice_profiles_active", "idx_user_devices_user_id", "idx_user_devices_device_uuid",
    "idx_user_devices_active", "idx_user_devices_device_uuid_suffix", "idx_device_links_user_id", "idx_device_links_device_uuid",
    "idx_device_links_active", "idx_device_links_last4", "idx_audio_files_user_id", "idx_audio_files_processed",
    "idx_audio_files_upload_timestamp", "idx_audio_files_transcription_status", "idx_audio_files_session_id",
    "idx_audio_files_voice_extracted", "idx_transcriptions_audio_file_id", "idx_workout_sessions_user_id",
    "idx_workout_sessions_date", "idx_workout_sessions_status", "idx_workout_sessions_claim_status",
    "idx_session_audio_files_session_id", "idx_session_audio_files_audio_file_id", "idx_workouts_user_id",
    "idx_workouts_date", "idx_workouts_session_id", "idx_workouts_claim_status", "idx_exercises_workout_id",
    "idx_exercises_name", "idx_exercises_muscle_groups", "idx_user_progress_user_id", "idx_user_progress_exercise",
    "idx_user_progress_date", "idx_workout_claims_user_id", "idx_workout_claims_workout_id", "idx_session_claims_user_id",
    "idx_session_claims_session_id", "idx_speaker_verifications_audio_file_id", "idx_speaker_verifications_voice_profile_id",
    "idx_teams_invite_code", "idx_teams_creator", "idx_team_memberships_team_id", "idx_team_memberships_user_id",
];

fn local_profile(db: &TestDb) -> Profiles {
    let p = Profiles::new();
    p.write("local", &one_target("morse", &db.url, "production: false"));
    p
}

#[test]
fn fresh_apply_builds_every_object_of_the_reference() {
    let db = TestDb::new("morse_fresh");
    let p = local_profile(&db);
    let run = p.run("local", &[]);
    run.expect(0);
    assert!(run.stderr.contains("applied 4 (V1__core_tables … V4__device_suffix_index), already current 0"), "{}", run.stderr);

    let mut c = db.client();
    let n = |c: &mut postgres::Client, sql: &str| count(c, sql);
    // Reference §2: 19 tables; ours adds `sessions`, which the API's upload path needs (§9).
    assert_eq!(n(&mut c, "SELECT count(*) FROM pg_tables WHERE schemaname='public' AND tablename <> 'morse_schema_history'"), 20);
    for t in REFERENCE_TABLES.iter().chain(["sessions"].iter()) {
        assert_eq!(n(&mut c, &format!("SELECT count(*) FROM pg_tables WHERE schemaname='public' AND tablename='{t}'")), 1, "table {t}");
    }
    // §3: 47 explicit indexes by name; ours adds 6 foreign-key indexes the
    // reference found missing and the case-insensitive last-4 index: 54
    // explicit, plus 28 implicit (20 primary keys, 8 unique) = 82.
    for i in REFERENCE_INDEXES {
        assert_eq!(n(&mut c, &format!("SELECT count(*) FROM pg_indexes WHERE schemaname='public' AND indexname='{i}'")), 1, "index {i}");
    }
    assert_eq!(n(&mut c, "SELECT count(*) FROM pg_indexes WHERE schemaname='public' AND tablename <> 'morse_schema_history'"), 82);
    assert_eq!(n(&mut c, "SELECT count(*) FROM pg_indexes WHERE indexname='idx_exercises_muscle_groups' AND indexdef LIKE '%USING gin%'"), 1);
    assert_eq!(n(&mut c, "SELECT count(*) FROM pg_indexes WHERE schemaname='public' AND indexdef LIKE '%WHERE%'"), 4, "partial indexes");
    assert_eq!(n(&mut c, "SELECT count(*) FROM pg_indexes WHERE indexname='idx_users_device_uuid_last4' AND indexdef ILIKE '%lower(\"right\"(%'"), 1);
    // §4: 11 callable functions, each exactly once (no overloads); trigger
    // functions: the reference's 4 plus the two column-sync functions.
    for f in REFERENCE_FUNCTIONS {
        assert_eq!(n(&mut c, &format!("SELECT count(*) FROM pg_proc WHERE pronamespace='public'::regnamespace AND proname='{f}'")), 1, "function {f}");
    }
    assert_eq!(n(&mut c, "SELECT count(*) FROM pg_proc WHERE pronamespace='public'::regnamespace AND prorettype <> 'trigger'::regtype"), 11);
    assert_eq!(n(&mut c, "SELECT count(*) FROM pg_proc WHERE pronamespace='public'::regnamespace AND prorettype = 'trigger'::regtype"), 6);
    assert_eq!(n(&mut c, "SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal"), 6);
    for t in ["trigger_update_session_updated_at", "trigger_update_device_last_seen", "teams_invite_code_trigger", "teams_updated_at_trigger"] {
        assert_eq!(n(&mut c, &format!("SELECT count(*) FROM pg_trigger WHERE tgname='{t}'")), 1, "trigger {t}");
    }
    assert_eq!(n(&mut c, "SELECT count(*) FROM pg_views WHERE schemaname='public' AND viewname IN ('session_summaries','user_workout_summaries')"), 2);
    // 27 foreign keys of the reference + sessions.user_id.
    assert_eq!(n(&mut c, "SELECT count(*) FROM pg_constraint WHERE connamespace='public'::regnamespace AND contype='f'"), 28);
    assert_eq!(n(&mut c, "SELECT count(*) FROM pg_constraint WHERE connamespace='public'::regnamespace AND contype='u'"), 8);
    assert_eq!(n(&mut c, "SELECT count(*) FROM pg_constraint WHERE connamespace='public'::regnamespace AND contype='c'"), 2);
    // No extension needed, and timestamptz everywhere.
    assert_eq!(n(&mut c, "SELECT count(*) FROM pg_extension WHERE extname <> 'plpgsql'"), 0);
    assert_eq!(n(&mut c, "SELECT count(*) FROM information_schema.columns WHERE table_schema='public' AND data_type='timestamp without time zone'"), 0);
    // History in refinery's format.
    assert_eq!(rows(&mut c, "SELECT version||' '||name FROM morse_schema_history ORDER BY version"),
        ["1 core_tables", "2 indexes", "3 functions_triggers_views", "4 device_suffix_index"]);
}

#[test]
fn second_run_applies_nothing_and_changes_nothing() {
    let db = TestDb::new("morse_rerun");
    let p = local_profile(&db);
    p.run("local", &[]).expect(0);
    let mut c = db.client();
    let before = (catalog(&mut c), rows(&mut c, "SELECT * FROM morse_schema_history ORDER BY version"));
    let run = p.run("local", &[]);
    run.expect(0);
    assert!(run.stderr.contains("applied 0, already current 4"), "{}", run.stderr);
    let after = (catalog(&mut c), rows(&mut c, "SELECT * FROM morse_schema_history ORDER BY version"));
    assert_eq!(before, after);
}

#[test]
fn test_data_twice_leaves_the_same_rows() {
    let db = TestDb::new("morse_data");
    let p = local_profile(&db);
    p.run("local", &["--with-test-data"]).expect(0);
    let mut c = db.client();
    let first = data_fingerprint(&mut c);
    let run = p.run("local", &["migrate", "--with-test-data"]);
    run.expect(0);
    assert!(run.stderr.contains("test data applied"), "{}", run.stderr);
    assert_eq!(first, data_fingerprint(&mut c));

    // Reference §5: five devices searchable by their last four characters
    // (case-insensitively), a passphrase that really verifies, unclaimed
    // workouts with exercises, completed transcriptions.
    for last4 in ["c4b9", "4c5d", "bc12", "9012", "cdef", "C4B9"] {
        assert_eq!(count(&mut c, &format!("SELECT count(*) FROM search_devices_by_last4('{last4}')")), 1, "{last4}");
    }
    c.batch_execute("CREATE EXTENSION IF NOT EXISTS pgcrypto").unwrap();
    assert!(count(&mut c, "SELECT count(*) FROM app_users WHERE crypt('TestPassword123', passphrase_hash) = passphrase_hash") >= 1);
    assert!(count(&mut c, "SELECT count(*) FROM workouts w WHERE claim_status='unclaimed' AND EXISTS (SELECT 1 FROM exercises e WHERE e.workout_id=w.id)") >= 3);
    assert!(count(&mut c, "SELECT count(*) FROM audio_files a JOIN transcriptions t ON t.audio_file_id=a.id WHERE a.transcription_status='completed'") >= 3);
    assert!(count(&mut c, "SELECT count(*) FROM get_unclaimed_workouts_for_device('f47ac10b-58cc-4372-a567-0e02b2c4c4b9')") >= 1);
}

#[test]
fn eight_runners_at_once_apply_each_migration_exactly_once() {
    let db = TestDb::new("morse_race");
    let p = local_profile(&db);
    let children: Vec<_> = (0..8)
        .map(|_| p.command("local", &["--with-test-data"], &[]).stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::piped()).spawn().unwrap())
        .collect();
    let runs: Vec<Run> = children.into_iter().map(|c| Run::from(c.wait_with_output().unwrap())).collect();
    for r in &runs {
        r.expect(0);
    }
    for v in ["V1__core_tables", "V2__indexes", "V3__functions_triggers_views", "V4__device_suffix_index"] {
        let times: usize = runs.iter().map(|r| r.stderr.matches(&format!("applied {v} in")).count()).sum();
        assert_eq!(times, 1, "{v} applied {times} times");
    }
    let mut c = db.client();
    assert_eq!(count(&mut c, "SELECT count(*) FROM morse_schema_history"), 4);
    assert_eq!(count(&mut c, "SELECT count(*) FROM users"), 5, "test data applied 8 times is still 5 devices");
}

#[test]
fn dry_run_lists_the_plan_and_changes_nothing() {
    let db = TestDb::new("morse_dry");
    let p = local_profile(&db);
    let run = p.run("local", &["--dry-run", "--with-test-data"]);
    run.expect(0);
    for v in ["would apply V1__core_tables", "would apply V4__device_suffix_index (no transaction)", "would apply the test data", "4 pending, 0 already applied"] {
        assert!(run.stdout.contains(v), "{v}\n{}", run.stdout);
    }
    let mut c = db.client();
    assert_eq!(count(&mut c, "SELECT count(*) FROM pg_class WHERE relnamespace='public'::regnamespace"), 0, "dry run created something");
}

#[test]
fn status_reports_applied_and_pending_in_text_and_json() {
    let db = TestDb::new("morse_status");
    let p = local_profile(&db);
    let run = p.run("local", &["status"]);
    run.expect(0);
    assert!(run.stdout.contains("pending  V1__core_tables") && run.stdout.contains("0 applied, 4 pending"), "{}", run.stdout);
    p.run("local", &[]).expect(0);
    let run = p.run("local", &["status", "--format", "json"]);
    run.expect(0);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(doc["profile"], "local");
    assert_eq!(doc["ok"], true);
    let t = &doc["targets"][0];
    assert_eq!(t["name"], "morse");
    assert_eq!(t["applied"].as_array().unwrap().len(), 4);
    assert_eq!(t["pending"].as_array().unwrap().len(), 0);
    assert!(t["applied"][0]["applied_on"].as_str().unwrap().ends_with('Z'));
    assert!(t["server_version"].as_str().unwrap().starts_with(char::is_numeric));
}

#[test]
fn local_profile_creates_a_missing_database() {
    let db = TestDb::unborn("morse_create");
    let p = Profiles::new();
    p.write("local", &format!("production: false\ntargets:\n  - name: morse\n    schema: morse\n    url: \"{}\"\n    create_database: true\n", db.url));
    let run = p.run("local", &[]);
    run.expect(0);
    assert!(run.stderr.contains(&format!("created database {}", db.name)), "{}", run.stderr);
    assert_eq!(count(&mut db.client(), "SELECT count(*) FROM morse_schema_history"), 4);
}

#[test]
fn refinery_reads_the_history_the_runner_writes() {
    use refinery::Migration;
    let db = TestDb::new("morse_refinery");
    local_profile(&db).run("local", &[]).expect(0);
    let mut runner = refinery::Runner::new(&morse_schema::schema().sorted_migrations());
    runner.set_migration_table_name("morse_schema_history");
    let applied: Vec<Migration> = runner.get_applied_migrations(&mut db.client()).unwrap();
    let embedded = morse_schema::schema().sorted_migrations();
    assert_eq!(applied.len(), embedded.len());
    for (a, e) in applied.iter().zip(&embedded) {
        assert_eq!((a.version(), a.name(), a.checksum()), (e.version(), e.name(), e.checksum()));
    }
}

/// The fixture's statements: (id, sql).
fn app_statements() -> Vec<(String, String)> {
    let text = include_str!("../../morse-schema/tests/fixtures/app_statements.sql");
    let mut out: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("-- @") {
            out.push((rest.split_whitespace().next().unwrap().to_string(), String::new()));
        } else if let Some(last) = out.last_mut() {
            if !line.trim_start().starts_with("--") {
                last.1.push_str(line);
                last.1.push('\n');
            }
        }
    }
    out.into_iter().map(|(id, sql)| (id, sql.trim().trim_end_matches(';').to_string())).collect()
}

/// (id, "prepare" | "execute") from the README's table of exceptions.
fn readme_exceptions() -> Vec<(String, String)> {
    let readme = include_str!("../../README.md");
    let section = readme.split("### Application statements that cannot run").nth(1).expect("README section");
    let section = section.split("\n## ").next().unwrap();
    section
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| id") && !l.starts_with("|---"))
        .map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            (cells[1].to_string(), cells[2].to_string())
        })
        .collect()
}

/// The parameters the application sends, as text (node-postgres sends every
/// parameter untyped): one set that fails and the corrected set that works.
fn runtime_probe(id: &str, workout: &str) -> Option<(String, String)> {
    match id {
        "U7" => Some((
            format!("'{workout}', 'Bench Press', 'strength', '3', '8', '185', NULL, NULL, NULL"),
            format!("'{workout}', 'Bench Press', 'strength', '3', '{{8}}', '185', NULL, NULL, NULL"),
        )),
        _ => None,
    }
}

#[test]
fn app_statements_prepare_except_the_listed_ones() {
    let db = TestDb::new("morse_app");
    local_profile(&db).run("local", &["--with-test-data"]).expect(0);
    let mut c = db.client();
    let statements = app_statements();
    assert!(statements.len() >= 100, "only {} statements", statements.len());
    let mut failed = Vec::new();
    for (i, (id, sql)) in statements.iter().enumerate() {
        if let Err(e) = c.batch_execute(&format!("PREPARE app_stmt_{i} AS {sql}")) {
            failed.push((id.clone(), e.as_db_error().map(|d| d.message().to_string()).unwrap_or_default()));
        }
    }
    let exceptions = readme_exceptions();
    let at_prepare: Vec<&String> = exceptions.iter().filter(|(_, w)| w == "prepare").map(|(id, _)| id).collect();
    let failed_ids: Vec<&String> = failed.iter().map(|(id, _)| id).collect();
    assert_eq!(failed_ids, at_prepare, "statements failing to prepare vs the README's list: {failed:#?}");

    let workout: String = c.query_one("SELECT id::text FROM workouts ORDER BY created_at LIMIT 1", &[]).unwrap().get(0);
    for (id, when) in exceptions.iter().filter(|(_, w)| w == "execute") {
        let (i, (_, _)) = statements.iter().enumerate().find(|(_, (sid, _))| sid == id).expect("listed id exists in the fixture");
        let (bad, good) = runtime_probe(id, &workout).unwrap_or_else(|| panic!("README lists {id} ({when}) but the test has no probe for it"));
        c.batch_execute("BEGIN").unwrap();
        let err = c.batch_execute(&format!("EXECUTE app_stmt_{i}({bad})")).expect_err(&format!("{id} should fail when executed"));
        c.batch_execute("ROLLBACK").unwrap();
        assert!(err.as_db_error().is_some(), "{id}: {err}");
        c.batch_execute("BEGIN").unwrap();
        c.batch_execute(&format!("EXECUTE app_stmt_{i}({good})")).unwrap_or_else(|e| panic!("{id} corrected: {e}"));
        c.batch_execute("ROLLBACK").unwrap();
    }
}

#[test]
fn dot_env_and_env_file_supply_profile_variables() {
    let db = TestDb::new("morse_envfile");
    let p = Profiles::new();
    p.write("x", &one_target("morse", "${MORSE_TEST_URL}", "production: true"));
    // .env in the current directory is read by default...
    std::fs::write(p.dir.join(".env"), format!("MORSE_TEST_URL={}\n", db.url)).unwrap();
    p.run("x", &["status"]).expect(0);
    // ...and --env-file names another file.
    std::fs::remove_file(p.dir.join(".env")).unwrap();
    p.run("x", &["status"]).expect(2);
    let file = p.dir.join("prod.env");
    std::fs::write(&file, format!("MORSE_TEST_URL={}\n", db.url)).unwrap();
    p.run("x", &["--env-file", file.to_str().unwrap(), "status"]).expect(0);
}

#[test]
fn dry_run_sql_prints_what_would_run_in_order_and_changes_nothing() {
    let db = TestDb::new("morse_drysql");
    let p = local_profile(&db);
    let run = p.run("local", &["migrate", "--dry-run", "--sql"]);
    run.expect(0);
    let out = &run.stdout;
    let v1 = out.find("-- morse-schema/migrations/V1__core_tables.sql").expect("V1 header");
    let v4 = out.find("-- morse-schema/migrations/V4__device_suffix_index.sql").expect("V4 header");
    assert!(v1 < v4);
    assert!(out.contains("CREATE TABLE app_users") && out.contains("INSERT INTO \"morse_schema_history\""), "{out}");
    assert!(out[v4..].contains("CREATE INDEX CONCURRENTLY") && !out[v4..].contains("BEGIN;"), "no-transaction migration shown inside a transaction");
    assert_eq!(count(&mut db.client(), "SELECT count(*) FROM pg_class WHERE relnamespace='public'::regnamespace"), 0);
    // The printed script is what the runner would do: psql can apply it.
    let applied = std::process::Command::new("psql").args(["-X", "-q", "-v", "ON_ERROR_STOP=1", &db.url]).stdin(std::process::Stdio::piped()).stdout(std::process::Stdio::null()).spawn().and_then(|mut child| {
        use std::io::Write;
        child.stdin.take().unwrap().write_all(out.as_bytes())?;
        child.wait()
    });
    if let Ok(status) = applied {
        assert!(status.success(), "the printed SQL does not apply");
        p.run("local", &["status"]).expect(0);
        assert!(p.run("local", &["verify", "--strict"]).code == 0, "the printed SQL built a different schema");
    }
    // --sql needs --dry-run.
    p.run("local", &["migrate", "--sql"]).expect(2);
}
