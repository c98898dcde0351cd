//! `runner verify`: is each target exactly what its migrations say? History,
//! catalog (definitions, not just names) and the schema's integrity checks,
//! on a read-only session, in a handful of queries per target.

use std::time::Instant;

use postgres::{Client, SimpleQueryMessage};
use serde_json::{json, Value};

use crate::catalog::{self, Catalog, Level};
use crate::error::{describe_pg, Error, Kind, Result};
use crate::history;
use crate::plan::{self, Plan};
use crate::profile::{Profile, Target};
use crate::session::{self, Missing};

use super::status::{history_json, Format};

#[derive(Debug, Clone)]
pub struct Check {
    pub name: String,
    pub ok: bool,
    /// Drift: reported, but a failure only with --strict.
    pub warning: bool,
    /// Worth saying though it passed (a shared object checked by its
    /// interface only); shown in the text report too.
    pub note: bool,
    pub detail: String,
}

impl Check {
    fn pass(name: impl Into<String>, detail: impl Into<String>) -> Check {
        Check { name: name.into(), ok: true, warning: false, note: false, detail: detail.into() }
    }
    fn fail(name: impl Into<String>, detail: impl Into<String>) -> Check {
        Check { name: name.into(), ok: false, warning: false, note: false, detail: detail.into() }
    }
}

pub struct Report {
    pub target: Target,
    pub shown: String,
    pub server_version: Option<String>,
    pub plan: Option<Plan>,
    pub checks: Vec<Check>,
    pub error: Option<Error>,
    pub took_ms: u128,
}

impl Report {
    pub fn ok(&self) -> bool {
        self.error.is_none() && self.checks.iter().all(|c| c.ok)
    }
}

/// The integrity blocks of a schema: (name, description, query).
pub fn integrity_blocks(sql: &str) -> Vec<(String, String, String)> {
    let mut out: Vec<(String, String, String)> = Vec::new();
    for line in sql.lines() {
        if let Some(rest) = line.strip_prefix("-- @") {
            let (name, what) = rest.split_once(':').unwrap_or((rest, ""));
            out.push((name.trim().to_string(), what.trim().to_string(), String::new()));
        } else if let Some(last) = out.last_mut() {
            if !line.trim_start().starts_with("--") {
                last.2.push_str(line);
                last.2.push('\n');
            }
        }
    }
    for b in &mut out {
        b.2 = b.2.trim().trim_end_matches(';').to_string();
    }
    out
}

/// All integrity checks in one round trip: each block's rows tagged with its index.
fn integrity(client: &mut Client, sql: &str) -> Result<Vec<Check>, postgres::Error> {
    let blocks = integrity_blocks(sql);
    if blocks.is_empty() {
        return Ok(Vec::new());
    }
    let union: Vec<String> =
        blocks.iter().enumerate().map(|(i, b)| format!("SELECT {i}, q.p::text FROM ({}) AS q(p)", b.2)).collect();
    let mut problems: Vec<Vec<String>> = vec![Vec::new(); blocks.len()];
    for msg in client.simple_query(&union.join("\nUNION ALL\n"))? {
        if let SimpleQueryMessage::Row(r) = msg {
            let i: usize = r.try_get(0).ok().flatten().and_then(|v| v.parse().ok()).unwrap_or(0);
            if let Some(list) = problems.get_mut(i) {
                list.push(r.try_get(1).ok().flatten().unwrap_or("NULL").to_string());
            }
        }
    }
    Ok(blocks
        .into_iter()
        .zip(problems)
        .map(|((name, what, _), rows)| {
            let name = format!("integrity: {name}");
            if rows.is_empty() {
                Check::pass(name, what)
            } else {
                let shown: Vec<&str> = rows.iter().take(5).map(String::as_str).collect();
                let more = if rows.len() > 5 { format!(" (and {} more)", rows.len() - 5) } else { String::new() };
                Check::fail(name, format!("{} problem(s): {}{more}", rows.len(), shown.join("; ")))
            }
        })
        .collect())
}

fn same_database(a: &Target, b: &Target) -> bool {
    let (x, y) = (&a.url, &b.url);
    x.host() == y.host() && x.port() == y.port() && x.dbname() == y.dbname()
}

fn expected_of(t: &Target) -> Result<Catalog> {
    let text = t.schema.expected_catalog.ok_or_else(|| {
        Error::usage(format!("schema {} has no expected catalog; run `runner snapshot --schema {}`", t.schema.name, t.schema.name))
    })?;
    Catalog::from_json(text).map_err(|e| Error::failed(format!("expected catalog of {} is unreadable: {e}", t.schema.name)))
}

fn inspect(profile: &Profile, t: &Target, all: &[Target], strict: bool) -> Report {
    let started = Instant::now();
    let shown = t.url.to_string();
    let mut r = Report { target: t.clone(), shown, server_version: None, plan: None, checks: Vec::new(), error: None, took_ms: 0 };
    if let Err(e) = check_target(profile, t, all, strict, &mut r) {
        r.error = Some(e);
    }
    r.took_ms = started.elapsed().as_millis();
    r
}

