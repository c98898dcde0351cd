//! adopt: databases the old tools built are taken over at the right version,
//! and the following `migrate` brings them to our schema (verify --strict
//! clean apart from what the old tools left that we do not own); when
//! nothing matches, nothing changes.

mod common;

use common::*;
use runner::plan::Plan;
use schema_def::SchemaDef;

fn def(name: &str) -> &'static SchemaDef {
    runner::registry::find(name).unwrap()
}

/// Our versions 1..=v applied the way an old tool would have: the objects,
/// no history table.
fn built_without_history(db: &TestDb, def: &'static SchemaDef, v: i32) {
    let mut c = db.client();
    if let Some(base) = def.dev_base {
        c.batch_execute(base).unwrap();
    }
    c.batch_execute(&runner::history::create_sql(&def.history_table())).unwrap();
    for m in def.sorted_migrations().into_iter().filter(|m| m.version() <= v) {
        let step = Plan { applied: vec![], pending: vec![m], problems: vec![] };
        runner::executor::apply(&mut c, def, def.name, &step).unwrap();
    }
    c.batch_execute(&format!("DROP TABLE {}", def.history_table())).unwrap();
}

fn history(c: &mut postgres::Client, def: &SchemaDef) -> Vec<String> {
    rows(c, &format!("SELECT version || ' ' || name FROM {} ORDER BY version", def.history_table()))
}

fn has_history(c: &mut postgres::Client, def: &SchemaDef) -> bool {
    count(c, &format!("SELECT count(*) FROM pg_tables WHERE tablename = '{}'", def.history_table())) == 1
}

/// Adopt, then migrate, then verify: the database ends at our newest version.
fn adopt_then_converge(p: &Profiles, db: &TestDb, def: &SchemaDef, expect_version: i32, expect_in_log: &str) {
    let run = p.run("p", &["adopt"]);
    run.expect(0);
    assert!(run.all().contains(expect_in_log), "{}", run.all());
    let mut c = db.client();
    if expect_version == 0 {
        assert!(!has_history(&mut c, def), "nothing is recorded for a state our migrations converge on");
    } else {
        let recorded = history(&mut c, def);
        assert_eq!(recorded.len() as i32, expect_version, "{recorded:?}");
        let note: String = c
            .query_one("SELECT obj_description(to_regclass($1), 'pg_class')", &[&def.history_table()])
            .unwrap()
            .get(0);
        assert!(note.contains("adopted by `runner adopt`"), "{note}");
    }
    // An adopted database may hold rows (the Oprina fixture's users), and on this production profile
    // the lint gate refuses pending hazards on such tables (runner/tests/lint.rs): checked, so allowed.
    p.run("p", &["migrate", "--allow-hazards"]).expect(0);
    let verify = p.run("p", &["verify"]);
    verify.expect(0);
    assert!(!verify.all().contains("FAIL"), "{}", verify.all());
}

#[test]
fn an_empty_database_has_nothing_to_adopt() {
    let db = TestDb::new("adopt_empty");
    let p = Profiles::new();
    p.write("p", &one_target("oprina", &db.url, "production: true"));
    let run = p.run("p", &["adopt"]);
    run.expect(0);
    assert!(run.all().contains("nothing to adopt"), "{}", run.all());
    assert!(!has_history(&mut db.client(), def("oprina")));
}

#[test]
fn a_database_matching_a_version_exactly_is_adopted_there_and_migrate_finishes_it() {
    let db = TestDb::new("adopt_exact");
    built_without_history(&db, def("oprina"), 2);
    let p = Profiles::new();
    p.write("p", &one_target("oprina", &db.url, "production: true"));
    adopt_then_converge(&p, &db, def("oprina"), 2, "its objects match version 2");
    let mut c = db.client();
    assert_eq!(history(&mut c, def("oprina")).len(), def("oprina").sorted_migrations().len());
    // Already managed: a second adopt changes nothing.
    let again = p.run("p", &["adopt"]);
    again.expect(0);
    assert!(again.all().contains("already managed"), "{}", again.all());
}

