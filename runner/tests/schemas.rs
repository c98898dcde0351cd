//! What every registered schema must do, whatever its application: apply on
//! a fresh database, change nothing on a second run, and load test data that
//! converges (a second application leaves exactly the same rows).

mod common;

use common::*;

#[test]
fn every_schema_applies_once_and_its_test_data_converges() {
    for def in runner::registry::all() {
        let db = TestDb::new(&format!("all_{}", def.name.replace('-', "_")));
        let p = Profiles::new();
        p.write("local", &one_target(def.name, &db.url, "production: false"));
        let first = p.run("local", &["--with-test-data"]);
        first.expect(0);
        let n = def.sorted_migrations().len();
        assert!(first.stderr.contains(&format!("applied {n} ")), "{}: {}", def.name, first.stderr);
        let mut c = db.client();
        let catalog_before = catalog(&mut c);
        let data_before = data_fingerprint(&mut c);
        assert!(data_before.iter().any(|d| !d.contains(": 0 ")), "{}: test data loaded no rows", def.name);

        let second = p.run("local", &["--with-test-data"]);
        second.expect(0);
        assert!(second.stderr.contains(&format!("applied 0, already current {n}")), "{}: {}", def.name, second.stderr);
        assert_eq!(catalog_before, catalog(&mut c), "{}: the second run changed the catalog", def.name);
        assert_eq!(data_before, data_fingerprint(&mut c), "{}: test data did not converge", def.name);
        assert_eq!(count(&mut c, &format!("SELECT count(*) FROM {}", def.history_table())), n as i64);
    }
}

#[test]
fn every_schema_crate_embeds_every_migration_file() {
    for def in runner::registry::all() {
        schema_def::assert_all_embedded(def);
        let versions: Vec<i32> = def.sorted_migrations().iter().map(|m| m.version()).collect();
        let expected: Vec<i32> = (1..=versions.len() as i32).collect();
        assert_eq!(versions, expected, "{}: versions must be 1..n without gaps", def.name);
    }
}
