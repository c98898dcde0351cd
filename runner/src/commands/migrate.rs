//! `runner migrate` (the default command).
//!
//! Per target: one round trip reads the settings and the history; when
//! nothing is pending that is all. Otherwise the lock is taken (re-reading
//! the history under it and creating the history table in the same round
//! trip), each pending migration is one round trip, and closing the
//! connection releases the lock.

use std::fmt::Write as _;
use std::time::Instant;

use postgres::Client;
use refinery::Migration;

use crate::error::{Context, Error, Result};
use crate::executor;
use crate::history;
use crate::lint;
use crate::lock::Locked;
use crate::plan;
use crate::profile::{Profile, Target};
use crate::session::Access;
use crate::target::{self, Jobs};

#[derive(Debug, Clone, Default)]
pub struct Options {
    pub with_test_data: bool,
    pub dry_run: bool,
    /// With `dry_run`: print the SQL instead of the list.
    pub sql: bool,
    /// Adopt a database the old tools built before migrating (`runner adopt`).
    pub adopt: bool,
    /// With `adopt`: the version to record when the operator has checked it.
    pub baseline: Option<i32>,
    /// Apply even when the lint gate finds hazards on tables with rows.
    pub allow_hazards: bool,
}

/// Refusals that need no connection: checked for every target before any
/// database is touched.
pub fn preflight(profile: &Profile, targets: &[Target], opts: &Options) -> Result<()> {
    if opts.with_test_data && profile.production {
        return Err(Error::usage(format!(
            "--with-test-data is refused: profile {} is a production profile (production: true); test data is for local profiles",
            profile.name
        )));
    }
    if !opts.dry_run {
        target::refuse_pooler(targets, "migrate")?;
    }
    Ok(())
}

pub fn run(profile: &Profile, targets: &[Target], jobs: Jobs, opts: &Options) -> Result<()> {
    preflight(profile, targets, opts)?;
    // A dry run changes nothing: it reports on every target whatever happens.
    let finished = target::run_each(targets, jobs, !opts.dry_run, |t, out| {
        if opts.dry_run {
            dry_run(profile, t, opts, out)
        } else {
            migrate_target(profile, t, opts)
        }
    });
    target::finish(finished).map(|_| ())
}

/// Development stand-ins for the prerequisites (non-production, with test data).
fn dev_base(s: &mut Locked, sql: &str) -> Result<()> {
    s.client.batch_execute(&format!("BEGIN;\n{sql}\n;\nCOMMIT;")).map_err(|e| {
        let _ = s.client.batch_execute("ROLLBACK");
        Error::from(e).context(format!("{}: creating the development base tables failed", s.target.name))
    })
}

/// The deploy gate of a production profile: lint hazards of `pending` on
/// tables with rows refuse the run before anything is written.
fn gate(client: &mut Client, profile: &Profile, t: &Target, pending: &[Migration], opts: &Options) -> Result<()> {
    if profile.production && !pending.is_empty() {
        lint::gate::check(client, t.schema, &t.name, pending, opts.allow_hazards)?;
    }
    Ok(())
}

fn names(pending: &[Migration]) -> Vec<String> {
    pending.iter().map(|m| m.to_string()).collect()
}

pub fn migrate_target(profile: &Profile, t: &Target, opts: &Options) -> Result<()> {
    let started = Instant::now();
    let name = t.name.as_str();
    let schema = t.schema;
    let mut s = target::open(profile, t, Access::changing("runner migrate").creating_missing())?;
    log::info!("[{name}] connected to {} (PostgreSQL {}), schema {}", t.url, s.server_version, schema.name);
    let base = schema.dev_base.filter(|_| opts.with_test_data && !profile.production);
    let adopting = opts.adopt && !super::adopt::nothing_to_adopt(&s, opts.baseline);
    let mut locked = if adopting {
        let mut locked = s.lock(false)?;
        super::adopt::adopt_locked(&mut locked, &super::adopt::Options { baseline: opts.baseline })?;
        locked.create_history()?;
        let session = &mut *locked;
        gate(&mut session.client, profile, t, &session.plan.pending, opts)?;
        locked
    } else {
        // Problems in the history, or the gate, stop the run before the lock
        // is taken and anything is written.
        executor::check(schema, &s.plan).context(name)?;
        if s.plan.pending.is_empty() && !opts.with_test_data {
            summary(name, &[], s.plan.applied.len(), false, started);
            return Ok(());
        }
        gate(&mut s.client, profile, t, &s.plan.pending, opts)?;
        let gated = names(&s.plan.pending);
        let mut locked = s.lock(base.is_none())?;
        // Another deploy applied some meanwhile: the gate judges what is left.
        let session = &mut *locked;
        if names(&session.plan.pending) != gated {
            gate(&mut session.client, profile, t, &session.plan.pending, opts)?;
        }
        locked
    };
    if let Some(sql) = base {
        dev_base(&mut locked, sql)?;
        locked.create_history()?;
    }
    if !locked.missing_prerequisites.is_empty() {
        return Err(Error::failed(format!("{name}: nothing was applied: {}", locked.missing_prerequisites.join("; "))));
    }
    let session = &mut *locked;
    executor::check(schema, &session.plan).context(name)?;
    let applied = executor::apply_retrying(&mut session.client, schema, name, &session.plan, profile.lock_retries)?;
    let test_data = opts.with_test_data && executor::apply_test_data(&mut session.client, schema, name, profile.lock_retries)?;
    summary(name, &applied, session.plan.applied.len(), test_data, started);
    Ok(())
}

