//! rollback: every schema goes back one version at a time to zero, matching
//! on each step the catalog it had on the way up; nothing without --confirm;
//! backups; a database that does not match the version reached fails loudly.

mod common;

use common::*;
use runner::plan::Plan;

/// Apply `def`'s migrations one at a time, returning the catalog fingerprint
/// before any (index 0) and after each version.
fn climb(db: &TestDb, def: &'static schema_def::SchemaDef) -> Vec<Vec<String>> {
    let mut c = db.client();
    if let Some(base) = def.dev_base {
        c.batch_execute(base).unwrap();
    }
    let mut seen = vec![catalog(&mut c)];
    c.batch_execute(&runner::history::create_sql(&def.history_table())).unwrap();
    for m in def.sorted_migrations() {
        let step = Plan { applied: vec![], pending: vec![m], problems: vec![] };
        runner::executor::apply(&mut c, def, def.name, &step).unwrap();
        seen.push(catalog(&mut c));
    }
    seen
}

#[test]
fn every_schema_rolls_back_one_version_at_a_time_to_zero() {
    for def in runner::registry::all() {
        let db = TestDb::new(&format!("rb_{}", def.name.replace('-', "_")));
        let seen = climb(&db, def);
        let p = Profiles::new();
        p.write("p", &one_target(def.name, &db.url, "production: false"));
        let mut c = db.client();
        // Objects the application shares (MUED's update_updated_at_column) stay on purpose.
        let own = |cat: Vec<String>| -> Vec<String> {
            cat.into_iter()
                .filter(|l| !def.shared_objects.iter().any(|s| l.starts_with(&format!("fn {} ", s.trim_start_matches("function ")))))
                .collect()
        };
        for v in (0..seen.len() - 1).rev() {
            let run = p.run("p", &["rollback", "--confirm", "--to", &v.to_string()]);
            run.expect(0);
            assert!(run.stderr.contains(&format!("now at version {v}")), "{}: {}", def.name, run.stderr);
            assert_eq!(own(catalog(&mut c)), own(seen[v].clone()), "{} at version {v} differs from the way up", def.name);
        }
        let history_left = count(&mut c, &format!("SELECT count(*) FROM pg_tables WHERE tablename = '{}'", def.history_table()));
        assert_eq!(history_left, 0, "{}: history table left", def.name);
        // And up again, then everything at once.
        p.run("p", &[]).expect(0);
        p.run("p", &["rollback", "--confirm"]).expect(0);
        assert_eq!(own(catalog(&mut c)), own(seen[0].clone()), "{}: full rollback left objects", def.name);
    }
}

fn migrated_morse(tag: &str) -> (TestDb, Profiles) {
    let db = TestDb::new(tag);
    let p = Profiles::new();
    p.write("p", &one_target("morse", &db.url_with_password("RollbackSecret1"), "production: true"));
    p.run("p", &[]).expect(0);
    (db, p)
}

#[test]
fn without_confirm_it_prints_the_plan_and_changes_nothing() {
    let (db, p) = migrated_morse("rb_noconfirm");
    let mut c = db.client();
    let before = (catalog(&mut c), rows(&mut c, "SELECT * FROM morse_schema_history ORDER BY 1"));
    let run = p.run("p", &["rollback", "--to", "2"]);
    run.expect(2);
    assert!(run.stdout.contains("would undo 2 (V4__device_suffix_index, V3__functions_triggers_views), leaving version 2"), "{}", run.stdout);
    assert!(run.stderr.contains("--confirm"), "{}", run.stderr);
    assert_eq!(before, (catalog(&mut c), rows(&mut c, "SELECT * FROM morse_schema_history ORDER BY 1")));
    let run = p.run("p", &["rollback", "--confirm", "--to", "7"]);
    run.expect(2);
    assert!(run.stderr.contains("--to 7 is not an applied version"), "{}", run.stderr);
}

#[test]
fn save_backup_writes_a_dump_that_pg_restore_reads() {
    let (db, p) = migrated_morse("rb_backup");
    let dir = p.dir.join("backups");
    let run = p.run("p", &["rollback", "--confirm", "--to", "3", "--save-backup", dir.to_str().unwrap()]);
    run.expect(0);
    assert!(!run.all().contains("RollbackSecret1"));
    let file = std::fs::read_dir(&dir).unwrap().next().unwrap().unwrap().path();
    assert!(run.stdout.contains(&file.display().to_string()), "{}", run.stdout);
    let list = std::process::Command::new("pg_restore").arg("--list").arg(&file).output().unwrap();
    assert!(String::from_utf8_lossy(&list.stdout).contains("idx_users_device_uuid_last4"), "the dump predates the rollback");
    assert_eq!(count(&mut db.client(), "SELECT max(version)::bigint FROM morse_schema_history"), 3);
}

