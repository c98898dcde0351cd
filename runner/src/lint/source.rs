//! A migration file as the lint sees it: squawk's parse, its top-level
//! statements with their lines, and the relation each statement acts on.

use squawk_syntax::ast::{self, AstNode};
use squawk_syntax::{Parse, SourceFile, SyntaxKind, SyntaxNode};

/// A table or index a statement names first (`ALTER TABLE t`, `CREATE INDEX
/// … ON t`, `DROP INDEX i`), as written, so the server can resolve it with
/// its own quoting and search_path rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relation {
    pub written: String,
    pub is_index: bool,
}

impl Relation {
    /// The unqualified name, unquoted and folded as PostgreSQL folds it.
    pub fn key(&self) -> String {
        key_of(&self.written)
    }
}

/// `public."Foo"` → `Foo`, `Workouts` → `workouts`.
pub fn key_of(written: &str) -> String {
    let mut parts = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut was_quoted = false;
    let mut chars = written.trim().chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            '"' => {
                quoted = !quoted;
                was_quoted = true;
            }
            '.' if !quoted => {
                parts.push(std::mem::take(&mut cur));
                was_quoted = false;
            }
            c if quoted => cur.push(c),
            c if c.is_whitespace() => {}
            c => cur.push(c),
        }
    }
    if was_quoted {
        cur
    } else {
        cur.to_lowercase()
    }
}

#[derive(Debug)]
pub struct Statement {
    /// Byte offsets of the statement, from its first non-comment token.
    pub start: usize,
    pub end: usize,
    /// 1-based line of `start`.
    pub line: usize,
    pub node: SyntaxNode,
    /// The relation the statement acts on, if any.
    pub target: Option<Relation>,
    /// The table it creates (`CREATE TABLE`, `CREATE TABLE AS`).
    pub creates: Option<Relation>,
    /// For a statement inside a `DO` block: the block's start. Waivers sit
    /// above the block.
    pub outer: Option<usize>,
}

impl Statement {
    /// Where waivers bind: the top-level statement.
    pub fn anchor(&self) -> usize {
        self.outer.unwrap_or(self.start)
    }
}

pub struct Source<'a> {
    pub text: &'a str,
    pub parse: Parse<SourceFile>,
    /// Top-level statements, then the statements inside `DO` blocks.
    pub statements: Vec<Statement>,
    line_starts: Vec<usize>,
}

impl<'a> Source<'a> {
    pub fn parse(text: &'a str) -> Self {
        let parse = SourceFile::parse(text);
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        let mut src = Source { text, parse, statements: Vec::new(), line_starts };
        let stmts: Vec<_> = src.parse.tree().stmts().collect();
        let mut blocks = Vec::new();
        for stmt in stmts {
            let node = stmt.syntax().clone();
            let start = node
                .children_with_tokens()
                .find(|t| !t.kind().is_trivia())
                .map(|t| usize::from(t.text_range().start()))
                .unwrap_or_else(|| usize::from(node.text_range().start()));
            let end = usize::from(node.text_range().end());
            if let Some(block) = ast::Do::cast(node.clone()) {
                blocks.push((start, block));
            }
            src.push(node, start, end, None);
        }
        // A DO block runs its statements now, in the migration's transaction:
        // they are linted like top-level ones (squawk sees only a string). Its
        // PL/pgSQL parser does not know every construct (`SELECT … INTO`); the
        // statements it does read are still found.
        for (outer, block) in blocks {
            let Some(body) = block.plpgsql() else { continue };
            for exec in body.syntax().descendants().filter(|n| n.kind() == SyntaxKind::PLPGSQL_EXEC_SQL_STMT) {
                let Some(inner) = exec.first_child() else { continue };
                let range = body.source_range(inner.text_range());
                src.push(inner, usize::from(range.start()), usize::from(range.end()), Some(outer));
            }
        }
        src
    }

