//! Connection URLs as libpq users write them, and connecting with TLS.
//!
//! A [`DbUrl`] is parsed once (when a profile's target is selected) with the
//! `url` crate and `percent-encoding`. Its password is registered with the
//! secret scrubber before anything can fail, and the only printed form of a
//! `DbUrl` (`Display` and `Debug`) is the redacted one, built from the parsed
//! parts without the password. Errors name the part that is wrong, never the
//! text of the URL.

use std::ffi::OsString;
use std::fmt;
use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

use percent_encoding::percent_decode_str;
use postgres::config::{ChannelBinding, Host, SslMode as DriverSslMode, TargetSessionAttrs};
use postgres::{Client, Config};

use crate::error::{describe_pg, Error, Result};
use crate::secrets;
use crate::tls::{self, SslMode};

/// Longer URLs are refused unread: no provider's URL comes near it.
const MAX_URL_LEN: usize = 4096;

const ENCODE_HINT: &str = "percent-encode the password (e.g. `/` as `%2F`, `?` as `%3F`, `#` as `%23`, `@` as `%40`, `%` as `%25`)";

/// A parsed connection URL. Printing it (`{}` or `{:?}`) gives the redacted
/// form `postgres://user:***@host:port/db?...`; nothing prints the password.
#[derive(Clone)]
pub struct DbUrl {
    config: Config,
    ssl: SslMode,
    rootcert: Option<PathBuf>,
    marked_pgbouncer: bool,
    scheme: &'static str,
    /// Parameters as written, in order, for the redacted form.
    shown_params: Vec<(String, String)>,
    explicit_port: bool,
}

impl fmt::Display for DbUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted(None, None))
    }
}

impl fmt::Debug for DbUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DbUrl({})", self.redacted(None, None))
    }
}

fn usage(what: impl fmt::Display) -> Error {
    Error::usage(format!("the connection URL {what}"))
}

/// Percent-decode one part of the URL; `what` names the part in errors.
fn decode(text: &str, what: &str) -> Result<String> {
    percent_decode_str(text)
        .decode_utf8()
        .map(|s| s.into_owned())
        .map_err(|_| usage(format!("has {what} that is not UTF-8 once percent-decoded")))
}

/// Every `%` must start an escape of two hex digits (libpq refuses the rest).
fn check_escapes(text: &str, what: &str) -> Result<()> {
    let b = text.as_bytes();
    for (i, _) in text.match_indices('%') {
        let ok = b.len() > i + 2 && b[i + 1].is_ascii_hexdigit() && b[i + 2].is_ascii_hexdigit();
        if !ok {
            return Err(usage(format!(
                "has an invalid percent escape in {what} (`%` must be followed by two hex digits); write a literal `%` as `%25`"
            )));
        }
    }
    Ok(())
}

