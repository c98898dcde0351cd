//! The history table, in refinery's format so `refinery_cli` can read it:
//! version int4 PK, name, applied_on (RFC 3339 text), checksum (u64 as text).

use postgres::GenericClient;
use refinery::Migration;

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

pub fn exists(client: &mut impl GenericClient, table: &str) -> Result<bool, postgres::Error> {
    let row = client.query_one("SELECT to_regclass($1) IS NOT NULL", &[&quote_ident(table)])?;
    Ok(row.get(0))
}

/// Applied rows by version; empty when the table does not exist yet.
pub fn read(client: &mut impl GenericClient, table: &str) -> Result<Vec<AppliedRow>, postgres::Error> {
    if !exists(client, table)? {
        return Ok(Vec::new());
    }
    let rows = client.query(
        &format!("SELECT version, name, applied_on, checksum FROM {} ORDER BY version", quote_ident(table)),
        &[],
    )?;
    Ok(rows
        .iter()
        .map(|r| AppliedRow {
            version: r.get(0),
            name: r.get::<_, Option<String>>(1).unwrap_or_default(),
            applied_on: r.get::<_, Option<String>>(2).unwrap_or_default(),
            checksum: r.get::<_, Option<String>>(3).unwrap_or_default(),
        })
        .collect())
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
