//! A target's connection: login (creating a missing local database), then
//! one round trip that applies the session settings and reads the server's
//! facts and the history, optionally with more reads in the same batch.

use std::time::Duration;

use postgres::{Client, SimpleQueryMessage, SimpleQueryRow};
use schema_def::SchemaDef;

use crate::db::{self, ConnectError, DbUrl};
use crate::error::{describe_pg, Context, Error, Result};
use crate::history::{self, quote_ident, quote_literal, AppliedRow};
use crate::lock::{self, Locked};
use crate::plan::{self, Plan};
use crate::profile::{Target, Timeouts};

/// What to do when the target's database does not exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    /// An error (exit 3).
    Fail,
    /// Create it when the profile says `create_database: true`.
    Create,
}

/// How a command uses its session.
#[derive(Debug, Clone)]
pub struct Access {
    /// `application_name`, what `pg_stat_activity` and the lock message show.
    pub application: &'static str,
    pub missing: Missing,
    /// Every transaction read-only (status, verify, dry runs).
    pub read_only: bool,
    /// Refuse a server older than the supported range (exit 2): every command
    /// that changes a database, and dry runs of them.
    pub refuse_old_servers: bool,
    /// More session settings: (name, value); names are the runner's own.
    pub settings: Vec<(&'static str, String)>,
}

impl Access {
    pub fn reading(application: &'static str) -> Access {
        Access { application, missing: Missing::Fail, read_only: true, refuse_old_servers: false, settings: Vec::new() }
    }
    pub fn changing(application: &'static str) -> Access {
        Access { application, missing: Missing::Fail, read_only: false, refuse_old_servers: true, settings: Vec::new() }
    }
    pub fn creating_missing(mut self) -> Access {
        self.missing = Missing::Create;
        self
    }
    pub fn refusing_old_servers(mut self) -> Access {
        self.refuse_old_servers = true;
        self
    }
    pub fn with_setting(mut self, name: &'static str, value: impl Into<String>) -> Access {
        self.settings.push((name, value.into()));
        self
    }
}

/// PostgreSQL 14+: a session whose client vanished (a runner killed while it
/// waits for a lock) ends within a second instead of keeping its place in
/// the lock queue, ahead of the application, until lock_timeout.
const CHECK_INTERVAL: &str =
    "SELECT set_config('client_connection_check_interval', '1s', false) WHERE current_setting('server_version_num')::int >= 140000";

/// The statements that set up every session, in the first batch: the one
/// place a session setting is added. A setting that only some servers know
/// goes in as `SELECT set_config(..) WHERE current_setting('server_version_num')::int >= N`.
pub fn settings_sql(timeouts: &Timeouts, access: &Access, check_interval: bool) -> Vec<String> {
    let mut out = Vec::new();
    if access.read_only {
        out.push("SET TRANSACTION READ ONLY".to_string());
        out.push("SET default_transaction_read_only = on".to_string());
    }
    out.push(format!("SET lock_timeout = '{}'", crate::duration::as_pg_setting(timeouts.lock)));
    if let Some(st) = timeouts.statement {
        out.push(format!("SET statement_timeout = '{}'", crate::duration::as_pg_setting(st)));
    }
    if check_interval {
        out.push(CHECK_INTERVAL.to_string());
    }
    for (name, value) in &access.settings {
        out.push(format!("SET {name} = {}", quote_literal(value)));
    }
    out
}

/// The rows of each statement of a simple-query batch, in order (statements
/// without rows give an empty list).
pub fn statements(messages: Vec<SimpleQueryMessage>) -> Vec<Vec<SimpleQueryRow>> {
    let mut out = Vec::new();
    let mut current = Vec::new();
    for m in messages {
        match m {
            SimpleQueryMessage::Row(r) => current.push(r),
            SimpleQueryMessage::CommandComplete(_) => out.push(std::mem::take(&mut current)),
            _ => {}
        }
    }
    out
}

/// The server's version and the database, read with the history.
const FACTS: &str =
    "SELECT current_database()::text, split_part(current_setting('server_version'), ' ', 1), current_setting('server_version_num')";

/// SQLSTATE 42P01 (undefined table) at a position inside the statement that
/// starts at character `start` of the batch and is `len` characters long.
fn undefined_table_within(e: &postgres::Error, start: usize, len: usize) -> bool {
    let Some(db) = e.as_db_error() else { return false };
    let at = match db.position() {
        Some(postgres::error::ErrorPosition::Original(p)) => *p as usize,
        _ => return false,
    };
    db.code() == &postgres::error::SqlState::UNDEFINED_TABLE && at > start && at <= start + len
}

/// A connected target, its facts and plan as of the last read.
pub struct Session {
    pub target: Target,
    pub client: Client,
    pub database: String,
    /// `15.4`: for messages.
    pub server_version: String,
    /// `150004`: for decisions (`server_version_num`).
    pub server_version_num: i32,
    /// Whether the history table exists (as of the last read).
    pub history_exists: bool,
    /// The embedded migrations against the history, as last read.
    pub plan: Plan,
    /// The schema's missing prerequisites, as found when the history table
    /// was to be created (which then it was not).
    pub missing_prerequisites: Vec<String>,
    /// A read has run: when it found no history table, the next read does not
    /// ask for it again (a report does not chase a concurrent migrate).
    read_once: bool,
    /// Whether the server takes `client_connection_check_interval`.
    check_interval: bool,
    timeouts: Timeouts,
    access: Access,
}

impl Session {
    /// Log in (creating a missing database when `access` and the profile
    /// allow it). `None` when the database does not exist and the profile
    /// would create it (`create_database: true`) but `access` does not.
    pub fn connect(target: &Target, timeouts: Timeouts, access: Access) -> Result<Option<Session>> {
        let url = &target.url;
        let name = &target.name;
        let client = match db::connect(url, timeouts.connect, access.application) {
            Ok(c) => c,
            Err(ConnectError::NoSuchDatabase(_)) if target.create_database && access.missing == Missing::Fail => return Ok(None),
            Err(ConnectError::NoSuchDatabase(_)) if target.create_database => {
                create_database(url, timeouts.connect, name)?;
                log::info!("[{name}] created database {}", url.dbname());
                db::connect(url, timeouts.connect, access.application).map_err(|e| e.into_error())?
            }
            Err(e) => return Err(e.into_error().context(format!("target {name}"))),
        };
        Ok(Some(Session {
            target: target.clone(),
            client,
            database: url.dbname().to_string(),
            server_version: String::new(),
            server_version_num: 0,
            history_exists: false,
            plan: plan::plan(target.schema, Vec::new()),
            missing_prerequisites: Vec::new(),
            read_once: false,
            check_interval: true,
            timeouts,
            access,
        }))
    }

