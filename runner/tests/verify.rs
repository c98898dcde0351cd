//! `runner verify`: clean databases pass; every kind of tampering is caught,
//! named and exits 1; drift warns; an unreachable target exits 3 while the
//! others are still reported; the committed expected catalogs are current.

mod common;

use common::*;

fn migrated_morse(tag: &str) -> (TestDb, Profiles) {
    let db = TestDb::new(tag);
    let p = Profiles::new();
    p.write("p", &one_target("morse", &db.url, "production: true"));
    p.run("p", &[]).expect(0);
    (db, p)
}

/// Apply `sql` to a freshly migrated MORSE database, verify, expect exit 1
/// and a failed check whose name and detail contain `expect`.
#[track_caller]
fn caught(tag: &str, sql: &str, name: &str, detail: &str) {
    let (db, p) = migrated_morse(tag);
    db.client().batch_execute(sql).unwrap();
    let run = p.run("p", &["verify", "--format", "json"]);
    run.expect(1);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(doc["ok"], false);
    let checks = doc["targets"][0]["checks"].as_array().unwrap();
    assert!(
        checks.iter().any(|c| c["ok"] == false && c["name"].as_str().unwrap().contains(name) && c["detail"].as_str().unwrap().contains(detail)),
        "no failed check `{name}` with `{detail}` in {checks:#?}"
    );
}

#[test]
fn every_fresh_schema_verifies_clean() {
    for def in runner::registry::all() {
        let db = TestDb::new(&format!("verify_{}", def.name.replace('-', "_")));
        let p = Profiles::new();
        p.write("p", &one_target(def.name, &db.url, "production: false"));
        p.run("p", &["--with-test-data"]).expect(0);
        let run = p.run("p", &["verify", "--strict"]);
        run.expect(0);
        assert!(run.stdout.contains(" ok ") && run.stdout.contains("0 failed, 0 warning(s)"), "{}: {}", def.name, run.stdout);
    }
}

#[test]
fn a_dropped_index_is_caught() {
    caught("v_index", "DROP INDEX idx_workouts_date", "catalog: index idx_workouts_date", "missing");
}

#[test]
fn a_changed_column_type_is_caught() {
    caught("v_type", "ALTER TABLE exercises ALTER COLUMN sets TYPE bigint", "catalog: column exercises.sets", "expected integer, found bigint");
}

#[test]
fn a_removed_not_null_is_caught() {
    caught("v_notnull", "ALTER TABLE users ALTER COLUMN device_uuid DROP NOT NULL", "catalog: column users.device_uuid", "expected NOT NULL, found nullable");
}

#[test]
fn an_edited_function_body_is_caught() {
    caught(
        "v_function",
        "CREATE OR REPLACE FUNCTION generate_invite_code() RETURNS varchar LANGUAGE plpgsql AS $$ BEGIN RETURN 'AAAAAAAA'; END $$",
        "catalog: function generate_invite_code()",
        "body differs",
    );
}

#[test]
fn a_redefined_view_is_caught() {
    caught(
        "v_view",
        "CREATE OR REPLACE VIEW user_workout_summaries AS SELECT * FROM user_workout_summaries WHERE false",
        "catalog: view user_workout_summaries",
        "definition differs",
    );
}

#[test]
fn a_dropped_foreign_key_is_caught() {
    caught("v_fk", "ALTER TABLE exercises DROP CONSTRAINT exercises_workout_id_fkey", "catalog: constraint exercises_workout_id_fkey", "missing");
}

#[test]
fn an_orphaned_row_is_caught() {
    // Foreign-key triggers off (as a bulk load or a bad restore would do).
    caught(
        "v_orphan",
        "SET session_replication_role = replica; INSERT INTO exercises (workout_id, exercise_name) VALUES (gen_random_uuid(), 'ghost'); RESET session_replication_role;",
        "integrity: no_orphaned_exercises",
        "points at missing workout",
    );
}

#[test]
fn a_changed_history_checksum_is_caught() {
    caught("v_checksum", "UPDATE morse_schema_history SET checksum = '1' WHERE version = 3", "history: divergent", "V3__functions_triggers_views.sql was edited");
}

#[test]
fn an_added_enum_value_is_caught() {
    let db = TestDb::new("v_enum");
    let p = Profiles::new();
    p.write("p", &one_target("mued", &db.url, "production: false"));
    p.run("p", &["--with-test-data"]).expect(0);
    db.client().batch_execute("ALTER TYPE content_type ADD VALUE 'podcast'").unwrap();
    let run = p.run("p", &["verify"]);
    run.expect(1);
    assert!(run.stdout.contains("FAIL catalog: enum content_type: expected values [material, creation_log, generated, note_article, ai_response], found [material, creation_log, generated, note_article, ai_response, podcast]"), "{}", run.stdout);
}

