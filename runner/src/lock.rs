//! The per-(database, schema) session advisory lock, taken by polling
//! `pg_try_advisory_lock` so a waiting runner never blocks a migration's
//! `CREATE INDEX CONCURRENTLY` (the deadlock of Flyway #1654).
//!
//! Each attempt is one round trip that also re-reads the history (and, for
//! `migrate`, creates the history table) once the lock is held. The locked
//! session is a guard: dropping it releases the lock, on every path.

use std::ops::{Deref, DerefMut};
use std::time::{Duration, Instant};

use postgres::{Client, SimpleQueryRow};
use schema_def::SchemaDef;

use crate::error::{Context, Error, Result};
use crate::history;
use crate::session::{self, Session};

/// A stable 64-bit key (FNV-1a) for the database and schema: the same in every
/// runner version and on every platform.
pub fn key(database: &str, schema: &str) -> i64 {
    fnv1a(format!("runner-migrations\0{database}\0{schema}").as_bytes()) as i64
}

/// 64-bit FNV-1a: tiny, stable across versions and platforms.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

const LOCKED: &str = "runner.locked";

/// The schema's prerequisite query as one statement (no trailing `;`).
fn prerequisites(schema: &SchemaDef) -> Option<&'static str> {
    schema.prerequisites.map(|q| q.trim_end().trim_end_matches(';'))
}

/// PL/pgSQL creating the history table, unless the schema's prerequisites
/// are missing: a database that is refused is left as it was.
pub fn create_plpgsql(schema: &SchemaDef) -> String {
    let create = history::create_sql(&schema.history_table());
    match prerequisites(schema) {
        Some(q) => format!("IF NOT EXISTS (SELECT FROM ({q}\n) AS missing) THEN {create}; END IF;"),
        None => format!("{create};"),
    }
}

/// One attempt: try the lock; when it is ours, optionally create the history
/// table, and capture the history. One round trip: the DO block, the flags,
/// and (when creating) the missing prerequisites.
pub fn attempt_sql(key: i64, schema: &SchemaDef, create_history: bool) -> String {
    let create = if create_history { create_plpgsql(schema) } else { String::new() };
    let mut sql = format!(
        "DO $runner$ BEGIN IF pg_try_advisory_lock({key}) THEN PERFORM set_config('{LOCKED}', 'on', true); {create} {} END IF; END $runner$;\n\
         SELECT current_setting('{LOCKED}', true), current_setting('{}', true)",
        history::capture_plpgsql(&schema.history_table()),
        history::SETTING
    );
    if let (true, Some(q)) = (create_history, prerequisites(schema)) {
        sql.push_str(";\n");
        sql.push_str(q);
    }
    sql
}

/// Who holds the lock, for the waiting message.
fn holder(client: &mut Client, key: i64) -> Option<String> {
    let classid = (key as u64) >> 32;
    let objid = key as u64 & 0xffff_ffff;
    let sql = format!(
        "SELECT a.pid, coalesce(nullif(a.application_name, ''), 'unknown'), \
                coalesce(round(extract(epoch FROM now() - a.backend_start))::int, 0) \
           FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid \
          WHERE l.locktype = 'advisory' AND l.granted AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) \
            AND l.classid::bigint = {classid} AND l.objid::bigint = {objid} AND l.objsubid = 1 LIMIT 1"
    );
    let rows = session::statements(client.simple_query(&sql).ok()?);
    let row = rows.first()?.first()?;
    Some(format!("pid {} ({}, connected {} s ago)", row.get(0)?, row.get(1)?, row.get(2)?))
}

/// A session holding the migration lock. Dropping it closes the connection,
/// which releases the lock on every path (the server ends the session's
/// locks with it) at no round trip; `unlock` keeps the session.
pub struct Locked {
    session: Session,
    key: i64,
}

impl Deref for Locked {
    type Target = Session;
    fn deref(&self) -> &Session {
        &self.session
    }
}

impl DerefMut for Locked {
    fn deref_mut(&mut self) -> &mut Session {
        &mut self.session
    }
}

impl Locked {
    /// Release the lock and keep the session (one round trip).
    pub fn unlock(mut self) -> Result<Session> {
        let sql = format!("SELECT pg_advisory_unlock({})", self.key);
        self.session.client.batch_execute(&sql).context(format!("{}: releasing the migration lock", self.session.name()))?;
        Ok(self.session)
    }

