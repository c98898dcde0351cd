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
}

#[derive(Debug)]
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

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

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
