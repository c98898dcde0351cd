//! `runner migrate` (the default command).

use std::time::Instant;

use postgres::Client;

use crate::error::{describe_pg, Error, Result};
use crate::executor;
use crate::history;
use crate::lint;
use crate::plan;
use crate::profile::{Profile, Target};
use crate::session::{self, Missing, Timeouts};

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

pub fn timeouts(profile: &Profile) -> Timeouts {
    Timeouts { connect: profile.connect_timeout, lock: profile.lock_timeout, statement: profile.statement_timeout }
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
        for t in targets {
            if let Some(why) = t.url.pooler() {
                return Err(Error::usage(format!(
                    "target {}: {why}; migrations hold a session advisory lock, which a transaction pooler does not keep",
                    t.name
                )));
            }
        }
    }
    Ok(())
}

pub fn run(profile: &Profile, targets: &[Target], opts: &Options) -> Result<()> {
    preflight(profile, targets, opts)?;
    for t in targets {
        if opts.dry_run {
            dry_run(profile, t, opts)?;
        } else {
            if opts.adopt {
                let adopt = super::adopt::Options { baseline: opts.baseline };
                super::adopt::adopt_target(profile, t, &adopt, Missing::Create)?;
            }
            migrate_target(profile, t, opts)?;
        }
    }
    Ok(())
}

/// Run the schema's prerequisite query; each row is one missing prerequisite.
fn prerequisites(client: &mut Client, t: &Target) -> Result<()> {
    let Some(query) = t.schema.prerequisites else { return Ok(()) };
    let rows = client
        .query(query, &[])
        .map_err(|e| Error::failed(format!("{}: prerequisite check failed: {}", t.name, describe_pg(&e))))?;
    if rows.is_empty() {
        return Ok(());
    }
    let problems: Vec<String> = rows.iter().map(|r| crate::db::column(r, 0, "prerequisite check")).collect::<Result<_>>()?;
    Err(Error::failed(format!("{}: nothing was applied: {}", t.name, problems.join("; "))))
}

pub fn migrate_target(profile: &Profile, t: &Target, opts: &Options) -> Result<()> {
    let started = Instant::now();
    let mut s = session::open(t, timeouts(profile), Missing::Create, "runner migrate")?;
    s.require_supported(&t.name)?;
    log::info!(
        "[{}] connected to {} (PostgreSQL {}), schema {}",
        t.name,
        s.url,
        s.server_version,
        t.schema.name
    );
    let dev_base = (opts.with_test_data && !profile.production).then_some(t.schema.dev_base).flatten();
    let before = |client: &mut Client| -> Result<()> {
        if let Some(sql) = dev_base {
            client
                .batch_execute(&format!("BEGIN;\n{sql}\n;\nCOMMIT;"))
                .map_err(|e| {
                    let _ = client.batch_execute("ROLLBACK");
                    Error::failed(format!("{}: creating the development base tables failed: {}", t.name, describe_pg(&e)))
                })?;
        }
        prerequisites(client, t)
    };
    let gate = |client: &mut Client, plan: &plan::Plan| -> Result<()> {
        if profile.production {
            lint::gate::check(client, t.schema, &t.name, &plan.pending, opts.allow_hazards)?;
        }
        Ok(())
    };
    let outcome = executor::migrate_locked(
        &mut s.client,
        t.schema,
        &s.database,
        &t.name,
        profile,
        &before,
        &gate,
        opts.with_test_data,
    )?;
    let names: Vec<&str> = outcome.applied.iter().map(|(n, _)| n.as_str()).collect();
    let list = match names.as_slice() {
        [] => String::new(),
        [one] => format!(" ({one})"),
        [first, .., last] => format!(" ({first} … {last})"),
    };
    log::info!(
        "[{}] applied {}{list}, already current {}{}, took {}",
        t.name,
        names.len(),
        outcome.already_current,
        if outcome.test_data { ", test data applied" } else { "" },
        crate::duration::human(started.elapsed())
    );
    Ok(())
}

/// Print what would happen; write nothing (not even the history table).
fn dry_run(profile: &Profile, t: &Target, opts: &Options) -> Result<()> {
    let opened = session::open(t, timeouts(profile), Missing::Fail, "runner migrate --dry-run");
    let (applied, shown, mut session) = match opened {
        Ok(mut s) => {
            s.require_supported(&t.name)?;
            let rows = history::read(&mut s.client, &t.schema.history_table())
                .map_err(|e| e.context(&t.name))?;
            if let Some(query) = t.schema.prerequisites {
                if let Ok(rows) = s.client.query(query, &[]) {
                    for r in rows {
                        let what: String = crate::db::column(&r, 0, "prerequisite check")?;
                        println!("{}: prerequisite missing: {what}", t.name);
                    }
                }
            }
            (rows, s.url.to_string(), Some(s))
        }
        Err(e) if t.create_database && e.message().contains("does not exist") => {
            (Vec::new(), t.url.to_string(), None)
        }
        Err(e) => return Err(e),
    };
    let missing_db = session.is_none();
    let plan = plan::plan(t.schema, applied);
    let hazards = lint::gate::assess(session.as_mut().map(|s| &mut s.client), t.schema, &plan.pending).map_err(|e| {
        Error::failed(format!("{}: the hazard check could not read the tables: {}", t.name, describe_pg(&e)))
    })?;
    if opts.sql {
        print_sql(t, &plan, opts, missing_db, &shown);
    } else {
        println!("{} ({}, schema {}):", t.name, shown, t.schema.name);
        if missing_db {
            println!("  would create the database");
        }
        for p in &plan.problems {
            println!("  PROBLEM {}: {}", p.kind(), p.describe());
        }
        for m in &plan.pending {
            let mode = if executor::is_no_transaction(m.sql().unwrap_or("")) { " (no transaction)" } else { "" };
            println!("  would apply {m}{mode}");
        }
        if opts.with_test_data && t.schema.test_data.is_some() {
            println!("  would apply the test data");
        }
    }
    let refused = lint::gate::print(&hazards, if opts.sql { "-- " } else { "  " }, profile.production);
    let gate_refuses = profile.production && refused > 0 && !opts.allow_hazards;
    println!(
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
fn print_sql(t: &Target, plan: &plan::Plan, opts: &Options, missing_db: bool, shown: &str) {
    println!("-- target {} ({shown}), schema {}", t.name, t.schema.name);
    if missing_db {
        println!("-- the database would be created first");
    }
    for p in &plan.problems {
        println!("-- PROBLEM {}: {}", p.kind(), p.describe());
    }
    let table = t.schema.history_table();
    println!("{};", history::create_sql(&table));
    for m in &plan.pending {
        let sql = m.sql().unwrap_or("");
        println!("\n-- {}", plan::file_of(t.schema, m));
        if executor::is_no_transaction(sql) {
            println!("{}\n;\n{};", sql.trim_end(), history::insert_sql(&table, m));
        } else {
            println!("BEGIN;\n{}\n;\n{};\nCOMMIT;", sql.trim_end(), history::insert_sql(&table, m));
        }
    }
    if let (true, Some(data)) = (opts.with_test_data, t.schema.test_data) {
        println!("\n-- test data of {}\nBEGIN;\n{}\n;\nCOMMIT;", t.schema.name, data.trim_end());
    }
}
