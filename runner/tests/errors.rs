//! Every error path: its exit code, a message naming cause and fix, no
//! password anywhere (even at trace level), and the database left as it was.

mod common;

use common::*;

const PASSWORD: &str = "Sup3rSecretPw";

#[track_caller]
fn no_password(run: &Run) {
    assert!(!run.all().contains(PASSWORD), "password printed:\n{}", run.all());
}

#[test]
fn unknown_profile_lists_the_available_ones() {
    let p = Profiles::new();
    p.write("local", &one_target("morse", "postgres://x@h/d", "")).write("render-prod", &one_target("morse", "postgres://x@h/d", ""));
    let run = p.run("staging", &["status"]);
    run.expect(2);
    assert!(run.stderr.contains("unknown profile `staging`") && run.stderr.contains("local, render-prod"), "{}", run.stderr);
}

#[test]
fn bad_yaml_names_file_and_line() {
    let p = Profiles::new();
    p.write("broken", "production: false\ntargets:\n  - name: morse\n    schema: morse\n   url: [oops\n");
    let run = p.run("broken", &[]);
    run.expect(2);
    assert!(run.stderr.contains("broken.yaml") && run.stderr.contains("line"), "{}", run.stderr);
}

#[test]
fn missing_variable_is_named() {
    let p = Profiles::new();
    p.write("render-prod", &one_target("morse", "${DATABASE_URL}", "production: true"));
    let run = p.run("render-prod", &[]);
    run.expect(2);
    assert!(run.stderr.contains("DATABASE_URL is not set"), "{}", run.stderr);
}

#[test]
fn unknown_schema_lists_the_known_ones() {
    let p = Profiles::new();
    p.write("local", &one_target("morze", "postgres://x@h/d", ""));
    let run = p.run("local", &[]);
    run.expect(2);
    assert!(run.stderr.contains("unknown schema `morze`") && run.stderr.contains("known schemas: morse"), "{}", run.stderr);
}

#[test]
fn unknown_target_lists_the_profile_targets() {
    let p = Profiles::new();
    p.write("local", &one_target("morse", "postgres://x@h/d", ""));
    let run = p.run("local", &["--target", "oprina"]);
    run.expect(2);
    assert!(run.stderr.contains("no target `oprina`") && run.stderr.contains("morse"), "{}", run.stderr);
}

#[test]
fn test_data_on_production_is_refused_before_connecting() {
    let p = Profiles::new();
    // Port 1 answers nothing: reaching it would be exit 3, not 2.
    p.write("render-prod", &one_target("morse", &format!("postgres://app:{}@127.0.0.1:1/morse", PASSWORD), "production: true"));
    let run = p.run("render-prod", &["--with-test-data"]);
    run.expect(2);
    assert!(run.stderr.contains("--with-test-data is refused") && run.stderr.contains("production"), "{}", run.stderr);
    no_password(&run);
}

#[test]
fn transaction_pooler_urls_are_refused_naming_the_direct_url() {
    let p = Profiles::new();
    let url = format!("postgresql://owner:{}@ep-calm-sea-123456-pooler.eu-central-1.aws.neon.tech/app?sslmode=require", PASSWORD);
    p.write("neon", &one_target("morse", &url, "production: true"));
    let run = p.run("neon", &[]);
    run.expect(2);
    assert!(run.stderr.contains("ep-calm-sea-123456.eu-central-1.aws.neon.tech/app"), "{}", run.stderr);
    no_password(&run);
}

#[test]
fn unreachable_server_exits_3_without_the_password() {
    let p = Profiles::new();
    p.write("x", &one_target("morse", &format!("postgres://app:{}@127.0.0.1:1/morse?connect_timeout=2", PASSWORD), ""));
    let run = p.run_env("x", &["-vv"], &[("RUST_LOG", "trace")]);
    run.expect(3);
    assert!(run.stderr.contains("cannot connect") && run.stderr.contains("127.0.0.1:1"), "{}", run.stderr);
    assert!(run.stderr.contains("app:***@"), "{}", run.stderr);
    no_password(&run);
}

#[test]
fn refused_login_exits_3_without_the_password() {
    let db = TestDb::new("err_login");
    let url = db.url.replacen("postgres@", &format!("no_such_role_x:{PASSWORD}@"), 1);
    let p = Profiles::new();
    p.write("x", &one_target("morse", &url, ""));
    let run = p.run_env("x", &["-vv"], &[("RUST_LOG", "trace")]);
    run.expect(3);
    assert!(run.stderr.contains("refused the login") || run.stderr.contains("no_such_role_x"), "{}", run.stderr);
    no_password(&run);
}

#[test]
fn lock_held_elsewhere_times_out_with_exit_5_and_names_the_holder() {
    let db = TestDb::new("err_lock");
    let mut holder = db.client();
    holder.batch_execute("SET application_name = 'deploy-7'").unwrap();
    let key = runner::lock::key(&db.name, "morse");
    assert!(holder.query_one("SELECT pg_try_advisory_lock($1)", &[&key]).unwrap().get::<_, bool>(0));
    let p = Profiles::new();
    p.write("x", &one_target("morse", &db.url_with_password(PASSWORD), "lock_timeout: 1s"));
    let run = p.run("x", &[]);
    run.expect(5);
    assert!(run.stderr.contains("timed out") && run.stderr.contains("deploy-7"), "{}", run.stderr);
    no_password(&run);
    assert_eq!(count(&mut db.client(), "SELECT count(*) FROM pg_class WHERE relnamespace='public'::regnamespace"), 0);
}

#[test]
fn edited_applied_migration_is_refused_naming_the_file() {
    let db = TestDb::new("err_divergent");
    let p = Profiles::new();
    p.write("x", &one_target("morse", &db.url_with_password(PASSWORD), ""));
    p.run("x", &[]).expect(0);
    let mut c = db.client();
    c.batch_execute("UPDATE morse_schema_history SET checksum = '12345' WHERE version = 2").unwrap();
    let before = catalog(&mut c);
    let run = p.run("x", &["--with-test-data"]);
    run.expect(1);
    assert!(run.stderr.contains("morse-schema/migrations/V2__indexes.sql was edited after it was applied"), "{}", run.stderr);
    no_password(&run);
    assert_eq!(before, catalog(&mut c));
    assert_eq!(count(&mut c, "SELECT count(*) FROM users"), 0, "test data must not run");
    let status = p.run("x", &["status"]);
    status.expect(1);
    assert!(status.stdout.contains("PROBLEM  divergent"), "{}", status.stdout);
}

#[test]
fn failing_migration_exits_4_and_leaves_nothing_of_it() {
    let db = TestDb::new("err_failed");
    let mut c = db.client();
    // An old table of another shape: V1's CREATE TABLE users fails.
    c.batch_execute("CREATE TABLE users (id integer PRIMARY KEY)").unwrap();
    let p = Profiles::new();
    p.write("x", &one_target("morse", &db.url_with_password(PASSWORD), ""));
    let run = p.run("x", &[]);
    run.expect(4);
    assert!(run.stderr.contains("morse-schema/migrations/V1__core_tables.sql line"), "{}", run.stderr);
    assert!(run.stderr.contains("already exists"), "{}", run.stderr);
    no_password(&run);
    assert_eq!(count(&mut c, "SELECT count(*) FROM morse_schema_history"), 0);
    assert_eq!(count(&mut c, "SELECT count(*) FROM pg_tables WHERE schemaname='public' AND tablename='app_users'"), 0);
}
