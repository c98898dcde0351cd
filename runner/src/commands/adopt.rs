//! `runner adopt` (and `migrate --adopt`): take over a database that the old
//! tools built, which has the schema's objects but no history table.
//!
//! The version to record comes from, in this order: `--baseline` (the
//! operator checked), the newest version whose objects the database matches
//! exactly (per-version catalogs written by `snapshot`; objects no version
//! has are allowed), or a legacy state the schema crate declares, recognised
//! by the old tool's own bookkeeping (Alembic, Drizzle, ...) or its objects.
//! The migrations after that version bring such a database to our schema.
//! When nothing applies, nothing changes and the differences against the
//! closest version are listed.
//!
//! On a database the runner manages already, `adopt` repairs a history that
//! lost rows: the missing versions are recorded when the database matches
//! the catalog of a version at or above them.

use std::collections::BTreeMap;

use postgres::Client;
use schema_def::SchemaDef;
use serde::Serialize;

use crate::catalog;
use crate::error::{describe_pg, Error, Result};
use crate::history::{self, quote_ident, quote_literal};
use crate::lock;
use crate::profile::{Profile, Target};
use crate::session::{self, Missing};

use super::migrate;
use super::snapshot::VersionCatalogs;

#[derive(Debug, Clone, Default)]
pub struct Options {
    pub baseline: Option<i32>,
}