impl DbUrl {
    /// Parse `postgres://user:password@host:port/dbname?param=value&...`.
    pub fn parse(text: &str) -> Result<DbUrl> {
        // Register every string that could be the password before anything
        // else: an error below must not be able to quote it.
        secrets::register_url(text);
        let text = text.trim_matches(|c: char| c == ' ');
        if text.is_empty() {
            return Err(usage("is empty; write postgres://user:password@host:port/database"));
        }
        if text.len() > MAX_URL_LEN {
            return Err(usage(format!("is longer than {MAX_URL_LEN} characters")));
        }
        if let Some(i) = text.find(|c: char| c.is_control()) {
            let at = text[..i].chars().count() + 1;
            return Err(usage(format!("has a control character (a NUL, tab or line break) at character {at}; remove it")));
        }
        let (scheme, rest) = match text.split_once("://") {
            Some((s, rest)) if s.eq_ignore_ascii_case("postgres") => ("postgres", rest),
            Some((s, rest)) if s.eq_ignore_ascii_case("postgresql") => ("postgresql", rest),
            Some((s, _)) if !s.is_empty() && s.len() <= 20 && s.chars().all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c)) => {
                return Err(usage(format!("has the scheme `{s}`; write postgres://user:password@host:port/database")))
            }
            _ => return Err(usage("does not start with postgres:// or postgresql://; write postgres://user:password@host:port/database")),
        };
        // The user info ends at the only `@`, and the host part at the first
        // `/`, `?` or `#` (as libpq and the URL standard both read it). An
        // `@` anywhere else means a reserved character in the password.
        let auth_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let ats_in_auth = rest[..auth_end].matches('@').count();
        if ats_in_auth > 1 || rest[auth_end..].contains('@') {
            return Err(usage(format!("has an `@` that does not end the user and password; {ENCODE_HINT}")));
        }
        if rest.contains('#') {
            return Err(usage(format!("has a `#`; {ENCODE_HINT}")));
        }
        let (userinfo, hostport) = match rest[..auth_end].split_once('@') {
            Some((u, h)) => (Some(u), h),
            None => (None, &rest[..auth_end]),
        };
        if let Some(u) = userinfo {
            match u.split_once(':') {
                Some((user, pw)) => {
                    check_escapes(user, "the user name")?;
                    check_escapes(pw, "the password")?;
                }
                None => check_escapes(u, "the user name")?,
            }
        }
        check_escapes(hostport, "the host")?;
        check_escapes(&rest[auth_end..], "the database name or the parameters")?;
        if hostport.contains(',') {
            return Err(usage("names several hosts; give each database its own target with one host"));
        }

        let parsed = url::Url::parse(text).map_err(|e| match e {
            url::ParseError::InvalidPort => port_error(hostport),
            url::ParseError::EmptyHost => usage("has no host after the `@`; write postgres://user:password@host:port/database"),
            url::ParseError::InvalidIpv6Address => usage("has an invalid IPv6 address in the host (write it in brackets, [::1])"),
            other => usage(format!("has an invalid host ({other})")),
        })?;

        let mut config = Config::new();
        let user = decode(parsed.username(), "a user name")?;
        if !user.is_empty() {
            config.user(&user);
        }
        if let Some(pw) = parsed.password() {
            // libpq takes any bytes as the password.
            let bytes: Vec<u8> = percent_decode_str(pw).collect();
            secrets::register(&String::from_utf8_lossy(&bytes));
            config.password(bytes);
        }
        let explicit_port = match parsed.port() {
            Some(0) => return Err(usage("has port 0; use the server's port, 1 to 65535 (PostgreSQL's default is 5432)")),
            Some(p) => {
                config.port(p);
                true
            }
            None => false,
        };
        if let Some(h) = parsed.host_str().filter(|h| !h.is_empty()) {
            let h = h.trim_start_matches('[').trim_end_matches(']');
            config.host(&decode(h, "a host")?);
        }
        let path = parsed.path().strip_prefix('/').unwrap_or(parsed.path());
        if !path.is_empty() {
            config.dbname(&decode(path, "a database name")?);
        }

        let mut url = DbUrl {
            config,
            ssl: SslMode::Prefer,
            rootcert: None,
            marked_pgbouncer: false,
            scheme,
            shown_params: Vec::new(),
            explicit_port,
        };
        for pair in parsed.query().unwrap_or("").split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let key = decode(k, "a parameter name")?;
            let value = decode(v, "a parameter value")?;
            url.param(&key, &value)?;
        }
        let driver_mode = match url.ssl {
            SslMode::Disable => DriverSslMode::Disable,
            SslMode::Prefer => DriverSslMode::Prefer,
            _ => DriverSslMode::Require,
        };
        url.config.ssl_mode(driver_mode);
        if url.config.get_user().is_none() {
            let user = std::env::var("PGUSER").or_else(|_| std::env::var("USER")).unwrap_or_else(|_| "postgres".into());
            url.config.user(&user);
        }
        if url.config.get_hosts().is_empty() {
            url.config.host(&std::env::var("PGHOST").unwrap_or_else(|_| "localhost".into()));
        }
        if url.config.get_dbname().is_none() {
            let user = url.config.get_user().unwrap_or("postgres").to_string();
            url.config.dbname(&user);
        }
        Ok(url)
    }

    /// One `key=value` query parameter; errors name the parameter, and quote
    /// only values that are never secret (short enumerations and numbers).
    fn param(&mut self, key: &str, value: &str) -> Result<()> {
        let bad = |allowed: &str| usage(format!("parameter `{key}` has an invalid value `{}`; use {allowed}", secrets::shorten(value, 40)));
        let seconds = |v: &str| -> Result<Duration> {
            v.parse::<u32>().map(|s| Duration::from_secs(u64::from(s))).map_err(|_| bad("a whole number of seconds"))
        };
        match key {
            "password" => {
                secrets::register(value);
                self.config.password(value);
                self.shown_params.push((key.into(), "***".into()));
                return Ok(());
            }
            "sslmode" => {
                self.ssl = SslMode::parse(value).map_err(|_| bad("disable, allow, prefer, require, verify-ca or verify-full"))?;
            }
            "sslrootcert" => self.rootcert = Some(PathBuf::from(value)),
            "sslcert" | "sslkey" => {
                return Err(usage(format!("parameter `{key}` asks for a client certificate, which the runner does not support; authenticate with a password")))
            }
            "pgbouncer" => self.marked_pgbouncer = value == "true",
            "user" => {
                self.config.user(value);
            }
            "dbname" => {
                self.config.dbname(value);
            }
            "host" => {
                if value.contains(',') {
                    return Err(usage("parameter `host` names several hosts; give each database its own target with one host"));
                }
                self.config.host(value);
            }
            "hostaddr" => {
                let addr: IpAddr = value.parse().map_err(|_| bad("an IP address"))?;
                self.config.hostaddr(addr);
            }
            "port" => match value.parse::<u16>() {
                Ok(0) | Err(_) => return Err(bad("a port from 1 to 65535")),
                Ok(p) => {
                    self.config.port(p);
                    self.explicit_port = true;
                }
            },
            "application_name" => {
                self.config.application_name(value);
            }
            "options" => {
                self.config.options(value);
            }
            "connect_timeout" => {
                let d = seconds(value)?;
                if !d.is_zero() {
                    self.config.connect_timeout(d);
                }
            }
            "keepalives" => {
                self.config.keepalives(value.parse::<u32>().map_err(|_| bad("0 or 1"))? != 0);
            }
            "keepalives_idle" => {
                let d = seconds(value)?;
                if !d.is_zero() {
                    self.config.keepalives_idle(d);
                }
            }
            "channel_binding" => {
                let cb = match value {
                    "disable" => ChannelBinding::Disable,
                    "prefer" => ChannelBinding::Prefer,
                    "require" => ChannelBinding::Require,
                    _ => return Err(bad("disable, prefer or require")),
                };
                self.config.channel_binding(cb);
            }
            "target_session_attrs" => {
                let a = match value {
                    "any" => TargetSessionAttrs::Any,
                    "read-write" => TargetSessionAttrs::ReadWrite,
                    "read-only" => TargetSessionAttrs::ReadOnly,
                    _ => return Err(bad("any, read-write or read-only")),
                };
                self.config.target_session_attrs(a);
            }
            other => {
                return Err(usage(format!(
                    "has an unknown parameter `{}`; README \"Connections\" lists the ones the runner understands",
                    secrets::shorten(other, 40)
                )))
            }
        }
        self.shown_params.push((key.into(), value.into()));
        Ok(())
    }

    /// The redacted form, optionally with another host or port (for hints).
    fn redacted(&self, host: Option<&str>, port: Option<u16>) -> String {
        let user = self.config.get_user().unwrap_or("");
        let pw = if self.config.get_password().is_some() { ":***" } else { "" };
        let host = host.map(str::to_string).unwrap_or_else(|| self.host());
        let host = if host.contains(':') { format!("[{host}]") } else { host };
        let port = match port {
            Some(p) => format!(":{p}"),
            None if self.explicit_port => format!(":{}", self.port()),
            None => String::new(),
        };
        let mut out = format!("{}://{user}{pw}@{host}{port}/{}", self.scheme, self.dbname());
        for (i, (k, v)) in self.shown_params.iter().enumerate() {
            out.push(if i == 0 { '?' } else { '&' });
            out.push_str(k);
            out.push('=');
            out.push_str(v);
        }
        out
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

    pub fn dbname(&self) -> &str {
        self.config.get_dbname().unwrap_or("postgres")
    }

    pub fn user(&self) -> &str {
        self.config.get_user().unwrap_or("postgres")
    }

    /// libpq's `sslmode` as written (or `prefer`).
    pub fn ssl(&self) -> SslMode {
        self.ssl
    }

    /// The driver's configuration (password included) to connect with;
    /// [`connect`] is the usual way.
    pub fn config(&self) -> Config {
        self.config.clone()
    }

    /// The same server and credentials, another database.
    pub fn with_dbname(&self, dbname: &str) -> DbUrl {
        let mut other = self.clone();
        other.config.dbname(dbname);
        other
    }

    /// libpq environment variables for a child process (`pg_dump`): the
    /// password goes through the environment, never a command line.
    pub fn libpq_env(&self) -> Vec<(&'static str, OsString)> {
        let mut env = vec![
            ("PGHOST", OsString::from(self.host())),
            ("PGPORT", OsString::from(self.port().to_string())),
            ("PGDATABASE", OsString::from(self.dbname())),
            ("PGUSER", OsString::from(self.user())),
            ("PGSSLMODE", OsString::from(self.ssl.as_str())),
        ];
        if let Some(pw) = self.config.get_password() {
            env.push(("PGPASSWORD", OsString::from(String::from_utf8_lossy(pw).into_owned())));
        }
        if let Some(root) = &self.rootcert {
            env.push(("PGSSLROOTCERT", root.clone().into_os_string()));
        }
        env
    }

    /// When the URL points at a transaction pooler, why, and the direct URL
    /// to use instead. Session advisory locks and `SET` do not survive
    /// transaction pooling, so migrate and rollback refuse such URLs.
    pub fn pooler(&self) -> Option<String> {
        let host = self.host();
        let port = self.port();
        if let Some(direct) = neon_direct_host(&host) {
            return Some(format!(
                "{self} is Neon's pooled (PgBouncer transaction mode) host; use the direct URL {}",
                self.redacted(Some(&direct), None)
            ));
        }
        if host.ends_with(".pooler.supabase.com") && port == 6543 {
            return Some(format!(
                "{self} is Supabase's transaction pooler (port 6543); use the session pooler {} or the direct db.<project-ref>.supabase.co:5432 URL",
                self.redacted(None, Some(5432))
            ));
        }
        if self.marked_pgbouncer {
            return Some(format!("{self} is marked pgbouncer=true (a transaction pooler); use the database's direct URL"));
        }
        None
    }
}

