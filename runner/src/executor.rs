//! Applies a target's pending migrations on a session the target layer has
//! locked: each migration and its history row in one transaction sent as one
//! batch (one round trip), `-- no-transaction` files statement by statement.
//! A change that meets a lock waits at most one `lock_timeout` per attempt,
//! and the profile's `lock_retries` says how many more attempts follow.

use std::time::{Duration, Instant};

use postgres::{Client, SimpleQueryMessage};
use refinery::Migration;
use schema_def::SchemaDef;

use crate::error::{describe_pg, Error, Result};
use crate::history;
use crate::plan::{self, Plan};
use crate::sqlsplit;

pub const NO_TRANSACTION: &str = "-- no-transaction";

pub fn is_no_transaction(sql: &str) -> bool {
    sql.lines().next().is_some_and(|l| l.trim() == NO_TRANSACTION)
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

const LOCK_TIMEOUT: &str = "55P03";
const DEADLOCK: &str = "40P01";
const CANCELED: &str = "57014";

fn sqlstate(e: &postgres::Error) -> Option<&str> {
    e.code().map(|c| c.code())
}

/// The attempt waited for a lock or ran out of time: replaying anything
/// would make the application wait a second time.
fn waited(e: &postgres::Error) -> bool {
    matches!(sqlstate(e), Some(LOCK_TIMEOUT | DEADLOCK | CANCELED))
}

/// One failed attempt of a change.
struct Failure {
    /// `file[ line N]: ERROR: …`
    message: String,
    code: Option<String>,
    /// The session holding the lock the attempt waited for.
    blocker: Option<String>,
    /// What the failure left behind (a `-- no-transaction` file's earlier statements).
    note: Option<String>,
}

impl Failure {
    fn new(file: &str, line: Option<usize>, e: &postgres::Error) -> Failure {
        let at = line.map(|l| format!(" line {l}")).unwrap_or_default();
        Failure { message: format!("{file}{at}: {}", describe_pg(e)), code: sqlstate(e).map(String::from), blocker: None, note: None }
    }

    /// A lock timeout or a deadlock: another attempt may succeed.
    fn retryable(&self) -> bool {
        matches!(self.code.as_deref(), Some(LOCK_TIMEOUT | DEADLOCK))
    }

    /// The line logged for a retry.
    fn short(&self) -> String {
        match &self.blocker {
            Some(b) => format!("{}; blocked by {b}", self.message),
            None => self.message.clone(),
        }
    }

    /// The error after the last attempt, with what to do about it.
    fn explain(self, attempts: u32, lock_retries: u32) -> String {
        let mut msg = self.short();
        if let Some(note) = &self.note {
            msg.push_str(&format!("; {note}"));
        }
        if self.retryable() {
            let more = if lock_retries == 0 { "set lock_retries" } else { "raise lock_retries" };
            msg.push_str(&format!(
                "; gave up after {attempts} attempt(s), each waiting at most lock_timeout (so the application's queries never queued behind this change for longer): \
                 end that session's transaction and run again, or {more} in the profile to keep trying with backoff"
            ));
        } else if self.code.as_deref() == Some(CANCELED) {
            msg.push_str("; the statement ran past statement_timeout (or was cancelled): raise statement_timeout in the profile for this deploy");
        }
        msg
    }
}

/// The session that most likely holds the lock a failed change waited for,
/// read right after the failure (after `first`, in the same round trip): of
/// the sessions holding a lock on a table the SQL names, the one whose
/// transaction is oldest; else the oldest open transaction in the database
/// (what `CREATE INDEX CONCURRENTLY` waits for).
fn blocker(client: &mut Client, sql: &str, first: &str) -> Option<String> {
    let query = format!(
        "{first}SELECT a.pid::text, coalesce(nullif(a.application_name, ''), 'no application_name'), coalesce(a.state, 'state hidden'), \
                coalesce(round(extract(epoch FROM clock_timestamp() - a.xact_start))::text, ''), coalesce(c.relname::text, ''), coalesce(l.mode, '') \
           FROM pg_stat_activity a \
           LEFT JOIN pg_locks l ON l.pid = a.pid AND l.granted AND l.locktype = 'relation' \
                AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) \
           LEFT JOIN pg_class c ON c.oid = l.relation AND c.relnamespace <> 'pg_catalog'::regnamespace \
          WHERE a.datname = current_database() AND a.pid <> pg_backend_pid() AND a.backend_type = 'client backend' \
          ORDER BY a.xact_start NULLS LAST, a.pid"
    );
    let rows: Vec<Vec<String>> = client
        .simple_query(&query)
        .map_err(|e| log::debug!("reading the blocking session failed: {}", describe_pg(&e)))
        .ok()?
        .into_iter()
        .filter_map(|m| match m {
            SimpleQueryMessage::Row(r) => Some((0..6).map(|i| r.get(i).unwrap_or("").to_string()).collect()),
            _ => None,
        })
        .collect();
    let text = sql.to_lowercase();
    let row = rows
        .iter()
        .find(|r| !r[4].is_empty() && mentions(&text, &r[4]))
        .or_else(|| rows.iter().find(|r| !r[3].is_empty()))?;
    let open = if row[3].is_empty() { "no open transaction".to_string() } else { format!("transaction open {} s", row[3]) };
    let holding = if row[4].is_empty() { String::new() } else { format!(", holding {} on {}", row[5], row[4]) };
    Some(format!("pid {} ({}, {}, {open}{holding})", row[0], row[1], row[2]))
}

/// `sql` (lowercase) names `word` as an identifier, not inside a longer one.
fn mentions(sql: &str, word: &str) -> bool {
    let ident = |c: char| c.is_alphanumeric() || c == '_' || c == '$';
    sql.match_indices(word).any(|(i, _)| {
        !sql[..i].chars().next_back().is_some_and(ident) && !sql[i + word.len()..].chars().next().is_some_and(ident)
    })
}

/// Run `sql` and `record` (the history row) in one transaction, one round trip.
fn run_atomic(client: &mut Client, file: &str, sql: &str, record: &str) -> Result<(), Failure> {
    const HEAD: &str = "BEGIN;\n";
    let batch = format!("{HEAD}{sql}\n;\n{record};\nCOMMIT;");
    let Err(e) = client.batch_execute(&batch) else { return Ok(()) };
    let line = e.as_db_error().and_then(|d| match d.position() {
        Some(postgres::error::ErrorPosition::Original(p)) => line_of(&batch, HEAD.len(), *p as usize),
        _ => None,
    });
    let mut f = Failure::new(file, line, &e);
    if waited(&e) {
        // One stall per attempt: nothing is replayed, and who held the lock
        // is read in the round trip that rolls back.
        f.blocker = blocker(client, sql, "ROLLBACK;");
        return Err(f);
    }
    if let Err(rb) = client.batch_execute("ROLLBACK") {
        log::debug!("rollback after failure: {}", describe_pg(&rb));
    }
    if line.is_none() && !e.is_closed() {
        if let Some(l) = locate_failure(client, sql) {
            f.message = f.message.replacen(file, &format!("{file} line {l}"), 1);
        }
    }
    Err(f)
}

/// The server gives no position for some errors ("already exists"): replay
/// the statements one by one in a transaction that is rolled back, to name
/// the line that fails. Runs only after a failure that did not wait for a
/// lock, and waits at most 100 ms for any lock itself.
fn locate_failure(client: &mut Client, sql: &str) -> Option<usize> {
    client.batch_execute("BEGIN; SET LOCAL lock_timeout = '100ms'").ok()?;
    let mut line = None;
    for stmt in sqlsplit::split(sql) {
        if let Err(e) = client.batch_execute(stmt.text) {
            line = (!waited(&e)).then_some(stmt.line);
            break;
        }
    }
    let _ = client.batch_execute("ROLLBACK");
    line
}

/// A `-- no-transaction` file, statement by statement, then `record`.
fn run_statements(client: &mut Client, file: &str, sql: &str, record: &str) -> Result<(), Failure> {
    for (i, stmt) in sqlsplit::split(sql).into_iter().enumerate() {
        if let Err(e) = client.batch_execute(stmt.text) {
            let mut f = Failure::new(file, Some(stmt.line), &e);
            if waited(&e) {
                f.blocker = blocker(client, sql, "");
            }
            let earlier = if i == 0 { String::new() } else { format!(", so the statements before line {} took effect", stmt.line) };
            let invalid = if concurrent_indexes(sql).is_empty() {
                ""
            } else {
                " (after dropping an INVALID index its CREATE INDEX CONCURRENTLY left)"
            };
            f.note = Some(format!(
                "this file runs outside a transaction{earlier}; the next run starts it again from the top{invalid}, so each statement must be re-runnable"
            ));
            return Err(f);
        }
    }
    client.batch_execute(record).map_err(|e| {
        let mut f = Failure::new(file, None, &e);
        f.message = format!("{file}: applied, but recording it failed: {}", describe_pg(&e));
        f
    })
}

/// The names of the indexes a file builds with `CREATE [UNIQUE] INDEX
/// CONCURRENTLY [IF NOT EXISTS] name`, as written.
fn concurrent_indexes(sql: &str) -> Vec<String> {
    let mut out = Vec::new();
    for stmt in sqlsplit::split(sql) {
        let text = sqlsplit::strip_comments(stmt.text);
        let words: Vec<&str> = text.split_whitespace().collect();
        let upper: Vec<String> = words.iter().take(8).map(|w| w.to_ascii_uppercase()).collect();
        let upper: Vec<&str> = upper.iter().map(String::as_str).collect();
        let at = match upper.as_slice() {
            ["CREATE", "INDEX", "CONCURRENTLY", "IF", "NOT", "EXISTS", ..] => 6,
            ["CREATE", "UNIQUE", "INDEX", "CONCURRENTLY", "IF", "NOT", "EXISTS", ..] => 7,
            ["CREATE", "INDEX", "CONCURRENTLY", ..] => 3,
            ["CREATE", "UNIQUE", "INDEX", "CONCURRENTLY", ..] => 4,
            _ => continue,
        };
        if let Some(name) = words.get(at).filter(|w| !w.eq_ignore_ascii_case("ON")) {
            out.push(name.to_string());
        }
    }
    out
}

/// Before a `-- no-transaction` file runs (again), drop the INVALID indexes
/// that an interrupted `CREATE INDEX CONCURRENTLY` of this file left: `IF NOT
/// EXISTS` would keep such an unusable index. Under the migration lock, no
/// other runner is building them.
fn drop_invalid_indexes(client: &mut Client, label: &str, file: &str, sql: &str) -> Result<(), Failure> {
    let names = concurrent_indexes(sql);
    if names.is_empty() {
        return Ok(());
    }
    let invalid = client
        .query(
            "SELECT n FROM unnest($1::text[]) AS n WHERE EXISTS (SELECT 1 FROM pg_index i WHERE i.indexrelid = to_regclass(n) AND NOT i.indisvalid)",
            &[&names],
        )
        .map_err(|e| Failure::new(file, None, &e))?;
    for row in invalid {
        let name: String = row.get(0);
        client.batch_execute(&format!("DROP INDEX CONCURRENTLY IF EXISTS {name}")).map_err(|e| {
            let mut f = Failure::new(file, None, &e);
            f.message = format!("{file}: dropping the INVALID index {name} left by an interrupted run failed: {}", describe_pg(&e));
            f
        })?;
        log::info!("[{label}] dropped the INVALID index {name} that an interrupted CREATE INDEX CONCURRENTLY of {file} left");
    }
    Ok(())
}

/// The wait before retry `n` (1-based): exponential from 1 s, capped at 30 s,
/// times a jitter factor from `unit` in [0, 1): between half and one and a
/// half of the step, so runners that failed together do not retry together.
pub fn backoff(n: u32, unit: f64) -> Duration {
    const CAP: Duration = Duration::from_secs(30);
    let step = Duration::from_secs(1u64 << n.saturating_sub(1).min(5)).min(CAP);
    step.mul_f64(0.5 + unit.clamp(0.0, 1.0)).min(CAP)
}

/// One schema change (a migration, a down script, the test data) with the
/// lock-retry ladder: an attempt that meets a lock waits at most the
/// session's `lock_timeout`, is rolled back, and after a backoff is tried
/// again, `lock_retries` times at most; each retry is one log line naming
/// the blocking session. `record` runs with it (the history row).
pub fn run_change(client: &mut Client, label: &str, lock_retries: u32, file: &str, sql: &str, record: &str) -> Result<()> {
    let attempts = lock_retries.saturating_add(1);
    let mut attempt = 1;
    loop {
        let result = if is_no_transaction(sql) {
            drop_invalid_indexes(client, label, file, sql).and_then(|()| run_statements(client, file, sql, record))
        } else {
            run_atomic(client, file, sql, record)
        };
        let f = match result {
            Ok(()) => return Ok(()),
            Err(f) => f,
        };
        if !f.retryable() || attempt >= attempts {
            return Err(Error::failed(f.explain(attempt, lock_retries)));
        }
        let wait = backoff(attempt, rand::random());
        log::warn!(
            "[{label}] {}; attempt {attempt} of {attempts} failed, next in {}",
            f.short(),
            crate::duration::human(wait)
        );
        std::thread::sleep(wait);
        attempt += 1;
    }
}

/// Apply `plan.pending` (already checked) on a locked session, one attempt
/// each (a scratch database, a test fixture).
pub fn apply(client: &mut Client, def: &SchemaDef, label: &str, plan: &Plan) -> Result<Vec<(String, Duration)>> {
    apply_retrying(client, def, label, plan, 0)
}

/// The history row of a migration. A transactional migration other than
/// the run's last commits without waiting for the WAL flush
/// (`synchronous_commit` off for that transaction only); the last one waits,
/// and since WAL is flushed in order, every migration of the run is durable
/// when it returns: one flush per run instead of one per migration. A crash
/// before that loses the run's latest migrations whole (each with its
/// history row), and the next run applies them again.
pub fn record(table: &str, m: &Migration, last: bool) -> String {
    let insert = history::insert_sql(table, m);
    if last || is_no_transaction(m.sql().unwrap_or("")) {
        insert
    } else {
        format!("SET LOCAL synchronous_commit = off;\n{insert}")
    }
}

/// `apply` with the profile's `lock_retries`.
pub fn apply_retrying(client: &mut Client, def: &SchemaDef, label: &str, plan: &Plan, lock_retries: u32) -> Result<Vec<(String, Duration)>> {
    let table = def.history_table();
    let mut done = Vec::new();
    for (i, m) in plan.pending.iter().enumerate() {
        let file = plan::file_of(def, m);
        let started = Instant::now();
        let record = record(&table, m, i + 1 == plan.pending.len());
        if let Err(e) = run_change(client, label, lock_retries, &file, m.sql().unwrap_or(""), &record) {
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
pub fn apply_test_data(client: &mut Client, def: &SchemaDef, label: &str, lock_retries: u32) -> Result<bool> {
    let Some(sql) = def.test_data else { return Ok(false) };
    let started = Instant::now();
    run_change(client, label, lock_retries, &format!("test data of {}", def.name), sql, "SELECT 1")
        .map_err(|e| e.context(format!("{label} (test data rolled back; migrations stay applied)")))?;
    log::info!("[{label}] applied test data in {}", crate::duration::human(started.elapsed()));
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_one_second_with_jitter_and_stops_at_thirty() {
        assert_eq!(backoff(1, 0.5), Duration::from_secs(1));
        assert_eq!(backoff(2, 0.5), Duration::from_secs(2));
        assert_eq!(backoff(3, 0.0), Duration::from_secs(2));
        assert_eq!(backoff(3, 0.999), Duration::from_secs(4).mul_f64(1.499));
        assert_eq!(backoff(6, 0.5), Duration::from_secs(30));
        assert_eq!(backoff(40, 0.999), Duration::from_secs(30));
        assert_eq!(backoff(40, 0.0), Duration::from_secs(15));
    }

    #[test]
    fn finds_the_indexes_a_file_builds_concurrently() {
        let sql = "-- no-transaction\nDROP INDEX CONCURRENTLY IF EXISTS a;\nCREATE INDEX CONCURRENTLY IF NOT EXISTS a ON t (x);\n\
                   create unique index concurrently \"B\" on t (y);\nCREATE INDEX CONCURRENTLY ON t (z);\nCREATE INDEX c ON t (w);";
        assert_eq!(concurrent_indexes(sql), ["a", "\"B\""]);
    }

    #[test]
    fn a_table_is_mentioned_only_as_a_whole_name() {
        assert!(mentions("alter table projects add x int", "projects"));
        assert!(mentions("update \"projects\" set x = 1", "projects"));
        assert!(!mentions("alter table project_members add x int", "projects"));
        assert!(!mentions("alter table old_projects add x int", "projects"));
    }
}
