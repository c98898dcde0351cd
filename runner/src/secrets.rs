//! Secrets never reach the terminal. Every secret is registered before the
//! text holding it is parsed or printed: the values of secret-looking
//! environment variables (`.env` included), every string that could be the
//! password of a URL in a profile, `password=` parameters, the ETL storage
//! key. `Error` messages and log lines pass through `scrub`, which replaces
//! each registered secret (as written, percent-decoded and percent-encoded)
//! with `***`. URLs themselves are only ever printed in their redacted form
//! (`db::DbUrl`'s `Display`).

use std::sync::{Mutex, OnceLock};

use percent_encoding::{percent_decode_str, utf8_percent_encode, NON_ALPHANUMERIC};

fn registry() -> &'static Mutex<Vec<String>> {
    static SECRETS: OnceLock<Mutex<Vec<String>>> = OnceLock::new();
    SECRETS.get_or_init(|| Mutex::new(Vec::new()))
}

/// Remember a secret (and its percent-encoded form) so that `scrub` removes
/// it from any text.
pub fn register(secret: &str) {
    // Very short strings would mangle ordinary words; such passwords are
    // still never printed, since no URL is printed with its password.
    if secret.chars().count() < 3 {
        return;
    }
    let encoded = utf8_percent_encode(secret, NON_ALPHANUMERIC).to_string();
    let mut list = registry().lock().unwrap_or_else(|p| p.into_inner());
    for s in [secret.to_string(), encoded] {
        if !list.contains(&s) {
            list.push(s);
        }
    }
    // Longest first, so a secret containing another is replaced whole.
    list.sort_by_key(|s| std::cmp::Reverse(s.len()));
}

/// Register a secret as written and percent-decoded.
fn register_both(text: &str) {
    register(text);
    register(&percent_decode_str(text).decode_utf8_lossy());
}

/// Register every string that could be a password in `text`, a URL as
/// written (possibly malformed): for each `@`, what lies between the first
/// `:` after the scheme and that `@`; and every `password=` parameter value.
/// Done before a URL is parsed, so no parse error can quote its password.
pub fn register_url(text: &str) {
    let rest = text.split_once("://").map(|(_, r)| r).unwrap_or(text);
    if let Some(colon) = rest.find(':') {
        for (at, _) in rest.match_indices('@').filter(|(at, _)| *at > colon).take(16) {
            register_both(&rest[colon + 1..at]);
        }
    }
    for (i, _) in text.match_indices("password=").take(16) {
        let value = &text[i + "password=".len()..];
        register_both(value.split('&').next().unwrap_or(value));
    }
}

/// Whether an environment variable's name says its value is secret.
pub fn is_secret_name(name: &str) -> bool {
    let n = name.to_ascii_uppercase();
    ["PASSWORD", "PASSWD", "SECRET", "TOKEN", "KEY", "DATABASE_URL", "CREDENTIAL"].iter().any(|w| n.contains(w))
}

/// Register one variable: the passwords of a URL in it, else its value when
/// the name looks secret (and the value is long enough not to be an ordinary
/// word). A URL itself is not a secret: its redacted form is printed, and
/// without a password that form is the URL as written.
pub fn register_variable(name: &str, value: &str) {
    if value.contains("://") || value.contains("password=") {
        register_url(value);
    } else if is_secret_name(name) && value.trim().chars().count() >= 6 {
        register_both(value.trim());
    }
}

/// Register the secrets of the whole environment (after `.env` is loaded).
pub fn register_environment() {
    for (name, value) in std::env::vars_os() {
        if let (Some(n), Some(v)) = (name.to_str(), value.to_str()) {
            register_variable(n, v);
        }
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

/// At most `max` characters of `text` for a message, secrets scrubbed (before
/// cutting, so no part of one survives), control characters escaped, `…`
/// when cut: input quoted in an error never floods the terminal.
pub fn shorten(text: &str, max: usize) -> String {
    let mut out = String::new();
    for (n, c) in scrub(text).chars().enumerate() {
        if n == max {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrub_removes_registered_secrets_raw_and_encoded() {
        register("s3cr3t-value/42");
        assert_eq!(scrub("failed for s3cr3t-value/42 twice"), "failed for *** twice");
        assert_eq!(scrub("as s3cr3t%2Dvalue%2F42"), "as ***");
    }

    #[test]
    fn url_candidates_cover_every_reading_of_a_malformed_url() {
        register_url("postgres://u:abc/def+gh=@host/db?password=qq%2Fzz-1&x=1");
        assert_eq!(scrub("abc/def+gh="), "***");
        assert_eq!(scrub("qq/zz-1"), "***");
        register_url("postgres://u:pa@ss@w0rd@h/db");
        assert_eq!(scrub("[pa@ss@w0rd]"), "[***]");
    }

    #[test]
    fn secret_looking_variables_are_registered() {
        register_variable("MY_API_TOKEN", "tok-abcdef-123");
        register_variable("PATH_LIKE", "not-a-secret-here");
        register_variable("DATABASE_URL", "postgres://app:test-url-pw-1234@db.example.com/app");
        assert_eq!(scrub("tok-abcdef-123"), "***");
        assert_eq!(scrub("not-a-secret-here"), "not-a-secret-here");
        assert_eq!(scrub("postgres://app:***@db.example.com/app"), "postgres://app:***@db.example.com/app");
        assert_eq!(scrub("test-url-pw-1234"), "***");
    }

    #[test]
    fn shorten_cuts_and_escapes() {
        assert_eq!(shorten("ab\ncd", 10), "ab\\ncd");
        assert_eq!(shorten(&"x".repeat(100), 5), "xxxxx…");
    }
}
