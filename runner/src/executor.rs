//! Applies a target's pending migrations: under the advisory lock, each
//! migration and its history row in one transaction sent as one batch (one
//! round trip), `-- no-transaction` files statement by statement.

use std::time::{Duration, Instant};

use postgres::Client;
use refinery::Migration;
use schema_def::SchemaDef;

use crate::error::{describe_pg, Error, Result};
use crate::history;
use crate::lock;
use crate::plan::{self, Plan};
use crate::sqlsplit;

pub const NO_TRANSACTION: &str = "-- no-transaction";

pub fn is_no_transaction(sql: &str) -> bool {
    sql.lines().next().is_some_and(|l| l.trim() == NO_TRANSACTION)
}

#[derive(Debug, Default)]
pub struct Outcome {
    pub applied: Vec<(String, Duration)>,
    pub already_current: usize,
    pub test_data: bool,
}

/// Refuse plans that cannot be applied safely, before anything runs.
pub fn check(def: &SchemaDef, plan: &Plan) -> Result<()> {
    if !plan.problems.is_empty() {
        let list: Vec<String> = plan.problems.iter().map(|p| p.describe()).collect();
        return Err(Error::problems(format!("nothing was applied: {}", list.join("; "))));
    }
    for m in &plan.pending {
        let sql = m.sql().unwrap_or("");
        if !is_no_transaction(sql) {
            if let Some(stmt) = sqlsplit::transaction_control(sql) {
                return Err(Error::failed(format!(
                    "nothing was applied: {} line {}: `{}` controls the transaction, but the runner already wraps each migration in one; remove it (or make the file `{NO_TRANSACTION}`)",
                    plan::file_of(def, m),
                    stmt.line,
                    stmt.text.lines().next().unwrap_or("")
                )));
            }
        }
    }
    Ok(())
}

/// Map a server error position (1-based, in characters of `batch`) to a line
/// of the file that starts at character `offset` of the batch.
fn line_of(batch: &str, offset_chars: usize, position: usize) -> Option<usize> {
    let idx = position.checked_sub(1)?.checked_sub(offset_chars)?;
    let file: String = batch.chars().skip(offset_chars).take(idx).collect();
    Some(file.matches('\n').count() + 1)
}

fn failure(file: &str, e: &postgres::Error, batch: &str, offset: usize) -> String {
    let at = e
        .as_db_error()
        .and_then(|d| match d.position() {
            Some(postgres::error::ErrorPosition::Original(p)) => line_of(batch, offset, *p as usize),
            _ => None,
        })
        .map(|l| format!(" line {l}"))
        .unwrap_or_default();
    let mut msg = format!("{file}{at}: {}", describe_pg(e));
    if e.code().map(|c| c.code()) == Some("55P03") {
        msg.push_str("; another session holds a lock this migration needs: retry when traffic is lower, or raise lock_timeout in the profile");
    }
    if e.code().map(|c| c.code()) == Some("57014") {
        msg.push_str("; the statement ran past statement_timeout: raise it in the profile for this deploy");
    }
    msg
}

/// Run `sql` and `extra` (the history insert) in one transaction, one round trip.
fn run_atomic(client: &mut Client, file: &str, sql: &str, extra: &str) -> Result<()> {
    const HEAD: &str = "BEGIN;\n";
    let batch = format!("{HEAD}{sql}\n;\n{extra};\nCOMMIT;");
    client.batch_execute(&batch).map_err(|e| {
        let mut msg = failure(file, &e, &batch, HEAD.len());
        if let Err(rb) = client.batch_execute("ROLLBACK") {
            log::debug!("rollback after failure: {}", describe_pg(&rb));
        }
        if !msg.starts_with(&format!("{file} line")) {
            if let Some(line) = locate_failure(client, sql) {
                msg = msg.replacen(file, &format!("{file} line {line}"), 1);
            }
        }
        Error::failed(msg)
    })
}

