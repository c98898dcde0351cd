//! Socrates: two databases, the models' columns, no foreign key across them.

mod common;

use std::path::Path;

use common::*;

fn both(auth: &TestDb, specs: &TestDb) -> Profiles {
    let p = Profiles::new();
    p.write(
        "local",
        &format!(
            "targets:\n  - name: socrates-auth\n    schema: socrates-auth\n    url: \"{}\"\n  - name: socrates-specs\n    schema: socrates-specs\n    url: \"{}\"\n",
            auth.url, specs.url
        ),
    );
    p
}

/// The model fixture: (model, table, database, sql).
fn models() -> Vec<(String, String, String, String)> {
    let text = include_str!("../../socrates-schema/tests/fixtures/models.sql");
    let mut out: Vec<(String, String, String, String)> = Vec::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("-- @") {
            let w: Vec<&str> = rest.split_whitespace().collect();
            out.push((w[0].into(), w[1].into(), w[2].into(), String::new()));
        } else if let Some(last) = out.last_mut() {
            if !line.starts_with("--") {
                last.3.push_str(line);
                last.3.push('\n');
            }
        }
    }
    out
}

#[test]
fn every_model_selects_all_its_columns() {
    let (auth, specs) = (TestDb::new("soc_auth_models"), TestDb::new("soc_specs_models"));
    both(&auth, &specs).run("local", &[]).expect(0);
    let models = models();
    assert!(models.len() >= 36, "{} models", models.len());
    let (mut a, mut s) = (auth.client(), specs.client());
    let mut failures = Vec::new();
    for (model, table, database, sql) in &models {
        let client = if database == "auth" { &mut a } else { &mut s };
        if let Err(e) = client.batch_execute(sql) {
            failures.push(format!("{model} ({table}, {database}): {}", e.as_db_error().map(|d| d.message()).unwrap_or("?")));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn the_two_databases_hold_their_own_tables_and_no_foreign_key_crosses() {
    let (auth, specs) = (TestDb::new("soc_auth_objs"), TestDb::new("soc_specs_objs"));
    both(&auth, &specs).run("local", &["--with-test-data"]).expect(0);
    let (mut a, mut s) = (auth.client(), specs.client());
    let tables = |c: &mut postgres::Client| count(c, "SELECT count(*) FROM pg_tables WHERE schemaname='public' AND tablename NOT LIKE '%schema_history'");
    assert_eq!(tables(&mut a), 5);
    assert_eq!(tables(&mut s), 31, "the 24 consolidated tables and the 7 model tables no migration created");
    assert_eq!(rows(&mut a, "SELECT tablename FROM pg_tables WHERE schemaname='public' AND tablename NOT LIKE '%history' ORDER BY 1"),
        ["admin_audit_logs", "admin_roles", "admin_users", "refresh_tokens", "users"]);
    assert_eq!(count(&mut s, "SELECT count(*) FROM pg_tables WHERE tablename='users'"), 0);
    // Each database has only its own history table.
    assert_eq!(count(&mut a, "SELECT count(*) FROM pg_tables WHERE tablename='socrates_specs_schema_history'"), 0);
    assert_eq!(count(&mut s, "SELECT count(*) FROM pg_tables WHERE tablename='socrates_auth_schema_history'"), 0);
    // User references in specs are comments, never foreign keys.
    let refs = rows(&mut s, "SELECT c.relname||'.'||a.attname FROM pg_description d JOIN pg_class c ON c.oid=d.objoid JOIN pg_attribute a ON a.attrelid=c.oid AND a.attnum=d.objsubid WHERE d.description LIKE 'References socrates_auth.users.id%' ORDER BY 1");
    assert!(refs.len() >= 20, "{refs:?}");
    for r in &refs {
        let (t, col) = r.split_once('.').unwrap();
        assert_eq!(count(&mut s, &format!("SELECT count(*) FROM pg_constraint WHERE contype='f' AND conrelid='{t}'::regclass AND conkey @> ARRAY[(SELECT attnum FROM pg_attribute WHERE attrelid='{t}'::regclass AND attname='{col}')]")), 0, "{r} has a foreign key");
    }
    // What the models need: sessions.domain, specifications.session_id, and
    // several versions of one specification key.
    assert_eq!(count(&mut s, "SELECT count(*) FROM information_schema.columns WHERE (table_name, column_name) IN (('sessions','domain'),('specifications','session_id'))"), 2);
    assert!(count(&mut s, "SELECT count(*) FROM (SELECT project_id, key FROM specifications GROUP BY 1,2 HAVING count(*) > 1) x") >= 1);
    // The test users' password really is TestPassword123.
    a.batch_execute("CREATE EXTENSION IF NOT EXISTS pgcrypto").unwrap();
    assert!(count(&mut a, "SELECT count(*) FROM users WHERE crypt('TestPassword123', hashed_password) = hashed_password") >= 2);
}

#[test]
fn production_profile_reads_one_variable_per_database() {
    let (auth, specs) = (TestDb::new("soc_prod_auth"), TestDb::new("soc_prod_specs"));
    let p = Profiles::new();
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("../profiles/socrates-prod.yaml");
    p.write("socrates-prod", &std::fs::read_to_string(shipped).unwrap());
    // DATABASE_URL (what the original env.py let override both) changes nothing.
    let env = [("DATABASE_URL_AUTH", auth.url.as_str()), ("DATABASE_URL_SPECS", specs.url.as_str()), ("DATABASE_URL", "postgres://nobody@127.0.0.1:1/wrong")];
    p.run_env("socrates-prod", &["--target", "socrates-auth"], &env).expect(0);
    assert_eq!(count(&mut auth.client(), "SELECT count(*) FROM socrates_auth_schema_history"), 4);
    assert_eq!(count(&mut specs.client(), "SELECT count(*) FROM pg_tables WHERE schemaname='public'"), 0, "--target socrates-auth touched specs");
    p.run_env("socrates-prod", &["--target", "socrates-specs"], &env).expect(0);
    assert_eq!(count(&mut specs.client(), "SELECT count(*) FROM pg_tables WHERE tablename='projects'"), 1);
    assert_eq!(count(&mut auth.client(), "SELECT count(*) FROM pg_tables WHERE tablename='projects'"), 0);
    // The specs target needs its own variable; the auth one never stands in for it.
    let run = p.run_env("socrates-prod", &["--target", "socrates-specs"], &[("DATABASE_URL_AUTH", auth.url.as_str())]);
    run.expect(2);
    assert!(run.stderr.contains("DATABASE_URL_SPECS is not set"), "{}", run.stderr);
}
