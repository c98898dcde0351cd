//! The deploy-time gate: the findings of pending migrations against the live
//! target. A statement on a table this run creates, or that is empty, is
//! fine; one on a table with rows is refused before anything runs, unless
//! waived in the file or the operator passes `--allow-hazards`.

use postgres::{Client, SimpleQueryMessage};
use refinery::Migration;
use schema_def::SchemaDef;

use super::source::Source;
use super::{format_text, lint_sql, rules, Accepted, Class, Finding};
use crate::error::{describe_pg, Error, Result};
use crate::history::quote_literal;

#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// Waived in the file with this reason.
    Waived(String),
    /// A pending migration (or an earlier statement of this one) creates it.
    CreatedThisRun,
    /// The table does not exist (yet) in the target.
    NotInDatabase,
    /// The table exists and has no rows.
    Empty { table: String },
    /// The table has rows: `estimate` from the planner's statistics
    /// (None: never analyzed).
    HasRows { table: String, estimate: Option<i64> },
    /// The finding is not about one table (a sequence, a function, a
    /// domain): nothing for the gate to measure; `runner lint` judged it.
    NotOneTable,
}

impl Verdict {
    pub fn refuses(&self) -> bool {
        matches!(self, Verdict::HasRows { .. })
    }

    pub fn describe(&self) -> String {
        match self {
            Verdict::Waived(reason) => format!("fine: waived ({reason})"),
            Verdict::CreatedThisRun => "fine: the table is created by this run".into(),
            Verdict::NotInDatabase => "fine: the table is not in the database".into(),
            Verdict::Empty { table } => format!("fine: {table} is empty"),
            Verdict::HasRows { table, estimate: Some(n) } => format!("refused: {table} has about {n} rows (estimate)"),
            Verdict::HasRows { table, estimate: None } => {
                format!("refused: {table} has rows (no estimate: never analyzed)")
            }
            Verdict::NotOneTable => "not checked: not about one table's rows (`runner lint` judges it)".into(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Assessed {
    pub finding: Finding,
    pub verdict: Verdict,
}

/// What the gate says about the hazards of `pending` on `client`'s database
/// (`None`: the database does not exist yet). One round trip, and none when
/// no finding needs the database.
pub fn assess(client: Option<&mut Client>, def: &SchemaDef, pending: &[Migration]) -> Result<Vec<Assessed>, postgres::Error> {
    let mut created: Vec<String> = Vec::new();
    let mut out = Vec::new();
    let mut lookups: Vec<(usize, String)> = Vec::new();
    for m in pending {
        let sql = m.sql().unwrap_or("");
        let src = Source::parse(sql);
        for f in lint_sql(&crate::plan::file_of(def, m), sql) {
            if f.class != Class::Hazard || !gated(&f.rule) {
                continue;
            }
            let verdict = match (&f.accepted, &f.relation) {
                (Some(Accepted::Waiver(r)), _) => Verdict::Waived(r.clone()),
                (_, None) => Verdict::NotOneTable,
                (_, Some(rel)) => {
                    let here = f.statement.map(|at| src.created_before(at)).unwrap_or_default();
                    if !rel.is_index && (created.contains(&rel.key()) || here.contains(&rel.key())) {
                        Verdict::CreatedThisRun
                    } else {
                        lookups.push((out.len(), rel.written.clone()));
                        Verdict::NotInDatabase
                    }
                }
            };
            out.push(Assessed { finding: f, verdict });
        }
        created.extend(src.statements.iter().filter_map(|s| s.creates.as_ref().map(|r| r.key())));
    }
    if let (Some(client), false) = (client, lookups.is_empty()) {
        for (i, live) in live_tables(client, &lookups)? {
            out[i].verdict = live;
        }
    }
    Ok(out)
}

/// Findings about the statements themselves; not the lint's bookkeeping
/// (waivers, baselines), which `runner lint` reports.
fn gated(rule: &str) -> bool {
    ![rules::WAIVER_REASON, rules::WAIVER_UNKNOWN, rules::WAIVER_UNUSED, rules::SQUAWK_IGNORE, rules::BASELINE_STALE, rules::BASELINE_INVALID]
        .contains(&rule)
}

/// Resolve each relation (an index to its table) and ask whether the table
/// has a row, all in one query. Tables the session may not read are judged by
/// their statistics and size instead.
fn live_tables(client: &mut Client, lookups: &[(usize, String)]) -> Result<Vec<(usize, Verdict)>, postgres::Error> {
    let values: Vec<String> = lookups.iter().enumerate().map(|(i, (_, name))| format!("({i}, {})", quote_literal(name))).collect();
    let sql = format!(
        "SELECT r.i, t.oid::regclass::text, t.reltuples::bigint,
                CASE WHEN t.oid IS NULL THEN NULL
                     WHEN has_table_privilege(t.oid, 'SELECT')
                     THEN query_to_xml(format('SELECT 1 AS x FROM %s LIMIT 1', t.oid::regclass), false, true, '')::text <> ''
                     ELSE t.reltuples > 0 OR t.relpages > 0 END
           FROM (VALUES {}) AS r(i, name)
           LEFT JOIN pg_class c ON c.oid = to_regclass(r.name)
           LEFT JOIN pg_index x ON x.indexrelid = c.oid
           LEFT JOIN pg_class t ON t.oid = coalesce(x.indrelid, c.oid)",
        values.join(", ")
    );
    let mut out = Vec::new();
    for msg in client.simple_query(&sql)? {
        let SimpleQueryMessage::Row(row) = msg else { continue };
        let Some(i) = row.get(0).and_then(|v| v.parse::<usize>().ok()) else { continue };
        let verdict = match (row.get(1), row.get(3)) {
            (Some(table), Some("t")) => Verdict::HasRows {
                table: table.to_string(),
                estimate: row.get(2).and_then(|v| v.parse::<i64>().ok()).filter(|n| *n >= 0),
            },
            (Some(table), _) => Verdict::Empty { table: table.to_string() },
            (None, _) => Verdict::NotInDatabase,
        };
        out.push((lookups[i].0, verdict));
    }
    Ok(out)
}

/// Write each finding with its verdict (what `migrate --dry-run` shows) to
/// `out` (a target's stdout); returns how many the gate refuses.
pub fn print(out: &mut String, assessed: &[Assessed], prefix: &str, production: bool) -> usize {
    use std::fmt::Write as _;
    for a in assessed {
        let _ = writeln!(out, "{prefix}lint {} => {}", format_text(&a.finding), a.verdict.describe());
    }
    let refused = assessed.iter().filter(|a| a.verdict.refuses()).count();
    if refused > 0 && !production {
        let _ = writeln!(out, "{prefix}(not a production profile: migrate does not gate these)");
    }
    refused
}

/// The gate `migrate` runs on a production profile after planning, before
/// anything is applied.
pub fn check(client: &mut Client, def: &SchemaDef, label: &str, pending: &[Migration], allow_hazards: bool) -> Result<()> {
    let assessed = assess(Some(client), def, pending)
        .map_err(|e| Error::failed(format!("{label}: the hazard check could not read the tables: {}; nothing was applied", describe_pg(&e))))?;
    let refused: Vec<&Assessed> = assessed.iter().filter(|a| a.verdict.refuses()).collect();
    for a in assessed.iter().filter(|a| !a.verdict.refuses()) {
        log::debug!("[{label}] {} ({})", format_text(&a.finding), a.verdict.describe());
    }
    if refused.is_empty() {
        return Ok(());
    }
    for a in &refused {
        log::warn!("[{label}] {} ({})", format_text(&a.finding), a.verdict.describe());
    }
    if allow_hazards {
        log::warn!("[{label}] --allow-hazards: applying despite {} hazard(s) listed above", refused.len());
        return Ok(());
    }
    Err(Error::usage(format!(
        "{label}: refused before anything ran: {} hazard(s) on live tables (listed above); rewrite them the safe way (README \"Writing safe migrations\") or waive each in its unreleased file with `-- runner:allow <rule> <reason>`; after checking, --allow-hazards applies them anyway",
        refused.len()
    )))
}
