//! Oprina: the business rules as scenarios, each in a rolled-back transaction
//! on a freshly migrated database, the seed's tracking examples, and the
//! API's own calls.

mod common;

use common::*;
use runner::plan::Plan;

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
    migrated_with(tag, "production: true", &[]).0
}

/// A fresh database migrated by `runner ARGS` with a profile `p` (kept for more runs).
fn migrated_with(tag: &str, profile_extra: &str, args: &[&str]) -> (TestDb, Profiles) {
    let db = TestDb::new(tag);
    let p = Profiles::new();
    p.write("p", &one_target("oprina", &db.url, profile_extra));
    p.run("p", args).expect(0);
    (db, p)
}

#[test]
fn business_rules_hold() {
    let db = migrated("oprina_rules");
    let mut c = db.client();
    let list = scenarios();
    let names: Vec<&str> = list.iter().map(|(n, _)| n.as_str()).collect();
    for required in ["quota_crossing", "monthly_summary_counts_sessions_once", "token_revocation_and_reconnect", "seed_examples",
                     "oauth_flag_sync", "cleanup_retention", "views_counts", "timezone_accepts_iana", "api_quota_update_is_harmless",
                     "message_user_follows_session", "user_status_and_settings", "session_api_columns", "refresh_log_api_columns",
                     "get_table_names_lists_the_tables"] {
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
    assert_eq!(count(&mut c, "SELECT count(*) FROM migration_history"), 9);
    assert_eq!(count(&mut c, "SELECT count(*) FROM migration_history WHERE description IS NULL"), 0, "every version notes what it did");
    assert_eq!(rows(&mut c, "SELECT current_version FROM schema_status"), ["009_validate_api_constraints"]);
    // Rows the runner removes (a rollback) disappear from the views at once.
    c.batch_execute("BEGIN; DELETE FROM oprina_schema_history WHERE version = 9").unwrap();
    assert_eq!(rows(&mut c, "SELECT current_version FROM schema_status"), ["008_api_references_and_checks"]);
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
    assert_eq!(n(&mut c, "SELECT count(*) FROM pg_indexes WHERE schemaname='public' AND tablename <> 'oprina_schema_history'"), 76);
    assert_eq!(n(&mut c, "SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal"), 24);
    assert_eq!(n(&mut c, "SELECT count(*) FROM pg_views WHERE schemaname='public'"), 11);
    assert_eq!(n(&mut c, "SELECT count(*) FROM pg_proc WHERE pronamespace='public'::regnamespace AND prorettype <> 'trigger'::regtype"), 9);
    assert_eq!(n(&mut c, "SELECT count(*) FROM pg_proc WHERE pronamespace='public'::regnamespace AND prorettype = 'trigger'::regtype"), 15);
    assert_eq!(n(&mut c, "SELECT count(*) FROM pg_constraint WHERE connamespace='public'::regnamespace AND contype='f'"), 14);
    assert_eq!(n(&mut c, "SELECT count(*) FROM pg_extension WHERE extname <> 'plpgsql'"), 0);
    // The setup script's exec_sql(sql) is refused, and nothing runs with its owner's rights.
    assert_eq!(n(&mut c, "SELECT count(*) FROM pg_proc WHERE proname = 'exec_sql'"), 0);
    assert_eq!(n(&mut c, "SELECT count(*) FROM pg_proc WHERE pronamespace='public'::regnamespace AND prosecdef"), 0);
}

/// One restated API call from the fixture.
struct Call {
    id: String,
    /// Fails on V1-V5, runs since V6.
    needs_v6: bool,
    /// Runs but finds or changes no row with the test data.
    no_rows: bool,
    sql: String,
}

fn api_calls() -> Vec<Call> {
    let text = include_str!("../../oprina-schema/tests/fixtures/api_calls.sql");
    let mut out: Vec<Call> = Vec::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("-- @") {
            out.push(Call {
                id: rest.split_whitespace().next().unwrap().to_string(),
                needs_v6: rest.contains("[needs V6"),
                no_rows: rest.contains("[no rows"),
                sql: String::new(),
            });
        } else if let Some(last) = out.last_mut() {
            if !line.trim_start().starts_with("--") {
                last.sql.push_str(line);
                last.sql.push('\n');
            }
        }
    }
    out
}

