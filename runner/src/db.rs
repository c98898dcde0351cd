//! Connection URLs as libpq users write them, and connecting with TLS.

use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use postgres::config::Host;
use postgres::{Client, Config};

use crate::error::{describe_pg, Error, Result};
use crate::secrets;
use crate::tls::{self, SslMode};

/// A parsed connection URL. `shown` is the redacted form for messages.
#[derive(Clone)]
pub struct DbUrl {
    pub config: Config,
    pub ssl: SslMode,
    pub rootcert: Option<PathBuf>,
    pub shown: String,
    marked_pgbouncer: bool,
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

impl DbUrl {
    pub fn parse(url: &str) -> Result<DbUrl> {
        let shown = secrets::redact_url(url);
        if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
            return Err(Error::usage(format!(
                "`{shown}` is not a connection URL; write postgres://user[:password]@host[:port]/database[?sslmode=...]"
            )));
        }
        // Register the password before anything can fail and quote it.
        if let Some((_, rest)) = url.split_once("://") {
            let authority = rest.split('/').next().unwrap_or("");
            if let Some((userinfo, _)) = authority.rsplit_once('@') {
                if let Some((_, pw)) = userinfo.split_once(':') {
                    secrets::register(pw);
                    secrets::register(&percent_decode(pw));
                }
            }
        }
        let (base, query) = match url.split_once('?') {
            Some((b, q)) => (b, q),
            None => (url, ""),
        };
        let mut ssl = SslMode::Prefer;
        let mut rootcert = None;
        let mut marked_pgbouncer = false;
        let mut passthrough: Vec<&str> = Vec::new();
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let v = percent_decode(v);
            match k {
                "sslmode" => ssl = SslMode::parse(&v).map_err(|e| Error::usage(format!("{shown}: {e}")))?,
                "sslrootcert" => rootcert = Some(PathBuf::from(v)),
                "sslcert" | "sslkey" => {
                    return Err(Error::usage(format!(
                        "{shown}: client certificates ({k}) are not supported; authenticate with a password"
                    )))
                }
                "pgbouncer" => marked_pgbouncer = v == "true",
                "password" => {
                    secrets::register(&v);
                    passthrough.push(pair);
                }
                _ => passthrough.push(pair),
            }
        }
        let driver_mode = match ssl {
            SslMode::Disable => "disable",
            SslMode::Prefer => "prefer",
            _ => "require",
        };
        passthrough.push(match driver_mode {
            "disable" => "sslmode=disable",
            "prefer" => "sslmode=prefer",
            _ => "sslmode=require",
        });
        let rebuilt = format!("{base}?{}", passthrough.join("&"));
        let mut config = Config::from_str(&rebuilt)
            .map_err(|e| Error::usage(format!("{shown} is not a valid connection URL: {e}")))?;
        if let Some(pw) = config.get_password() {
            secrets::register(&String::from_utf8_lossy(pw));
        }
        if config.get_user().is_none() {
            let user = std::env::var("PGUSER").or_else(|_| std::env::var("USER")).unwrap_or_else(|_| "postgres".into());
            config.user(&user);
        }
        if config.get_hosts().is_empty() {
            config.host(&std::env::var("PGHOST").unwrap_or_else(|_| "localhost".into()));
        }
        if config.get_dbname().is_none() {
            let user = config.get_user().unwrap_or("postgres").to_string();
            config.dbname(&user);
        }
        Ok(DbUrl { config, ssl, rootcert, shown, marked_pgbouncer })
    }

    pub fn host(&self) -> String {
        match self.config.get_hosts().first() {
            Some(Host::Tcp(h)) => h.clone(),
            #[cfg(unix)]
            Some(Host::Unix(p)) => p.display().to_string(),
            None => "localhost".into(),
        }
    }

    pub fn port(&self) -> u16 {
        self.config.get_ports().first().copied().unwrap_or(5432)
    }

    pub fn dbname(&self) -> String {
        self.config.get_dbname().unwrap_or("postgres").to_string()
    }

    /// When the URL points at a transaction pooler, why, and the direct URL
    /// to use instead. Session advisory locks and `SET` do not survive
    /// transaction pooling, so migrate and rollback refuse such URLs.
    pub fn pooler(&self) -> Option<String> {
        let host = self.host();
        let port = self.port();
        if let Some(direct) = neon_direct_host(&host) {
            let direct_url = self.shown.replacen(&host, &direct, 1);
            return Some(format!(
                "{} is Neon's pooled (PgBouncer transaction mode) host; use the direct URL {direct_url}",
                self.shown
            ));
        }
        if host.ends_with(".pooler.supabase.com") && port == 6543 {
            let session_url = self.shown.replacen(":6543", ":5432", 1);
            return Some(format!(
                "{} is Supabase's transaction pooler (port 6543); use the session pooler {session_url} or the direct db.<project-ref>.supabase.co:5432 URL",
                self.shown
            ));
        }
        if self.marked_pgbouncer {
            return Some(format!(
                "{} is marked pgbouncer=true (a transaction pooler); use the database's direct URL",
                self.shown
            ));
        }
        None
    }
}