#[test]
fn test_devices_on_a_production_database_are_caught() {
    let (db, p) = migrated_morse("v_testdata");
    let local = Profiles::new();
    local.write("l", &one_target("morse", &db.url, "production: false"));
    local.run("l", &["--with-test-data"]).expect(0);
    local.run("l", &["verify"]).expect(0);
    let run = p.run("p", &["verify"]);
    run.expect(1);
    assert!(run.stdout.contains("integrity: test_devices_only_outside_production") && run.stdout.contains("c4b9"), "{}", run.stdout);
}

#[test]
fn an_extra_table_is_a_warning_and_a_failure_with_strict() {
    let (db, p) = migrated_morse("v_drift");
    db.client().batch_execute("CREATE TABLE notes_scratch (id int); ALTER TABLE users ADD COLUMN nickname text").unwrap();
    let run = p.run("p", &["verify"]);
    run.expect(0);
    assert!(run.stdout.contains("warn catalog: table notes_scratch: drift") && run.stdout.contains("warn catalog: column users.nickname"), "{}", run.stdout);
    let strict = p.run("p", &["verify", "--strict"]);
    strict.expect(1);
    assert!(strict.stdout.contains("FAIL catalog: table notes_scratch"), "{}", strict.stdout);
}

#[test]
fn verify_is_read_only() {
    let (db, p) = migrated_morse("v_readonly");
    let mut c = db.client();
    let before = (catalog(&mut c), data_fingerprint(&mut c), rows(&mut c, "SELECT * FROM morse_schema_history ORDER BY 1"));
    p.run("p", &["verify"]).expect(0);
    assert_eq!(before, (catalog(&mut c), data_fingerprint(&mut c), rows(&mut c, "SELECT * FROM morse_schema_history ORDER BY 1")));
}

#[test]
fn an_unreachable_target_exits_3_and_the_others_are_still_reported() {
    let (db, _) = migrated_morse("v_unreachable");
    let p = Profiles::new();
    p.write(
        "two",
        &format!(
            "production: true\ntargets:\n  - name: down\n    schema: morse\n    url: \"postgres://app:{}@127.0.0.1:1/x?connect_timeout=2\"\n  - name: up\n    schema: morse\n    url: \"{}\"\n",
            "VerifySecret9", db.url
        ),
    );
    let run = p.run("two", &["verify", "--format", "json"]);
    run.expect(3);
    assert!(!run.all().contains("VerifySecret9"));
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let targets = doc["targets"].as_array().unwrap();
    assert_eq!(targets[0]["name"], "down");
    assert_eq!(targets[0]["ok"], false);
    assert!(targets[0]["error"].as_str().unwrap().contains("cannot connect"));
    assert_eq!(targets[1]["name"], "up");
    assert_eq!(targets[1]["ok"], true);
    assert!(targets[1]["checks"].as_array().unwrap().len() >= 8);
    assert!(targets[1]["server_version"].as_str().is_some());
    assert_eq!(targets[1]["applied"].as_array().unwrap().len(), 4);
}

#[test]
fn committed_expected_catalogs_match_what_the_migrations_produce() {
    for def in runner::registry::all() {
        let produced = runner::commands::snapshot::produce(def, &admin_url()).unwrap();
        let committed = runner::catalog::Catalog::from_json(def.expected_catalog.expect("every schema has an expected catalog")).unwrap();
        let versions = runner::catalog::parse_versions(def.version_catalogs.expect("every schema has version catalogs")).unwrap();
        assert!(
            produced.newest == committed && produced.versions == versions,
            "{}: {} is out of date; regenerate it with `cargo run -p runner -- snapshot --schema {}` and commit it",
            def.name,
            def.catalog_path().display(),
            def.name
        );
    }
}

/// A migrated database of `schema` (with test data) and its profile.
fn migrated(schema: &str, tag: &str) -> (TestDb, Profiles) {
    let db = TestDb::new(tag);
    let p = Profiles::new();
    p.write("p", &one_target(schema, &db.url, "production: false"));
    p.run("p", &["--with-test-data"]).expect(0);
    (db, p)
}

