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

use crate::catalog::{self, VersionCatalogs};
use crate::error::{describe_pg, Context, Error, Result};
use crate::history::{self, quote_ident, quote_literal};
use crate::lock::Locked;
use crate::profile::{Profile, Target};
use crate::session::{Access, Session};
use crate::target::{self, Jobs};

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
        // One round trip each (simple protocol: the queries are the schema's own).
        match client.simple_query(state.evidence) {
            Ok(messages) => {
                let rows = crate::session::statements(messages);
                if let Some(row) = rows.last().and_then(|r| r.first()) {
                    found.push((*state, row.try_get(0).ok().flatten().unwrap_or_default().to_string()));
                }
            }
            Err(e) if e.code().is_some_and(|c| c.code().starts_with("42")) => {
                log::debug!("{}: evidence for {} not present: {}", def.name, state.name, describe_pg(&e));
            }
            Err(e) => return Err(Error::failed(format!("{}: evidence query for {}: {}", def.name, state.name, describe_pg(&e)))),
        }
    }
    Ok(found)
}

/// Decide the version for a database without history (no writes).
pub fn decide(client: &mut Client, def: &SchemaDef, opts: &Options) -> Result<Outcome> {
    let catalogs = VersionCatalogs::of(def)?;
    let live = catalog::read(client)?.flatten(def.shared_objects);
    let evidence = legacy_evidence(client, def)?;
    choose(def, &catalogs, &live, &evidence, opts)
}

