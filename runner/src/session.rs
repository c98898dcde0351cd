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
            create_database(&url, timeouts.connect)?;
            log::info!("[{}] created database {}", target.name, url.dbname());
            db::connect(&url, timeouts.connect, application).map_err(|e| e.into_error())?
        }
        Err(e) => return Err(e.into_error().context(format!("target {}", target.name))),
    };
    let mut session = Session { client, url, database: String::new(), server_version: String::new() };
    let row = session
        .client
        .query_one("SELECT current_database()::text, split_part(current_setting('server_version'), ' ', 1)", &[])
        .map_err(|e| Error::unreachable(format!("target {}: {}", target.name, describe_pg(&e))))?;
    session.database = db::column(&row, 0, "current_database()")?;
    session.server_version = db::column(&row, 1, "server_version")?;
    let mut settings = format!("SET lock_timeout = '{}';", crate::duration::as_pg_setting(timeouts.lock));
    if let Some(st) = timeouts.statement {
        settings.push_str(&format!("SET statement_timeout = '{}';", crate::duration::as_pg_setting(st)));
    }
    session
        .client
        .batch_execute(&settings)
        .map_err(|e| Error::failed(format!("target {}: {}", target.name, describe_pg(&e))))?;
    Ok(session)
}

/// Create the URL's database through the server's `postgres` database. A
/// concurrent runner creating it first is fine.
fn create_database(url: &DbUrl, connect_timeout: Duration) -> Result<()> {
    let admin = url.with_dbname("postgres");
    let mut client = db::connect(&admin, connect_timeout, "runner").map_err(|e| e.into_error())?;
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
