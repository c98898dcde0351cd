//! Hazard lint: squawk's rules (the `squawk-linter` crate, configured for
//! PostgreSQL 15) plus what only the runner knows: how it runs a migration
//! (one transaction, or `-- no-transaction` statement by statement), which
//! tables the same migration created, inline waivers and per-crate baselines.
//! `gate` checks the findings of pending migrations against a live database.

pub mod baseline;
pub mod gate;
pub mod rules;
pub mod source;
pub mod waivers;

use schema_def::SchemaDef;
use squawk_linter::{Linter, Rule};
use squawk_syntax::ast::{self, AstNode};

use crate::error::{Error, Result};
pub use rules::Class;
use source::{Relation, Source};

/// PostgreSQL version squawk's version-dependent rules assume (the oldest
/// server the projects run).
pub const PG_VERSION: &str = "15";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Accepted {
    /// `-- runner:allow <rule> <reason>` above the statement.
    Waiver(String),
    /// A line of the crate's `lint-baseline.tsv`.
    Baseline(String),
}

#[derive(Debug, Clone)]
pub struct Finding {
    pub file: String,
    pub line: usize,
    pub rule: String,
    /// What locks or rewrites what, and the safe way to write it.
    pub message: String,
    pub class: Class,
    /// The table (or index) the statement acts on.
    pub relation: Option<Relation>,
    /// Byte offset of the statement in the file (for the gate).
    pub statement: Option<usize>,
    pub accepted: Option<Accepted>,
}

impl Finding {
    /// A hazard nobody accepted: fails `runner lint`.
    pub fn fails(&self) -> bool {
        self.class == Class::Hazard && self.accepted.is_none()
    }
}

/// The one text form of a finding: `file:line: rule: message`.
pub fn format_text(f: &Finding) -> String {
    format_with(f, |rule| rule.to_string())
}

/// The same with the rule coloured (red hazard, yellow style), for stdout
/// through `outln!`, which drops the colour where it does not belong.
pub fn format_painted(f: &Finding) -> String {
    let class = f.class;
    format_with(f, |rule| if class == Class::Hazard { crate::paint::bad(rule) } else { crate::paint::warn(rule) })
}

fn format_with(f: &Finding, rule: impl Fn(&str) -> String) -> String {
    let style = if f.class == Class::Style { " (style)" } else { "" };
    format!("{}:{}: {}{style}: {}", f.file, f.line, rule(&f.rule), f.message)
}

pub fn to_json(f: &Finding) -> serde_json::Value {
    let accepted = f.accepted.as_ref().map(|a| match a {
        Accepted::Waiver(r) => serde_json::json!({ "by": "waiver", "reason": r }),
        Accepted::Baseline(r) => serde_json::json!({ "by": "baseline", "reason": r }),
    });
    serde_json::json!({
        "file": f.file,
        "line": f.line,
        "rule": f.rule,
        "severity": if f.class == Class::Hazard { "hazard" } else { "style" },
        "message": f.message,
        "table": f.relation.as_ref().map(|r| r.written.clone()),
        "accepted": accepted,
    })
}

/// Lint every embedded migration of a schema and apply the crate's baseline
/// (read from the source checkout, like `snapshot`'s catalogs).
pub fn lint_schema(def: &SchemaDef) -> Result<Vec<Finding>> {
    let mut findings = Vec::new();
    for m in def.sorted_migrations() {
        findings.extend(lint_sql(&crate::plan::file_of(def, &m), m.sql().unwrap_or("")));
    }
    let path = baseline::path(def);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(Error::usage(format!("cannot read {}: {e}", path.display()))),
    };
    let about_baseline = baseline::apply(def, &text, &mut findings);
    findings.extend(about_baseline);
    Ok(findings)
}