#[test]
fn no_match_changes_nothing_lists_differences_and_baseline_records_anyway() {
    let db = TestDb::new("adopt_nomatch");
    built_without_history(&db, def("oprina"), 2);
    let mut c = db.client();
    c.batch_execute("ALTER TABLE users DROP COLUMN timezone CASCADE; CREATE INDEX idx_custom ON users (email)").unwrap();
    let before = (catalog(&mut c), data_fingerprint(&mut c));
    let p = Profiles::new();
    p.write("p", &one_target("oprina", &db.url, "production: true"));
    let run = p.run("p", &["adopt"]);
    run.expect(1);
    let out = run.all();
    assert!(out.contains("nothing was changed") && out.contains("Closest is version 2"), "{out}");
    assert!(out.contains("column users.timezone is missing"), "{out}");
    assert!(out.contains("--baseline"), "{out}");
    assert!(!has_history(&mut c, def("oprina")));
    assert_eq!((catalog(&mut c), data_fingerprint(&mut c)), before);

    let beyond = (def("oprina").sorted_migrations().len() + 1).to_string();
    p.run("p", &["adopt", "--baseline", &beyond]).expect(2);
    let run = p.run("p", &["adopt", "--baseline", "2"]);
    run.expect(0);
    assert!(run.all().contains("as given by --baseline"), "{}", run.all());
    assert_eq!(history(&mut c, def("oprina")), vec!["1 initial_schema", "2 add_avatar_usage"]);
}

#[test]
fn oprina_after_a_psql_run_that_stopped_at_004() {
    let db = TestDb::new("adopt_oprina");
    built_without_history(&db, def("oprina"), 3);
    let mut c = db.client();
    c.batch_execute(include_str!("../../oprina-schema/tests/fixtures/legacy_psql_stopped_at_004.sql")).unwrap();
    c.batch_execute(
        "INSERT INTO users (email, display_name) VALUES ('admin@oprina.local', 'Admin'), ('gone@oprina.local', 'Gone');
         UPDATE users SET is_active = false WHERE email = 'gone@oprina.local';
         INSERT INTO sessions (user_id) SELECT id FROM users WHERE email = 'admin@oprina.local';
         INSERT INTO messages (session_id, role, content, message_index) SELECT id, 'user', 'hello', 0 FROM sessions",
    )
    .unwrap();
    let p = Profiles::new();
    p.write("p", &one_target("oprina", &db.url, "production: true"));
    adopt_then_converge(&p, &db, def("oprina"), 3, "recognised psql 001-003");
    // The rows the old database held are still there, and its code is ours now.
    assert_eq!(count(&mut c, "SELECT count(*) FROM users WHERE email = 'admin@oprina.local'"), 1);
    // V7 filled in what the API needs for them: the message's user, the inactive account's status.
    assert_eq!(rows(&mut c, "SELECT u.email FROM messages m JOIN users u ON u.id = m.user_id"), ["admin@oprina.local"]);
    assert_eq!(rows(&mut c, "SELECT email || ' ' || status FROM users ORDER BY email"), ["admin@oprina.local active", "gone@oprina.local inactive"]);
    assert_eq!(
        rows(&mut c, "SELECT pg_get_function_result('cleanup_expired_tokens'::regproc)")[0],
        "TABLE(deactivated_service_tokens integer, deleted_user_tokens integer, deleted_refresh_logs integer)"
    );
    assert_eq!(rows(&mut c, "SELECT data_type FROM information_schema.columns WHERE table_name='users' AND column_name='created_at'")[0], "timestamp with time zone");
}

#[test]
fn migrate_adopt_does_both_in_one_command() {
    let db = TestDb::new("adopt_migrate");
    built_without_history(&db, def("oprina"), 4);
    let p = Profiles::new();
    p.write("p", &one_target("oprina", &db.url, "production: true"));
    // Without --adopt, migrate refuses to run V1 over existing objects (and rolls back).
    p.run("p", &["migrate"]).expect(4);
    let run = p.run("p", &["migrate", "--adopt"]);
    run.expect(0);
    assert!(run.all().contains("its objects match version 4"), "{}", run.all());
    assert_eq!(history(&mut db.client(), def("oprina")).len(), def("oprina").sorted_migrations().len());
    p.run("p", &["verify", "--strict"]).expect(0);
}

/// A Socrates database as Alembic left it at `revision`: our versions up to
/// the matching one, the Alembic differences, and alembic_version.
fn alembic_database(tag: &str, schema: &str, v: i32, revision: &str) -> TestDb {
    let db = TestDb::new(tag);
    built_without_history(&db, def(schema), v);
    let mut c = db.client();
    c.batch_execute(include_str!("../../socrates-schema/tests/fixtures/legacy_alembic.sql")).unwrap();
    c.execute("INSERT INTO alembic_version VALUES ($1)", &[&revision]).unwrap();
    db
}

