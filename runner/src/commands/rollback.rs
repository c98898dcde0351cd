//! `runner rollback`: undo migrations with their down scripts, newest first,
//! each script and the removal of its history row in one transaction, under
//! the migration lock; then check the database against the catalog of the
//! version reached.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use postgres::Client;
use schema_def::{DownScript, SchemaDef};

use crate::catalog::{self, VersionCatalogs};
use crate::error::{Context, Error, Result};
use crate::history::{self, AppliedRow};
use crate::profile::{Profile, Target};
use crate::session::{self, Access, Session};
use crate::target::{self, Jobs};

#[derive(Debug, Clone, Default)]
pub struct Options {
    pub confirm: bool,
    pub to: Option<i32>,
    pub save_backup: Option<PathBuf>,
}

/// The undo plan of one target: applied rows to undo, newest first, with
/// their down scripts.
struct Undo {
    steps: Vec<(AppliedRow, DownScript)>,
    to: i32,
}

fn undo_plan(t: &Target, applied: &[AppliedRow], to: Option<i32>) -> Result<Undo> {
    let to = to.unwrap_or(0);
    if to < 0 {
        return Err(Error::usage(format!("{}: --to must be 0 or an applied version", t.name)));
    }
    if to > 0 && !applied.iter().any(|a| a.version == to) {
        let have: Vec<String> = applied.iter().map(|a| a.version.to_string()).collect();
        return Err(Error::usage(format!(
            "{}: --to {to} is not an applied version (applied: {}); pick one of them, or 0 to remove everything",
            t.name,
            if have.is_empty() { "none".into() } else { have.join(", ") }
        )));
    }
    let mut steps = Vec::new();
    for a in applied.iter().rev().filter(|a| a.version > to) {
        let down = t.schema.down.iter().find(|d| d.version == a.version && d.name == a.name).ok_or_else(|| {
            Error::problems(format!("{}: no down script for {} in this build; nothing was undone", t.name, a.label()))
        })?;
        steps.push((a.clone(), *down));
    }
    Ok(Undo { steps, to })
}

/// What differs between the database and version `to`: missing or changed
/// objects of that version, and debris of later versions.
fn check_reached(client: &mut Client, def: &SchemaDef, to: i32) -> Result<Vec<String>> {
    let catalogs = VersionCatalogs::of(def)?;
    let live = catalog::read(client)?.flatten(def.shared_objects);
    let (mut problems, others) = catalogs.compare(&live, to);
    problems.extend(others.into_iter().filter(|k| !def.shared_objects.contains(&k.as_str())).map(|k| format!("{k} was left behind")));
    Ok(problems)
}

/// One down script and the removal of its history row, with the same
/// attempts (and lock retries) as a migration.
fn run_down(client: &mut Client, label: &str, lock_retries: u32, table: &str, a: &AppliedRow, d: &DownScript) -> Result<()> {
    let file = format!("down/V{}__{}.down.sql", d.version, d.name);
    let delete = format!("DELETE FROM {} WHERE version = {}", history::quote_ident(table), a.version);
    crate::executor::run_change(client, label, lock_retries, &file, d.sql, &delete)
}

/// Check that pg_dump exists and is not older than the server (exit 2 otherwise).
fn check_pg_dump(server_version: &str) -> Result<()> {
    let out = Command::new("pg_dump").arg("--version").output().map_err(|e| {
        Error::usage(format!("--save-backup needs pg_dump, which is not on PATH ({e}); install the PostgreSQL client tools or drop --save-backup"))
    })?;
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let dump_major = text.split_whitespace().last().and_then(session::major).unwrap_or(0);
    let server_major = session::major(server_version).unwrap_or(0);
    if dump_major < server_major {
        return Err(Error::usage(format!(
            "--save-backup: {} is older than the server (PostgreSQL {server_version}); install pg_dump {server_major} or newer",
            text.trim()
        )));
    }
    Ok(())
}