/// Lint one migration file as the runner would run it. `file` is how
/// findings name it. Waivers are applied; baselines are not (see `baseline`).
pub fn lint_sql(file: &str, sql: &str) -> Vec<Finding> {
    let src = Source::parse(sql);
    let no_tx = crate::executor::is_no_transaction(sql);
    let mut findings: Vec<Finding> = Vec::new();
    let at = |offset: usize, rule: &str, message: String, class: Class| {
        let stmt = src.statement_at(offset);
        Finding {
            file: file.to_string(),
            line: src.line_of(offset),
            rule: rule.to_string(),
            message,
            class,
            relation: stmt.and_then(|s| s.target.clone()),
            statement: stmt.map(|s| s.anchor()),
            accepted: None,
        }
    };

    for e in src.parse.errors() {
        let message = e.message();
        findings.push(at(
            usize::from(e.range().start()),
            rules::PARSE_ERROR,
            format!("squawk cannot parse this ({message}), so the statement is not checked; write it in plain PostgreSQL syntax, or check it by hand and waive it"),
            Class::Hazard,
        ));
    }

    let lint_text = |parse: &squawk_syntax::Parse<squawk_syntax::SourceFile>, text: &str| {
        let mut linter = Linter::from(rules::enabled());
        linter.settings.pg_version = PG_VERSION.parse().expect("a valid version");
        linter.settings.assume_in_transaction = !no_tx;
        linter.lint(parse, text)
    };
    let mut violations: Vec<(usize, squawk_linter::Violation)> =
        lint_text(&src.parse, sql).into_iter().map(|v| (usize::from(v.text_range.start()), v)).collect();
    for (stmt, text) in src.embedded() {
        let text = format!("{text};");
        let parse = squawk_syntax::SourceFile::parse(&text);
        violations.extend(lint_text(&parse, &text).into_iter().map(|v| (stmt.start + usize::from(v.text_range.start()), v)));
    }
    for (offset, v) in violations {
        let stmt = src.statement_at(offset);
        // A table created earlier in the same transaction is empty and
        // invisible to other sessions until commit: nothing to lock out.
        if !no_tx {
            if let Some(s) = stmt {
                if let Some(rel) = s.target.as_ref().filter(|r| !r.is_index) {
                    if src.created_before(s.start).contains(&rel.key()) {
                        continue;
                    }
                }
            }
        }
        let rel = stmt.and_then(|s| s.target.as_ref()).map(|r| r.written.clone()).unwrap_or_else(|| "the table".into());
        if v.code == Rule::PreferRobustStmts && no_tx {
            findings.push(at(offset, rules::RERUNNABLE, rerunnable_message(&v.message), Class::Hazard));
            continue;
        }
        let class = rules::class(v.code);
        let message = rules::advice(v.code, &rel).unwrap_or_else(|| {
            let said = match &v.help {
                Some(help) => format!("{} {help}", v.message.trim_end()),
                None => v.message.clone(),
            };
            match class {
                // squawk's compatibility rules: what breaks is running code.
                Class::Hazard => format!(
                    "{}{}; change the application first, then waive it with the reason: `-- runner:allow {} <reason>`",
                    said.trim_end_matches('.'),
                    stmt.and_then(|s| s.target.as_ref()).map(|r| format!(" (on {})", r.written)).unwrap_or_default(),
                    v.code
                ),
                _ => said,
            }
        });
        findings.push(at(offset, &v.code.to_string(), message, class));
    }

    if !no_tx {
        // squawk lets a file holding only this statement pass (other tools run
        // such a file alone); the runner wraps every file in a transaction.
        for s in src.statements.iter().filter(|s| s.outer.is_none()) {
            let concurrent = ast::CreateIndex::cast(s.node.clone()).is_some_and(|c| c.concurrently_token().is_some());
            let reported = findings.iter().any(|f| f.statement == Some(s.start) && f.rule == "ban-concurrent-index-creation-in-transaction");
            if concurrent && !reported {
                let advice = rules::advice(Rule::BanConcurrentIndexCreationInTransaction, "").unwrap_or_default();
                findings.push(at(s.start, "ban-concurrent-index-creation-in-transaction", advice, Class::Hazard));
            }
        }
    }
    if no_tx {
        for (offset, name) in concurrent_builds_without_drop(&src) {
            findings.push(at(
                offset,
                rules::RERUNNABLE,
                format!("a failed CREATE INDEX CONCURRENTLY leaves an INVALID index {name} that `IF NOT EXISTS` then keeps; put `DROP INDEX CONCURRENTLY IF EXISTS {name};` before it"),
                Class::Hazard,
            ));
        }
    }
    for line in waivers::squawk_ignores(&src) {
        let offset = src.text.lines().take(line - 1).map(|l| l.len() + 1).sum();
        findings.push(at(offset, rules::SQUAWK_IGNORE, "`squawk-ignore` silences a rule without saying why; write `-- runner:allow <rule> <reason>` directly above the statement".into(), Class::Hazard));
    }
    apply_waivers(&src, file, &mut findings);
    findings.sort_by(|a, b| (a.line, &a.rule).cmp(&(b.line, &b.rule)));
    findings
}

