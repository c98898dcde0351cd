//! Inline waivers: a comment line `-- runner:allow <rule> <reason>` directly
//! above a statement silences that rule for that statement; several rules
//! may share one reason: `-- runner:allow rule-a,rule-b <reason>`.

use super::source::Source;

pub const PREFIX: &str = "runner:allow";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiver {
    /// 1-based line of the comment.
    pub line: usize,
    pub rule: String,
    pub reason: String,
    /// Byte offset of the statement the waiver sits directly above, if any.
    pub statement: Option<usize>,
}

fn comment_body(line: &str) -> Option<&str> {
    line.trim().strip_prefix("--").map(str::trim)
}

/// Every waiver of the file (one per rule named), bound to the statement
/// whose first line follows the waiver's block of comment lines (no blank
/// line in between).
pub fn find(src: &Source) -> Vec<Waiver> {
    let lines = src.text.lines().count();
    let mut out = Vec::new();
    for line in 1..=lines {
        let Some(body) = comment_body(src.line_text(line)) else { continue };
        let Some(rest) = body.strip_prefix(PREFIX) else { continue };
        if !rest.is_empty() && !rest.starts_with(char::is_whitespace) {
            continue;
        }
        let rest = rest.trim();
        let (rule, reason) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
        let mut below = line + 1;
        while below <= lines && comment_body(src.line_text(below)).is_some() {
            below += 1;
        }
        let statement = src.statements.iter().find(|s| s.outer.is_none() && s.line == below).map(|s| s.start);
        for rule in rule.split(',') {
            out.push(Waiver { line, rule: rule.trim().to_string(), reason: reason.trim().to_string(), statement });
        }
    }
    out
}

/// Lines with squawk's own `squawk-ignore` comments, which carry no reason.
pub fn squawk_ignores(src: &Source) -> Vec<usize> {
    (1..=src.text.lines().count())
        .filter(|&l| comment_body(src.line_text(l)).is_some_and(|b| b.starts_with("squawk-ignore")))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_waiver_binds_to_the_statement_directly_below() {
        let sql = "-- runner:allow ban-drop-column nothing reads it since v2\n-- another comment\nALTER TABLE t DROP COLUMN c;\n\n-- runner:allow ban-drop-table\n\nDROP TABLE u;\n";
        let src = Source::parse(sql);
        let w = find(&src);
        assert_eq!(w.len(), 2);
        assert_eq!((w[0].rule.as_str(), w[0].reason.as_str()), ("ban-drop-column", "nothing reads it since v2"));
        assert_eq!(w[0].statement, Some(src.statements[0].start));
        assert_eq!((w[1].rule.as_str(), w[1].reason.as_str(), w[1].statement), ("ban-drop-table", "", None));
    }
}
