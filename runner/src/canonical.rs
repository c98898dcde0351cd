//! Server-printed SQL (view definitions, index, constraint and trigger
//! definitions, defaults) reduced to what it means, so that one expected
//! catalog compares equal on every supported major.
//!
//! What differs between majors is how the server prints a definition, not
//! what it says: PostgreSQL 16 stopped qualifying the columns of a view that
//! reads one table (`SELECT m.version FROM t m` became `SELECT version FROM t m`),
//! and line breaks and indentation are the printer's choice. So a canonical
//! form keeps every token in order, with single spaces between them, and drops
//! qualifiers (`m.version` → `version`, `public.users` → `users`). Which
//! relation a column is read from is still pinned down by the columns the
//! object lists and, for a view, by the relations it names.

/// One lexical unit; literals and quoted identifiers are kept verbatim.
#[derive(Debug, PartialEq, Eq)]
enum Token<'a> {
    /// An identifier or keyword, or a quoted identifier.
    Name(&'a str),
    Dot,
    Star,
    Other(&'a str),
}

fn tokens(sql: &str) -> Vec<Token<'_>> {
    let b = sql.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let word = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c == b'$' || c >= 0x80;
    while i < b.len() {
        let start = i;
        let c = b[i];
        match c {
            _ if c.is_ascii_whitespace() => {
                i += 1;
                continue;
            }
            // 'literal', E'literal' (backslash escapes) and "identifier".
            b'\'' | b'"' => {
                let backslash = c == b'\'' && start > 0 && matches!(b[start - 1], b'E' | b'e');
                i += 1;
                while i < b.len() {
                    if backslash && b[i] == b'\\' {
                        i += 2;
                        continue;
                    }
                    if b[i] == c {
                        if b.get(i + 1) == Some(&c) {
                            i += 2;
                            continue;
                        }
                        break;
                    }
                    i += 1;
                }
                i = (i + 1).min(b.len());
                let text = &sql[start..i];
                // E'…' was read as the name `E` followed by a literal: join them.
                if backslash {
                    if let Some(Token::Name(prev)) = out.last() {
                        if prev.len() == 1 {
                            out.pop();
                            out.push(Token::Other(&sql[start - 1..i]));
                            continue;
                        }
                    }
                }
                out.push(if c == b'"' { Token::Name(text) } else { Token::Other(text) });
                continue;
            }
            b'.' if !b.get(i + 1).is_some_and(u8::is_ascii_digit) => {
                out.push(Token::Dot);
                i += 1;
                continue;
            }
            b'*' => {
                out.push(Token::Star);
                i += 1;
                continue;
            }
            _ if c.is_ascii_digit() || c == b'.' => {
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'.') {
                    i += 1;
                }
            }
            _ if word(c) => {
                while i < b.len() && word(b[i]) {
                    i += 1;
                }
                out.push(Token::Name(&sql[start..i]));
                continue;
            }
            _ => {
                // Operators are runs of operator characters; `::` is one token.
                const OPS: &[u8] = b"+-/<>=~!@#%^&|`?:";
                if OPS.contains(&c) {
                    while i < b.len() && OPS.contains(&b[i]) {
                        i += 1;
                    }
                } else {
                    i += 1;
                }
            }
        }
        out.push(Token::Other(&sql[start..i]));
    }
    out
}

/// The canonical form of a server-printed definition: tokens in order,
/// single spaces, no qualifiers. Only for comparing; show the original.
pub fn canonical(sql: &str) -> String {
    let t = tokens(sql);
    let mut out: Vec<&str> = Vec::with_capacity(t.len());
    let mut i = 0;
    while i < t.len() {
        // `name .` followed by a name or `*`: a qualifier, dropped.
        if matches!(t[i], Token::Name(_)) && t.get(i + 1) == Some(&Token::Dot) && matches!(t.get(i + 2), Some(Token::Name(_) | Token::Star)) {
            i += 2;
            continue;
        }
        out.push(match t[i] {
            Token::Name(s) | Token::Other(s) => s,
            Token::Dot => ".",
            Token::Star => "*",
        });
        i += 1;
    }
    out.join(" ")
}

/// Whether two server-printed definitions mean the same.
pub fn same(a: &str, b: &str) -> bool {
    a == b || canonical(a) == canonical(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qualifiers_and_layout_do_not_matter() {
        // PostgreSQL 15 and 16 printing the same view.
        let v15 = " SELECT m.version,\n    max(m.applied_at) AS updated_at\n   FROM migrations m\n  ORDER BY m.applied_at DESC;";
        let v16 = " SELECT version,\n    max(applied_at) AS updated_at\n   FROM migrations m\n  ORDER BY applied_at DESC;";
        assert_eq!(canonical(v15), canonical(v16));
        assert_eq!(canonical("CREATE INDEX i ON public.t USING btree (a)"), canonical("CREATE INDEX i ON t USING btree (a)"));
        assert_eq!(canonical("SELECT t.* FROM t"), "SELECT * FROM t");
    }

    #[test]
    fn meaning_still_matters() {
        assert!(!same("CHECK ((a > 0))", "CHECK ((a >= 0))"));
        assert!(!same("SELECT a FROM t", "SELECT b FROM t"));
        assert!(!same("DEFAULT 'x.y'::text", "DEFAULT 'y'::text"), "literals are kept whole");
        assert!(!same(r#"SELECT "a.b" FROM t"#, "SELECT b FROM t"));
        assert!(!same("SELECT 1.5", "SELECT 5"), "a decimal point is not a qualifier");
        assert!(!same("SELECT E'it\\'s.x'", "SELECT E'it\\'s'"));
        assert!(same("SELECT (a).f FROM t", "SELECT (a).f FROM t"));
        assert_eq!(canonical("SELECT (x).f, y::text"), "SELECT ( x ) . f , y :: text");
    }
}
