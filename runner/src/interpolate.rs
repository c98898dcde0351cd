//! `${VAR}` and `${VAR:-default}` in profile values, from the environment.

/// Expand every `${...}` in `text`. `lookup` returns a variable's value.
/// `${VAR:-default}` uses the default when VAR is unset or empty; `$${` is a
/// literal `${`. A missing variable without a default is an error naming it.
pub fn expand(text: &str, lookup: &dyn Fn(&str) -> Option<String>) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let after = &rest[i..];
        if after.starts_with("$${") {
            out.push_str("${");
            rest = &after[3..];
        } else if after.starts_with("${") {
            let at = text[..text.len() - after.len()].chars().count() + 1;
            let end = after
                .find('}')
                .ok_or_else(|| format!("unclosed `${{` at character {at}; write ${{NAME}}, ${{NAME:-default}}, or $${{ for a literal `${{`"))?;
            let inner = &after[2..end];
            let (name, default) = match inner.split_once(":-") {
                Some((n, d)) => (n, Some(d)),
                None => (inner, None),
            };
            let valid = !name.is_empty()
                && !name.starts_with(|c: char| c.is_ascii_digit())
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            if !valid {
                return Err(format!(
                    "the `${{...}}` at character {at} is not a variable reference; write ${{NAME}} (letters, digits, `_`) or ${{NAME:-default}}"
                ));
            }
            match (lookup(name).filter(|v| !v.is_empty() || default.is_none()), default) {
                (Some(v), _) => out.push_str(&v),
                (None, Some(d)) => out.push_str(d),
                (None, None) => return Err(format!("environment variable {name} is not set")),
            }
            rest = &after[end + 1..];
        } else {
            out.push('$');
            rest = &after[1..];
        }
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(name: &str) -> Option<String> {
        match name {
            "HOST" => Some("db.internal".into()),
            "EMPTY" => Some(String::new()),
            _ => None,
        }
    }

    #[test]
    fn expands_set_unset_and_defaults() {
        assert_eq!(expand("postgres://${HOST}/x", &env).unwrap(), "postgres://db.internal/x");
        assert_eq!(expand("${NOPE:-postgres://localhost/y}", &env).unwrap(), "postgres://localhost/y");
        assert_eq!(expand("${EMPTY:-fallback}", &env).unwrap(), "fallback");
        assert_eq!(expand("${EMPTY}", &env).unwrap(), "");
        assert_eq!(expand("pa$word and $${HOST}", &env).unwrap(), "pa$word and ${HOST}");
    }

    #[test]
    fn missing_variable_is_named() {
        assert_eq!(expand("${DATABASE_URL}", &env).unwrap_err(), "environment variable DATABASE_URL is not set");
    }

    #[test]
    fn malformed_references_are_errors_without_the_text() {
        let e = expand("postgres://u:test-pw-9@h/${HOST", &env).unwrap_err();
        assert!(e.contains("character 26") && !e.contains("test-pw-9"), "{e}");
        let e = expand("x${pw-secret-9}", &env).unwrap_err();
        assert!(e.contains("character 2") && !e.contains("pw-secret-9"), "{e}");
        assert!(expand("${1X}", &env).is_err());
        assert!(expand("${}", &env).is_err());
    }
}
