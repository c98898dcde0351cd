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
    let t = Target { name: "t".into(), schema: def, url: runner::db::DbUrl::parse(&db.url).unwrap(), create_database: false };
    migrate::migrate_target(&profile(), &t, &Options::default())
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