/// The README's "API calls that cannot run" ids.
fn readme_refused_calls() -> Vec<String> {
    let readme = include_str!("../../README.md");
    let section = readme.split("### API calls that cannot run").nth(1).expect("README section");
    let section = section.split("\n## ").next().unwrap().split("\n### ").next().unwrap();
    section
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| id") && !l.starts_with("|---"))
        .map(|l| l.split('|').nth(1).unwrap().trim().to_string())
        .collect()
}

/// Each call in its own savepoint, all rolled back: the rows it returned or
/// changed, or the error.
fn run_calls(c: &mut postgres::Client, calls: &[Call]) -> Vec<Result<u64, String>> {
    c.batch_execute("BEGIN").unwrap();
    let out = calls
        .iter()
        .map(|call| {
            c.batch_execute("SAVEPOINT api_call").unwrap();
            let result = c.simple_query(&call.sql).map_err(|e| e.as_db_error().map(|d| d.message().to_string()).unwrap_or(e.to_string()));
            c.batch_execute("ROLLBACK TO SAVEPOINT api_call").unwrap();
            result.map(|msgs| {
                msgs.iter()
                    .filter_map(|m| match m {
                        postgres::SimpleQueryMessage::CommandComplete(n) => Some(*n),
                        _ => None,
                    })
                    .sum()
            })
        })
        .collect();
    c.batch_execute("ROLLBACK").unwrap();
    out
}