#[test]
fn a_shared_function_redefined_by_the_application_passes_and_is_reported_as_shared() {
    // MUED's own later migrations write NOW(); Oprina's Supabase migration
    // assigns timezone('utc', now()). Same signature, same return type.
    for (schema, assign) in [("mued", "NOW()"), ("oprina", "timezone('utc', now())")] {
        let (db, p) = migrated(schema, &format!("v_shared_{schema}"));
        db.client()
            .batch_execute(&format!(
                "CREATE OR REPLACE FUNCTION update_updated_at_column() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.updated_at = {assign}; RETURN NEW; END $$"
            ))
            .unwrap();
        let run = p.run("p", &["verify", "--strict"]);
        run.expect(0);
        assert!(
            run.stdout.contains("note catalog: function update_updated_at_column(): shared with the application: signature and return type (trigger) checked, its body is not compared"),
            "{schema}: {}",
            run.stdout
        );
    }
    // Rollback's check of the version reached does not compare its body either.
    let (db, p) = migrated("mued", "v_shared_rollback");
    db.client()
        .batch_execute("CREATE OR REPLACE FUNCTION update_updated_at_column() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.updated_at = CURRENT_TIMESTAMP; RETURN NEW; END $$")
        .unwrap();
    p.run("p", &["rollback", "--confirm", "--to", "1"]).expect(0);
}

#[test]
fn a_shared_function_that_is_gone_or_returns_another_type_fails() {
    let (db, p) = migrated("mued", "v_shared_gone");
    db.client().batch_execute("DROP FUNCTION update_updated_at_column() CASCADE").unwrap();
    let run = p.run("p", &["verify"]);
    run.expect(1);
    assert!(run.stdout.contains("FAIL catalog: function update_updated_at_column(): missing"), "{}", run.stdout);
    db.client()
        .batch_execute("CREATE FUNCTION update_updated_at_column() RETURNS void LANGUAGE sql AS 'SELECT'")
        .unwrap();
    let run = p.run("p", &["verify"]);
    run.expect(1);
    assert!(run.stdout.contains("FAIL catalog: function update_updated_at_column(): expected to return trigger, found void"), "{}", run.stdout);
}

#[test]
fn an_invalid_index_left_by_an_interrupted_concurrent_build_fails_with_the_fix() {
    let (db, p) = migrated("mued", "v_invalid_index");
    let mut c = db.client();
    // Two rows on one day, then the unique index built concurrently: the
    // build fails and leaves the index behind, INVALID.
    c.batch_execute(
        "DROP INDEX idx_rag_metrics_date_unique;
         INSERT INTO rag_metrics_history (date) VALUES ('2025-03-01 09:00'), ('2025-03-01 17:00');",
    )
    .unwrap();
    let build = "CREATE UNIQUE INDEX CONCURRENTLY idx_rag_metrics_date_unique ON rag_metrics_history USING btree (date(date))";
    assert!(c.batch_execute(build).is_err(), "the concurrent build should fail on the duplicate day");
    let run = p.run("p", &["verify"]);
    run.expect(1);
    let line = run.stdout.lines().find(|l| l.contains("FAIL catalog: index idx_rag_metrics_date_unique")).unwrap_or_else(|| panic!("{}", run.stdout));
    assert!(line.contains("INVALID (left by an interrupted CREATE INDEX CONCURRENTLY)"), "{line}");
    // The fix as printed works once the duplicate is gone.
    let fix = line.split_once("drop and rebuild it: ").unwrap().1;
    let (drop, create) = fix.split_once("; then ").unwrap();
    assert_eq!(drop, "DROP INDEX CONCURRENTLY idx_rag_metrics_date_unique");
    c.batch_execute("DELETE FROM rag_metrics_history WHERE date = '2025-03-01 17:00'").unwrap();
    c.batch_execute(drop).unwrap();
    c.batch_execute(create).unwrap();
    p.run("p", &["verify", "--strict"]).expect(0);
}

#[test]
fn a_not_valid_constraint_of_ours_fails_with_the_fix() {
    let (db, p) = migrated_morse("v_not_valid");
    let mut c = db.client();
    c.batch_execute(
        "ALTER TABLE exercises DROP CONSTRAINT exercises_workout_id_fkey;
         ALTER TABLE exercises ADD CONSTRAINT exercises_workout_id_fkey
             FOREIGN KEY (workout_id) REFERENCES workouts(id) ON DELETE CASCADE NOT VALID;",
    )
    .unwrap();
    let run = p.run("p", &["verify"]);
    run.expect(1);
    let fix = "ALTER TABLE exercises VALIDATE CONSTRAINT exercises_workout_id_fkey";
    assert!(
        run.stdout.contains(&format!(
            "FAIL catalog: constraint exercises_workout_id_fkey on exercises: NOT VALID: rows written before it was added are not checked; run {fix}"
        )),
        "{}",
        run.stdout
    );
    c.batch_execute(fix).unwrap();
    p.run("p", &["verify", "--strict"]).expect(0);
}
