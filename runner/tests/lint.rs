//! `runner lint` and the deploy gate: every committed migration passes; each
//! rule flags a hazardous file at its line and passes its safe rewrite (which
//! really runs on PostgreSQL); waivers and baselines; on a production profile
//! `migrate` refuses hazards on tables with rows before anything runs.

mod common;

use std::path::PathBuf;
use std::process::Command;

use common::*;
use runner::lint::{self, gate::Verdict};
use runner::plan::Plan;

fn lint_cmd(args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_runner"))
        .arg("lint")
        .args(args)
        .env_remove("RUST_LOG")
        .env_remove("RUNNER_PROFILE")
        .output()
        .expect("run the runner binary");
    Run::from(out)
}

/// SQL files of one test, removed at the end.
struct Files {
    dir: PathBuf,
}

impl Files {
    fn new(tag: &str) -> Files {
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos();
        let dir = std::env::temp_dir().join(format!("lint_{tag}_{}_{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        Files { dir }
    }

    fn write(&self, name: &str, sql: &str) -> String {
        let path = self.dir.join(name);
        std::fs::write(&path, sql).unwrap();
        path.display().to_string()
    }
}

impl Drop for Files {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[test]
fn every_committed_migration_passes_lint() {
    let run = lint_cmd(&[]);
    run.expect(0);
    assert_eq!(run.stdout, "", "nothing unwaived may be found");
    assert!(run.stderr.contains("0 hazard(s) found"), "{}", run.stderr);
}

#[test]
fn every_baseline_entry_still_matches_a_finding_and_carries_a_reason() {
    for def in runner::registry::all() {
        let text = std::fs::read_to_string(lint::baseline::path(def)).unwrap_or_default();
        let (entries, bad) = lint::baseline::parse(&text);
        assert!(bad.is_empty(), "{}: malformed baseline lines {bad:?}", def.name);
        assert!(entries.iter().all(|e| e.reason.len() > 20), "{}: every entry says why", def.name);
        let findings = lint::lint_schema(def).unwrap();
        let stale: Vec<_> = findings.iter().filter(|f| f.rule == "baseline-stale").map(lint::format_text).collect();
        assert!(stale.is_empty(), "{stale:#?}");
    }
}

#[test]
fn a_baseline_entry_without_its_finding_is_a_finding() {
    let def = runner::registry::find("morse").unwrap();
    let mut findings: Vec<_> =
        def.sorted_migrations().iter().flat_map(|m| lint::lint_sql(&runner::plan::file_of(def, m), m.sql().unwrap())).collect();
    let committed = std::fs::read_to_string(lint::baseline::path(def)).unwrap();
    // A line number where V2 has no finding (its header comment).
    let text = format!("{committed}migrations/V2__indexes.sql\t1\trequire-concurrent-index-creation\tan index that was removed\n");
    let about = lint::baseline::apply(def, &text, &mut findings);
    let stale: Vec<String> = about.iter().map(lint::format_text).collect();
    assert_eq!(stale.len(), 1, "{stale:?}");
    assert!(
        stale[0].starts_with("morse-schema/lint-baseline.tsv:")
            && stale[0].contains("baseline-stale: lists migrations/V2__indexes.sql:1: require-concurrent-index-creation"),
        "{stale:?}"
    );
    assert!(findings.iter().all(|f| !f.fails()), "the committed baseline still accepts the rest");
}

/// Tables the safe rewrites run against: rows in each.
const SETUP: &str = "
CREATE TABLE users (id bigint PRIMARY KEY);
CREATE TABLE workouts (id bigint PRIMARY KEY, user_id bigint, notes varchar(50), created_at timestamptz DEFAULT now());
CREATE INDEX idx_workouts_created ON workouts (created_at);
CREATE TABLE events (id bigint NOT NULL, kind text);
INSERT INTO users VALUES (1), (2);
INSERT INTO workouts (id, user_id, notes) VALUES (1, 1, 'a'), (2, 2, 'b');
INSERT INTO events VALUES (1, 'x'), (2, 'y');
CREATE TABLE metrics (day date NOT NULL, v int) PARTITION BY RANGE (day);
CREATE TABLE metrics_2024 PARTITION OF metrics FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
INSERT INTO metrics VALUES ('2024-05-01', 1);
";

/// `hazard` is flagged by `rule` at `line`; each file of `safe` (applied in
/// order, as separate migrations) passes lint and runs on PostgreSQL against
/// tables with rows.
fn rule_case(rule: &str, hazard: &str, line: usize, safe: &[&str]) {
    let files = Files::new(&rule.replace('-', "_"));
    let bad = files.write("V9__hazard.sql", hazard);
    let run = lint_cmd(&[&bad]);
    run.expect(1);
    let expected = format!("{bad}:{line}: {rule}: ");
    let hit = run.stdout.lines().find(|l| l.starts_with(&expected));
    assert!(hit.is_some(), "expected a line starting {expected:?}, got:\n{}", run.stdout);
    assert!(hit.unwrap().len() > expected.len() + 40, "the finding says what locks what and the safe way: {hit:?}");

    let db = TestDb::new(&format!("lint_{}", rule.replace('-', "_")));
    let mut c = db.client();
    c.batch_execute(SETUP).unwrap();
    for (i, sql) in safe.iter().enumerate() {
        let path = files.write(&format!("V{}__safe.sql", 10 + i), sql);
        let run = lint_cmd(&[&path]);
        assert_eq!((run.code, run.stdout.as_str()), (0, ""), "safe rewrite {i} of {rule} is flagged:\n{sql}");
        if runner::executor::is_no_transaction(sql) {
            for stmt in runner::sqlsplit::split(sql) {
                c.batch_execute(stmt.text).unwrap_or_else(|e| panic!("{rule}: {}: {e}", stmt.text));
            }
        } else {
            c.batch_execute(&format!("BEGIN;\n{sql}\n;COMMIT;")).unwrap_or_else(|e| panic!("{rule}: {sql}: {e}"));
        }
    }
}

#[test]
fn rule_require_concurrent_index_creation() {
    rule_case(
        "require-concurrent-index-creation",
        "-- index the owner\nCREATE INDEX idx_workouts_user ON workouts (user_id);\n",
        2,
        &["-- no-transaction\nDROP INDEX CONCURRENTLY IF EXISTS idx_workouts_user;\nCREATE INDEX CONCURRENTLY IF NOT EXISTS idx_workouts_user ON workouts (user_id);\n"],
    );
}

#[test]
fn rule_require_concurrent_index_deletion() {
    rule_case(
        "require-concurrent-index-deletion",
        "DROP INDEX idx_workouts_created;\n",
        1,
        &["-- no-transaction\nDROP INDEX CONCURRENTLY IF EXISTS idx_workouts_created;\n"],
    );
}

#[test]
fn rule_adding_field_with_default() {
    rule_case(
        "adding-field-with-default",
        "ALTER TABLE workouts ADD COLUMN token uuid DEFAULT gen_random_uuid();\n",
        1,
        &["ALTER TABLE workouts ADD COLUMN token uuid;\nALTER TABLE workouts ALTER COLUMN token SET DEFAULT gen_random_uuid();\nUPDATE workouts SET token = gen_random_uuid() WHERE token IS NULL;\n"],
    );
}

#[test]
fn rule_changing_column_type() {
    rule_case(
        "changing-column-type",
        "ALTER TABLE workouts\n    ALTER COLUMN user_id TYPE text;\n",
        2,
        &["ALTER TABLE workouts ADD COLUMN user_ref text;\nUPDATE workouts SET user_ref = user_id::text WHERE user_ref IS NULL;\n"],
    );
}

#[test]
fn rule_adding_foreign_key_constraint() {
    rule_case(
        "adding-foreign-key-constraint",
        "ALTER TABLE workouts ADD CONSTRAINT fk_workouts_user FOREIGN KEY (user_id) REFERENCES users (id);\n",
        1,
        &[
            "ALTER TABLE workouts ADD CONSTRAINT fk_workouts_user FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;\n",
            "ALTER TABLE workouts VALIDATE CONSTRAINT fk_workouts_user;\n",
        ],
    );
}

#[test]
fn rule_constraint_missing_not_valid() {
    rule_case(
        "constraint-missing-not-valid",
        "ALTER TABLE workouts ADD CONSTRAINT chk_notes_short CHECK (length(notes) < 40);\n",
        1,
        &[
            "ALTER TABLE workouts ADD CONSTRAINT chk_notes_short CHECK (length(notes) < 40) NOT VALID;\n",
            "ALTER TABLE workouts VALIDATE CONSTRAINT chk_notes_short;\n",
        ],
    );
}

#[test]
fn rule_adding_not_nullable_field() {
    rule_case(
        "adding-not-nullable-field",
        "ALTER TABLE workouts ALTER COLUMN user_id SET NOT NULL;\n",
        1,
        &[
            "ALTER TABLE workouts ADD CONSTRAINT chk_workouts_user_id CHECK (user_id IS NOT NULL) NOT VALID;\n",
            "ALTER TABLE workouts VALIDATE CONSTRAINT chk_workouts_user_id;\nALTER TABLE workouts ALTER COLUMN user_id SET NOT NULL;\n",
        ],
    );
}

#[test]
fn rule_adding_required_field() {
    rule_case(
        "adding-required-field",
        "ALTER TABLE workouts ADD COLUMN kind text NOT NULL;\n",
        1,
        &["ALTER TABLE workouts ADD COLUMN kind text NOT NULL DEFAULT 'run';\n"],
    );
}

#[test]
fn rule_adding_serial_primary_key_field() {
    rule_case(
        "adding-serial-primary-key-field",
        "ALTER TABLE events ADD PRIMARY KEY (id);\n",
        1,
        &[
            "-- no-transaction\nDROP INDEX CONCURRENTLY IF EXISTS events_id_idx;\nCREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS events_id_idx ON events (id);\n",
            "ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY USING INDEX events_id_idx;\n",
        ],
    );
}

#[test]
fn rule_disallowed_unique_constraint() {
    rule_case(
        "disallowed-unique-constraint",
        "ALTER TABLE workouts ADD CONSTRAINT uq_workouts_notes UNIQUE (notes);\n",
        1,
        &[
            "-- no-transaction\nDROP INDEX CONCURRENTLY IF EXISTS uq_workouts_notes_idx;\nCREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS uq_workouts_notes_idx ON workouts (notes);\n",
            "ALTER TABLE workouts ADD CONSTRAINT uq_workouts_notes UNIQUE USING INDEX uq_workouts_notes_idx;\n",
        ],
    );
}

#[test]
fn rule_renaming_column() {
    rule_case(
        "renaming-column",
        "ALTER TABLE workouts RENAME COLUMN notes TO comment;\n",
        1,
        &["ALTER TABLE workouts ADD COLUMN comment text;\nUPDATE workouts SET comment = notes WHERE comment IS NULL;\n"],
    );
}

#[test]
fn rule_renaming_table() {
    rule_case(
        "renaming-table",
        "ALTER TABLE workouts RENAME TO training_sessions;\n",
        1,
        &["-- runner:allow renaming-table the view below keeps the old name working for running code\nALTER TABLE workouts RENAME TO training_sessions;\nCREATE VIEW workouts AS SELECT * FROM training_sessions;\n"],
    );
}

#[test]
fn rule_ban_drop_column() {
    rule_case(
        "ban-drop-column",
        "ALTER TABLE workouts DROP COLUMN notes;\n",
        1,
        &["-- runner:allow ban-drop-column the application stopped reading notes in release 42\nALTER TABLE workouts DROP COLUMN notes;\n"],
    );
}

#[test]
fn rule_ban_drop_table() {
    rule_case(
        "ban-drop-table",
        "DROP TABLE events;\n",
        1,
        &["-- runner:allow ban-drop-table nothing has used events since release 42\nDROP TABLE events;\n"],
    );
}

#[test]
fn rule_ban_drop_not_null() {
    rule_case(
        "ban-drop-not-null",
        "ALTER TABLE events ALTER COLUMN id DROP NOT NULL;\n",
        1,
        &["-- runner:allow ban-drop-not-null every reader of events handles a NULL id since release 42\nALTER TABLE events ALTER COLUMN id DROP NOT NULL;\n"],
    );
}

#[test]
fn rule_ban_concurrent_index_creation_in_transaction() {
    rule_case(
        "ban-concurrent-index-creation-in-transaction",
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_workouts_user ON workouts (user_id);\n",
        1,
        &["-- no-transaction\nDROP INDEX CONCURRENTLY IF EXISTS idx_workouts_user;\nCREATE INDEX CONCURRENTLY IF NOT EXISTS idx_workouts_user ON workouts (user_id);\n"],
    );
}

#[test]
fn rule_transaction_nesting() {
    rule_case(
        "transaction-nesting",
        "BEGIN;\nALTER TABLE workouts ADD COLUMN rating int;\nCOMMIT;\n",
        1,
        &["ALTER TABLE workouts ADD COLUMN rating int;\n"],
    );
}

#[test]
fn rule_ban_truncate_cascade() {
    rule_case("ban-truncate-cascade", "TRUNCATE users CASCADE;\n", 1, &["TRUNCATE events;\n"]);
}

#[test]
fn rule_require_concurrent_reindex() {
    rule_case(
        "require-concurrent-reindex",
        "REINDEX INDEX idx_workouts_created;\n",
        1,
        &["-- no-transaction\nREINDEX INDEX CONCURRENTLY idx_workouts_created;\n"],
    );
}

#[test]
fn rule_require_concurrent_partition_detach() {
    rule_case(
        "require-concurrent-partition-detach",
        "ALTER TABLE metrics DETACH PARTITION metrics_2024;\n",
        1,
        &["-- no-transaction\n-- runner:allow rerunnable-no-transaction if interrupted, finish it with ALTER TABLE metrics DETACH PARTITION metrics_2024 FINALIZE\nALTER TABLE metrics DETACH PARTITION metrics_2024 CONCURRENTLY;\n"],
    );
}

#[test]
fn rule_ban_drop_database() {
    // No rewrite: never in a migration.
    rule_case("ban-drop-database", "DROP DATABASE morse_dev;\n", 1, &[]);
}

#[test]
fn rule_ban_create_domain_with_constraint() {
    rule_case(
        "ban-create-domain-with-constraint",
        "CREATE DOMAIN positive_id AS bigint CHECK (VALUE > 0);\n",
        1,
        &[
            "ALTER TABLE workouts ADD CONSTRAINT chk_workouts_user_positive CHECK (user_id > 0) NOT VALID;\n",
            "ALTER TABLE workouts VALIDATE CONSTRAINT chk_workouts_user_positive;\n",
        ],
    );
}

#[test]
fn rule_ban_drop_default_and_squawks_other_compatibility_rules() {
    rule_case(
        "ban-drop-default",
        "ALTER TABLE workouts ALTER COLUMN created_at DROP DEFAULT;\n",
        1,
        &["-- runner:allow ban-drop-default every writer sets created_at itself since release 42\nALTER TABLE workouts ALTER COLUMN created_at DROP DEFAULT;\n"],
    );
}

#[test]
fn rule_rerunnable_no_transaction() {
    // Without IF NOT EXISTS a rerun fails; without the DROP an INVALID index
    // left by a failed build would be kept.
    rule_case(
        "rerunnable-no-transaction",
        "-- no-transaction\nCREATE INDEX CONCURRENTLY idx_workouts_user ON workouts (user_id);\n",
        2,
        &["-- no-transaction\nDROP INDEX CONCURRENTLY IF EXISTS idx_workouts_user;\nCREATE INDEX CONCURRENTLY IF NOT EXISTS idx_workouts_user ON workouts (user_id);\n"],
    );
    rule_case(
        "rerunnable-no-transaction",
        "-- no-transaction\nCREATE INDEX CONCURRENTLY IF NOT EXISTS idx_workouts_user ON workouts (user_id);\n",
        2,
        &["-- no-transaction\nDROP INDEX CONCURRENTLY IF EXISTS idx_workouts_user;\nCREATE INDEX CONCURRENTLY IF NOT EXISTS idx_workouts_user ON workouts (user_id);\n"],
    );
}

#[test]
fn statements_inside_do_blocks_are_linted() {
    rule_case(
        "adding-foreign-key-constraint",
        "DO $$\nBEGIN\n    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'fk_workouts_user') THEN\n        ALTER TABLE workouts\n            ADD CONSTRAINT fk_workouts_user FOREIGN KEY (user_id) REFERENCES users (id);\n    END IF;\nEND $$;\n",
        5,
        &["-- runner:allow adding-foreign-key-constraint,constraint-missing-not-valid workouts holds a few hundred rows, checked in a millisecond\nDO $$\nBEGIN\n    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'fk_workouts_user') THEN\n        ALTER TABLE workouts\n            ADD CONSTRAINT fk_workouts_user FOREIGN KEY (user_id) REFERENCES users (id);\n    END IF;\nEND $$;\n"],
    );
}

#[test]
fn a_table_created_by_the_same_migration_is_not_a_hazard() {
    let files = Files::new("same");
    let path = files.write(
        "V9__new_table.sql",
        "CREATE TABLE plans (id bigint PRIMARY KEY, user_id bigint NOT NULL, name varchar(40));\nCREATE INDEX idx_plans_user ON plans (user_id);\nALTER TABLE plans ADD CONSTRAINT fk_plans_user FOREIGN KEY (user_id) REFERENCES users (id);\nALTER TABLE plans ALTER COLUMN name SET NOT NULL;\n",
    );
    let run = lint_cmd(&[&path]);
    assert_eq!((run.code, run.stdout.as_str()), (0, ""));
    // The same statements on an existing table are hazards.
    let path = files.write("V10__old_table.sql", "CREATE INDEX idx_plans_user ON plans (user_id);\n");
    lint_cmd(&[&path]).expect(1);
}

#[test]
fn waivers_need_a_known_rule_a_reason_and_a_finding_below() {
    let files = Files::new("waivers");
    let path = files.write(
        "V9__waivers.sql",
        "-- runner:allow require-concurrent-index-creation\nCREATE INDEX a ON workouts (user_id);\n\n-- runner:allow ban-drop-column not the rule of the statement below\nCREATE INDEX CONCURRENTLY b ON workouts (user_id);\n\n-- runner:allow no-such-rule some reason\n-- squawk-ignore ban-drop-table\nDROP TABLE events;\n",
    );
    let run = lint_cmd(&[&path]);
    run.expect(1);
    for (line, rule) in [
        (1, "waiver-missing-reason"),
        (2, "require-concurrent-index-creation"),
        (4, "waiver-unused"),
        (5, "ban-concurrent-index-creation-in-transaction"),
        (7, "waiver-unknown-rule"),
        (8, "waiver-squawk-ignore"),
    ] {
        assert!(run.stdout.contains(&format!("{path}:{line}: {rule}: ")), "{line} {rule}:\n{}", run.stdout);
    }
}

#[test]
fn json_lists_waived_findings_with_their_reason() {
    let files = Files::new("json");
    let path = files.write(
        "V9__json.sql",
        "-- runner:allow require-concurrent-index-creation workouts holds ten rows\nCREATE INDEX a ON workouts (user_id);\nALTER TABLE workouts DROP COLUMN notes;\n",
    );
    let run = lint_cmd(&["--format", "json", &path]);
    run.expect(1);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(doc["ok"], false);
    let f = doc["findings"].as_array().unwrap();
    assert_eq!(f.len(), 2, "{f:?}");
    assert_eq!((f[0]["line"].as_u64(), f[0]["rule"].as_str()), (Some(2), Some("require-concurrent-index-creation")));
    assert_eq!(f[0]["accepted"]["reason"], "workouts holds ten rows");
    assert_eq!((f[1]["line"].as_u64(), f[1]["table"].as_str(), f[1]["accepted"].is_null()), (Some(3), Some("workouts"), true));
}

#[test]
fn style_findings_show_only_when_asked_and_never_fail() {
    let files = Files::new("style");
    let path = files.write("V9__style.sql", "CREATE TABLE t (id int PRIMARY KEY, name varchar(20));\n");
    let run = lint_cmd(&[&path]);
    assert_eq!((run.code, run.stdout.as_str()), (0, ""));
    let run = lint_cmd(&["--style", &path]);
    run.expect(0);
    assert!(run.stdout.contains(":1: prefer-text-field (style): "), "{}", run.stdout);
}

#[test]
fn bad_usage_exits_2_with_one_line() {
    let run = lint_cmd(&["--schema", "nope"]);
    run.expect(2);
    assert!(run.stderr.contains("unknown schema `nope`"), "{}", run.stderr);
    let run = lint_cmd(&["/nonexistent/V1__x.sql"]);
    run.expect(2);
    assert!(run.stderr.contains("cannot read /nonexistent/V1__x.sql"), "{}", run.stderr);
    lint_cmd(&["--schema", "morse", "/nonexistent/V1__x.sql"]).expect(2);
}

/// A MORSE database at V1 (history recorded), optionally with rows in `users`.
fn morse_at_v1(tag: &str, users: usize) -> TestDb {
    let db = TestDb::new(tag);
    let def = runner::registry::find("morse").unwrap();
    let mut c = db.client();
    c.batch_execute(&runner::history::create_sql(&def.history_table())).unwrap();
    let v1 = def.sorted_migrations().into_iter().take(1).collect();
    runner::executor::apply(&mut c, def, "morse", &Plan { applied: vec![], pending: v1, problems: vec![] }).unwrap();
    for i in 0..users {
        c.batch_execute(&format!("INSERT INTO users (device_uuid) VALUES ('device-{i}')")).unwrap();
    }
    c.batch_execute("ANALYZE users").unwrap();
    db
}

fn production(db: &TestDb) -> Profiles {
    let p = Profiles::new();
    p.write("prod", &one_target("morse", &db.url, "production: true"));
    p.write("dev", &one_target("morse", &db.url, "production: false"));
    p
}

#[test]
fn gate_refuses_hazards_on_tables_with_rows_before_anything_runs() {
    let db = morse_at_v1("gate_rows", 3);
    let p = production(&db);
    let run = p.run("prod", &["migrate"]);
    run.expect(2);
    assert!(
        run.stderr.contains("morse-schema/migrations/V2__indexes.sql:14: require-concurrent-index-creation: CREATE INDEX locks writes to users")
            && run.stderr.contains("(refused: users has about 3 rows (estimate))"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("refused: workouts"), "empty tables are fine:\n{}", run.stderr);
    assert!(run.stderr.contains("refused before anything ran") && run.stderr.contains("--allow-hazards"), "{}", run.stderr);
    let mut c = db.client();
    assert_eq!(rows(&mut c, "SELECT version FROM morse_schema_history"), vec!["1"], "nothing applied");
    assert_eq!(count(&mut c, "SELECT count(*) FROM pg_indexes WHERE indexname = 'idx_users_device_uuid'"), 0);

    // The dry run shows every finding with its verdict, and exits as migrate would.
    let run = p.run("prod", &["migrate", "--dry-run"]);
    run.expect(2);
    assert!(run.stdout.contains("  lint morse-schema/migrations/V2__indexes.sql:14: require-concurrent-index-creation: ") && run.stdout.contains("=> refused: users has about 3 rows (estimate)"), "{}", run.stdout);
    assert!(run.stdout.contains("=> fine: workouts is empty"), "{}", run.stdout);
    assert!(run.stdout.contains("hazard(s) on live tables: migrate would refuse"), "{}", run.stdout);

    // The operator checked: --allow-hazards applies.
    p.run("prod", &["migrate", "--allow-hazards"]).expect(0);
    assert_eq!(rows(&mut c, "SELECT version FROM morse_schema_history ORDER BY 1"), vec!["1", "2", "3", "4"]);
}

#[test]
fn gate_passes_tables_this_run_creates_or_that_are_empty() {
    // A new database: every table is created by this run.
    let fresh = TestDb::new("gate_fresh");
    production(&fresh).run("prod", &["migrate"]).expect(0);
    // At V1 with empty tables.
    let empty = morse_at_v1("gate_empty", 0);
    let p = production(&empty);
    let run = p.run("prod", &["migrate", "--dry-run"]);
    run.expect(0);
    assert!(run.stdout.contains("=> fine: users is empty"), "{}", run.stdout);
    p.run("prod", &["migrate"]).expect(0);
}

#[test]
fn gate_is_off_on_non_production_profiles() {
    let db = morse_at_v1("gate_dev", 2);
    let p = production(&db);
    let run = p.run("dev", &["migrate", "--dry-run"]);
    run.expect(0);
    assert!(run.stdout.contains("(not a production profile: migrate does not gate these)"), "{}", run.stdout);
    p.run("dev", &["migrate"]).expect(0);
}

#[test]
fn gate_verdicts_waivers_indexes_and_findings_without_a_table() {
    let db = morse_at_v1("gate_verdicts", 2);
    let mut c = db.client();
    let def = runner::registry::find("morse").unwrap();
    let pending = vec![
        refinery::Migration::unapplied(
            "V100__hazards",
            "-- runner:allow require-concurrent-index-creation users holds a handful of rows\nCREATE INDEX a ON users (created_at);\n\
             DROP INDEX users_device_uuid_key_nothing;\nALTER TABLE workouts ADD COLUMN n int DEFAULT (random() * 10)::int;\n\
             DROP INDEX idx_users_does_not_exist;\nCREATE TABLE plans (id int);\n",
        )
        .unwrap(),
        refinery::Migration::unapplied("V101__more", "CREATE INDEX b ON plans (id);\nDROP SEQUENCE some_sequence;\n").unwrap(),
    ];
    c.batch_execute("CREATE INDEX users_device_uuid_key_nothing ON users (last_seen)").unwrap();
    let verdicts: Vec<(usize, String, Verdict)> = lint::gate::assess(Some(&mut c), def, &pending)
        .unwrap()
        .into_iter()
        .map(|a| (a.finding.line, a.finding.rule, a.verdict))
        .collect();
    assert_eq!(
        verdicts,
        vec![
            (2, "require-concurrent-index-creation".into(), Verdict::Waived("users holds a handful of rows".into())),
            (3, "require-concurrent-index-deletion".into(), Verdict::HasRows { table: "users".into(), estimate: Some(2) }),
            (4, "adding-field-with-default".into(), Verdict::Empty { table: "workouts".into() }),
            (5, "require-concurrent-index-deletion".into(), Verdict::NotInDatabase),
            (1, "require-concurrent-index-creation".into(), Verdict::CreatedThisRun),
            (2, "ban-drop-sequence".into(), Verdict::NotOneTable),
        ]
    );
    let refused: Vec<usize> = verdicts.iter().filter(|v| v.2.refuses()).map(|v| v.0).collect();
    assert_eq!(refused, vec![3], "only the statement on a table with rows is refused");
}
