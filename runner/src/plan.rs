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

#[cfg(test)]
mod tests {
    use super::*;

    fn three() -> Vec<Migration> {
        vec![
            Migration::unapplied("V1__first", "CREATE TABLE a (id int);").unwrap(),
            Migration::unapplied("V2__second", "CREATE TABLE b (id int);").unwrap(),
            Migration::unapplied("V3__third", "CREATE TABLE c (id int);").unwrap(),
        ]
    }

    fn def() -> SchemaDef {
        SchemaDef::bare("t", three)
    }

    fn applied(m: &Migration) -> AppliedRow {
        AppliedRow { version: m.version(), name: m.name().into(), applied_on: "2025-01-01T00:00:00Z".into(), checksum: m.checksum().to_string() }
    }

    fn names(p: &Plan) -> Vec<String> {
        p.pending.iter().map(|m| m.to_string()).collect()
    }

    #[test]
    fn an_empty_history_has_everything_pending_in_order() {
        let p = plan(&def(), Vec::new());
        assert_eq!(names(&p), ["V1__first", "V2__second", "V3__third"]);
        assert!(p.problems.is_empty() && p.applied.is_empty());
    }

    #[test]
    fn applied_versions_are_not_pending() {
        let m = three();
        let p = plan(&def(), vec![applied(&m[0]), applied(&m[1])]);
        assert_eq!(names(&p), ["V3__third"]);
        assert!(p.problems.is_empty());
        let p = plan(&def(), m.iter().map(applied).collect());
        assert!(p.pending.is_empty() && p.problems.is_empty());
    }

    #[test]
    fn an_edited_file_is_divergent_and_names_both_checksums() {
        let m = three();
        let mut edited = applied(&m[0]);
        edited.checksum = "12345".into();
        let p = plan(&def(), vec![edited]);
        assert_eq!(p.problems.len(), 1);
        let d = p.problems[0].describe();
        assert_eq!(p.problems[0].kind(), "divergent");
        assert!(d.contains("V1__first.sql was edited after it was applied") && d.contains("12345"), "{d}");
    }

    #[test]
    fn a_renamed_file_is_divergent_as_a_replacement() {
        let m = three();
        let mut renamed = applied(&m[1]);
        renamed.name = "old_name".into();
        let p = plan(&def(), vec![applied(&m[0]), renamed]);
        let d = p.problems[0].describe();
        assert!(d.contains("does not match applied version 2 (V2__old_name)"), "{d}");
    }

    #[test]
    fn a_version_missing_from_the_build_and_a_lost_row_below_the_newest_are_problems() {
        let m = three();
        let newer = AppliedRow { version: 9, name: "from_the_future".into(), applied_on: String::new(), checksum: "1".into() };
        let p = plan(&def(), vec![applied(&m[0]), applied(&m[2]), newer]);
        let kinds: Vec<&str> = p.problems.iter().map(Problem::kind).collect();
        assert_eq!(kinds, ["missing", "unrecorded"]);
        assert!(p.problems[0].describe().contains("V9__from_the_future is applied in the database but not in this build"));
        assert!(p.problems[1].describe().starts_with("V2__second is missing from the history while later versions are recorded (up to V9)"));
        assert!(p.pending.is_empty());
    }
}