/// The server gives no position for some errors ("already exists"): replay
/// the statements one by one in a transaction that is rolled back, to name
/// the line that fails. Runs only after a failure.
fn locate_failure(client: &mut Client, sql: &str) -> Option<usize> {
    client.batch_execute("BEGIN").ok()?;
    let mut line = None;
    for stmt in sqlsplit::split(sql) {
        if client.batch_execute(stmt.text).is_err() {
            line = Some(stmt.line);
            break;
        }
    }
    let _ = client.batch_execute("ROLLBACK");
    line
}

fn run_statements(client: &mut Client, file: &str, m: &Migration, table: &str) -> Result<()> {
    let sql = m.sql().unwrap_or("");
    for stmt in sqlsplit::split(sql) {
        client.batch_execute(stmt.text).map_err(|e| {
            Error::failed(format!(
                "{file} line {}: {}; this migration runs outside a transaction, so statements before line {} took effect: make each statement re-runnable (IF NOT EXISTS; drop an INVALID index left by a failed CREATE INDEX CONCURRENTLY) and run again",
                stmt.line,
                describe_pg(&e),
                stmt.line
            ))
        })?;
    }
    client
        .batch_execute(&history::insert_sql(table, m))
        .map_err(|e| Error::failed(format!("{file}: applied, but recording it failed: {}", describe_pg(&e))))
}

/// Apply `plan.pending` (already checked) on a locked session.
pub fn apply(client: &mut Client, def: &SchemaDef, label: &str, plan: &Plan) -> Result<Vec<(String, Duration)>> {
    let table = def.history_table();
    let mut done = Vec::new();
    for m in &plan.pending {
        let file = plan::file_of(def, m);
        let sql = m.sql().unwrap_or("");
        let started = Instant::now();
        let result = if is_no_transaction(sql) {
            run_statements(client, &file, m, &table)
        } else {
            run_atomic(client, &file, sql, &history::insert_sql(&table, m))
        };
        if let Err(e) = result {
            let before = if done.is_empty() {
                "nothing was applied in this run".to_string()
            } else {
                format!("{} migration(s) before it stay applied", done.len())
            };
            return Err(Error::failed(format!("{} ({before})", e.message())).context(label));
        }
        let took = started.elapsed();
        log::info!("[{label}] applied {m} in {}", crate::duration::human(took));
        done.push((m.to_string(), took));
    }
    Ok(done)
}

/// The schema's test data in one transaction.
pub fn apply_test_data(client: &mut Client, def: &SchemaDef, label: &str) -> Result<bool> {
    let Some(sql) = def.test_data else { return Ok(false) };
    let started = Instant::now();
    run_atomic(client, &format!("test data of {}", def.name), sql, "SELECT 1")
        .map_err(|e| e.context(format!("{label} (test data rolled back; migrations stay applied)")))?;
    log::info!("[{label}] applied test data in {}", crate::duration::human(started.elapsed()));
    Ok(true)
}

/// Lock, re-read the history, check, run `gate` on the plan, apply,
/// optionally load test data, unlock. Nothing is written before `gate` passes.
#[allow(clippy::too_many_arguments)]
pub fn migrate_locked(
    client: &mut Client,
    def: &SchemaDef,
    database: &str,
    label: &str,
    lock_timeout: Duration,
    before: &dyn Fn(&mut Client) -> Result<()>,
    gate: &dyn Fn(&mut Client, &Plan) -> Result<()>,
    with_test_data: bool,
) -> Result<Outcome> {
    let key = lock::key(database, def.name);
    lock::acquire(client, key, lock_timeout, label)?;
    let result = (|| {
        before(client)?;
        let table = def.history_table();
        let applied = history::read(client, &table).map_err(|e| e.context(label))?;
        let plan = plan::plan(def, applied);
        check(def, &plan).map_err(|e| e.context(label))?;
        gate(client, &plan)?;
        client
            .batch_execute(&history::create_sql(&table))
            .map_err(|e| Error::failed(format!("{label}: cannot create {table}: {}", describe_pg(&e))))?;
        let already_current = plan.applied.len();
        let applied = apply(client, def, label, &plan)?;
        let test_data = if with_test_data { apply_test_data(client, def, label)? } else { false };
        Ok(Outcome { applied, already_current, test_data })
    })();
    lock::release(client, key);
    result
}