/// pg_dump (custom format) of the target, checked with pg_restore --list.
/// The password goes through the environment, never the command line.
fn backup(s: &mut Session, dir: &Path) -> Result<PathBuf> {
    std::fs::create_dir_all(dir).map_err(|e| Error::usage(format!("--save-backup {}: {e}", dir.display())))?;
    let stamp = s.rows("SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYYMMDD\"T\"HH24MISS\"Z\"')")?.concat();
    let path = dir.join(format!("{}-{}-{stamp}.dump", s.name(), s.database));
    let mut cmd = Command::new("pg_dump");
    cmd.arg("--format=custom").arg("--file").arg(&path).arg("--no-password");
    cmd.envs(s.target.url.libpq_env()).env("PGDATABASE", &s.database);
    let out = cmd.output().map_err(|e| Error::failed(format!("pg_dump: {e}")))?;
    if !out.status.success() {
        return Err(Error::failed(format!(
            "pg_dump failed, nothing was undone: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    let list = Command::new("pg_restore").arg("--list").arg(&path).output().map_err(|e| Error::failed(format!("pg_restore: {e}")))?;
    if !list.status.success() || list.stdout.is_empty() {
        return Err(Error::failed(format!(
            "the backup {} does not read back with pg_restore --list, nothing was undone: {}",
            path.display(),
            String::from_utf8_lossy(&list.stderr).trim()
        )));
    }
    Ok(path)
}

fn describe(undo: &Undo, t: &Target) -> String {
    let names: Vec<String> = undo.steps.iter().map(|(a, _)| a.label()).collect();
    let tail = if undo.to == 0 {
        format!(", then drop {}: nothing of schema {} remains", t.schema.history_table(), t.schema.name)
    } else {
        format!(", leaving version {}", undo.to)
    };
    format!("{}: would undo {} ({}){tail}", t.name, names.len(), names.join(", "))
}

pub fn run(profile: &Profile, targets: &[Target], jobs: Jobs, opts: &Options) -> Result<()> {
    target::refuse_pooler(targets, "rollback")?;
    if !opts.confirm {
        let finished = target::run_each(targets, jobs, false, |t, out| {
            let s = target::open(profile, t, Access::reading("runner rollback"))?;
            out.push_str(&format!("{}\n", describe(&undo_plan(t, &s.plan.applied, opts.to)?, t)));
            Ok(())
        });
        target::finish(finished)?;
        return Err(Error::usage("rollback changes nothing without --confirm; run it again with --confirm to undo the above"));
    }
    let finished = target::run_each(targets, jobs, true, |t, out| rollback_target(profile, t, opts, out));
    target::finish(finished).map(|_| ())
}

fn rollback_target(profile: &Profile, t: &Target, opts: &Options, out: &mut String) -> Result<()> {
    let started = Instant::now();
    let s = target::open(profile, t, Access::changing("runner rollback"))?;
    if opts.save_backup.is_some() {
        check_pg_dump(&s.server_version)?;
    }
    let mut locked = s.lock(false)?;
    let s = &mut *locked;
    let table = t.schema.history_table();
    if !s.plan.problems.is_empty() {
        let list: Vec<String> = s.plan.problems.iter().map(|x| x.describe()).collect();
        return Err(Error::problems(format!("{}: nothing was undone: {}", t.name, list.join("; "))));
    }
    let undo = undo_plan(t, &s.plan.applied, opts.to)?;
    if let Some(dir) = &opts.save_backup {
        let path = backup(s, dir)?;
        out.push_str(&format!("{}: backup written to {}\n", t.name, path.display()));
    }
    for (a, d) in &undo.steps {
        let step = Instant::now();
        run_down(&mut s.client, &t.name, profile.lock_retries, &table, a, d).with_context(|| format!("{}: undoing {}", t.name, a.label()))?;
        log::info!("[{}] undid {} in {}", t.name, a.label(), crate::duration::human(step.elapsed()));
    }
    if undo.to == 0 && s.history_exists {
        s.client
            .batch_execute(&format!("DROP TABLE IF EXISTS {}", history::quote_ident(&table)))
            .with_context(|| format!("{}: dropping {table}", t.name))?;
    }
    let problems = check_reached(&mut s.client, t.schema, undo.to)?;
    if !problems.is_empty() {
        return Err(Error::problems(format!(
            "{}: rolled back to version {}, but the database does not match that version: {}",
            t.name,
            undo.to,
            problems.join("; ")
        )));
    }
    log::info!(
        "[{}] undid {}, now at version {} (matches its catalog), took {}",
        t.name,
        undo.steps.len(),
        undo.to,
        crate::duration::human(started.elapsed())
    );
    Ok(())
}