#[test]
fn socrates_at_alembic_009_and_017() {
    for (schema, v, revision) in [("socrates-auth", 2, "002"), ("socrates-specs", 7, "009"), ("socrates-auth", 3, "010"), ("socrates-specs", 11, "017")] {
        let db = alembic_database(&format!("adopt_{revision}"), schema, v, revision);
        let mut c = db.client();
        let redundant = count(&mut c, "SELECT count(*) FROM pg_indexes WHERE indexname LIKE 'ix\\_%' AND indexname IN ('ix_users_email','ix_specifications_project_id','ix_teams_name')");
        assert!(redundant > 0, "{schema}@{revision}: the fixture has the redundant indexes");
        let p = Profiles::new();
        p.write("p", &one_target(schema, &db.url, "production: true"));
        adopt_then_converge(&p, &db, def(schema), v, &format!("recognised Alembic {revision}: alembic_version holds {revision}"));
        assert_eq!(count(&mut c, "SELECT count(*) FROM pg_indexes WHERE indexname IN ('ix_users_email','ix_specifications_project_id','ix_teams_name')"), 0);
        if schema == "socrates-specs" {
            assert_eq!(rows(&mut c, "SELECT data_type FROM information_schema.columns WHERE table_name='questions' AND column_name='context'")[0], "text");
        }
        // alembic_version stays, for a way back to the old tool.
        assert_eq!(rows(&mut c, "SELECT version_num FROM alembic_version"), vec![revision]);
    }
}

#[test]
fn mued_built_by_drizzle_0005_by_the_hand_run_0006_0008_and_after_the_original_rollback() {
    let mued = def("mued");
    for (fixture, journal, expect) in [
        (include_str!("../../mued-schema/test-fixtures/adopt_drizzle_0005.sql"), true, "recognised the application's Drizzle migrations: drizzle.__drizzle_migrations holds 6 migrations"),
        (include_str!("../../mued-schema/test-fixtures/adopt_handwritten_0006_0008.sql"), false, "recognised the hand-run 0006-0008 scripts"),
        (include_str!("../../mued-schema/test-fixtures/adopt_after_original_rollback.sql"), false, "recognised the hand-run 0006-0008 scripts"),
    ] {
        let db = TestDb::new("adopt_mued");
        let mut c = db.client();
        c.batch_execute(mued.dev_base.unwrap()).unwrap();
        c.batch_execute(fixture).unwrap();
        if journal {
            c.batch_execute(
                "CREATE SCHEMA drizzle;
                 CREATE TABLE drizzle.__drizzle_migrations (id serial PRIMARY KEY, hash text NOT NULL, created_at bigint);
                 INSERT INTO drizzle.__drizzle_migrations (hash, created_at) SELECT md5(i::text), 1700000000000 + i FROM generate_series(0, 5) i;",
            )
            .unwrap();
        }
        let p = Profiles::new();
        p.write("p", &one_target("mued", &db.url, "production: true"));
        adopt_then_converge(&p, &db, mued, 0, expect);
        assert_eq!(history(&mut c, mued).len(), 3);
    }
}

