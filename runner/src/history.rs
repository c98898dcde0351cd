//! The history table, in refinery's format so `refinery_cli` can read it:
//! version int4 PK, name, applied_on (RFC 3339 text), checksum (u64 as text).

use postgres::GenericClient;
use refinery::Migration;

use crate::db::column;
use crate::error::{describe_pg, Error, Result};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppliedRow {
    pub version: i32,
    pub name: String,
    pub applied_on: String,
    pub checksum: String,
}

impl AppliedRow {
    pub fn label(&self) -> String {
        format!("V{}__{}", self.version, self.name)
    }
}

pub fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

pub fn quote_literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

pub fn exists(client: &mut impl GenericClient, table: &str) -> Result<bool> {
    let row = client
        .query_one("SELECT to_regclass($1) IS NOT NULL", &[&quote_ident(table)])
        .map_err(|e| Error::failed(format!("cannot read {table}: {}", describe_pg(&e))))?;
    column(&row, 0, table)
}

/// Applied rows by version; empty when the table does not exist yet. A table
/// changed by hand (a column of another type, a NULL version) is an error
/// naming the column (exit 1), never a panic.
pub fn read(client: &mut impl GenericClient, table: &str) -> Result<Vec<AppliedRow>> {
    if !exists(client, table)? {
        return Ok(Vec::new());
    }
    let rows = client
        .query(&format!("SELECT version, name, applied_on, checksum FROM {} ORDER BY version", quote_ident(table)), &[])
        .map_err(|e| Error::failed(format!("cannot read {table}: {}", describe_pg(&e))))?;
    rows.iter()
        .map(|r| {
            Ok(AppliedRow {
                version: column(r, 0, table)?,
                name: column::<Option<String>>(r, 1, table)?.unwrap_or_default(),
                applied_on: column::<Option<String>>(r, 2, table)?.unwrap_or_default(),
                checksum: column::<Option<String>>(r, 3, table)?.unwrap_or_default(),
            })
        })
        .collect()
}

pub fn create_sql(table: &str) -> String {
    format!(
        "CREATE TABLE IF NOT EXISTS {}(version int4 PRIMARY KEY, name varchar(255), applied_on varchar(255), checksum varchar(255))",
        quote_ident(table)
    )
}

/// The insert that records `m`, with the server's clock as RFC 3339 UTC text.
pub fn insert_sql(table: &str, m: &Migration) -> String {
    format!(
        "INSERT INTO {} (version, name, applied_on, checksum) VALUES ({}, {}, \
         to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), {})",
        quote_ident(table),
        m.version(),
        quote_literal(m.name()),
        quote_literal(&m.checksum().to_string())
    )
}