    /// Create the history table now (after `lock(false)`), unless the
    /// prerequisites are missing; then the history and the missing
    /// prerequisites are read again. One round trip.
    pub fn create_history(&mut self) -> Result<()> {
        let schema = self.session.schema();
        let mut sql = format!(
            "DO $runner$ BEGIN {} {} END $runner$;\nSELECT current_setting('{}', true)",
            create_plpgsql(schema),
            history::capture_plpgsql(&schema.history_table()),
            history::SETTING
        );
        if let Some(q) = prerequisites(schema) {
            sql.push_str(";\n");
            sql.push_str(q);
        }
        let label = self.session.name().to_string();
        let rows = session::statements(self.session.client.simple_query(&sql).context(&label)?);
        let captured = rows.get(1).and_then(|r| r.first()).and_then(|r| r.get(0));
        let applied = history::from_captured(&schema.history_table(), captured).context(&label)?;
        self.session.set_history(applied);
        self.session.missing_prerequisites = first_column(rows.get(2));
        Ok(())
    }
}

fn first_column(rows: Option<&Vec<SimpleQueryRow>>) -> Vec<String> {
    rows.map(|rows| rows.iter().map(|r| r.get(0).unwrap_or_default().to_string()).collect()).unwrap_or_default()
}

/// Poll until the lock is ours or `timeout` passes (exit code 5); then the
/// session's plan is the history read under the lock. On an error the
/// session is dropped, and with it any lock the failed attempt took.
pub fn acquire(mut session: Session, timeout: Duration, create_history: bool) -> Result<Locked> {
    let label = session.name().to_string();
    let key = key(&session.database, session.schema().name);
    let sql = attempt_sql(key, session.schema(), create_history);
    let start = Instant::now();
    let mut announced = false;
    loop {
        let messages = session.client.simple_query(&sql).with_context(|| format!("{label}: cannot take the migration lock"))?;
        let rows = session::statements(messages);
        let flags = rows.get(1).and_then(|r| r.first());
        if flags.and_then(|r| r.get(0)) == Some("on") {
            let captured = flags.and_then(|r| r.get(1));
            let applied = history::from_captured(&session.schema().history_table(), captured).context(&label)?;
            session.set_history(applied);
            session.missing_prerequisites = first_column(rows.get(2));
            if announced {
                log::info!("[{label}] lock acquired after {}", crate::duration::human(start.elapsed()));
            }
            return Ok(Locked { session, key });
        }
        if !announced {
            let who = holder(&mut session.client, key).unwrap_or_else(|| "another session".into());
            log::info!("[{label}] waiting for the migration lock held by {who} (up to {})", crate::duration::human(timeout));
            announced = true;
        }
        if start.elapsed() >= timeout {
            let who = holder(&mut session.client, key).unwrap_or_else(|| "another session".into());
            return Err(Error::lock_timeout(format!(
                "{label}: timed out after {} waiting for the migration lock held by {who}; another deploy is migrating this database: wait for it, or raise lock_timeout in the profile",
                crate::duration::human(timeout)
            )));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_is_stable_across_builds() {
        // Two runner versions must agree on the key, or both would migrate at once.
        assert_eq!(key("morse_dev", "morse"), key("morse_dev", "morse"));
        assert_ne!(key("morse_dev", "morse"), key("morse_dev", "mued"));
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }

    #[test]
    fn the_table_is_created_only_under_the_lock() {
        let morse = crate::registry::find("morse").unwrap();
        let sql = attempt_sql(-42, morse, true);
        let lock = sql.find("pg_try_advisory_lock(-42)").unwrap();
        let create = sql.find("CREATE TABLE IF NOT EXISTS \"morse_schema_history\"").unwrap();
        assert!(lock < create, "{sql}");
        assert!(!attempt_sql(1, morse, false).contains("CREATE TABLE"));
    }

    #[test]
    fn a_schema_with_prerequisites_gets_its_table_only_when_they_are_met() {
        let mued = crate::registry::find("mued").unwrap();
        let sql = attempt_sql(7, mued, true);
        let guard = sql.find("IF NOT EXISTS (SELECT FROM (").unwrap();
        assert!(guard < sql.find("CREATE TABLE IF NOT EXISTS \"mued_schema_history\"").unwrap(), "{sql}");
        // The problems themselves come back as the batch's last statement, without a stray `;`.
        assert!(sql.trim_end().ends_with("ORDER BY p.ord"), "{sql}");
    }
}