/// The choice itself, from the live objects and the old tools' evidence.
pub fn choose(
    def: &SchemaDef,
    catalogs: &VersionCatalogs,
    live: &BTreeMap<String, String>,
    evidence: &[(schema_def::LegacyState, String)],
    opts: &Options,
) -> Result<Outcome> {
    let newest = (def.migrations.list)().iter().map(|m| m.version()).max().unwrap_or(0);
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
    let exact = catalogs.versions.keys().rev().copied().find(|v| *v > 0 && differences(catalogs, live, *v).is_empty());
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
        .map(|v| (*v, differences(catalogs, live, *v)))
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
    let mut tx = client.transaction()?;
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
        let live = catalog::read(&mut tx)?.flatten(def.shared_objects);
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
    tx.commit().context("committing the adoption failed")
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
            let live = catalog::read(client)?.flatten(def.shared_objects);
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

/// Nothing for `adopt` to do, so no lock is needed: the history records
/// every embedded version (no gap, nothing pending, nothing unknown) and
/// `--baseline`, if given, is covered by it.
pub fn nothing_to_adopt(s: &Session, baseline: Option<i32>) -> bool {
    let Some(last) = s.plan.applied.last() else { return false };
    if !(s.plan.pending.is_empty() && s.plan.problems.is_empty() && baseline.is_none_or(|v| v <= last.version)) {
        return false;
    }
    log_outcome(s.name(), s.schema(), &Outcome::AlreadyManaged { newest: last.version });
    true
}

/// Adopt one target on its locked session (the history was read under the
/// lock): decide and record, or repair a managed history that lost rows. The
/// session's plan is stale afterwards: read the history again before
/// planning on it (`Locked::create_history`).
pub fn adopt_locked(s: &mut Locked, opts: &Options) -> Result<Outcome> {
    let name = s.name().to_string();
    let schema = s.schema();
    let newest = (schema.migrations.list)().iter().map(|m| m.version()).max().unwrap_or(0);
    if let Some(v) = opts.baseline.filter(|v| !(1..=newest).contains(v)) {
        return Err(Error::usage(format!("{name}: --baseline {v}: schema {} has versions 1 to {newest}; nothing was changed", schema.name)));
    }
    let applied = s.plan.applied.clone();
    let outcome = if let Some(last) = applied.last() {
        // A deploy hook may keep `--adopt --baseline N` after the first
        // run: a baseline the history already covers is fine.
        if let Some(v) = opts.baseline.filter(|v| *v > last.version) {
            return Err(Error::usage(format!(
                "{name}: --baseline {v} disagrees with the history, which records versions up to V{}; nothing was changed: drop --baseline (it is for a database without history, or for versions missing below the newest recorded one)",
                last.version
            )));
        }
        repair(&mut s.client, schema, &applied, opts).context(&name)?
    } else {
        let outcome = decide(&mut s.client, schema, opts).context(&name)?;
        if let Outcome::Adopted(a) = &outcome {
            let converge = match &a.reason {
                Reason::Legacy { state, .. } => schema.legacy.iter().find(|l| l.name == state).map(|l| l.converge),
                _ => None,
            };
            record(&mut s.client, schema, a, converge).context(&name)?;
        }
        outcome
    };
    log_outcome(&name, schema, &outcome);
    Ok(outcome)
}

fn log_outcome(name: &str, schema: &SchemaDef, outcome: &Outcome) {
    let newest = (schema.migrations.list)().iter().map(|m| m.version()).max().unwrap_or(0);
    match outcome {
        Outcome::AlreadyManaged { newest: v } => log::info!("[{name}] already managed by the runner (history up to V{v}); nothing to adopt"),
        Outcome::Repaired { versions, reason, matched } => {
            let how = match reason {
                Reason::Baseline => "as given by --baseline".to_string(),
                _ => format!("the database matches version {matched}"),
            };
            log::info!("[{name}] history repaired: recorded {} ({how})", versions.join(", "));
        }
        Outcome::Empty => log::info!("[{name}] none of {}'s objects exist; nothing to adopt, migrate builds it", schema.name),
        Outcome::Adopted(a) => {
            let how = match &a.reason {
                Reason::Baseline => "as given by --baseline".to_string(),
                Reason::Catalog => format!("its objects match version {}", a.version),
                Reason::Legacy { state, evidence } => format!("recognised {state}: {evidence}"),
            };
            let recorded = if a.version > 0 { format!("recorded versions 1 to {}", a.version) } else { "recorded no version".into() };
            log::info!("[{name}] adopted: {recorded} ({how}); {} pending, which `migrate` applies to reach our schema", newest - a.version);
            for e in a.evidence.iter().filter(|e| !matches!(&a.reason, Reason::Legacy { state, .. } if e.starts_with(state.as_str()))) {
                log::info!("[{name}] also seen: {e}");
            }
        }
    }
}

pub fn run(profile: &Profile, targets: &[Target], jobs: Jobs, opts: &Options) -> Result<()> {
    target::refuse_pooler(targets, "adopt")?;
    let finished = target::run_each(targets, jobs, true, |t, _| {
        let s = target::open(profile, t, Access::changing("runner adopt"))?;
        if !nothing_to_adopt(&s, opts.baseline) {
            adopt_locked(&mut s.lock(false)?, opts)?;
        }
        Ok(())
    });
    target::finish(finished).map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;
    use schema_def::{LegacyState, Migration};

    fn two() -> Vec<Migration> {
        vec![Migration::unapplied("V1__a", "CREATE TABLE a ();").unwrap(), Migration::unapplied("V2__b", "CREATE TABLE b ();").unwrap()]
    }

    fn def() -> SchemaDef {
        SchemaDef::bare("t", two)
    }

    fn objects(keys: &[&str]) -> BTreeMap<String, String> {
        keys.iter().map(|k| (k.to_string(), format!("hash of {k}"))).collect()
    }

    fn catalogs() -> VersionCatalogs {
        let versions = BTreeMap::from([(1, objects(&["table a"])), (2, objects(&["table a", "table b"]))]);
        VersionCatalogs { all: versions.values().flat_map(|m| m.keys().cloned()).collect(), versions }
    }

    const OLD_TOOL: LegacyState = LegacyState { name: "Tool 7", evidence: "", version: 1, converge: "" };

    fn pick(live: &[&str], evidence: &[(LegacyState, String)], baseline: Option<i32>) -> Result<Outcome> {
        choose(&def(), &catalogs(), &objects(live), evidence, &Options { baseline })
    }

    fn version(o: Outcome) -> (i32, Reason) {
        match o {
            Outcome::Adopted(a) => (a.version, a.reason),
            other => panic!("not adopted: {other:?}"),
        }
    }

    #[test]
    fn the_newest_exact_match_is_chosen_and_foreign_objects_are_allowed() {
        assert_eq!(version(pick(&["table a", "table b", "table app_own"], &[], None).unwrap()), (2, Reason::Catalog));
        assert_eq!(version(pick(&["table a"], &[], None).unwrap()), (1, Reason::Catalog));
    }

    #[test]
    fn nothing_of_the_schema_is_empty() {
        assert_eq!(pick(&["table app_own"], &[], None).unwrap(), Outcome::Empty);
    }

    #[test]
    fn old_tool_evidence_wins_unless_the_objects_show_a_newer_version() {
        let seen = [(OLD_TOOL, "tool says 7".to_string())];
        let (v, reason) = version(pick(&["table a", "table x"], &seen, None).unwrap());
        assert_eq!((v, reason), (1, Reason::Legacy { state: "Tool 7".into(), evidence: "tool says 7".into() }));
        assert_eq!(version(pick(&["table a", "table b"], &seen, None).unwrap()).0, 2);
    }

    #[test]
    fn a_baseline_is_taken_as_given_within_the_schema_versions() {
        assert_eq!(version(pick(&[], &[], Some(2)).unwrap()), (2, Reason::Baseline));
        let e = pick(&[], &[], Some(3)).unwrap_err();
        assert_eq!(e.exit_code(), 2);
        assert!(e.message().contains("versions 1 to 2"), "{e}");
    }

    #[test]
    fn no_match_changes_nothing_and_names_the_closest_version() {
        let mut live = objects(&["table a", "table b"]);
        live.insert("table b".into(), "another definition".into());
        let e = choose(&def(), &catalogs(), &live, &[], &Options::default()).unwrap_err();
        assert_eq!(e.exit_code(), 1);
        // A tie (one difference from each version) names the newer one.
        assert!(e.message().contains("Closest is version 2, with 1 differences: table b differs from version 2"), "{e}");
    }
}