#[test]
fn the_api_calls_run_on_the_migrated_schema() {
    let (db, p) = migrated_with("oprina_api", "production: false", &["--with-test-data"]);
    let mut c = db.client();
    let calls = api_calls();
    assert!(calls.len() >= 90, "only {} calls", calls.len());
    let refused = readme_refused_calls();
    assert!(!refused.is_empty());

    let mut wrong = Vec::new();
    for (call, result) in calls.iter().zip(run_calls(&mut c, &calls)) {
        match (refused.contains(&call.id), result) {
            (true, Ok(_)) => wrong.push(format!("{}: runs, but README lists it as refused", call.id)),
            (true, Err(_)) => {}
            (false, Err(e)) => wrong.push(format!("{}: {e}", call.id)),
            (false, Ok(0)) if !call.no_rows => wrong.push(format!("{}: found or changed no row", call.id)),
            (false, Ok(n)) if call.no_rows && n > 0 => wrong.push(format!("{}: marked [no rows] but touched {n}", call.id)),
            (false, Ok(_)) => {}
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
    let after = calls.len() - refused.len();

    // On V5 (the down script of V6 applied to the same data) exactly the
    // calls marked [needs V6] fail, besides the refused ones.
    p.run("p", &["rollback", "--confirm", "--to", "5"]).expect(0);
    let failing: Vec<&str> =
        calls.iter().zip(run_calls(&mut c, &calls)).filter(|(_, r)| r.is_err()).map(|(call, _)| call.id.as_str()).collect();
    let expected: Vec<&str> = calls.iter().filter(|call| call.needs_v6 || refused.contains(&call.id)).map(|call| call.id.as_str()).collect();
    assert_eq!(failing, expected, "calls failing on V5 vs the fixture's [needs V6] marks and the refused ones");
    eprintln!("API calls that run: {} of {} on V5, {after} of {} on V6 ({} refused)", calls.len() - failing.len(), calls.len(), calls.len(), refused.len());
}

/// An Oprina database at V5 (history recorded) holding the rows of
/// `rows_at_v5.sql`: a row in every table.
fn at_v5_with_rows(tag: &str) -> TestDb {
    let db = TestDb::new(tag);
    let def = runner::registry::find("oprina").unwrap();
    let mut c = db.client();
    c.batch_execute(&runner::history::create_sql(&def.history_table())).unwrap();
    let v1_to_v5 = def.sorted_migrations().into_iter().filter(|m| m.version() <= 5).collect();
    runner::executor::apply(&mut c, def, "oprina", &Plan { applied: vec![], pending: v1_to_v5, problems: vec![] }).unwrap();
    c.batch_execute(include_str!("../../oprina-schema/tests/fixtures/rows_at_v5.sql")).unwrap();
    db
}

#[test]
fn the_api_migrations_deploy_through_the_gate_onto_live_tables() {
    let db = at_v5_with_rows("oprina_gate_v5");
    let mut c = db.client();
    let tables = rows(&mut c, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'oprina_schema_history' ORDER BY 1");
    assert_eq!(tables.len(), 12);
    for t in &tables {
        assert!(count(&mut c, &format!("SELECT count(*) FROM {t}")) > 0, "{t} has no row: the gate would have nothing to refuse");
    }
    // Filling the new columns is not an edit: these must not move.
    let untouched = "SELECT string_agg(x, ' ' ORDER BY x) FROM (
                         SELECT id || ':' || updated_at AS x FROM users
                         UNION ALL SELECT id || ':' || updated_at FROM messages
                         UNION ALL SELECT id || ':' || updated_at || ':' || last_activity_at || ':' || message_count FROM sessions) AS t";
    let before = rows(&mut c, untouched);

    let p = Profiles::new();
    p.write("prod", &one_target("oprina", &db.url, "production: true"));
    // Every finding of V6-V9 is on a table with rows, so each must be waived
    // with its reason; none is refused.
    let dry = p.run("prod", &["migrate", "--dry-run"]);
    dry.expect(0);
    let findings: Vec<&str> = dry.stdout.lines().filter(|l| l.trim_start().starts_with("lint ")).collect();
    assert!(!findings.is_empty(), "{}", dry.stdout);
    assert!(findings.iter().all(|l| l.contains("=> fine: waived (")), "{findings:#?}");
    assert!(!dry.stdout.contains("refused"), "{}", dry.stdout);

    // No --allow-hazards.
    let run = p.run("prod", &["migrate"]);
    run.expect(0);
    assert!(run.stderr.contains("applied V9__validate_api_constraints"), "{}", run.stderr);
    assert_eq!(count(&mut c, "SELECT max(version)::bigint FROM oprina_schema_history"), 9);
    let verify = p.run("prod", &["verify", "--strict"]);
    verify.expect(0);
    assert!(!verify.all().contains("FAIL") && !verify.all().contains("NOT VALID"), "{}", verify.all());

    // The existing rows were filled in: messages belong to their session's user,
    // the deactivated account says so (when is unknown), a NULL is_active
    // counts as active, refresh logs carry their times under both names.
    assert_eq!(count(&mut c, "SELECT count(*) FROM messages m JOIN sessions s ON s.id = m.session_id WHERE m.user_id = s.user_id"), 4);
    assert_eq!(
        rows(&mut c, "SELECT email || ' ' || status || ' ' || is_active || ' ' || coalesce(deactivated_at::text, '-') FROM users ORDER BY email"),
        ["ana@example.com active true -", "ben@example.com inactive false -", "cy@example.com active true -"]
    );
    assert_eq!(count(&mut c, "SELECT count(*) FROM token_refresh_logs WHERE refresh_started_at = started_at AND refresh_completed_at IS NOT DISTINCT FROM completed_at"), 2);
    assert_eq!(rows(&mut c, untouched), before);
    assert_eq!(rows(&mut c, "SELECT used_seconds || ' ' || session_count FROM usage_quotas"), ["600 1"]);
}