fn rerunnable_message(squawk: &str) -> String {
    let what = squawk.split(',').next().unwrap_or(squawk).trim_end_matches('.');
    format!(
        "{what}: a `-- no-transaction` migration that fails part way keeps the statements before the failure and is run again from the top, so every statement must be re-runnable (`IF NOT EXISTS`, `IF EXISTS`)"
    )
}

/// `CREATE INDEX CONCURRENTLY` statements not preceded by a `DROP INDEX
/// CONCURRENTLY IF EXISTS` of the same name: (offset, index name).
fn concurrent_builds_without_drop(src: &Source) -> Vec<(usize, String)> {
    let mut dropped = Vec::new();
    let mut out = Vec::new();
    for s in &src.statements {
        if let Some(drop) = ast::DropIndex::cast(s.node.clone()) {
            if drop.if_exists().is_some() && drop.concurrently_token().is_some() {
                dropped.extend(drop.index_refs().map(|i| source::key_of(&i.syntax().text().to_string())));
            }
        } else if let Some(create) = ast::CreateIndex::cast(s.node.clone()) {
            if create.concurrently_token().is_none() {
                continue;
            }
            let Some(name) = create.index().and_then(|i| i.path()).map(|p| p.syntax().text().to_string()) else { continue };
            if !dropped.contains(&source::key_of(&name)) {
                out.push((s.start, name.trim().to_string()));
            }
        }
    }
    out
}

/// Mark findings silenced by a waiver; report waivers that are malformed or
/// silence nothing.
fn apply_waivers(src: &Source, file: &str, findings: &mut Vec<Finding>) {
    let mut problems = Vec::new();
    for w in waivers::find(src) {
        let problem = |rule: &str, message: String| Finding {
            file: file.to_string(),
            line: w.line,
            rule: rule.to_string(),
            message,
            class: Class::Hazard,
            relation: None,
            statement: None,
            accepted: None,
        };
        if w.rule.is_empty() || !rules::is_known(&w.rule) {
            let named = if w.rule.is_empty() { "no rule".to_string() } else { format!("`{}`, which is not a rule the lint uses", w.rule) };
            problems.push(problem(rules::WAIVER_UNKNOWN, format!("this waiver names {named}; write `-- runner:allow <rule> <reason>` with the rule of the finding it accepts")));
            continue;
        }
        if w.reason.is_empty() {
            problems.push(problem(
                rules::WAIVER_REASON,
                format!("`-- runner:allow {}` gives no reason, so it silences nothing; say why the statement is safe: `-- runner:allow {} <reason>`", w.rule, w.rule),
            ));
            continue;
        }
        let mut used = false;
        for f in findings.iter_mut().filter(|f| f.statement.is_some() && f.statement == w.statement && f.rule == w.rule) {
            f.accepted = Some(Accepted::Waiver(w.reason.clone()));
            used = true;
        }
        if !used {
            problems.push(problem(
                rules::WAIVER_UNUSED,
                format!("this waiver silences nothing: the statement directly below it (no blank line between) has no {} finding; remove the waiver or move it", w.rule),
            ));
        }
    }
    findings.extend(problems);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules_of(sql: &str) -> Vec<(usize, String, bool)> {
        lint_sql("f.sql", sql).into_iter().map(|f| (f.line, f.rule.clone(), f.fails())).collect()
    }

    #[test]
    fn a_table_created_in_the_same_migration_is_not_a_hazard() {
        assert!(rules_of("CREATE TABLE t (id int);\nCREATE INDEX t_id ON t (id);\nALTER TABLE t ADD CONSTRAINT c CHECK (id > 0);\n").iter().all(|f| !f.2));
        assert_eq!(rules_of("CREATE INDEX t_id ON t (id);\n"), vec![(1, "require-concurrent-index-creation".to_string(), true)]);
    }

    #[test]
    fn waivers_need_a_reason_and_a_finding() {
        let f = rules_of("-- runner:allow require-concurrent-index-creation the table holds ten rows\nCREATE INDEX t_id ON t (id);\n");
        assert_eq!(f, vec![(2, "require-concurrent-index-creation".to_string(), false)]);
        let f = rules_of("-- runner:allow require-concurrent-index-creation\nCREATE INDEX t_id ON t (id);\n");
        assert!(f.contains(&(1, rules::WAIVER_REASON.to_string(), true)) && f.contains(&(2, "require-concurrent-index-creation".to_string(), true)), "{f:?}");
        let f = rules_of("-- runner:allow ban-drop-column not this one\nCREATE INDEX t_id ON t (id);\n");
        assert!(f.contains(&(1, rules::WAIVER_UNUSED.to_string(), true)), "{f:?}");
    }
}
