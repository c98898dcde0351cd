//! Splits a SQL script into statements the way psql does for the cases our
//! migrations use: quotes, dollar quotes, comments and nested block comments.

/// One statement and the 1-based line of the script it starts on.
#[derive(Debug, PartialEq, Eq)]
pub struct Statement<'a> {
    pub text: &'a str,
    pub line: usize,
}

pub fn split(sql: &str) -> Vec<Statement<'_>> {
    let b = sql.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\'' | b'"' => {
                let q = b[i];
                i += 1;
                while i < b.len() {
                    if b[i] == q {
                        if i + 1 < b.len() && b[i + 1] == q {
                            i += 2;
                            continue;
                        }
                        break;
                    }
                    // E'...' strings may escape a quote with a backslash.
                    if b[i] == b'\\' && q == b'\'' {
                        i += 1;
                    }
                    i += 1;
                }
                i += 1;
            }
            b'-' if b.get(i + 1) == Some(&b'-') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let mut depth = 0;
                while i < b.len() {
                    if b[i] == b'/' && b.get(i + 1) == Some(&b'*') {
                        depth += 1;
                        i += 2;
                    } else if b[i] == b'*' && b.get(i + 1) == Some(&b'/') {
                        depth -= 1;
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        i += 1;
                    }
                }
            }
            b'$' => {
                // $tag$ ... $tag$ where tag is empty or an identifier.
                let tag_end = b[i + 1..].iter().position(|c| !(c.is_ascii_alphanumeric() || *c == b'_'));
                match tag_end {
                    Some(n) if b[i + 1 + n] == b'$' && !b.get(i + 1).is_some_and(|c| c.is_ascii_digit()) => {
                        let tag = &sql[i..i + n + 2];
                        i += n + 2;
                        match sql[i..].find(tag) {
                            Some(p) => i += p + tag.len(),
                            None => i = b.len(),
                        }
                    }
                    _ => i += 1,
                }
            }
            b';' => {
                push(sql, start, i, &mut out);
                i += 1;
                start = i;
            }
            _ => i += 1,
        }
    }
    push(sql, start, b.len(), &mut out);
    out
}

fn push<'a>(sql: &'a str, start: usize, end: usize, out: &mut Vec<Statement<'a>>) {
    let end = end.min(sql.len());
    let chunk = &sql[start..end];
    if meaningful(chunk) {
        // Skip leading blank and `--` comment lines so the statement's line is
        // the line of its first keyword.
        let mut offset = 0;
        for l in chunk.split_inclusive('\n') {
            let t = l.trim();
            if !t.is_empty() && !t.starts_with("--") {
                break;
            }
            offset += l.len();
        }
        let body = &chunk[offset..];
        let lead = body.len() - body.trim_start().len();
        let line = sql[..start + offset + lead].matches('\n').count() + 1;
        out.push(Statement { text: body.trim(), line });
    }
}

/// True when the text holds more than whitespace and comments.
fn meaningful(chunk: &str) -> bool {
    chunk.lines().any(|l| {
        let t = l.trim();
        !t.is_empty() && !t.starts_with("--")
    }) && !strip_comments(chunk).trim().is_empty()
}

/// The text without `--` and `/* */` comments (quotes are not considered;
/// only used to look at a statement's leading keywords).
pub fn strip_comments(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    loop {
        let line = rest.find("--");
        let block = rest.find("/*");
        match (line, block) {
            (Some(l), b) if b.is_none_or(|b| l < b) => {
                out.push_str(&rest[..l]);
                rest = rest[l..].find('\n').map(|n| &rest[l + n..]).unwrap_or("");
            }
            (_, Some(b)) => {
                out.push_str(&rest[..b]);
                rest = rest[b..].find("*/").map(|n| &rest[b + n + 2..]).unwrap_or("");
            }
            _ => {
                out.push_str(rest);
                return out;
            }
        }
    }
}

/// The first statement that controls transactions (BEGIN, COMMIT, ...), which
/// would break the runner's atomic migration + history-row transaction.
pub fn transaction_control(sql: &str) -> Option<Statement<'_>> {
    split(sql).into_iter().find(|s| {
        let words: Vec<String> =
            strip_comments(s.text).split_whitespace().take(2).map(|w| w.to_ascii_uppercase()).collect();
        matches!(
            words.first().map(String::as_str),
            Some("BEGIN" | "COMMIT" | "ROLLBACK" | "END" | "ABORT" | "SAVEPOINT" | "RELEASE")
        ) || (words.first().map(String::as_str) == Some("START") && words.get(1).map(String::as_str) == Some("TRANSACTION"))
            || (words.first().map(String::as_str) == Some("PREPARE") && words.get(1).map(String::as_str) == Some("TRANSACTION"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_around_quotes_comments_and_dollar_bodies() {
        let sql = "-- header; not a statement\nCREATE TABLE a(x text default ';');\n\
                   CREATE FUNCTION f() RETURNS int AS $body$ BEGIN RETURN 1; END; $body$ LANGUAGE plpgsql;\n\
                   /* block; /* nested; */ */ SELECT 'it''s; fine', \"we;ird\";\nSELECT $$a;b$$";
        let parts: Vec<&str> = split(sql).iter().map(|s| s.text).collect();
        assert_eq!(parts.len(), 4, "{parts:#?}");
        assert!(parts[1].starts_with("CREATE FUNCTION") && parts[1].ends_with("plpgsql"));
        assert!(parts[2].ends_with("\"we;ird\""));
        assert_eq!(parts[3], "SELECT $$a;b$$");
        assert_eq!(split(sql)[0].line, 2);
    }

    #[test]
    fn positional_parameters_are_not_dollar_quotes() {
        assert_eq!(split("SELECT $1; SELECT $2").len(), 2);
    }

    #[test]
    fn finds_transaction_control_but_not_plpgsql_begin() {
        assert!(transaction_control("CREATE FUNCTION f() RETURNS void AS $$ BEGIN NULL; END $$ LANGUAGE plpgsql;").is_none());
        assert_eq!(transaction_control("CREATE TABLE t();\n-- c\ncommit;").unwrap().line, 3);
        assert!(transaction_control("BEGIN; CREATE TABLE t();").is_some());
        assert!(transaction_control("start transaction;").is_some());
    }
}