/// How the version was chosen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "by", rename_all = "snake_case")]
pub enum Reason {
    Baseline,
    Catalog,
    Legacy { state: String, evidence: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Adopted {
    pub version: i32,
    #[serde(flatten)]
    pub reason: Reason,
    /// Old-tool bookkeeping seen, whether or not it decided the version.
    pub evidence: Vec<String>,
}

/// What `adopt` found for one target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The history table already has rows: the runner manages it already.
    AlreadyManaged { newest: i32 },
    /// None of the schema's objects exist: `migrate` builds it from scratch.
    Empty,
    Adopted(Adopted),
    /// A managed database's history had lost rows; these were recorded.
    Repaired { versions: Vec<String>, reason: Reason, matched: i32 },
}

/// Differences between the live objects and version `v`: missing or changed
/// objects of `v`, and objects that only other versions have.
pub fn differences(catalogs: &VersionCatalogs, live: &BTreeMap<String, String>, v: i32) -> Vec<String> {
    let (mut out, others) = catalogs.compare(live, v);
    out.extend(others.into_iter().map(|k| format!("{k} is not part of version {v}")));
    out
}

/// The legacy states whose evidence query returns a row, with what it saw.
/// A query over a table that does not exist counts as no evidence.
fn legacy_evidence(client: &mut Client, def: &SchemaDef) -> Result<Vec<(schema_def::LegacyState, String)>> {
    let mut found = Vec::new();
    for state in def.legacy {
        let mut tx = client.transaction().map_err(|e| Error::failed(describe_pg(&e)))?;
        match tx.query(state.evidence, &[]) {
            Ok(rows) => {
                if let Some(row) = rows.first() {
                    let what: Option<String> = crate::db::column(row, 0, &format!("evidence query for {}", state.name))?;
                    found.push((*state, what.unwrap_or_default()));
                }
            }
            Err(e) if e.code().is_some_and(|c| c.code().starts_with("42")) => {
                log::debug!("{}: evidence for {} not present: {}", def.name, state.name, describe_pg(&e));
            }
            Err(e) => return Err(Error::failed(format!("{}: evidence query for {}: {}", def.name, state.name, describe_pg(&e)))),
        }
        tx.rollback().map_err(|e| Error::failed(describe_pg(&e)))?;
    }
    Ok(found)
}

/// Decide the version for a database without history (no writes).
pub fn decide(client: &mut Client, def: &SchemaDef, opts: &Options) -> Result<Outcome> {
    let catalogs = VersionCatalogs::of(def)?;
    let newest = (def.migrations.list)().iter().map(|m| m.version()).max().unwrap_or(0);
    let live = catalog::read(client).map_err(|e| Error::failed(describe_pg(&e)))?.flatten(def.shared_objects);
    let evidence = legacy_evidence(client, def)?;
    let seen: Vec<String> = evidence.iter().map(|(s, what)| format!("{}: {what}", s.name)).collect();

    if let Some(v) = opts.baseline {
        if !(1..=newest).contains(&v) {
            return Err(Error::usage(format!("--baseline {v}: schema {} has versions 1 to {newest}", def.name)));
        }
        return Ok(Outcome::Adopted(Adopted { version: v, reason: Reason::Baseline, evidence: seen }));
    }
    if !catalogs.all.iter().any(|k| live.contains_key(k)) && evidence.is_empty() {
        return Ok(Outcome::Empty);
    }
    let exact = catalogs.versions.keys().rev().copied().find(|v| *v > 0 && differences(&catalogs, &live, *v).is_empty());
    // The old tool's bookkeeping wins unless the objects show a newer version:
    // its converging SQL also removes what the old tool left that we do not own.
    // On a tie the state declared first wins (max_by_key keeps the last).
    let legacy = evidence.iter().rev().max_by_key(|(s, _)| s.version);
    match (legacy, exact) {
        (Some((state, what)), e) if e.is_none_or(|v| state.version >= v) => {
            return Ok(Outcome::Adopted(Adopted {
                version: state.version,
                reason: Reason::Legacy { state: state.name.to_string(), evidence: what.clone() },
                evidence: seen,
            }));
        }
        (_, Some(v)) => return Ok(Outcome::Adopted(Adopted { version: v, reason: Reason::Catalog, evidence: seen })),
        _ => {}
    }
    let (v, diffs) = catalogs
        .versions
        .keys()
        .filter(|v| **v > 0)
        .map(|v| (*v, differences(&catalogs, &live, *v)))
        .min_by_key(|(v, d)| (d.len(), -v))
        .unwrap_or((0, Vec::new()));
    let list = shorten(&diffs);
    Err(Error::problems(format!(
        "the database matches none of {}'s versions and no old tool's bookkeeping was recognised; nothing was changed. \
         Closest is version {v}, with {} differences: {list}. Fix the database, or record a version you checked with --baseline VERSION",
        def.name,
        diffs.len()
    )))
}

/// Our functions, triggers and views of versions up to `v`, in order, each
/// as `CREATE OR REPLACE`: run again on a legacy database so that its code is
/// ours, not the old tool's (a converging script drops first what cannot be
/// replaced in place, such as a function whose return type changed).
fn code_statements(def: &SchemaDef, v: i32) -> Vec<String> {
    const KINDS: [&str; 4] = ["FUNCTION", "PROCEDURE", "TRIGGER", "VIEW"];
    let mut out = Vec::new();
    for m in (def.migrations.list)().iter().filter(|m| m.version() <= v) {
        for stmt in crate::sqlsplit::split(m.sql().unwrap_or("")) {
            let words: Vec<String> =
                crate::sqlsplit::strip_comments(stmt.text).split_whitespace().take(4).map(|w| w.to_ascii_uppercase()).collect();
            let words: Vec<&str> = words.iter().map(String::as_str).collect();
            match words.as_slice() {
                ["CREATE", "OR", "REPLACE", kind, ..] if KINDS.contains(kind) => out.push(stmt.text.to_string()),
                ["CREATE", kind, ..] if KINDS.contains(kind) => {
                    // The statement's own text (comments and quotes intact), with
                    // OR REPLACE after its leading CREATE.
                    let at = leading_comments_len(stmt.text) + "CREATE".len();
                    out.push(format!("{} OR REPLACE{}", &stmt.text[..at], &stmt.text[at..]));
                }
                _ => {}
            }
        }
    }
    out
}

/// Bytes of whitespace and comments before a statement's first keyword.
fn leading_comments_len(sql: &str) -> usize {
    let mut rest = sql;
    loop {
        let trimmed = rest.trim_start();
        if let Some(after) = trimmed.strip_prefix("--") {
            rest = after.find('\n').map(|n| &after[n..]).unwrap_or("");
        } else if let Some(after) = trimmed.strip_prefix("/*") {
            rest = after.find("*/").map(|n| &after[n + 2..]).unwrap_or("");
        } else {
            return sql.len() - trimmed.len();
        }
    }
}

/// Record versions 1..=v as applied (refinery's format) and note the adoption
/// on the history table, in one transaction. For a legacy state, its
/// converging SQL and our code statements run first, and the result must
/// match version v exactly or everything is rolled back.
fn record(client: &mut Client, def: &SchemaDef, adopted: &Adopted, converge: Option<&str>) -> Result<()> {
    let table = def.history_table();
    let how = match &adopted.reason {
        Reason::Baseline => "--baseline".to_string(),
        Reason::Catalog => "its objects matched".to_string(),
        Reason::Legacy { state, evidence } => format!("{state} ({evidence})"),
    };
    let note = format!("Versions 1 to {} adopted by `runner adopt`, not applied by the runner: {how}.", adopted.version);
    let mut tx = client.transaction().map_err(|e| Error::failed(describe_pg(&e)))?;
    // A version-0 state needs nothing recorded: our migrations converge on it.
    if let Some(sql) = converge.filter(|_| adopted.version > 0) {
        if !sql.trim().is_empty() {
            tx.batch_execute(sql).map_err(|e| {
                Error::failed(format!("bringing the database to version {} failed: {} (rolled back, nothing changed)", adopted.version, describe_pg(&e)))
            })?;
        }
        for stmt in code_statements(def, adopted.version) {
            tx.batch_execute(&stmt).map_err(|e| {
                let first = stmt.lines().find(|l| !l.trim().is_empty() && !l.trim_start().starts_with("--")).unwrap_or("").trim();
                Error::failed(format!("re-creating our code ({first}) failed: {} (rolled back, nothing changed)", describe_pg(&e)))
            })?;
        }
        let live = catalog::read(&mut tx).map_err(|e| Error::failed(describe_pg(&e)))?.flatten(def.shared_objects);
        let diffs = differences(&VersionCatalogs::of(def)?, &live, adopted.version);
        if !diffs.is_empty() {
            return Err(Error::problems(format!(
                "{how} was recognised, but after bringing it to version {} it still differs ({} differences: {}); rolled back, nothing was changed. \
                 Fix the database, or record a version you checked with --baseline VERSION",
                adopted.version,
                diffs.len(),
                diffs.join("; ")
            )));
        }
    }
    if adopted.version > 0 {
        let mut sql = format!("{};\n", history::create_sql(&table));
        for m in (def.migrations.list)().iter().filter(|m| m.version() <= adopted.version) {
            sql.push_str(&history::insert_sql(&table, m));
            sql.push_str(";\n");
        }
        sql.push_str(&format!("COMMENT ON TABLE {} IS {};", quote_ident(&table), quote_literal(&note)));
        tx.batch_execute(&sql).map_err(|e| Error::failed(format!("recording the adopted versions failed: {} (nothing was recorded)", describe_pg(&e))))?;
    }
    tx.commit().map_err(|e| Error::failed(format!("committing the adoption failed: {}", describe_pg(&e))))
}

/// A managed database whose history lost rows (deleted by hand): record the
/// missing versions up to the first version, from the newest recorded one
/// on, whose catalog the database matches exactly (the newest rows may be
/// the lost ones), or up to `--baseline` when the operator checked (never
/// above the newest recorded version: that would skip pending migrations).
/// Otherwise nothing is recorded and the differences are listed.
fn repair(client: &mut Client, def: &SchemaDef, applied: &[history::AppliedRow], opts: &Options) -> Result<Outcome> {
    let newest_recorded = applied.iter().map(|a| a.version).max().unwrap_or(0);
    let unrecorded: Vec<refinery::Migration> =
        def.sorted_migrations().into_iter().filter(|m| !applied.iter().any(|a| a.version == m.version())).collect();
    let (upto, reason) = match opts.baseline {
        // Checked by the caller: a known version, at most the newest recorded.
        Some(v) => (v, Reason::Baseline),
        None => {
            let gaps: Vec<String> = unrecorded.iter().filter(|m| m.version() < newest_recorded).map(|m| m.to_string()).collect();
            let catalogs = VersionCatalogs::of(def)?;
            let live = catalog::read(client).map_err(|e| Error::failed(describe_pg(&e)))?.flatten(def.shared_objects);
            let reached = catalogs.versions.keys().copied().find(|v| *v >= newest_recorded && differences(&catalogs, &live, *v).is_empty());
            match reached {
                Some(v) => (v, Reason::Catalog),
                None if gaps.is_empty() => return Ok(Outcome::AlreadyManaged { newest: newest_recorded }),
                None => {
                    let diffs = differences(&catalogs, &live, newest_recorded);
                    return Err(Error::problems(format!(
                        "{} missing from the history, but the database does not match version {newest_recorded} (the newest recorded), \
                         so it cannot be shown that they were applied; nothing was recorded. {} differences: {}. \
                         Fix the database, or record versions you checked with --baseline VERSION",
                        gaps.join(", "),
                        diffs.len(),
                        shorten(&diffs)
                    )));
                }
            }
        }
    };
    let missing: Vec<&refinery::Migration> = unrecorded.iter().filter(|m| m.version() <= upto).collect();
    if missing.is_empty() {
        return Ok(Outcome::AlreadyManaged { newest: newest_recorded });
    }
    let table = def.history_table();
    let names: Vec<String> = missing.iter().map(|m| m.to_string()).collect();
    let how = match reason {
        Reason::Baseline => "--baseline".to_string(),
        _ => format!("the database matched version {upto}"),
    };
    let note: Option<String> = client
        .query_one("SELECT obj_description(to_regclass($1), 'pg_class')", &[&quote_ident(&table)])
        .map_err(|e| Error::failed(describe_pg(&e)))?
        .get(0);
    let note = format!("{}Recorded by `runner adopt` (history repair: {how}): {}.", note.map(|n| format!("{n} ")).unwrap_or_default(), names.join(", "));
    let mut sql = String::from("BEGIN;\n");
    for m in &missing {
        sql.push_str(&history::insert_sql(&table, m));
        sql.push_str(";\n");
    }
    sql.push_str(&format!("COMMENT ON TABLE {} IS {};\nCOMMIT;", quote_ident(&table), quote_literal(&note)));
    client.batch_execute(&sql).map_err(|e| {
        let _ = client.batch_execute("ROLLBACK");
        Error::failed(format!("recording the missing versions failed: {} (nothing was recorded)", describe_pg(&e)))
    })?;
    Ok(Outcome::Repaired { versions: names, reason, matched: upto })
}

fn shorten(diffs: &[String]) -> String {
    const SHOWN: usize = 25;
    let mut list = diffs.iter().take(SHOWN).cloned().collect::<Vec<_>>().join("; ");
    if diffs.len() > SHOWN {
        list.push_str(&format!("; and {} more", diffs.len() - SHOWN));
    }
    list
}

/// Adopt one target: under the migration lock, decide and record.
pub fn adopt_target(profile: &Profile, t: &Target, opts: &Options, missing: Missing) -> Result<Outcome> {
    let newest = (t.schema.migrations.list)().iter().map(|m| m.version()).max().unwrap_or(0);
    if let Some(v) = opts.baseline.filter(|v| !(1..=newest).contains(v)) {
        return Err(Error::usage(format!("{}: --baseline {v}: schema {} has versions 1 to {newest}; nothing was changed", t.name, t.schema.name)));
    }
    let mut s = session::open(t, migrate::timeouts(profile), missing, "runner adopt")?;
    s.require_supported(&t.name)?;
    let key = lock::key(&s.database, t.schema.name);
    lock::acquire(&mut s.client, key, profile.lock_timeout, &t.name)?;
    let result = (|| {
        let applied = history::read(&mut s.client, &t.schema.history_table())
            .map_err(|e| e.context(&t.name))?;
        if let Some(last) = applied.last() {
            // A deploy hook may keep `--adopt --baseline N` after the first
            // run: a baseline the history already covers is fine.
            if let Some(v) = opts.baseline.filter(|v| *v > last.version) {
                return Err(Error::usage(format!(
                    "{}: --baseline {v} disagrees with the history, which records versions up to V{}; nothing was changed: drop --baseline (it is for a database without history, or for versions missing below the newest recorded one)",
                    t.name, last.version
                )));
            }
            return repair(&mut s.client, t.schema, &applied, opts).map_err(|e| e.context(&t.name));
        }
        let outcome = decide(&mut s.client, t.schema, opts).map_err(|e| e.context(&t.name))?;
        if let Outcome::Adopted(a) = &outcome {
            let converge = match &a.reason {
                Reason::Legacy { state, .. } => t.schema.legacy.iter().find(|l| l.name == state).map(|l| l.converge),
                _ => None,
            };
            record(&mut s.client, t.schema, a, converge).map_err(|e| e.context(&t.name))?;
        }
        Ok(outcome)
    })();
    lock::release(&mut s.client, key);
    let outcome = result?;
    let newest = (t.schema.migrations.list)().iter().map(|m| m.version()).max().unwrap_or(0);
    match &outcome {
        Outcome::AlreadyManaged { newest: v } => log::info!("[{}] already managed by the runner (history up to V{v}); nothing to adopt", t.name),
        Outcome::Repaired { versions, reason, matched } => {
            let how = match reason {
                Reason::Baseline => "as given by --baseline".to_string(),
                _ => format!("the database matches version {matched}"),
            };
            log::info!("[{}] history repaired: recorded {} ({how})", t.name, versions.join(", "));
        }
        Outcome::Empty => log::info!("[{}] none of {}'s objects exist; nothing to adopt, migrate builds it", t.name, t.schema.name),
        Outcome::Adopted(a) => {
            let how = match &a.reason {
                Reason::Baseline => "as given by --baseline".to_string(),
                Reason::Catalog => format!("its objects match version {}", a.version),
                Reason::Legacy { state, evidence } => format!("recognised {state}: {evidence}"),
            };
            let recorded = if a.version > 0 { format!("recorded versions 1 to {}", a.version) } else { "recorded no version".into() };
            log::info!(
                "[{}] adopted: {recorded} ({how}); {} pending, which `migrate` applies to reach our schema",
                t.name,
                newest - a.version
            );
            for e in a.evidence.iter().filter(|e| !matches!(&a.reason, Reason::Legacy { state, .. } if e.starts_with(state.as_str()))) {
                log::info!("[{}] also seen: {e}", t.name);
            }
        }
    }
    Ok(outcome)
}

pub fn run(profile: &Profile, targets: &[Target], opts: &Options) -> Result<()> {
    migrate::preflight(profile, targets, &migrate::Options::default())?;
    for t in targets {
        adopt_target(profile, t, opts, Missing::Fail)?;
    }
    Ok(())
}