fn neon_direct_host(host: &str) -> Option<String> {
    let (first, rest) = host.split_once('.')?;
    let direct = first.strip_suffix("-pooler")?;
    rest.contains("neon").then(|| format!("{direct}.{rest}"))
}

/// Why a connection failed, for the callers that react to it.
pub enum ConnectError {
    /// The server answered that the database does not exist (SQLSTATE 3D000).
    NoSuchDatabase(Error),
    Other(Error),
}

impl ConnectError {
    pub fn into_error(self) -> Error {
        match self {
            ConnectError::NoSuchDatabase(e) | ConnectError::Other(e) => e,
        }
    }
}

/// Connect to `url` with its TLS settings.
pub fn connect(url: &DbUrl, connect_timeout: Duration, application: &str) -> Result<Client, ConnectError> {
    let mut config = url.config.clone();
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(connect_timeout);
    }
    if config.get_application_name().is_none() {
        config.application_name(application);
    }
    config.notice_callback(|notice| log::debug!("server notice: {}", notice.message()));
    let connector = tls::connector(url.ssl, url.rootcert.as_deref())
        .map_err(|e| ConnectError::Other(Error::usage(format!("{}: {e}", url.shown))))?;
    config.connect(connector).map_err(|e| {
        let what = describe_pg(&e);
        let code = e.as_db_error().map(|d| d.code().code().to_string());
        match code.as_deref() {
            Some("3D000") => ConnectError::NoSuchDatabase(Error::unreachable(format!(
                "{}: database `{}` does not exist: {what}; create it or fix the database name in the URL",
                url.shown,
                url.dbname()
            ))),
            Some("28P01" | "28000") => ConnectError::Other(Error::unreachable(format!(
                "{}: the server refused the login: {what}; check the user and password",
                url.shown
            ))),
            Some(_) => ConnectError::Other(Error::unreachable(format!("{}: {what}", url.shown))),
            None if what.contains("certificate") => ConnectError::Other(Error::unreachable(format!(
                "{}: the server's TLS certificate was not accepted: {what}; add sslrootcert=/path/to/ca.pem for a private CA, or use sslmode=require to encrypt without checking it (sslmode={})",
                url.shown,
                url.ssl.as_str()
            ))),
            None => ConnectError::Other(Error::unreachable(format!(
                "{}: cannot connect: {what}; check the host, the port and that the server is running (sslmode={})",
                url.shown,
                url.ssl.as_str()
            ))),
        }
    })
}

/// The same server's maintenance database, to create a missing database.
pub fn maintenance_url(url: &DbUrl) -> DbUrl {
    let mut other = url.clone();
    other.config.dbname("postgres");
    other
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_libpq_sslmodes_and_rootcert() {
        for mode in ["disable", "prefer", "require", "verify-ca", "verify-full"] {
            let u = DbUrl::parse(&format!("postgres://u:secret123456@h:5433/d?sslmode={mode}&sslrootcert=/x/ca.pem&application_name=a")).unwrap();
            assert_eq!(u.ssl.as_str(), mode);
            assert_eq!(u.port(), 5433);
            assert_eq!(u.dbname(), "d");
            assert_eq!(u.rootcert.as_deref(), Some(std::path::Path::new("/x/ca.pem")));
        }
    }

    #[test]
    fn neon_dashboard_url_parses() {
        let u = DbUrl::parse("postgresql://neondb_owner:secret_npgXYZ@ep-cool-dew-123456.us-east-2.aws.neon.tech/neondb?sslmode=require&channel_binding=require").unwrap();
        assert_eq!(u.ssl, SslMode::Require);
        assert!(u.pooler().is_none());
        assert!(!u.shown.contains("secret_npgXYZ"));
    }

    #[test]
    fn transaction_poolers_are_named_with_the_direct_url() {
        let u = DbUrl::parse("postgresql://o:pw@ep-cool-dew-123456-pooler.us-east-2.aws.neon.tech/neondb?sslmode=require").unwrap();
        let msg = u.pooler().unwrap();
        assert!(msg.contains("ep-cool-dew-123456.us-east-2.aws.neon.tech/neondb"), "{msg}");
        assert!(!msg.contains(":pw@"), "{msg}");
        let s = DbUrl::parse("postgresql://postgres.abc:pw@aws-0-eu-central-1.pooler.supabase.com:6543/postgres").unwrap();
        assert!(s.pooler().unwrap().contains(":5432/postgres"));
        let s = DbUrl::parse("postgresql://postgres.abc:pw@aws-0-eu-central-1.pooler.supabase.com:5432/postgres").unwrap();
        assert!(s.pooler().is_none());
        assert!(DbUrl::parse("postgres://u@h/d?pgbouncer=true").unwrap().pooler().is_some());
    }

    #[test]
    fn bad_urls_are_usage_errors_without_the_password() {
        let e = DbUrl::parse("postgres://u:secrettop99@h/d?sslmode=sometimes").err().unwrap();
        assert_eq!(e.exit_code(), 2);
        assert!(!e.message().contains("secrettop99") && e.message().contains("verify-full"), "{e}");
        let e = DbUrl::parse("mysql://u:secrettop99@h/d").err().unwrap();
        assert!(!e.message().contains("secrettop99"), "{e}");
    }
}
