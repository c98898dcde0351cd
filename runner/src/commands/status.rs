//! `runner status`: applied, pending and divergent migrations per target,
//! one round trip each, all targets at once.

use crate::error::{Error, Kind, Result};
use crate::output::{self, Format, TargetReport};
use crate::paint;
use crate::profile::{Profile, Target};
use crate::session::Access;
use crate::target::{self, Jobs};

fn inspect(profile: &Profile, t: &Target) -> TargetReport {
    let mut r = TargetReport::new(t);
    match target::open(profile, t, Access::reading("runner status")) {
        Ok(s) => {
            r.server_version = Some(s.server_version);
            r.plan = Some(s.plan);
        }
        Err(e) => r.error = Some(e),
    }
    r
}

pub fn run(profile: &Profile, targets: &[Target], jobs: Jobs, format: Format) -> Result<()> {
    let reports: Vec<TargetReport> = target::finish(target::run_each(targets, jobs, false, |t, _| Ok(inspect(profile, t))))?;
    match format {
        Format::Json => output::print_json(
            &profile.name,
            reports.iter().all(TargetReport::history_ok),
            &[],
            reports.iter().map(TargetReport::json).collect(),
        ),
        Format::Text => reports.iter().for_each(print_text),
    }
    // Unreachable beats problems: the operator must first get a connection.
    if let Some(e) = reports.iter().filter_map(|r| r.error.as_ref()).find(|e| e.kind == Kind::Unreachable) {
        return Err(Error::unreachable(format!("status incomplete: {}", e.message())));
    }
    if let Some(e) = reports.iter().filter_map(|r| r.error.as_ref()).next() {
        return Err(Error::new(e.kind, e.message()));
    }
    let troubled: Vec<&str> = reports.iter().filter(|r| !r.history_ok()).map(|r| r.target.name.as_str()).collect();
    if !troubled.is_empty() {
        return Err(Error::problems(format!("history problems on {}", troubled.join(", "))));
    }
    Ok(())
}

fn print_text(r: &TargetReport) {
    crate::outln!("{}", r.heading());
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