/// MORSE as the original init_database.sh left it (reference §10: archived
/// migrations, then the consolidated files), and the same with only the
/// consolidated files' user_progress (nullable, NO ACTION).
#[test]
fn morse_built_by_init_database_sh() {
    let morse = def("morse");
    for consolidated_only in [false, true] {
        let db = TestDb::new("adopt_morse");
        built_without_history(&db, morse, 4);
        let mut c = db.client();
        c.batch_execute(include_str!("../../morse-schema/tests/fixtures/legacy_init_database.sql")).unwrap();
        if consolidated_only {
            c.batch_execute(
                "ALTER TABLE user_progress ALTER COLUMN workout_id DROP NOT NULL,
                   DROP CONSTRAINT user_progress_workout_id_fkey,
                   ADD CONSTRAINT user_progress_workout_id_fkey FOREIGN KEY (workout_id) REFERENCES workouts (id)",
            )
            .unwrap();
        }
        assert_eq!(count(&mut c, "SELECT count(*) FROM pg_constraint WHERE conrelid = 'speaker_verifications'::regclass AND contype = 'f' AND conkey = ARRAY[(SELECT attnum FROM pg_attribute WHERE attrelid = 'speaker_verifications'::regclass AND attname = 'audio_file_id')]"), 2);
        // Rows the legacy schema allows (ids from uuid-ossp's default).
        c.batch_execute(
            "INSERT INTO users (device_uuid) VALUES ('A1B2C3D4-0000-4000-8000-00000000BEEF');
             INSERT INTO audio_files (user_id, original_filename, file_path, file_size)
                  SELECT id, 'workout_BEEF.m4a', '/uploads/workout_BEEF.m4a', 1234 FROM users;
             INSERT INTO transcriptions (audio_file_id, raw_text, confidence_score, processing_time_seconds)
                  SELECT id, 'bench press 3 sets of 8 at 135', 0.93, 1.25 FROM audio_files;
             INSERT INTO workouts (user_id, audio_file_id, transcription_id, workout_date, workout_start_time, workout_duration_minutes)
                  SELECT a.user_id, a.id, t.id, DATE '2025-12-01', TIME '07:30', 45 FROM audio_files a JOIN transcriptions t ON t.audio_file_id = a.id;
             INSERT INTO exercises (workout_id, exercise_name, sets, reps, weight_lbs, duration_minutes)
                  SELECT id, 'Bench Press', 3, ARRAY[8,8,8], ARRAY[135,135,140], 12.5 FROM workouts;
             INSERT INTO user_progress (user_id, exercise_name, metric_type, metric_value, recorded_date, workout_id)
                  SELECT user_id, 'Bench Press', m, v, workout_date, id FROM workouts, (VALUES ('weight', 140), ('reps', 8)) AS x(m, v);
             INSERT INTO app_users (passphrase_hash) VALUES ('$2b$10$notarealhash');
             INSERT INTO teams (team_name, creator_user_id, created_at) SELECT 'Morning crew', id, TIMESTAMP '2025-01-02 03:04:05' FROM app_users;",
        )
        .unwrap();
        if consolidated_only {
            // The original bug: progress rows block deleting their workout.
            let mut tx = c.transaction().unwrap();
            assert!(tx.batch_execute("DELETE FROM workouts").is_err());
            tx.rollback().unwrap();
        }
        let p = Profiles::new();
        p.write("p", &one_target("morse", &db.url, "production: true"));
        adopt_then_converge(&p, &db, morse, 4, "recognised init_database.sh");
        p.run("p", &["verify", "--strict"]).expect(0);

        // The rows are still there, the data moved, and the code is ours.
        for (table, n) in [("users", 1), ("audio_files", 1), ("transcriptions", 1), ("workouts", 1), ("exercises", 1), ("user_progress", 2), ("teams", 1)] {
            assert_eq!(count(&mut c, &format!("SELECT count(*) FROM {table}")), n, "{table}");
        }
        assert_eq!(rows(&mut c, "SELECT processing_time_ms, confidence_score FROM transcriptions"), vec!["1250|0.9300"]);
        assert_eq!(rows(&mut c, "SELECT duration_seconds, date_completed::date, device_uuid FROM workouts"), vec!["2700|2025-12-01|A1B2C3D4-0000-4000-8000-00000000BEEF"]);
        assert_eq!(rows(&mut c, "SELECT name, weight, duration_seconds FROM exercises"), vec!["Bench Press|140|750"]);
        assert_eq!(count(&mut c, "SELECT count(*) FROM teams WHERE created_at = TIMESTAMPTZ '2025-01-02 03:04:05+00'"), 1);
        assert_eq!(rows(&mut c, "SELECT device_uuid FROM search_devices_by_last4('beef')"), vec!["A1B2C3D4-0000-4000-8000-00000000BEEF"]);
        for (table, column) in [("speaker_verifications", "audio_file_id"), ("users", "migrated_to_app_user_id"), ("audio_files", "session_id")] {
            let fks = format!(
                "SELECT count(*) FROM pg_constraint WHERE conrelid = '{table}'::regclass AND contype = 'f'
                    AND conkey = ARRAY[(SELECT attnum FROM pg_attribute WHERE attrelid = '{table}'::regclass AND attname = '{column}')]"
            );
            assert_eq!(count(&mut c, &fks), 1, "foreign keys on {table}({column})");
        }
        assert_eq!(count(&mut c, "SELECT count(*) FROM information_schema.columns WHERE column_default LIKE '%uuid_generate_v4%'"), 0);
        // The sync triggers are back: an API-style insert fills the worker's columns.
        c.batch_execute("INSERT INTO workouts (user_id, date_completed, duration_seconds) SELECT id, TIMESTAMPTZ '2025-12-02 08:00:00+00', 600 FROM users").unwrap();
        assert_eq!(count(&mut c, "SELECT count(*) FROM workouts WHERE workout_duration_minutes = 10 AND audio_file_id IS NULL"), 1);
        // Deleting the workout takes its progress rows with it.
        c.batch_execute("DELETE FROM workouts WHERE audio_file_id IS NOT NULL").unwrap();
        assert_eq!(count(&mut c, "SELECT count(*) FROM user_progress"), 0);
    }
}

