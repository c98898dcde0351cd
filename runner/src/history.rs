//! The history table, in refinery's format so `refinery_cli` can read it:
//! version int4 PK, name, applied_on (RFC 3339 text), checksum (u64 as text).

use refinery::Migration;

use crate::error::{Error, Result};

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

/// The transaction-local setting `capture_plpgsql` fills.
pub const SETTING: &str = "runner.history";

/// The table's column types and rows as one JSON text: one value, cheap to
/// send and to carry in a setting; `from_captured` reads it.
fn json_of(table: &str) -> String {
    let reg = quote_literal(&quote_ident(table));
    format!(
        "SELECT json_build_object(\
           'types', (SELECT json_object_agg(a.attname, t.typname) FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid \
                      WHERE a.attrelid = {reg}::regclass AND a.attnum > 0 AND NOT a.attisdropped), \
           'rows', (SELECT coalesce(json_agg(json_build_array(version, name, applied_on, checksum) ORDER BY version), '[]') FROM {}))::text",
        quote_ident(table)
    )
}

/// The history as one row of JSON text. Fails with SQLSTATE 42P01 when the
/// table does not exist.
pub fn select_sql(table: &str) -> String {
    json_of(table)
}

/// PL/pgSQL statements that put the history, when the table exists, into the
/// transaction's `runner.history` setting: used under the lock, where the
/// table may have just been created in the same round trip.
pub fn capture_plpgsql(table: &str) -> String {
    format!(
        "IF to_regclass({}) IS NOT NULL THEN PERFORM set_config('{SETTING}', ({}), true); END IF;",
        quote_literal(&quote_ident(table)),
        json_of(table)
    )
}

#[derive(serde::Deserialize)]
struct Captured {
    types: std::collections::BTreeMap<String, String>,
    /// Each row as the server printed it: read after the types are checked.
    rows: Vec<[serde_json::Value; 4]>,
}

/// A history table changed by hand (exit 1).
fn damaged(table: &str, column: &str, why: &str) -> Error {
    Error::problems(format!("{table}: column `{column}` {why}; was it changed by hand? restore it as the runner created it"))
}

/// The history of `select_sql`, or what `capture_plpgsql` left in the
/// setting (`current_setting(..., true)`): `None` when the table does not
/// exist (the setting is unset or empty). Columns of another type than the
/// runner created, or a NULL version, are an error naming the column.
pub fn from_captured(table: &str, text: Option<&str>) -> Result<Option<Vec<AppliedRow>>> {
    let Some(text) = text.filter(|t| !t.is_empty()) else { return Ok(None) };
    let captured: Captured =
        serde_json::from_str(text).map_err(|e| Error::failed(format!("{table}: unreadable history rows: {e}")))?;
    for (column, allowed) in [("version", &["int4"][..]), ("name", TEXT), ("applied_on", TEXT), ("checksum", TEXT)] {
        match captured.types.get(column) {
            Some(ty) if !allowed.contains(&ty.as_str()) => {
                return Err(damaged(table, column, &format!("has type {ty}, which the runner does not expect")))
            }
            None => return Err(damaged(table, column, "is missing")),
            _ => {}
        }
    }
    let text = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_string();
    let mut rows = Vec::new();
    for [version, name, applied_on, checksum] in &captured.rows {
        let version = version.as_i64().and_then(|v| i32::try_from(v).ok()).ok_or_else(|| damaged(table, "version", "is NULL"))?;
        rows.push(AppliedRow { version, name: text(name), applied_on: text(applied_on), checksum: text(checksum) });
    }
    Ok(Some(rows))
}

/// The types a text column of the history may have (what `String` reads).
const TEXT: &[&str] = &["varchar", "text", "bpchar", "name"];

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

#[cfg(test)]
mod tests {
    use super::*;

    const T: &str = "morse_schema_history";
    const TYPES: &str = r#""types": {"version": "int4", "name": "varchar", "applied_on": "varchar", "checksum": "varchar"}"#;

    #[test]
    fn captured_rows_read_back_with_nulls_as_empty_text() {
        let text = format!(r#"{{{TYPES}, "rows": [[1, "core_tables", "2025-01-01T00:00:00Z", "123"], [2, null, null, null]]}}"#);
        let rows = from_captured(T, Some(&text)).unwrap().unwrap();
        assert_eq!(rows[0], AppliedRow { version: 1, name: "core_tables".into(), applied_on: "2025-01-01T00:00:00Z".into(), checksum: "123".into() });
        assert_eq!(rows[1].label(), "V2__");
        assert_eq!(from_captured(T, Some(&format!(r#"{{{TYPES}, "rows": []}}"#))).unwrap(), Some(Vec::new()));
    }

    #[test]
    fn no_table_is_none() {
        assert_eq!(from_captured(T, None).unwrap(), None);
        assert_eq!(from_captured(T, Some("")).unwrap(), None);
    }

    #[test]
    fn a_column_changed_by_hand_is_named_with_exit_1() {
        let bigint = r#"{"types": {"version": "int8", "name": "varchar", "applied_on": "varchar", "checksum": "varchar"}, "rows": [[1, "a", "b", "c"]]}"#;
        let e = from_captured(T, Some(bigint)).unwrap_err();
        assert_eq!(e.exit_code(), 1);
        assert!(e.message().contains("column `version` has type int8"), "{e}");
        let null = format!(r#"{{{TYPES}, "rows": [[null, "x", "y", "z"]]}}"#);
        assert!(from_captured(T, Some(&null)).unwrap_err().message().contains("column `version` is NULL"));
    }

    #[test]
    fn the_capture_quotes_the_table_name() {
        let sql = capture_plpgsql("odd\"name");
        assert!(sql.contains(r#"to_regclass('"odd""name"')"#), "{sql}");
        assert!(sql.contains(r#"FROM "odd""name""#), "{sql}");
    }
}
