//! Passwords never reach the terminal: URLs are shown redacted, and every
//! message and log line is scrubbed of the passwords seen so far.

use std::sync::{Mutex, OnceLock};

fn registry() -> &'static Mutex<Vec<String>> {
    static SECRETS: OnceLock<Mutex<Vec<String>>> = OnceLock::new();
    SECRETS.get_or_init(|| Mutex::new(Vec::new()))
}

/// Remember a secret so that `scrub` removes it from any text.
pub fn register(secret: &str) {
    // Very short strings would mangle ordinary words; such passwords are
    // still hidden in URLs by `redact_url`.
    if secret.len() < 3 {
        return;
    }
    let mut list = registry().lock().unwrap_or_else(|p| p.into_inner());
    if !list.iter().any(|s| s == secret) {
        list.push(secret.to_string());
        // Longest first, so a secret containing another is replaced whole.
        list.sort_by_key(|s| std::cmp::Reverse(s.len()));
    }
}

/// Replace every registered secret in `text` with `***`.
pub fn scrub(text: &str) -> String {
    let list = registry().lock().unwrap_or_else(|p| p.into_inner());
    let mut out = text.to_string();
    for s in list.iter() {
        if out.contains(s.as_str()) {
            out = out.replace(s.as_str(), "***");
        }
    }
    out
}

/// A connection URL safe to print: the password (in the user info or in a
/// `password=` parameter) becomes `***`. Other parts are kept so an operator
/// can tell which database is meant.
pub fn redact_url(url: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let mut out = match base.split_once("://") {
        Some((scheme, rest)) => {
            let (authority, path) = match rest.find('/') {
                Some(i) => rest.split_at(i),
                None => (rest, ""),
            };
            let authority = match authority.rsplit_once('@') {
                Some((userinfo, host)) => match userinfo.split_once(':') {
                    Some((user, _password)) => format!("{user}:***@{host}"),
                    None => format!("{userinfo}@{host}"),
                },
                None => authority.to_string(),
            };
            format!("{scheme}://{authority}{path}")
        }
        None => base.to_string(),
    };
    if let Some(q) = query {
        let parts: Vec<String> = q
            .split('&')
            .map(|kv| match kv.split_once('=') {
                Some((k, _)) if k.eq_ignore_ascii_case("password") => format!("{k}=***"),
                _ => kv.to_string(),
            })
            .collect();
        out.push('?');
        out.push_str(&parts.join("&"));
    }
    scrub(&out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_userinfo_password() {
        assert_eq!(
            redact_url("postgres://app:secret2x@db.example.com:5432/app?sslmode=require"),
            "postgres://app:***@db.example.com:5432/app?sslmode=require"
        );
    }

    #[test]
    fn redacts_password_containing_at_and_query_password() {
        let r = redact_url("postgresql://u:p@ss@w0rd@h/db?password=zz9top&x=1");
        assert!(!r.contains("ss@w0rd") && !r.contains("zz9top"), "{r}");
        assert!(r.starts_with("postgresql://u:***@h/db"), "{r}");
    }

    #[test]
    fn keeps_urls_without_password() {
        assert_eq!(redact_url("postgres://postgres@127.0.0.1/x"), "postgres://postgres@127.0.0.1/x");
    }

    #[test]
    fn scrub_removes_registered_secrets() {
        register("s3cr3t-value-42");
        assert_eq!(scrub("failed for s3cr3t-value-42 twice"), "failed for *** twice");
    }
}