/// An invalid port: name it when it is a number (it cannot be part of the
/// password: every `@` was checked to end the user info).
fn port_error(hostport: &str) -> Error {
    let port = hostport.rsplit_once(':').map(|(_, p)| p).unwrap_or("");
    if !port.is_empty() && port.chars().all(|c| c.is_ascii_digit()) {
        usage(format!("has port {} out of range; use 1 to 65535 (PostgreSQL's default is 5432)", secrets::shorten(port, 12)))
    } else {
        usage(format!("has a port that is not a number after the host's `:`; if the password holds a reserved character, {ENCODE_HINT}"))
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
    let mut config = url.config();
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(connect_timeout);
    }
    if config.get_application_name().is_none() {
        config.application_name(application);
    }
    config.notice_callback(|notice| log::debug!("server notice: {}", notice.message()));
    let connector = tls::connector(url.ssl, url.rootcert.as_deref())
        .map_err(|e| ConnectError::Other(Error::usage(format!("{url}: {e}"))))?;
    config.connect(connector).map_err(|e| {
        let what = describe_pg(&e);
        let code = e.as_db_error().map(|d| d.code().code().to_string());
        match code.as_deref() {
            Some("3D000") => ConnectError::NoSuchDatabase(Error::unreachable(format!(
                "{url}: database `{}` does not exist: {what}; create it or fix the database name in the URL",
                url.dbname()
            ))),
            Some("28P01" | "28000") => ConnectError::Other(Error::unreachable(format!(
                "{url}: the server refused the login: {what}; check the user and password"
            ))),
            Some(_) => ConnectError::Other(Error::unreachable(format!("{url}: {what}"))),
            None if what.contains("certificate") => ConnectError::Other(Error::unreachable(format!(
                "{url}: the server's TLS certificate was not accepted: {what}; add sslrootcert=/path/to/ca.pem for a private CA, or use sslmode=require to encrypt without checking it (sslmode={})",
                url.ssl.as_str()
            ))),
            None => ConnectError::Other(Error::unreachable(format!(
                "{url}: cannot connect: {what}; check the host, the port and that the server is running (sslmode={})",
                url.ssl.as_str()
            ))),
        }
    })
}

