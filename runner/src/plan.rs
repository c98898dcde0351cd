//! What a target needs: the embedded migrations against its history.

use std::path::Path;

use refinery::Migration;
use schema_def::SchemaDef;

use crate::history::AppliedRow;

#[derive(Debug)]
pub enum Problem {
    /// Applied, but the file's name or content differs from what was applied.
    Divergent { file: String, applied: AppliedRow, embedded_checksum: u64 },
    /// Applied in the database, absent from this binary.
    NotEmbedded { applied: AppliedRow },
    /// Embedded, below the newest applied version, but not in the history:
    /// its row was lost (versions are contiguous, so it is not a new file).
    Unrecorded { migration: String, newest_applied: i32 },
}

impl Problem {
    pub fn describe(&self) -> String {
        match self {
            Problem::Divergent { file, applied, embedded_checksum } => {
                if applied.label() != file_stem(file) {
                    format!(
                        "{file} does not match applied version {} ({}): a released migration was renamed or replaced; restore it and add a new migration instead",
                        applied.version,
                        applied.label()
                    )
                } else {
                    format!(
                        "{file} was edited after it was applied (checksum {} in the database, {embedded_checksum} in the file); released migrations never change: restore the file and fix forward with a new migration",
                        applied.checksum
                    )
                }
            }
            Problem::NotEmbedded { applied } => format!(
                "{} is applied in the database but not in this build (deleted, or the database is newer than this runner); deploy the runner that applied it",
                applied.label()
            ),
            Problem::Unrecorded { migration, newest_applied } => format!(
                "{migration} is missing from the history while later versions are recorded (up to V{newest_applied}): its row was deleted or lost. \
                 `runner adopt` records it after checking that the database has the objects of the versions up to V{newest_applied} \
                 (and refuses, listing the differences, when it does not); do not renumber or edit the migration"
            ),
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Problem::Divergent { .. } => "divergent",
            Problem::NotEmbedded { .. } => "missing",
            Problem::Unrecorded { .. } => "unrecorded",
        }
    }
}

fn file_stem(file: &str) -> &str {
    let base = file.rsplit('/').next().unwrap_or(file);
    base.strip_suffix(".sql").unwrap_or(base)
}

/// `morse-schema/migrations/V1__core_tables.sql`: the file as a developer sees it.
pub fn file_of(def: &SchemaDef, m: &Migration) -> String {
    format!("{}/{m}.sql", shown(Path::new(def.migrations.dir)))
}

/// A path of the workspace as a developer sees it (relative to the workspace).
pub fn shown(path: &Path) -> String {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap_or(Path::new("/"));
    path.strip_prefix(workspace).unwrap_or(path).display().to_string()
}

#[derive(Debug)]
pub struct Plan {
    pub applied: Vec<AppliedRow>,
    pub pending: Vec<Migration>,
    pub problems: Vec<Problem>,
}

pub fn plan(def: &SchemaDef, applied: Vec<AppliedRow>) -> Plan {
    let embedded = def.sorted_migrations();
    let newest = applied.iter().map(|a| a.version).max();
    let mut problems = Vec::new();
    for a in &applied {
        match embedded.iter().find(|m| m.version() == a.version) {
            None => problems.push(Problem::NotEmbedded { applied: a.clone() }),
            Some(m) => {
                if m.name() != a.name || m.checksum().to_string() != a.checksum {
                    problems.push(Problem::Divergent {
                        file: file_of(def, m),
                        applied: a.clone(),
                        embedded_checksum: m.checksum(),
                    });
                }
            }
        }
    }
    let mut pending = Vec::new();
    for m in embedded {
        if applied.iter().any(|a| a.version == m.version()) {
            continue;
        }
        let versioned = m.prefix().to_string() == "V";
        match newest {
            Some(n) if versioned && m.version() < n => {
                problems.push(Problem::Unrecorded { migration: m.to_string(), newest_applied: n })
            }
            _ => pending.push(m),
        }
    }
    Plan { applied, pending, problems }
}