    pub fn name(&self) -> &str {
        &self.target.name
    }

    pub fn schema(&self) -> &'static SchemaDef {
        self.target.schema
    }

    /// One round trip: the session settings, the server's facts, the history,
    /// then `extra` statements (each one statement), whose rows are returned.
    /// A database without the history table costs a second round trip (the
    /// same batch without the history). On an error nothing of the batch took
    /// effect and the session stays usable. A server older than the
    /// supported range is refused here when `access` says so.
    pub fn read(&mut self, extra: &[&str]) -> Result<Vec<Vec<SimpleQueryRow>>> {
        let name = self.name().to_string();
        let extras = match self.read_batch(extra) {
            // Servers on platforms without the kernel support refuse any value but 0.
            Err(e) if self.check_interval && e.code().map(|c| c.code()) == Some("22023") => {
                log::warn!("[{name}] the server cannot detect vanished clients ({}); a killed runner holds its locks until lock_timeout", describe_pg(&e));
                self.check_interval = false;
                self.read_batch(extra)
            }
            other => other,
        }
        .context(&name)?;
        let extras = extras?;
        if self.access.refuse_old_servers {
            require_supported(&name, &self.server_version)?;
        }
        Ok(extras)
    }

    /// `read`'s round trip (two without a history table). The outer error is
    /// the server's; the inner one the reading of its answer.
    #[allow(clippy::type_complexity)]
    fn read_batch(&mut self, extra: &[&str]) -> Result<Result<Vec<Vec<SimpleQueryRow>>>, postgres::Error> {
        const SEP: &str = ";\n";
        let table = self.schema().history_table();
        let mut head = settings_sql(&self.timeouts, &self.access, self.check_interval);
        head.push(FACTS.to_string());
        let history = history::select_sql(&table);
        let join = |with_history: bool| {
            let mut all: Vec<&str> = head.iter().map(String::as_str).collect();
            if with_history {
                all.push(&history);
            }
            all.extend_from_slice(extra);
            all.join(SEP)
        };
        // Where the history statement starts, in characters (as the server counts).
        let start = head.iter().map(|s| s.chars().count() + SEP.len()).sum::<usize>();
        let ask_history = !self.read_once || self.history_exists;
        let (mut results, captured) = match self.client.simple_query(&join(ask_history)) {
            Ok(messages) if ask_history => {
                let mut results = statements(messages);
                let rows = if results.len() > head.len() { results.remove(head.len()) } else { Vec::new() };
                (results, rows.first().and_then(|r| r.get(0)).map(str::to_string))
            }
            Ok(messages) => (statements(messages), None),
            Err(e) if ask_history && undefined_table_within(&e, start, history.chars().count()) => {
                // Known now, whatever the rest of the batch does.
                (self.history_exists, self.read_once) = (false, true);
                (statements(self.client.simple_query(&join(false))?), None)
            }
            Err(e) => return Err(e),
        };
        let name = self.name().to_string();
        let mut answered = || -> Result<Vec<Vec<SimpleQueryRow>>> {
            if results.len() != head.len() + extra.len() {
                return Err(Error::failed(format!("{name}: the server answered {} statements of {}", results.len(), head.len() + extra.len())));
            }
            let extras = results.split_off(head.len());
            let row = results.last().and_then(|r| r.first()).ok_or_else(|| Error::failed(format!("{name}: no answer to the session query")))?;
            self.database = row.get(0).unwrap_or_default().to_string();
            self.server_version = row.get(1).unwrap_or_default().to_string();
            self.server_version_num = row.get(2).and_then(|v| v.parse().ok()).unwrap_or(0);
            let applied = history::from_captured(&table, captured.as_deref())?;
            self.set_history(applied);
            self.read_once = true;
            Ok(extras)
        };
        Ok(answered())
    }

