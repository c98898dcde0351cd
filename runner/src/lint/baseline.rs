//! Per-crate baselines: findings in migrations released before the lint
//! existed, which can never change (their checksums are recorded in every
//! deployed database). `<crate>/lint-baseline.tsv`, one finding a line:
//! `file<TAB>line<TAB>rule<TAB>reason`, `file` relative to the crate; `#`
//! starts a comment. An entry matching no finding is itself a finding.

use std::path::{Path, PathBuf};

use schema_def::SchemaDef;

use super::{rules, Accepted, Class, Finding};

pub const FILE_NAME: &str = "lint-baseline.tsv";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// 1-based line of the baseline file.
    pub at: usize,
    pub file: String,
    pub line: usize,
    pub rule: String,
    pub reason: String,
}

/// The schema crate's directory (where `snapshot` writes `catalog/`).
pub fn crate_dir(def: &SchemaDef) -> PathBuf {
    let catalog = def.catalog_path();
    catalog.parent().and_then(Path::parent).map(Path::to_path_buf).unwrap_or_default()
}

pub fn path(def: &SchemaDef) -> PathBuf {
    crate_dir(def).join(FILE_NAME)
}

/// The migrations directory relative to the crate: `migrations`, `migrations/auth`.
pub fn migrations_dir(def: &SchemaDef) -> String {
    let dir = Path::new(def.migrations.dir);
    dir.strip_prefix(crate_dir(def)).unwrap_or(dir).display().to_string()
}

/// Parse a baseline; malformed lines come back as (line, problem).
pub fn parse(text: &str) -> (Vec<Entry>, Vec<(usize, String)>) {
    let mut entries = Vec::new();
    let mut bad = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let at = i + 1;
        let line = raw.trim_end_matches('\r');
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let cols: Vec<&str> = line.splitn(4, '\t').collect();
        let [file, num, rule, reason] = cols.as_slice() else {
            bad.push((at, "expected four tab-separated columns: file, line, rule, reason".to_string()));
            continue;
        };
        let Ok(num) = num.trim().parse::<usize>() else {
            bad.push((at, format!("`{num}` is not a line number")));
            continue;
        };
        if !rules::is_known(rule.trim()) {
            bad.push((at, format!("`{rule}` is not a lint rule")));
            continue;
        }
        if reason.trim().is_empty() {
            bad.push((at, "the reason is empty; say why the finding is accepted".to_string()));
            continue;
        }
        entries.push(Entry { at, file: file.trim().to_string(), line: num, rule: rule.trim().to_string(), reason: reason.trim().to_string() });
    }
    (entries, bad)
}

/// Accept the findings the baseline lists. `findings` are those of the
/// schema's migrations, named `shown_dir/<file>`; entries name files as
/// `dir/<file>` relative to the crate. Returns findings about the baseline
/// itself: malformed lines and entries that match no finding.
pub fn apply(def: &SchemaDef, text: &str, findings: &mut [Finding]) -> Vec<Finding> {
    let shown_baseline = crate::plan::shown(&path(def));
    let dir = migrations_dir(def);
    let (entries, bad) = parse(text);
    let mut out: Vec<Finding> = bad
        .into_iter()
        .map(|(at, why)| problem(&shown_baseline, at, rules::BASELINE_INVALID, format!("{why}; fix the line")))
        .collect();
    for e in entries {
        let Some(name) = e.file.strip_prefix(&format!("{dir}/")).filter(|n| !n.contains('/')) else { continue };
        let mut matched = false;
        for f in findings.iter_mut().filter(|f| f.line == e.line && f.rule == e.rule && f.file.ends_with(&format!("/{name}"))) {
            if f.accepted.is_none() {
                f.accepted = Some(Accepted::Baseline(e.reason.clone()));
            }
            matched = true;
        }
        if !matched {
            out.push(problem(
                &shown_baseline,
                e.at,
                rules::BASELINE_STALE,
                format!("lists {}:{}: {}, which is no longer found; delete this line", e.file, e.line, e.rule),
            ));
        }
    }
    out
}

fn problem(file: &str, line: usize, rule: &str, message: String) -> Finding {
    Finding { file: file.to_string(), line, rule: rule.to_string(), message, class: Class::Hazard, relation: None, statement: None, accepted: None }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_need_four_columns_a_known_rule_and_a_reason() {
        let text = "# file\tline\trule\treason\nmigrations/V2__x.sql\t3\tban-drop-column\treleased in 2024, before the lint\nmigrations/V2__x.sql\t3\tban-drop-column\t \nmigrations/V2__x.sql\tx\tban-drop-column\tr\nonly two\tcolumns\nmigrations/V2__x.sql\t3\tno-such-rule\tr\n";
        let (entries, bad) = parse(text);
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].reason, "released in 2024, before the lint");
        assert_eq!(bad.iter().map(|b| b.0).collect::<Vec<_>>(), vec![3, 4, 5, 6]);
    }
}