    fn push(&mut self, node: SyntaxNode, start: usize, end: usize, outer: Option<usize>) {
        let creates = matches!(node.kind(), SyntaxKind::CREATE_TABLE | SyntaxKind::CREATE_TABLE_AS)
            .then(|| first_relation(&node))
            .flatten();
        let target = first_relation(&node);
        self.statements.push(Statement { start, end, line: self.line_of(start), node, target, creates, outer });
    }

    /// Statements inside `DO` blocks, with their text.
    pub fn embedded(&self) -> impl Iterator<Item = (&Statement, &'a str)> {
        let text: &'a str = self.text;
        self.statements.iter().filter(|s| s.outer.is_some()).filter_map(move |s| Some((s, text.get(s.start..s.end)?)))
    }

    /// 1-based line of a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        self.line_starts.partition_point(|&s| s <= offset)
    }

    /// The innermost statement a byte offset falls in.
    pub fn statement_at(&self, offset: usize) -> Option<&Statement> {
        let within = |s: &&Statement| offset >= s.start && offset < s.end.max(s.start + 1);
        let embedded = self.statements.iter().filter(|s| s.outer.is_some()).find(within);
        embedded.or_else(|| self.statements.iter().filter(|s| s.outer.is_none()).find(within))
    }

    /// The text of a 1-based line, without its newline.
    pub fn line_text(&self, line: usize) -> &'a str {
        let text: &'a str = self.text;
        let start = self.line_starts.get(line.wrapping_sub(1)).copied().unwrap_or(text.len());
        let end = self.line_starts.get(line).map(|e| e - 1).unwrap_or(text.len());
        text.get(start..end.max(start)).unwrap_or("").trim_end_matches('\r')
    }

    /// Tables created by statements that start before `offset`.
    pub fn created_before(&self, offset: usize) -> Vec<String> {
        self.statements.iter().filter(|s| s.start < offset).filter_map(|s| s.creates.as_ref().map(|r| r.key())).collect()
    }
}

/// The first table or index name in a statement, in reading order.
fn first_relation(node: &SyntaxNode) -> Option<Relation> {
    node.descendants().find_map(|n| match n.kind() {
        SyntaxKind::TABLE_NAME | SyntaxKind::TABLE_NAME_REF => {
            Some(Relation { written: n.text().to_string().trim().to_string(), is_index: false })
        }
        SyntaxKind::INDEX_REF => Some(Relation { written: n.text().to_string().trim().to_string(), is_index: true }),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_fold_like_postgres() {
        assert_eq!(key_of("Workouts"), "workouts");
        assert_eq!(key_of("public.workouts"), "workouts");
        assert_eq!(key_of("public.\"Foo\"\"s\""), "Foo\"s");
    }

    #[test]
    fn statements_know_their_line_and_target() {
        let src = Source::parse("-- a comment\nCREATE TABLE t (id int);\n\nALTER TABLE public.t\n  ADD COLUMN x int;\nDROP INDEX i;\n");
        let s: Vec<_> = src.statements.iter().map(|s| (s.line, s.target.clone().map(|r| (r.key(), r.is_index)))).collect();
        assert_eq!(
            s,
            vec![(2, Some(("t".into(), false))), (4, Some(("t".into(), false))), (6, Some(("i".into(), true)))]
        );
        assert_eq!(src.created_before(src.statements[1].start), vec!["t".to_string()]);
        assert_eq!(src.line_text(4), "ALTER TABLE public.t");
    }

    #[test]
    fn statements_inside_do_blocks_are_found() {
        let sql = "DO $$\nBEGIN\n  IF NOT EXISTS (SELECT 1) THEN\n    ALTER TABLE t\n      ADD CONSTRAINT fk FOREIGN KEY (u) REFERENCES users(id);\n  END IF;\nEND $$;\n";
        let src = Source::parse(sql);
        let (inner, text) = src.embedded().next().expect("the ALTER TABLE");
        assert_eq!((inner.line, inner.outer, inner.target.as_ref().map(|r| r.key())), (4, Some(0), Some("t".into())));
        assert!(text.starts_with("ALTER TABLE t") && text.ends_with("REFERENCES users(id)"), "{text}");
    }
}