    /// The first column of every row of one statement of ours (simple
    /// protocol: one round trip).
    pub fn rows(&mut self, sql: &str) -> Result<Vec<String>> {
        let results = statements(self.client.simple_query(sql)?);
        Ok(results.into_iter().flatten().map(|r| r.get(0).unwrap_or_default().to_string()).collect())
    }

    /// A history read elsewhere (under the lock): `None` when there is no table.
    pub fn set_history(&mut self, applied: Option<Vec<AppliedRow>>) {
        self.history_exists = applied.is_some();
        self.plan = plan::plan(self.schema(), applied.unwrap_or_default());
    }

    /// Take the migration lock (waiting up to the profile's `lock_timeout`)
    /// and read the history again under it; with `create_history`, the
    /// history table is created first. Released when the locked session is
    /// dropped (the connection closes) or unlocked.
    pub fn lock(self, create_history: bool) -> Result<Locked> {
        let timeout = self.timeouts.lock;
        lock::acquire(self, timeout, create_history)
    }
}

/// The PostgreSQL majors the migrations and expected catalogs are tested on
/// (scripts/pg-matrix).
pub const SUPPORTED: std::ops::RangeInclusive<u32> = 14..=18;

/// The major of a `server_version` such as `16.4` or `18beta1`.
pub fn major(server_version: &str) -> Option<u32> {
    let digits: String = server_version.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// Why a server is too old for the runner to change it, if it is.
pub fn too_old(server_version: &str) -> Option<String> {
    let (low, high) = (SUPPORTED.start(), SUPPORTED.end());
    match major(server_version) {
        Some(m) if m < *low => Some(format!("PostgreSQL {server_version} is not supported (supported: {low} to {high})")),
        _ => None,
    }
}

/// Refuse (exit 2) a server older than the supported range, before a
/// command changes anything; a newer one is only warned about.
pub fn require_supported(target: &str, server_version: &str) -> Result<()> {
    if let Some(why) = too_old(server_version) {
        let low = SUPPORTED.start();
        return Err(Error::usage(format!("target {target}: {why}; nothing was changed; upgrade the server to {low} or newer")));
    }
    if major(server_version).is_some_and(|m| m > *SUPPORTED.end()) {
        log::warn!("[{target}] PostgreSQL {server_version} is newer than the tested range ({} to {})", SUPPORTED.start(), SUPPORTED.end());
    }
    Ok(())
}

/// A connection to a URL that is not a profile target (the Totalis legacy
/// source, snapshot's scratch server).
pub fn connect_url(url: &DbUrl, connect_timeout: Duration, application: &str) -> Result<Client> {
    db::connect(url, connect_timeout, application).map_err(|e| e.into_error())
}

/// Create the URL's database through the server's `postgres` database. A
/// concurrent runner creating it first is fine.
fn create_database(url: &DbUrl, connect_timeout: Duration, target: &str) -> Result<()> {
    let admin = url.with_dbname("postgres");
    let mut client = connect_url(&admin, connect_timeout, "runner")?;
    let version = statements(client.simple_query("SELECT split_part(current_setting('server_version'), ' ', 1)").context(url)?)
        .into_iter()
        .flatten()
        .next()
        .and_then(|r| r.get(0).map(str::to_string))
        .unwrap_or_default();
    require_supported(target, &version)?;
    let name = url.dbname();
    match client.batch_execute(&format!("CREATE DATABASE {}", quote_ident(name))) {
        Ok(()) => Ok(()),
        Err(e) if matches!(e.code().map(|c| c.code()), Some("42P04" | "23505")) => Ok(()),
        Err(e) => Err(Error::unreachable(format!(
            "{url}: cannot create database `{name}`: {}; create it yourself or grant CREATEDB",
            describe_pg(&e)
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn timeouts() -> Timeouts {
        Timeouts { connect: Duration::from_secs(10), lock: Duration::from_secs(30), statement: Some(Duration::from_secs(300)) }
    }

    #[test]
    fn read_only_comes_first_and_every_setting_is_quoted() {
        let access = Access::reading("runner verify").with_setting("runner.production", "it's");
        let sql = settings_sql(&timeouts(), &access, true);
        assert_eq!(sql[0], "SET TRANSACTION READ ONLY");
        assert!(sql.contains(&"SET lock_timeout = '30000ms'".to_string()), "{sql:?}");
        assert!(sql.contains(&"SET statement_timeout = '300000ms'".to_string()), "{sql:?}");
        assert!(sql.contains(&CHECK_INTERVAL.to_string()), "{sql:?}");
        assert_eq!(sql.last().unwrap(), "SET runner.production = 'it''s'");
    }

    #[test]
    fn a_changing_session_is_not_read_only() {
        let sql = settings_sql(&Timeouts { statement: None, ..timeouts() }, &Access::changing("runner migrate"), false);
        assert_eq!(sql, vec!["SET lock_timeout = '30000ms'".to_string()]);
    }

    #[test]
    fn servers_older_than_14_are_refused_with_one_line_and_exit_2() {
        let e = require_supported("morse", "13.23").unwrap_err();
        assert_eq!(e.kind, crate::error::Kind::Usage);
        assert_eq!(
            e.message(),
            "target morse: PostgreSQL 13.23 is not supported (supported: 14 to 18); nothing was changed; upgrade the server to 14 or newer"
        );
        assert!(require_supported("morse", "9.6.24").is_err());
        for ok in ["14.0", "15.18", "16.4", "17.10", "18.4", "18beta1", "19devel"] {
            assert!(require_supported("morse", ok).is_ok(), "{ok}");
        }
        assert_eq!(major("18beta1"), Some(18));
    }
}