fn summary(name: &str, applied: &[(String, std::time::Duration)], already: usize, test_data: bool, started: Instant) {
    let names: Vec<&str> = applied.iter().map(|(n, _)| n.as_str()).collect();
    let list = match names.as_slice() {
        [] => String::new(),
        [one] => format!(" ({one})"),
        [first, .., last] => format!(" ({first} … {last})"),
    };
    log::info!(
        "[{name}] applied {}{list}, already current {already}{}, took {}",
        names.len(),
        if test_data { ", test data applied" } else { "" },
        crate::duration::human(started.elapsed())
    );
}

/// Write what would happen; change nothing (not even the history table).
fn dry_run(profile: &Profile, t: &Target, opts: &Options, out: &mut String) -> Result<()> {
    let access = Access::reading("runner migrate --dry-run").refusing_old_servers();
    let mut session = target::open_if_exists(profile, t, access)?;
    let missing_db = session.is_none();
    if let (Some(s), Some(query)) = (session.as_mut(), t.schema.prerequisites) {
        for missing in s.rows(query).unwrap_or_default() {
            let _ = writeln!(out, "{}: prerequisite missing: {missing}", t.name);
        }
    }
    let plan = match session.as_mut() {
        Some(s) => std::mem::replace(&mut s.plan, plan::plan(t.schema, Vec::new())),
        None => plan::plan(t.schema, Vec::new()),
    };
    let hazards = lint::gate::assess(session.as_mut().map(|s| &mut s.client), t.schema, &plan.pending)
        .context(format!("{}: the hazard check could not read the tables", t.name))?;
    if opts.sql {
        write_sql(out, t, &plan, opts, missing_db);
    } else {
        let _ = writeln!(out, "{} ({}, schema {}):", t.name, t.url, t.schema.name);
        if missing_db {
            let _ = writeln!(out, "  would create the database");
        }
        for p in &plan.problems {
            let _ = writeln!(out, "  PROBLEM {}: {}", p.kind(), p.describe());
        }
        for m in &plan.pending {
            let mode = if executor::is_no_transaction(m.sql().unwrap_or("")) { " (no transaction)" } else { "" };
            let _ = writeln!(out, "  would apply {m}{mode}");
        }
        if opts.with_test_data && t.schema.test_data.is_some() {
            let _ = writeln!(out, "  would apply the test data");
        }
    }
    let refused = lint::gate::print(out, &hazards, if opts.sql { "-- " } else { "  " }, profile.production);
    let gate_refuses = profile.production && refused > 0 && !opts.allow_hazards;
    let _ = writeln!(
        out,
        "{}  {} pending, {} already applied{}{}",
        if opts.sql { "--" } else { "" },
        plan.pending.len(),
        plan.applied.len(),
        if plan.problems.is_empty() { String::new() } else { format!(", {} problem(s): migrate would refuse", plan.problems.len()) },
        if gate_refuses { format!(", {refused} hazard(s) on live tables: migrate would refuse") } else { String::new() }
    );
    if !plan.problems.is_empty() {
        Err(Error::problems(format!("{}: the history does not match the migrations (see above)", t.name)))
    } else if gate_refuses {
        Err(Error::usage(format!(
            "{}: migrate would refuse {refused} hazard(s) on live tables (see above); rewrite them the safe way or waive them, or pass --allow-hazards after checking",
            t.name
        )))
    } else {
        Ok(())
    }
}

/// The SQL `migrate` would send for `plan`, as a script a reviewer can read:
/// each transactional migration in the batch the executor sends.
fn write_sql(out: &mut String, t: &Target, plan: &plan::Plan, opts: &Options, missing_db: bool) {
    let _ = writeln!(out, "-- target {} ({}), schema {}", t.name, t.url, t.schema.name);
    if missing_db {
        let _ = writeln!(out, "-- the database would be created first");
    }
    for p in &plan.problems {
        let _ = writeln!(out, "-- PROBLEM {}: {}", p.kind(), p.describe());
    }
    let table = t.schema.history_table();
    let _ = writeln!(out, "{};", history::create_sql(&table));
    for (i, m) in plan.pending.iter().enumerate() {
        let sql = m.sql().unwrap_or("");
        let record = executor::record(&table, m, i + 1 == plan.pending.len());
        let _ = writeln!(out, "\n-- {}", plan::file_of(t.schema, m));
        if executor::is_no_transaction(sql) {
            let _ = writeln!(out, "{}\n;\n{record};", sql.trim_end());
        } else {
            let _ = writeln!(out, "BEGIN;\n{}\n;\n{record};\nCOMMIT;", sql.trim_end());
        }
    }
    if let (true, Some(data)) = (opts.with_test_data, t.schema.test_data) {
        let _ = writeln!(out, "\n-- test data of {}\nBEGIN;\n{}\n;\nCOMMIT;", t.schema.name, data.trim_end());
    }
}
