//! Opening a target's connection: URL, TLS, optional creation of a missing
//! local database, session timeouts.

use std::time::Duration;

use postgres::Client;

use crate::db::{self, ConnectError, DbUrl};
use crate::error::{describe_pg, Error, Result};
use crate::profile::Target;

#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    pub connect: Duration,
    pub lock: Duration,
    pub statement: Option<Duration>,
}

pub struct Session {
    pub client: Client,
    pub url: DbUrl,
    pub database: String,
    pub server_version: String,
}

/// What `open` did about a missing database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    /// Connect only; a missing database is an error.
    Fail,
    /// Create it (a local profile's `create_database: true`).
    Create,
}

pub fn open(target: &Target, timeouts: Timeouts, missing: Missing, application: &str) -> Result<Session> {
    let url = target.url.clone();
    let client = match db::connect(&url, timeouts.connect, application) {
        Ok(c) => c,
        Err(ConnectError::NoSuchDatabase(_)) if missing == Missing::Create && target.create_database => {
            create_database(&url, timeouts.connect, &target.name)?;
            log::info!("[{}] created database {}", target.name, url.dbname());
            db::connect(&url, timeouts.connect, application).map_err(|e| e.into_error())?
        }
        Err(e) => return Err(e.into_error().context(format!("target {}", target.name))),
    };
    let mut session = Session { client, url, database: String::new(), server_version: String::new() };
    let row = session
        .client
        .query_one(
            "SELECT current_database()::text, split_part(current_setting('server_version'), ' ', 1), current_setting('server_version_num')::int",
            &[],
        )
        .map_err(|e| Error::unreachable(format!("target {}: {}", target.name, describe_pg(&e))))?;
    session.database = db::column(&row, 0, "current_database()")?;
    session.server_version = db::column(&row, 1, "server_version")?;
    let mut settings = format!("SET lock_timeout = '{}';", crate::duration::as_pg_setting(timeouts.lock));
    if let Some(st) = timeouts.statement {
        settings.push_str(&format!("SET statement_timeout = '{}';", crate::duration::as_pg_setting(st)));
    }
    // PostgreSQL 14+: a session whose client vanished (a runner killed while
    // it waits for a lock) ends within a second instead of keeping its place
    // in the lock queue, ahead of the application, until lock_timeout.
    let version_num: i32 = db::column(&row, 2, "server_version_num")?;
    let check = (version_num >= 140_000).then_some("SET client_connection_check_interval = '1s';");
    let with_check = format!("{settings}{}", check.unwrap_or(""));
    let result = match session.client.batch_execute(&with_check) {
        // Servers on platforms without the kernel support refuse any value but 0.
        Err(e) if check.is_some() && e.code().map(|c| c.code()) == Some("22023") => {
            log::warn!("[{}] the server cannot detect vanished clients ({}); a killed runner holds its locks until lock_timeout", target.name, describe_pg(&e));
            session.client.batch_execute(&settings)
        }
        other => other,
    };
    result.map_err(|e| Error::failed(format!("target {}: {}", target.name, describe_pg(&e))))?;
    Ok(session)
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

impl Session {
    /// `require_supported` for this session's server: called by every
    /// command that changes a database, right after the session opens.
    pub fn require_supported(&self, target: &str) -> Result<()> {
        require_supported(target, &self.server_version)
    }
}

/// Create the URL's database through the server's `postgres` database. A
/// concurrent runner creating it first is fine.
fn create_database(url: &DbUrl, connect_timeout: Duration, target: &str) -> Result<()> {
    let admin = url.with_dbname("postgres");
    let mut client = db::connect(&admin, connect_timeout, "runner").map_err(|e| e.into_error())?;
    let version: String = client
        .query_one("SELECT split_part(current_setting('server_version'), ' ', 1)", &[])
        .map_err(|e| Error::unreachable(format!("{url}: {}", describe_pg(&e))))?
        .get(0);
    require_supported(target, &version)?;
    let name = url.dbname();
    match client.batch_execute(&format!("CREATE DATABASE {}", crate::history::quote_ident(&name))) {
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
