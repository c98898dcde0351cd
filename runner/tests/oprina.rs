//! Oprina: the business rules as scenarios, each in a rolled-back transaction
//! on a freshly migrated database, and the seed's tracking examples.

mod common;

use common::*;

/// (name, sql) from the scenario fixture.
fn scenarios() -> Vec<(String, String)> {
    let text = include_str!("../../oprina-schema/tests/fixtures/scenarios.sql");
    let mut out: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("-- @") {
            out.push((rest.split(':').next().unwrap().trim().to_string(), String::new()));
        } else if let Some(last) = out.last_mut() {
            last.1.push_str(line);
            last.1.push('\n');
        }
    }
    out
}

fn migrated(tag: &str) -> TestDb {
    let db = TestDb::new(tag);
    let p = Profiles::new();
    p.write("p", &one_target("oprina", &db.url, "production: true"));
    p.run("p", &[]).expect(0);
    db
}

#[test]
fn business_rules_hold() {
    let db = migrated("oprina_rules");
    let mut c = db.client();
    let list = scenarios();
    let names: Vec<&str> = list.iter().map(|(n, _)| n.as_str()).collect();
    for required in ["quota_crossing", "monthly_summary_counts_sessions_once", "token_revocation_and_reconnect", "seed_examples",
                     "oauth_flag_sync", "cleanup_retention", "views_counts", "timezone_accepts_iana"] {
        assert!(names.contains(&required), "scenario {required} missing");
    }
    let mut failed = Vec::new();
    for (name, sql) in &list {
        c.batch_execute("BEGIN").unwrap();
        let result = c.simple_query(sql);
        let _ = c.batch_execute("ROLLBACK");
        let ok = match result {
            Ok(msgs) => msgs
                .iter()
                .filter_map(|m| match m {
                    postgres::SimpleQueryMessage::Row(r) => Some(r.get("ok").map(str::to_string)),
                    _ => None,
                })
                .last()
                .flatten()
                .unwrap_or_else(|| "no ok row".into()),
            Err(e) => format!("error: {}", e.as_db_error().map(|d| d.message().to_string()).unwrap_or(e.to_string())),
        };
        if ok != "t" {
            failed.push(format!("{name}: {ok}"));
        }
    }
    assert!(failed.is_empty(), "{failed:#?}");
}

#[test]
fn tracking_answers_from_the_runner_history() {
    let db = migrated("oprina_tracking");
    let mut c = db.client();
    assert_eq!(rows(&mut c, "SELECT migration_exists('001_initial_schema')::text"), ["true"]);
    assert_eq!(rows(&mut c, "SELECT migration_exists('006_new_feature')::text"), ["false"]);
    assert_eq!(count(&mut c, "SELECT count(*) FROM migration_history"), 5);
    assert_eq!(rows(&mut c, "SELECT current_version FROM schema_status"), ["005_add_schema_migrations"]);
    // Rows the runner removes (a rollback) disappear from the views at once.
    c.batch_execute("BEGIN; DELETE FROM oprina_schema_history WHERE version = 5").unwrap();
    assert_eq!(rows(&mut c, "SELECT current_version FROM schema_status"), ["004_add_indexes_constraints"]);
    c.batch_execute("ROLLBACK").unwrap();
}

#[test]
fn fresh_apply_builds_the_documented_objects() {
    let db = migrated("oprina_counts");
    let mut c = db.client();
    let n = |c: &mut postgres::Client, sql: &str| count(c, sql);
    for t in ["users", "sessions", "messages", "user_tokens", "user_activities", "avatar_usage_records", "usage_quotas", "usage_summaries", "service_tokens", "token_refresh_logs"] {
        assert_eq!(n(&mut c, &format!("SELECT count(*) FROM pg_tables WHERE schemaname='public' AND tablename='{t}'")), 1, "{t}");
    }
    assert_eq!(n(&mut c, "SELECT count(*) FROM pg_tables WHERE schemaname='public' AND tablename <> 'oprina_schema_history'"), 12);
    assert_eq!(n(&mut c, "SELECT count(*) FROM pg_indexes WHERE schemaname='public' AND tablename <> 'oprina_schema_history'"), 73);
    assert_eq!(n(&mut c, "SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal"), 20);
    assert_eq!(n(&mut c, "SELECT count(*) FROM pg_views WHERE schemaname='public'"), 11);
    assert_eq!(n(&mut c, "SELECT count(*) FROM pg_proc WHERE pronamespace='public'::regnamespace AND prorettype <> 'trigger'::regtype"), 8);
    assert_eq!(n(&mut c, "SELECT count(*) FROM pg_proc WHERE pronamespace='public'::regnamespace AND prorettype = 'trigger'::regtype"), 11);
    assert_eq!(n(&mut c, "SELECT count(*) FROM pg_constraint WHERE connamespace='public'::regnamespace AND contype='f'"), 12);
    assert_eq!(n(&mut c, "SELECT count(*) FROM pg_extension WHERE extname <> 'plpgsql'"), 0);
}