/// A managed MORSE database whose history lost rows by hand.
fn morse_with_rows_deleted(tag: &str, versions: &str) -> (TestDb, Profiles) {
    let db = TestDb::new(tag);
    let p = Profiles::new();
    p.write("p", &one_target("morse", &db.url, "production: true"));
    p.run("p", &["migrate"]).expect(0);
    db.client().batch_execute(&format!("DELETE FROM morse_schema_history WHERE version IN ({versions})")).unwrap();
    (db, p)
}

#[test]
fn a_lost_history_row_is_named_by_status_and_verify_and_adopt_records_it() {
    let (db, p) = morse_with_rows_deleted("adopt_lost_row", "2");
    for args in [&["status"][..], &["verify"], &["migrate"]] {
        let run = p.run("p", args);
        run.expect(1);
        let out = run.all();
        assert!(out.contains("V2__indexes is missing from the history") && out.contains("runner adopt"), "{args:?}: {out}");
        assert!(!out.contains("give it a version") && out.contains("do not renumber"), "{args:?}: {out}");
    }
    let json = p.run("p", &["status", "--format", "json"]);
    assert!(json.stdout.contains("\"kind\": \"unrecorded\""), "{}", json.stdout);

    let run = p.run("p", &["adopt"]);
    run.expect(0);
    assert!(run.all().contains("history repaired: recorded V2__indexes (the database matches version 4)"), "{}", run.all());
    let mut c = db.client();
    assert_eq!(history(&mut c, def("morse")), ["1 core_tables", "2 indexes", "3 functions_triggers_views", "4 device_suffix_index"]);
    let note: String = c.query_one("SELECT obj_description('morse_schema_history'::regclass, 'pg_class')", &[]).unwrap().get(0);
    assert!(note.contains("history repair") && note.contains("V2__indexes"), "{note}");
    p.run("p", &["status"]).expect(0);
    p.run("p", &["verify", "--strict"]).expect(0);
    let again = p.run("p", &["adopt"]);
    again.expect(0);
    assert!(again.all().contains("already managed"), "{}", again.all());
}

#[test]
fn a_lost_newest_row_is_recorded_when_its_objects_are_there() {
    let (db, p) = morse_with_rows_deleted("adopt_lost_newest", "4");
    // Only pending, not a problem: migrate would build V4's index again.
    p.run("p", &["status"]).expect(0);
    let run = p.run("p", &["adopt"]);
    run.expect(0);
    assert!(run.all().contains("recorded V4__device_suffix_index (the database matches version 4)"), "{}", run.all());
    assert_eq!(history(&mut db.client(), def("morse")).len(), 4);
    let migrate = p.run("p", &["migrate"]);
    migrate.expect(0);
    assert!(migrate.all().contains("applied 0, already current 4"), "{}", migrate.all());
}

#[test]
fn a_lost_row_whose_objects_are_gone_is_refused_with_the_differences() {
    let (db, p) = morse_with_rows_deleted("adopt_lost_objects", "2");
    let mut c = db.client();
    c.batch_execute("DROP INDEX idx_workouts_date").unwrap();
    let before = (catalog(&mut c), history(&mut c, def("morse")));
    let run = p.run("p", &["adopt"]);
    run.expect(1);
    let out = run.all();
    assert!(out.contains("V2__indexes missing from the history") && out.contains("nothing was recorded"), "{out}");
    assert!(out.contains("index idx_workouts_date is missing"), "{out}");
    assert!(out.contains("--baseline"), "{out}");
    assert_eq!((catalog(&mut c), history(&mut c, def("morse"))), before);
    // The operator checked (and will rebuild the index with a new migration).
    let run = p.run("p", &["adopt", "--baseline", "4"]);
    run.expect(0);
    assert!(run.all().contains("recorded V2__indexes (as given by --baseline)"), "{}", run.all());
    assert_eq!(history(&mut c, def("morse")).len(), 4);
}