#[test]
fn save_backup_without_pg_dump_exits_2_before_anything_changes() {
    let (db, p) = migrated_morse("rb_nodump");
    let run = p.run_env("p", &["rollback", "--confirm", "--save-backup", "b"], &[("PATH", "/nonexistent")]);
    run.expect(2);
    assert!(run.stderr.contains("pg_dump"), "{}", run.stderr);
    assert_eq!(count(&mut db.client(), "SELECT count(*) FROM morse_schema_history"), 4);
}

#[test]
fn a_database_that_does_not_match_the_version_reached_fails_loudly() {
    let (db, p) = migrated_morse("rb_mismatch");
    db.client().batch_execute("ALTER TABLE exercises ALTER COLUMN sets TYPE bigint").unwrap();
    let run = p.run("p", &["rollback", "--confirm", "--to", "2"]);
    run.expect(1);
    assert!(run.stderr.contains("does not match that version") && run.stderr.contains("column exercises.sets differs from version 2"), "{}", run.stderr);
}

fn leaky() -> Vec<schema_def::Migration> {
    vec![schema_def::Migration::unapplied("V1__two_tables", "CREATE TABLE a (id int); CREATE TABLE b (id int);").unwrap()]
}

#[test]
fn debris_left_by_a_down_script_is_named() {
    let def: &'static schema_def::SchemaDef = Box::leak(Box::new(schema_def::SchemaDef {
        name: "leaky",
        summary: "test",
        migrations: schema_def::Embedded { list: leaky, dir: "/nonexistent" },
        test_data: None,
        prerequisites: None,
        dev_base: None,
        expected_catalog: None,
        integrity_checks: None,
        legacy: &[],
        down: &[schema_def::DownScript { version: 1, name: "two_tables", sql: "DROP TABLE a;" }],
        shared_objects: &[],
        version_catalogs: Some(r#"{"1": {"table a": "0", "table b": "0"}}"#),
    }));
    let db = TestDb::new("rb_debris");
    climb(&db, def);
    let t = runner::profile::Target { name: "leaky".into(), schema: def, url: runner::db::DbUrl::parse(&db.url).unwrap(), create_database: false };
    let prof = runner::profile::Profile {
        name: "t".into(), path: "t.yaml".into(), description: None, production: false,
        lock_timeout: std::time::Duration::from_secs(10), lock_retries: 0, statement_timeout: None,
        connect_timeout: std::time::Duration::from_secs(10), targets: vec![], etl: None,
    };
    let opts = runner::commands::rollback::Options { confirm: true, to: None, save_backup: None };
    let e = runner::commands::rollback::run(&prof, &[t], Default::default(), &opts).unwrap_err();
    assert_eq!(e.exit_code(), 1);
    assert!(e.message().contains("table b was left behind"), "{e}");
}

#[test]
fn a_down_script_blocked_by_the_application_waits_one_lock_timeout_and_names_the_session() {
    let db = TestDb::new("rb_blocked");
    let p = Profiles::new();
    p.write("p", &one_target("morse", &db.url, "lock_timeout: 300ms"));
    p.run("p", &["migrate"]).expect(0);
    let mut app = connect(&format!("{}?application_name=app-holder", db.url));
    app.batch_execute("BEGIN; SELECT count(*) FROM users").unwrap();
    let pid: i32 = app.query_one("SELECT pg_backend_pid()", &[]).unwrap().get(0);
    let run = p.run("p", &["rollback", "--confirm", "--to", "2"]);
    run.expect(4);
    let out = run.all();
    assert!(out.contains("down/V4__device_suffix_index.down.sql line 3: ERROR: canceling statement due to lock timeout"), "{out}");
    assert!(out.contains(&format!("blocked by pid {pid} (app-holder, idle in transaction")), "{out}");
    assert!(out.contains("set lock_retries"), "{out}");
    app.batch_execute("COMMIT").unwrap();
    assert_eq!(rows(&mut db.client(), "SELECT max(version)::text FROM morse_schema_history"), ["4"]);
    p.run("p", &["rollback", "--confirm", "--to", "2"]).expect(0);
    assert_eq!(rows(&mut db.client(), "SELECT max(version)::text FROM morse_schema_history"), ["2"]);
}