/// One column of a row read from a database we do not control (a history
/// table edited by hand, a legacy database): a wrong type or a NULL is an
/// error naming the column, never a panic.
pub fn column<'a, T: postgres::types::FromSql<'a>>(row: &'a postgres::Row, idx: usize, table: &str) -> Result<T> {
    row.try_get(idx).map_err(|e| {
        let (name, ty) = row.columns().get(idx).map(|c| (c.name().to_string(), c.type_().name().to_string())).unwrap_or_default();
        let why = if std::error::Error::source(&e).is_some_and(|s| s.to_string().to_lowercase().contains("null")) {
            "is NULL".to_string()
        } else {
            format!("has type {ty}, which the runner does not expect")
        };
        Error::problems(format!("{table}: column `{name}` {why}; was it changed by hand? restore it as the runner created it"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_libpq_sslmodes_and_rootcert() {
        for mode in ["disable", "prefer", "require", "verify-ca", "verify-full"] {
            let u = DbUrl::parse(&format!("postgres://u:secret123456@h:5433/d?sslmode={mode}&sslrootcert=/x/ca.pem&application_name=a")).unwrap();
            assert_eq!(u.ssl().as_str(), mode);
            assert_eq!(u.port(), 5433);
            assert_eq!(u.dbname(), "d");
            assert_eq!(u.rootcert.as_deref(), Some(std::path::Path::new("/x/ca.pem")));
            assert_eq!(u.to_string(), format!("postgres://u:***@h:5433/d?sslmode={mode}&sslrootcert=/x/ca.pem&application_name=a"));
        }
    }

    #[test]
    fn display_and_debug_are_redacted() {
        let u = DbUrl::parse("postgresql://app:test%2Fpassword-1@db.example.com/app?password=other-secret-1").unwrap();
        for shown in [u.to_string(), format!("{u:?}")] {
            assert!(!shown.contains("test%2Fpassword") && !shown.contains("test/password") && !shown.contains("other-secret-1"), "{shown}");
            assert!(shown.contains("app:***@db.example.com/app"), "{shown}");
        }
        assert_eq!(u.config().get_password(), Some(&b"other-secret-1"[..]));
    }

    #[test]
    fn passwords_decode_as_libpq_decodes_them() {
        let u = DbUrl::parse("postgres://u:testa%2Fb%3Fc%23d%40e%25f%20g:h€@h/d").unwrap();
        assert_eq!(u.config().get_password(), Some("testa/b?c#d@e%f g:h€".as_bytes()));
        let u = DbUrl::parse("postgres://u:p%C3@h/d").unwrap();
        assert_eq!(u.config().get_password(), Some(&[b'p', 0xC3][..]));
        let u = DbUrl::parse("postgres://[::1]:5433/d").unwrap();
        assert_eq!(u.host(), "::1");
        assert_eq!(u.to_string(), format!("postgres://{}@[::1]:5433/d", u.user()));
    }

    #[test]
    fn reserved_characters_in_the_password_are_refused_unprinted() {
        for bad in ["postgres://u:abc/def+ghi=@h/d", "postgres://u:ab?cd@h/d", "postgres://u:ab#cd@h/d", "postgres://u:p@ss@h/d", "postgres://u:pw@h/d?application_name=a@b"] {
            let e = DbUrl::parse(bad).unwrap_err();
            assert_eq!(e.exit_code(), 2);
            assert!(e.message().contains("percent-encode the password"), "{e}");
            assert!(!e.message().contains("def+") && !e.message().contains("ab?") && !e.message().contains("ss@"), "{e}");
        }
    }

    #[test]
    fn invalid_escapes_control_characters_and_ports_are_named() {
        let e = DbUrl::parse("postgres://u:test%zz%4@h/d").unwrap_err();
        assert!(e.message().contains("invalid percent escape in the password"), "{e}");
        let e = DbUrl::parse("postgres://u:p%€x@h/d").unwrap_err();
        assert!(e.message().contains("invalid percent escape"), "{e}");
        let e = DbUrl::parse("postgres://u:pw@h/d\0x").unwrap_err();
        assert!(e.message().contains("control character"), "{e}");
        let e = DbUrl::parse("postgres://u:pw@h:99999/d").unwrap_err();
        assert!(e.message().contains("port 99999 out of range"), "{e}");
        let e = DbUrl::parse("postgres://u:pw@h:0/d").unwrap_err();
        assert!(e.message().contains("port 0"), "{e}");
        let e = DbUrl::parse("postgres://u:pw@h/d?frobnicate=1").unwrap_err();
        assert!(e.message().contains("unknown parameter `frobnicate`"), "{e}");
        let e = DbUrl::parse("postgres://u:pw@h/d?connect_timeout=soon").unwrap_err();
        assert!(e.message().contains("`connect_timeout`"), "{e}");
    }

    #[test]
    fn neon_dashboard_url_parses() {
        let u = DbUrl::parse("postgresql://neondb_owner:secret_npgXYZ@ep-cool-dew-123456.us-east-2.aws.neon.tech/neondb?sslmode=require&channel_binding=require").unwrap();
        assert_eq!(u.ssl(), SslMode::Require);
        assert!(u.pooler().is_none());
        assert!(!u.to_string().contains("secret_npgXYZ"));
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
        assert!(!e.message().contains("secrettop99") && e.message().contains("`mysql`"), "{e}");
    }
}
