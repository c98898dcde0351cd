//! `runner verify`: is each target exactly what its migrations say? History,
//! catalog (definitions, not just names) and the schema's integrity checks,
//! on a read-only session, in one round trip per target (two when the
//! integrity checks cannot run), all targets at once.

use std::time::Instant;

use postgres::SimpleQueryRow;
use serde_json::{json, Value};

use crate::catalog::{self, Catalog, Level};
use crate::error::{Error, Kind, Result};
use crate::output::{self, Format, TargetReport};
use crate::plan;
use crate::profile::{Profile, Target};
use crate::session::{self, Access, Session};
use crate::target::{self, Jobs};

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
    pub history: TargetReport,
    pub checks: Vec<Check>,
    pub took_ms: u128,
}

impl Report {
    pub fn ok(&self) -> bool {
        self.history.error.is_none() && self.checks.iter().all(|c| c.ok)
    }

    fn json(&self) -> Value {
        let mut v = self.history.json();
        v["ok"] = json!(self.ok());
        v["took_ms"] = json!(self.took_ms);
        v["checks"] = self.checks.iter().map(|c| json!({"name": c.name, "ok": c.ok, "warning": c.warning, "detail": c.detail})).collect();
        v
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

/// All integrity checks as one statement: each block's rows tagged with its index.
fn integrity_sql(blocks: &[(String, String, String)]) -> Option<String> {
    let union: Vec<String> =
        blocks.iter().enumerate().map(|(i, b)| format!("SELECT {i}, q.p::text FROM ({}) AS q(p)", b.2)).collect();
    (!union.is_empty()).then(|| union.join("\nUNION ALL\n"))
}

/// The checks from the rows of `integrity_sql`.
fn integrity_checks(blocks: Vec<(String, String, String)>, rows: &[SimpleQueryRow]) -> Vec<Check> {
    let mut problems: Vec<Vec<String>> = vec![Vec::new(); blocks.len()];
    for r in rows {
        let i: usize = r.try_get(0).ok().flatten().and_then(|v| v.parse().ok()).unwrap_or(0);
        if let Some(list) = problems.get_mut(i) {
            list.push(r.try_get(1).ok().flatten().unwrap_or("NULL").to_string());
        }
    }
    blocks
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
        .collect()
}

fn expected_of(t: &Target) -> Result<Catalog> {
    let text = t.schema.expected_catalog.ok_or_else(|| {
        Error::usage(format!("schema {} has no expected catalog; run `runner snapshot --schema {}`", t.schema.name, t.schema.name))
    })?;
    Catalog::from_json(text).map_err(|e| Error::failed(format!("expected catalog of {} is unreadable: {e}", t.schema.name)))
}

fn inspect(profile: &Profile, t: &Target, all: &[Target], strict: bool) -> Report {
    let started = Instant::now();
    let mut r = Report { history: TargetReport::new(t), checks: Vec::new(), took_ms: 0 };
    if let Err(e) = check_target(profile, t, all, strict, &mut r) {
        r.history.error = Some(e);
    }
    r.took_ms = started.elapsed().as_millis();
    r
}

/// History, catalog and integrity checks in one round trip; when the
/// integrity checks cannot run (a table they read is missing), a second
/// round trip reads history and catalog, and the check `integrity` fails with
/// the server's reason.
fn check_target(profile: &Profile, t: &Target, all: &[Target], strict: bool, r: &mut Report) -> Result<()> {
    let expected = expected_of(t)?;
    let access = Access::reading("runner verify").with_setting("runner.production", profile.production.to_string());
    let mut s = match Session::connect(t, profile.timeouts(), access)? {
        Some(s) => s,
        None => return target::open(profile, t, Access::reading("runner verify")).map(|_| ()),
    };
    let blocks = t.schema.integrity_checks.map(integrity_blocks).unwrap_or_default();
    let (catalog_rows, integrity) = match integrity_sql(&blocks) {
        Some(sql) => match s.read(&[catalog::QUERY, &sql]) {
            Ok(mut rows) => {
                let checks = rows.pop().unwrap_or_default();
                (rows.pop().unwrap_or_default(), Ok(checks))
            }
            // A query on a missing table fails: reported, the rest still stands.
            Err(e) if e.kind != Kind::Unreachable => (s.read(&[catalog::QUERY])?.pop().unwrap_or_default(), Err(e)),
            Err(e) => return Err(e),
        },
        None => (s.read(&[catalog::QUERY])?.pop().unwrap_or_default(), Ok(Vec::new())),
    };
    r.history.server_version = Some(s.server_version.clone());
    if let Some(why) = session::too_old(&s.server_version) {
        r.checks.push(Check::fail("server", format!("{why}: migrate, rollback, adopt and etl refuse it; upgrade the server")));
    }

    // 1. History against the embedded migrations.
    let plan = std::mem::replace(&mut s.plan, plan::plan(t.schema, Vec::new()));
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
    r.history.plan = Some(plan);

    // 2. The live catalog against the expected one. Objects of other targets
    // in the same database are theirs, not drift; a schema that lives beside
    // an application's own tables (it has prerequisites) reports no drift.
    let live = catalog::from_rows(&catalog_rows);
    let others: Vec<Catalog> =
        all.iter().filter(|o| o.name != t.name && target::same_database(o, t)).filter_map(|o| expected_of(o).ok()).collect();
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
    match integrity {
        Ok(rows) => r.checks.extend(integrity_checks(blocks, &rows)),
        Err(e) => r.checks.push(Check::fail("integrity", format!("could not run: {}", e.message()))),
    }
    Ok(())
}

fn print_text(r: &Report) {
    use crate::paint;
    let name = &r.history.target.name;
    if let Some(e) = &r.history.error {
        let what = if e.kind == Kind::Unreachable { "UNREACHABLE" } else { "ERROR" };
        crate::outln!("{name:<16} {}  {}", paint::bad(what), e.message());
        return;
    }
    let failed = r.checks.iter().filter(|c| !c.ok).count();
    let warnings = r.checks.iter().filter(|c| c.warning).count();
    let applied = r.history.plan.as_ref().map(|p| p.applied.len()).unwrap_or(0);
    crate::outln!(
        "{name:<16} {}  {} checks, {failed} failed, {warnings} warning(s); {applied} migrations applied; PostgreSQL {}; {} ms",
        if failed == 0 { paint::good("ok    ") } else { paint::bad("FAILED") },
        r.checks.len(),
        r.history.server_version.as_deref().unwrap_or("?"),
        r.took_ms
    );
    for c in r.checks.iter().filter(|c| !c.ok || c.warning || c.note) {
        let tag = if !c.ok { paint::bad("FAIL") } else if c.warning { paint::warn("warn") } else { "note".to_string() };
        crate::outln!("  {tag} {}: {}", c.name, c.detail);
    }
}

pub fn run(profile: &Profile, targets: &[Target], jobs: Jobs, format: Format, strict: bool) -> Result<()> {
    let reports: Vec<Report> =
        target::finish(target::run_each(targets, jobs, false, |t, _| Ok(inspect(profile, t, targets, strict))))?;
    match format {
        Format::Json => output::print_json(
            &profile.name,
            reports.iter().all(Report::ok),
            &[("strict", json!(strict))],
            reports.iter().map(Report::json).collect(),
        ),
        Format::Text => reports.iter().for_each(print_text),
    }
    let errors = || reports.iter().filter_map(|r| r.history.error.as_ref().map(|e| (r.history.target.name.as_str(), e)));
    let unreachable: Vec<&str> = errors().filter(|(_, e)| e.kind == Kind::Unreachable).map(|(n, _)| n).collect();
    if !unreachable.is_empty() {
        return Err(Error::unreachable(format!("verify could not reach {}", unreachable.join(", "))));
    }
    if let Some((_, e)) = errors().next() {
        return Err(Error::new(e.kind, e.message()));
    }
    let failed: Vec<&str> = reports.iter().filter(|r| !r.ok()).map(|r| r.history.target.name.as_str()).collect();
    if failed.is_empty() {
        Ok(())
    } else {
        Err(Error::problems(format!("verify found problems on {}", failed.join(", "))))
    }
}
