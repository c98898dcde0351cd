//! The old MORSE command names still work, as thin wrappers over the runner.

mod common;

use std::path::PathBuf;
use std::process::Command;

use common::*;

fn script(name: &str, db: &TestDb, args: &[&str]) -> Run {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../scripts").join(name);
    let out = Command::new("bash")
        .arg(path)
        .args(args)
        .env("DATABASE_URL", db.url_with_password("WrapperSecret5"))
        .env("RUNNER", env!("CARGO_BIN_EXE_runner"))
        .env_remove("MORSE_PRODUCTION")
        .env_remove("RUST_LOG")
        .output()
        .unwrap();
    Run::from(out)
}

#[test]
fn init_verify_and_rollback_wrappers() {
    let db = TestDb::new("wrap");
    let mut c = db.client();
    script("init_database.sh", &db, &["--with-test-data"]).expect(0);
    assert_eq!(count(&mut c, "SELECT count(*) FROM users"), 5);
    // Production by default: the test devices are a verify failure...
    let v = script("verify_database.sh", &db, &[]);
    v.expect(1);
    assert!(v.stdout.contains("test_devices_only_outside_production"), "{}", v.stdout);
    // ...--force rolls back everything and migrates again, without test data.
    script("init_database.sh", &db, &["--force"]).expect(0);
    assert_eq!(count(&mut c, "SELECT count(*) FROM users"), 0);
    script("verify_database.sh", &db, &["--format", "json"]).expect(0);
    // Rollback needs --confirm, like the original.
    let r = script("rollback_database.sh", &db, &[]);
    r.expect(2);
    assert!(r.stdout.contains("would undo 4"), "{}", r.stdout);
    let r = script("rollback_database.sh", &db, &["--confirm"]);
    r.expect(0);
    assert!(!r.all().contains("WrapperSecret5"));
    assert_eq!(count(&mut c, "SELECT count(*) FROM pg_tables WHERE schemaname='public'"), 0);
    let bad = script("init_database.sh", &db, &["--frobnicate"]);
    bad.expect(2);
    assert!(bad.stderr.contains("unknown option --frobnicate"), "{}", bad.stderr);
}
