//! `runner status`: applied, pending and divergent migrations per target.

use serde_json::{json, Value};

use crate::error::{Error, Kind, Result};
use crate::history;
use crate::plan::{self, Plan};
use crate::profile::{Profile, Target};
use crate::session::{self, Missing};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
}

/// The per-target history report shared by `status` and `verify`.
pub fn history_json(t: &Target, server_version: Option<&str>, plan: Option<&Plan>, error: Option<&Error>) -> Value {
    let applied: Vec<Value> = plan
        .map(|p| {
            p.applied
                .iter()
                .map(|a| json!({"version": a.version, "name": a.name, "applied_on": a.applied_on}))
                .collect()
        })
        .unwrap_or_default();
    let pending: Vec<Value> = plan
        .map(|p| p.pending.iter().map(|m| json!({"version": m.version(), "name": m.name()})).collect())
        .unwrap_or_default();
    let problems: Vec<Value> = plan
        .map(|p| p.problems.iter().map(|x| json!({"kind": x.kind(), "detail": x.describe()})).collect())
        .unwrap_or_default();
    json!({
        "name": t.name,
        "schema": t.schema.name,
        "ok": error.is_none() && plan.is_some_and(|p| p.problems.is_empty()),
        "server_version": server_version,
        "applied": applied,
        "pending": pending,
        "problems": problems,
        "error": error.map(|e| e.message().to_string()),
    })
}

struct Report {
    target: Target,
    shown: String,
    server_version: Option<String>,
    plan: Option<Plan>,
    error: Option<Error>,
}

fn inspect(profile: &Profile, t: &Target) -> Report {
    let shown = t.url.to_string();
    let mut r = Report { target: t.clone(), shown, server_version: None, plan: None, error: None };
    match session::open(t, super::migrate::timeouts(profile), Missing::Fail, "runner status") {
        Ok(mut s) => {
            r.server_version = Some(s.server_version.clone());
            match history::read(&mut s.client, &t.schema.history_table()) {
                Ok(rows) => r.plan = Some(plan::plan(t.schema, rows)),
                Err(e) => r.error = Some(e.context(&t.name)),
            }
        }
        Err(e) => r.error = Some(e),
    }
    r
}

pub fn run(profile: &Profile, targets: &[Target], format: Format) -> Result<()> {
    let reports: Vec<Report> = targets.iter().map(|t| inspect(profile, t)).collect();
    match format {
        Format::Json => {
            let doc = json!({
                "profile": profile.name,
                "ok": reports.iter().all(|r| r.error.is_none() && r.plan.as_ref().is_some_and(|p| p.problems.is_empty())),
                "targets": reports.iter().map(|r| history_json(&r.target, r.server_version.as_deref(), r.plan.as_ref(), r.error.as_ref())).collect::<Vec<_>>(),
            });
            println!("{}", serde_json::to_string_pretty(&doc).expect("JSON"));
        }
        Format::Text => {
            for r in &reports {
                print_text(r);
            }
        }
    }
    // Unreachable beats problems: the operator must first get a connection.
    if let Some(e) = reports.iter().filter_map(|r| r.error.as_ref()).find(|e| e.kind == Kind::Unreachable) {
        return Err(Error::unreachable(format!("status incomplete: {}", e.message())));
    }
    if let Some(e) = reports.iter().filter_map(|r| r.error.as_ref()).next() {
        return Err(Error::new(e.kind, e.message()));
    }
    let troubled: Vec<&str> = reports
        .iter()
        .filter(|r| r.plan.as_ref().is_some_and(|p| !p.problems.is_empty()))
        .map(|r| r.target.name.as_str())
        .collect();
    if !troubled.is_empty() {
        return Err(Error::problems(format!("history problems on {}", troubled.join(", "))));
    }
    Ok(())
}

fn print_text(r: &Report) {
    use crate::paint;
    let t = &r.target;
    let version = r.server_version.as_deref().map(|v| format!(", PostgreSQL {v}")).unwrap_or_default();
    crate::outln!("{} ({}, schema {}{version})", t.name, r.shown, t.schema.name);
    if let Some(e) = &r.error {
        crate::outln!("  {} {}", paint::bad("ERROR"), e.message());
        return;
    }
    let Some(plan) = &r.plan else { return };
    for a in &plan.applied {
        crate::outln!("  applied  {:<40} {}", a.label(), a.applied_on);
    }
    for m in &plan.pending {
        crate::outln!("  {}  {m}", paint::warn("pending"));
    }
    for p in &plan.problems {
        crate::outln!("  {}  {}: {}", paint::bad("PROBLEM"), p.kind(), p.describe());
    }
    let state = if !plan.problems.is_empty() {
        paint::bad(&format!("{} problem(s)", plan.problems.len()))
    } else if plan.pending.is_empty() {
        paint::good("up to date")
    } else {
        paint::warn(&format!("{} pending", plan.pending.len()))
    };
    crate::outln!("  {} applied, {} pending: {state}", plan.applied.len(), plan.pending.len());
}
