//! The executor's guarantees, with migration sets written for each case.

mod common;

use std::time::Duration;

use common::*;
use runner::commands::migrate::{self, Options};
use runner::error::Kind;
use runner::profile::{Profile, Target};
use schema_def::{Migration, SchemaDef};

fn m(name: &str, sql: &str) -> Migration {
    Migration::unapplied(name, sql).unwrap()
}

fn schema(name: &'static str, migrations: fn() -> Vec<Migration>) -> &'static SchemaDef {
    Box::leak(Box::new(SchemaDef {
        name,
        summary: "test",
        migrations: schema_def::Embedded { list: migrations, dir: "/nonexistent/fixture/migrations" },
        test_data: None,
        prerequisites: None,
        dev_base: None,
        expected_catalog: None,
        integrity_checks: None,
        legacy: &[],
        down: &[],
        shared_objects: &[],
        version_catalogs: None,
    }))
}

fn profile() -> Profile {
    Profile {
        name: "test".into(),
        path: "test.yaml".into(),
        description: None,
        production: false,
        lock_timeout: Duration::from_secs(30),
        lock_retries: 0,
        statement_timeout: None,
        connect_timeout: Duration::from_secs(10),
        targets: vec![],
        etl: None,
    }
}

fn migrate(db: &TestDb, def: &'static SchemaDef) -> runner::error::Result<()> {
    migrate_with(db, def, &profile())
}

fn migrate_with(db: &TestDb, def: &'static SchemaDef, profile: &Profile) -> runner::error::Result<()> {
    let t = Target { name: "t".into(), schema: def, url: runner::db::DbUrl::parse(&db.url).unwrap(), create_database: false };
    migrate::migrate_target(profile, &t, &Options::default())
}

fn broken() -> Vec<Migration> {
    vec![
        m("V1__create_a", "CREATE TABLE a (id int);"),
        m("V2__create_b", "CREATE TABLE b (id int);\nINSERT INTO b VALUES (1);\nSELECT 1/0;"),
    ]
}

fn fixed() -> Vec<Migration> {
    vec![
        m("V1__create_a", "CREATE TABLE a (id int);"),
        m("V2__create_b", "CREATE TABLE b (id int);\nINSERT INTO b VALUES (1);"),
    ]
}

#[test]
fn a_failure_halfway_keeps_earlier_versions_and_nothing_of_the_failed_one() {
    let db = TestDb::new("ex_halfway");
    let e = migrate(&db, schema("halfway", broken)).unwrap_err();
    assert_eq!(e.kind, Kind::Failed);
    assert!(e.message().contains("V2__create_b.sql line 3") && e.message().contains("division by zero"), "{e}");
    assert!(e.message().contains("1 migration(s) before it stay applied"), "{e}");
    let mut c = db.client();
    assert_eq!(rows(&mut c, "SELECT version::text FROM halfway_schema_history"), ["1"]);
    assert_eq!(count(&mut c, "SELECT count(*) FROM pg_tables WHERE tablename='b'"), 0);
    // Fixing the file and running again completes.
    migrate(&db, schema("halfway", fixed)).unwrap();
    assert_eq!(rows(&mut c, "SELECT version::text FROM halfway_schema_history ORDER BY 1"), ["1", "2"]);
    assert_eq!(count(&mut c, "SELECT count(*) FROM b"), 1);
}

fn original() -> Vec<Migration> {
    vec![m("V1__create_a", "CREATE TABLE a (id int);")]
}

fn edited() -> Vec<Migration> {
    vec![m("V1__create_a", "CREATE TABLE a (id bigint);"), m("V2__more", "CREATE TABLE c (id int);")]
}

#[test]
fn an_edited_migration_is_refused_before_anything_runs() {
    let db = TestDb::new("ex_edited");
    migrate(&db, schema("edited", original)).unwrap();
    let e = migrate(&db, schema("edited", edited)).unwrap_err();
    assert_eq!(e.kind, Kind::Problems);
    assert!(e.message().contains("V1__create_a.sql was edited after it was applied"), "{e}");
    assert_eq!(count(&mut db.client(), "SELECT count(*) FROM pg_tables WHERE tablename='c'"), 0);
}

fn concurrently() -> Vec<Migration> {
    vec![
        m("V1__table", "CREATE TABLE big (id int, v text);\nINSERT INTO big SELECT g, md5(g::text) FROM generate_series(1, 1000) g;"),
        m("V2__index", "-- no-transaction\n-- built without blocking writes\nCREATE INDEX CONCURRENTLY IF NOT EXISTS big_v ON big (v);\nCREATE INDEX CONCURRENTLY IF NOT EXISTS big_id ON big (id);"),
    ]
}

#[test]
fn a_no_transaction_migration_can_create_an_index_concurrently() {
    let db = TestDb::new("ex_cic");
    migrate(&db, schema("cic", concurrently)).unwrap();
    let mut c = db.client();
    assert_eq!(count(&mut c, "SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid=i.indexrelid WHERE c.relname IN ('big_v','big_id') AND i.indisvalid"), 2);
    assert_eq!(count(&mut c, "SELECT count(*) FROM cic_schema_history"), 2);
}

fn with_commit() -> Vec<Migration> {
    vec![m("V1__sneaky", "CREATE TABLE s (id int);\nCOMMIT;\nCREATE TABLE t (id int);")]
}

#[test]
fn a_migration_that_commits_by_itself_is_refused() {
    let db = TestDb::new("ex_commit");
    let e = migrate(&db, schema("sneaky", with_commit)).unwrap_err();
    assert_eq!(e.kind, Kind::Failed);
    assert!(e.message().contains("V1__sneaky.sql line 2") && e.message().contains("COMMIT"), "{e}");
    assert_eq!(count(&mut db.client(), "SELECT count(*) FROM pg_tables WHERE tablename IN ('s','t')"), 0);
}

fn counting() -> Vec<Migration> {
    vec![
        m("V1__counter", "CREATE TABLE runs (at timestamptz DEFAULT clock_timestamp());"),
        m("V2__count", "INSERT INTO runs DEFAULT VALUES; SELECT pg_sleep(0.2);"),
        m("V3__count_again", "INSERT INTO runs DEFAULT VALUES;"),
    ]
}

#[test]
fn concurrent_runners_execute_each_migration_once() {
    let db = TestDb::new("ex_once");
    let def = schema("once", counting);
    let url = db.url.clone();
    let handles: Vec<_> = (0..8)
        .map(|_| {
            let url = url.clone();
            std::thread::spawn(move || {
                let t = Target { name: "t".into(), schema: def, url: runner::db::DbUrl::parse(&url).unwrap(), create_database: false };
                migrate::migrate_target(&profile(), &t, &Options::default())
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap().unwrap();
    }
    let mut c = db.client();
    assert_eq!(count(&mut c, "SELECT count(*) FROM runs"), 2, "a data migration ran twice");
    assert_eq!(count(&mut c, "SELECT count(*) FROM once_schema_history"), 3);
}

/// V2 counts its executions in a sequence (which no rollback undoes), then
/// needs an ACCESS EXCLUSIVE lock on `t`.
fn counted_alter() -> Vec<Migration> {
    vec![
        m("V1__table", "CREATE TABLE t (id int); CREATE SEQUENCE executions;"),
        m("V2__alter", "SELECT nextval('executions');\nALTER TABLE t ADD COLUMN x int;"),
    ]
}

/// A session of the application holding a lock on `t` in an open transaction.
fn holder(db: &TestDb) -> (postgres::Client, i32) {
    let mut c = connect(&format!("{}?application_name=app-holder", db.url));
    c.batch_execute("BEGIN; SELECT count(*) FROM t").unwrap();
    let pid = c.query_one("SELECT pg_backend_pid()", &[]).unwrap().get(0);
    (c, pid)
}

fn executions(db: &TestDb) -> i64 {
    count(&mut db.client(), "SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM executions")
}

#[test]
fn a_lock_timeout_costs_one_wait_per_attempt_names_the_blocker_and_gives_up_after_the_retries() {
    let db = TestDb::new("ex_lock_ladder");
    let def = schema("ladder", counted_alter);
    let mut p = profile();
    p.lock_timeout = Duration::from_millis(200);
    let first = Profile { lock_retries: 0, ..p.clone() };
    // V1 only: the holder needs the table.
    let v1: &'static SchemaDef = schema("ladder", || counted_alter().into_iter().take(1).collect());
    migrate_with(&db, v1, &first).unwrap();
    let (_holder, pid) = holder(&db);

    let e = migrate_with(&db, def, &first).unwrap_err();
    assert_eq!(e.kind, Kind::Failed);
    let msg = e.message();
    assert!(msg.contains("V2__alter.sql: ERROR: canceling statement due to lock timeout"), "{msg}");
    assert!(msg.contains(&format!("blocked by pid {pid} (app-holder, idle in transaction, transaction open")), "{msg}");
    assert!(msg.contains("holding AccessShareLock on t)"), "{msg}");
    assert!(msg.contains("gave up after 1 attempt(s)") && msg.contains("set lock_retries"), "{msg}");
    // The failed attempt was not replayed to find a line (a second wait).
    assert_eq!(executions(&db), 1);

    let e = migrate_with(&db, def, &Profile { lock_retries: 2, ..p }).unwrap_err();
    assert!(e.message().contains("gave up after 3 attempt(s)") && e.message().contains("raise lock_retries"), "{e}");
    assert_eq!(executions(&db), 4);
    let mut c = db.client();
    assert_eq!(rows(&mut c, "SELECT version::text FROM ladder_schema_history"), ["1"]);
    assert_eq!(count(&mut c, "SELECT count(*) FROM information_schema.columns WHERE table_name = 't' AND column_name = 'x'"), 0);
}

#[test]
fn a_retry_after_the_blocker_ends_applies_the_migration() {
    let db = TestDb::new("ex_lock_retry");
    let mut p = profile();
    p.lock_timeout = Duration::from_millis(300);
    p.lock_retries = 5;
    migrate_with(&db, schema("retry", || counted_alter().into_iter().take(1).collect()), &p).unwrap();
    let (mut holder, _) = holder(&db);
    let url = db.url.clone();
    let runner = std::thread::spawn(move || {
        let t = Target { name: "t".into(), schema: schema("retry", counted_alter), url: runner::db::DbUrl::parse(&url).unwrap(), create_database: false };
        migrate::migrate_target(&p, &t, &Options::default())
    });
    // The application's transaction ends once the runner has tried twice.
    while executions(&db) < 2 {
        std::thread::sleep(Duration::from_millis(20));
    }
    holder.batch_execute("COMMIT").unwrap();
    runner.join().unwrap().unwrap();
    assert!(executions(&db) >= 2);
    let mut c = db.client();
    assert_eq!(rows(&mut c, "SELECT version::text FROM retry_schema_history ORDER BY 1"), ["1", "2"]);
    assert_eq!(count(&mut c, "SELECT count(*) FROM information_schema.columns WHERE table_name = 't' AND column_name = 'x'"), 1);
}

fn rebuilt_index() -> Vec<Migration> {
    vec![m("V1__index", "-- no-transaction\nCREATE INDEX CONCURRENTLY IF NOT EXISTS t_x ON t (x);")]
}

#[test]
fn an_invalid_index_left_by_an_interrupted_concurrent_build_is_dropped_before_the_file_runs_again() {
    let db = TestDb::new("ex_invalid_index");
    let mut c = db.client();
    // What an interrupted run of V1 leaves: the index exists, INVALID.
    c.batch_execute("CREATE TABLE t (x int); INSERT INTO t VALUES (1), (1);").unwrap();
    assert!(c.batch_execute("CREATE UNIQUE INDEX CONCURRENTLY t_x ON t (x)").is_err());
    let valid = |c: &mut postgres::Client| rows(c, "SELECT indisvalid::text FROM pg_index WHERE indexrelid = 't_x'::regclass");
    assert_eq!(valid(&mut c), ["false"]);
    migrate(&db, schema("invalid", rebuilt_index)).unwrap();
    assert_eq!(valid(&mut c), ["true"]);
    assert_eq!(rows(&mut c, "SELECT pg_get_indexdef('t_x'::regclass)"), ["CREATE INDEX t_x ON public.t USING btree (x)"]);
}
