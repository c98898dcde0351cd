//! One error type whose kind decides the process exit code (DESIGN.md "Exit codes").

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// 1: verify or a validation found problems.
    Problems,
    /// 2: bad usage or profile.
    Usage,
    /// 3: a database could not be reached or refused the login.
    Unreachable,
    /// 4: a migration, rollback or ETL step failed and was rolled back.
    Failed,
    /// 5: timed out waiting for the lock.
    LockTimeout,
}

impl Kind {
    pub fn exit_code(self) -> i32 {
        match self {
            Kind::Problems => 1,
            Kind::Usage => 2,
            Kind::Unreachable => 3,
            Kind::Failed => 4,
            Kind::LockTimeout => 5,
        }
    }

    /// Which of several targets' outcomes decides the exit code: a failed
    /// change first (something is half done), then a database out of reach,
    /// a lock held by another deploy, a refused option, problems found.
    pub fn severity(self) -> u8 {
        match self {
            Kind::Failed => 5,
            Kind::Unreachable => 4,
            Kind::LockTimeout => 3,
            Kind::Usage => 2,
            Kind::Problems => 1,
        }
    }
}

#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct Error {
    pub kind: Kind,
    message: String,
}

impl Error {
    pub fn new(kind: Kind, message: impl Into<String>) -> Self {
        // Every message passes through the scrubber, so a password that reached
        // it by any path (a driver error quoting a URL, say) is never printed.
        Error { kind, message: crate::secrets::scrub(&message.into()) }
    }
    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(Kind::Usage, message)
    }
    pub fn problems(message: impl Into<String>) -> Self {
        Self::new(Kind::Problems, message)
    }
    pub fn unreachable(message: impl Into<String>) -> Self {
        Self::new(Kind::Unreachable, message)
    }
    pub fn failed(message: impl Into<String>) -> Self {
        Self::new(Kind::Failed, message)
    }
    pub fn lock_timeout(message: impl Into<String>) -> Self {
        Self::new(Kind::LockTimeout, message)
    }
    pub fn message(&self) -> &str {
        &self.message
    }
    pub fn exit_code(&self) -> i32 {
        self.kind.exit_code()
    }
    /// The same error with a prefix naming where it happened.
    pub fn context(self, prefix: impl fmt::Display) -> Self {
        Error { kind: self.kind, message: format!("{prefix}: {}", self.message) }
    }
}

/// A driver error: the server's words (never the connection parameters). A
/// lost connection is "unreachable" (exit 3), anything else a failure (exit 4).
impl From<postgres::Error> for Error {
    fn from(e: postgres::Error) -> Self {
        let lost = e.is_closed() || e.code().is_some_and(|c| c.code().starts_with("08"));
        Error::new(if lost { Kind::Unreachable } else { Kind::Failed }, describe_pg(&e))
    }
}

/// `result.context("target morse")?`: convert the error and say where it happened.
pub trait Context<T> {
    fn context(self, prefix: impl fmt::Display) -> Result<T>;
    fn with_context<D: fmt::Display>(self, prefix: impl FnOnce() -> D) -> Result<T>;
}

impl<T, E: Into<Error>> Context<T> for std::result::Result<T, E> {
    fn context(self, prefix: impl fmt::Display) -> Result<T> {
        self.map_err(|e| e.into().context(prefix))
    }
    fn with_context<D: fmt::Display>(self, prefix: impl FnOnce() -> D) -> Result<T> {
        self.map_err(|e| e.into().context(prefix()))
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A PostgreSQL error as one line: severity, message, detail, hint (never the
/// connection parameters).
pub fn describe_pg(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => {
            let mut s = format!("{}: {} (SQLSTATE {})", db.severity(), db.message(), db.code().code());
            if let Some(d) = db.detail() {
                s.push_str(&format!("; detail: {d}"));
            }
            if let Some(h) = db.hint() {
                s.push_str(&format!("; hint: {h}"));
            }
            if let Some(w) = db.where_() {
                s.push_str(&format!("; where: {}", w.replace('\n', " / ")));
            }
            s
        }
        None => {
            let mut s = e.to_string();
            let mut src = std::error::Error::source(e);
            while let Some(inner) = src {
                let t = inner.to_string();
                if !s.contains(&t) {
                    s.push_str(&format!(": {t}"));
                }
                src = inner.source();
            }
            s
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn context_prefixes_and_keeps_the_kind() {
        let r: Result<()> = Err(Error::lock_timeout("held by pid 7"));
        let e = r.context("target morse").unwrap_err();
        assert_eq!(e.kind, Kind::LockTimeout);
        assert_eq!(e.message(), "target morse: held by pid 7");
        assert_eq!(e.exit_code(), 5);
    }

    #[test]
    fn a_failed_change_outranks_every_other_outcome() {
        let order = [Kind::Failed, Kind::Unreachable, Kind::LockTimeout, Kind::Usage, Kind::Problems];
        for pair in order.windows(2) {
            assert!(pair[0].severity() > pair[1].severity(), "{pair:?}");
        }
    }
}