fn check_target(profile: &Profile, t: &Target, all: &[Target], strict: bool, r: &mut Report) -> Result<()> {
    let expected = expected_of(t)?;
    let mut s = session::open(t, super::migrate::timeouts(profile), Missing::Fail, "runner verify")?;
    r.server_version = Some(s.server_version.clone());
    if let Some(why) = session::too_old(&s.server_version) {
        r.checks.push(Check::fail("server", format!("{why}: migrate, rollback, adopt and etl refuse it; upgrade the server")));
    }
    let db_err = |e: postgres::Error| Error::failed(format!("{}: {}", t.name, describe_pg(&e)));
    s.client
        .batch_execute(&format!(
            "SET default_transaction_read_only = on; SET runner.production = '{}';",
            profile.production
        ))
        .map_err(db_err)?;

    // 1. History against the embedded migrations.
    let plan = plan::plan(t.schema, history::read(&mut s.client, &t.schema.history_table()).map_err(|e| e.context(&t.name))?);
    if plan.pending.is_empty() && plan.problems.is_empty() {
        r.checks.push(Check::pass("history", format!("{} applied, none pending", plan.applied.len())));
    }
    if !plan.pending.is_empty() {
        let names: Vec<String> = plan.pending.iter().map(|m| m.to_string()).collect();
        r.checks.push(Check::fail("history: pending", format!("not applied: {}; run `runner migrate`", names.join(", "))));
    }
    for p in &plan.problems {
        r.checks.push(Check::fail(format!("history: {}", p.kind()), p.describe()));
    }
    r.plan = Some(plan);

    // 2. The live catalog against the expected one. Objects of other targets
    // in the same database are theirs, not drift; a schema that lives beside
    // an application's own tables (it has prerequisites) reports no drift.
    let live = catalog::read(&mut s.client).map_err(db_err)?;
    let others: Vec<Catalog> = all
        .iter()
        .filter(|o| o.name != t.name && same_database(o, t))
        .filter_map(|o| expected_of(o).ok())
        .collect();
    let other_refs: Vec<&Catalog> = others.iter().collect();
    let report_drift = t.schema.prerequisites.is_none();
    let findings = catalog::compare(&expected, &live, &other_refs, t.schema.shared_objects);
    let failures = findings.iter().filter(|f| f.level == Level::Failure).count();
    for f in findings.into_iter().filter(|f| f.level != Level::Drift || report_drift) {
        let name = format!("catalog: {}", f.object);
        r.checks.push(match f.level {
            Level::Failure => Check::fail(name, f.detail),
            Level::Drift => Check { name, ok: !strict, warning: true, note: false, detail: format!("drift: {}", f.detail) },
            Level::Shared => Check { note: true, ..Check::pass(name, f.detail) },
        });
    }
    if failures == 0 {
        r.checks.push(Check::pass("catalog", format!("{} objects match the migrations", expected.object_count())));
    }

    // 3. The schema's own data-integrity checks.
    if let Some(sql) = t.schema.integrity_checks {
        // A query on a missing table fails: reported, the rest still stands.
        match integrity(&mut s.client, sql) {
            Ok(checks) => r.checks.extend(checks),
            Err(e) => r.checks.push(Check::fail("integrity", format!("could not run: {}", describe_pg(&e)))),
        }
    }
    Ok(())
}

pub fn report_json(profile: &Profile, reports: &[Report], strict: bool) -> Value {
    json!({
        "profile": profile.name,
        "ok": reports.iter().all(Report::ok),
        "strict": strict,
        "targets": reports.iter().map(|r| {
            let mut v = history_json(&r.target, r.server_version.as_deref(), r.plan.as_ref(), r.error.as_ref());
            v["ok"] = json!(r.ok());
            v["took_ms"] = json!(r.took_ms);
            v["checks"] = r.checks.iter().map(|c| json!({"name": c.name, "ok": c.ok, "warning": c.warning, "detail": c.detail})).collect();
            v
        }).collect::<Vec<_>>(),
    })
}

fn print_text(r: &Report) {
    use crate::paint;
    let t = &r.target;
    if let Some(e) = &r.error {
        crate::outln!("{:<16} {}  {}", t.name, paint::bad("UNREACHABLE"), e.message());
        return;
    }
    let failed = r.checks.iter().filter(|c| !c.ok).count();
    let warnings = r.checks.iter().filter(|c| c.warning).count();
    let applied = r.plan.as_ref().map(|p| p.applied.len()).unwrap_or(0);
    crate::outln!(
        "{:<16} {}  {} checks, {failed} failed, {warnings} warning(s); {applied} migrations applied; PostgreSQL {}; {} ms",
        t.name,
        if failed == 0 { paint::good("ok    ") } else { paint::bad("FAILED") },
        r.checks.len(),
        r.server_version.as_deref().unwrap_or("?"),
        r.took_ms
    );
    for c in r.checks.iter().filter(|c| !c.ok || c.warning || c.note) {
        let tag = if !c.ok { paint::bad("FAIL") } else if c.warning { paint::warn("warn") } else { "note".to_string() };
        crate::outln!("  {tag} {}: {}", c.name, c.detail);
    }
}

pub fn run(profile: &Profile, targets: &[Target], format: Format, strict: bool) -> Result<()> {
    let reports: Vec<Report> = targets.iter().map(|t| inspect(profile, t, targets, strict)).collect();
    match format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&report_json(profile, &reports, strict)).expect("JSON")),
        Format::Text => reports.iter().for_each(print_text),
    }
    let unreachable: Vec<&str> = reports
        .iter()
        .filter(|r| r.error.as_ref().is_some_and(|e| e.kind == Kind::Unreachable))
        .map(|r| r.target.name.as_str())
        .collect();
    if !unreachable.is_empty() {
        return Err(Error::unreachable(format!("verify could not reach {}", unreachable.join(", "))));
    }
    if let Some(e) = reports.iter().filter_map(|r| r.error.as_ref()).next() {
        return Err(Error::new(e.kind, e.message()));
    }
    let failed: Vec<&str> = reports.iter().filter(|r| !r.ok()).map(|r| r.target.name.as_str()).collect();
    if failed.is_empty() {
        Ok(())
    } else {
        Err(Error::problems(format!("verify found problems on {}", failed.join(", "))))
    }
}
