//! Environment profiles: `profiles/<name>.yaml`, read with the `config` crate
//! (its `yaml` feature, backed by yaml-rust2), with `${VAR}` expansion.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::Value;

use crate::db::DbUrl;
use crate::error::{Error, Result};
use crate::{duration, interpolate, registry, yaml_check};

const DEFAULT_LOCK_TIMEOUT: Duration = Duration::from_secs(60);
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// A loaded profile. Target URLs stay unexpanded until a command selects the
/// targets it runs on, so a variable needed only by another target is not
/// required. `Debug` leaves out the URL texts and the ETL section: they may
/// hold passwords.
#[derive(Clone)]
pub struct Profile {
    pub name: String,
    pub path: PathBuf,
    pub description: Option<String>,
    pub production: bool,
    pub lock_timeout: Duration,
    /// Further attempts of a change after a lock timeout (backoff between).
    pub lock_retries: u32,
    pub statement_timeout: Option<Duration>,
    pub connect_timeout: Duration,
    pub targets: Vec<TargetSpec>,
    pub etl: Option<Value>,
}

#[derive(Clone)]
pub struct TargetSpec {
    pub name: String,
    pub schema: &'static schema_def::SchemaDef,
    raw_url: String,
    /// `targets[i].url`, for messages.
    url_key: String,
    pub create_database: bool,
}

impl std::fmt::Debug for Profile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Profile")
            .field("name", &self.name)
            .field("path", &self.path)
            .field("production", &self.production)
            .field("lock_timeout", &self.lock_timeout)
            .field("lock_retries", &self.lock_retries)
            .field("statement_timeout", &self.statement_timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("targets", &self.targets)
            .field("etl", &self.etl.is_some())
            .finish()
    }
}

impl std::fmt::Debug for TargetSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TargetSpec").field("name", &self.name).field("schema", &self.schema.name).finish_non_exhaustive()
    }
}

/// A target ready to connect to: its URL expanded and parsed (printing it
/// gives the redacted form).
#[derive(Debug, Clone)]
pub struct Target {
    pub name: String,
    pub schema: &'static schema_def::SchemaDef,
    pub url: DbUrl,
    pub create_database: bool,
}

fn env_lookup(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// Where profiles live: the explicit directory, else `profiles/` in the
/// current directory, beside the executable's workspace, or in the source
/// workspace the binary was built from.
pub fn resolve_dir(explicit: Option<&Path>) -> PathBuf {
    if let Some(d) = explicit {
        return d.to_path_buf();
    }
    let mut candidates = vec![PathBuf::from("profiles")];
    if let Ok(exe) = std::env::current_exe() {
        for dir in exe.ancestors().skip(1).take(4) {
            candidates.push(dir.join("profiles"));
        }
    }
    candidates.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("../profiles"));
    candidates.iter().find(|c| c.is_dir()).cloned().unwrap_or_else(|| PathBuf::from("profiles"))
}

/// The profile names available in `dir`, sorted.
pub fn available(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .filter_map(|e| {
                    let p = e.path();
                    if !p.is_file() {
                        return None;
                    }
                    let ext = p.extension()?.to_str()?;
                    (ext == "yaml" || ext == "yml").then(|| p.file_stem()?.to_str().map(String::from))?
                })
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names.dedup();
    names
}

/// Profile names are plain file names in the profiles directory: no path.
fn plain_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && !name.starts_with('.')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
}

/// Profiles are a few kilobytes; a larger file is not one.
const MAX_PROFILE_BYTES: u64 = 256 * 1024;

pub fn load(dir: &Path, name: &str) -> Result<Profile> {
    if !plain_name(name) {
        return Err(Error::usage(format!(
            "--profile takes a plain name (letters, digits, `-`, `_`, `.`; at most 64): the file NAME.yaml in {}; pass --profiles-dir DIR for another directory",
            dir.display()
        )));
    }
    let path = ["yaml", "yml"].iter().map(|ext| dir.join(format!("{name}.{ext}"))).find(|p| p.exists());
    let Some(path) = path else {
        let list = available(dir);
        let hint = if list.is_empty() {
            format!("no profiles found in {}; pass --profiles-dir DIR or set RUNNER_PROFILES_DIR", dir.display())
        } else {
            format!("available profiles in {}: {}", dir.display(), list.join(", "))
        };
        return Err(Error::usage(format!("unknown profile `{name}`: {hint}")));
    };
    let cannot = |e: std::io::Error| Error::usage(format!("cannot read profile {}: {e}", path.display()));
    let meta = std::fs::metadata(&path).map_err(cannot)?;
    if !meta.is_file() {
        return Err(Error::usage(format!("profile {} is not a file (a directory?); a profile is one YAML file", path.display())));
    }
    if meta.len() > MAX_PROFILE_BYTES {
        return Err(Error::usage(format!(
            "profile {} is {} bytes; a profile is a few kilobytes of YAML (at most {} KiB)",
            path.display(),
            meta.len(),
            MAX_PROFILE_BYTES / 1024
        )));
    }
    let bytes = std::fs::read(&path).map_err(cannot)?;
    let text = String::from_utf8(bytes).map_err(|e| {
        Error::usage(format!(
            "profile {} is not UTF-8 text (byte {}); a profile is a YAML text file",
            path.display(),
            e.utf8_error().valid_up_to()
        ))
    })?;
    parse(name, &path, &text, &env_lookup)
}

const KEYS: &[&str] = &["production", "lock_timeout", "lock_retries", "statement_timeout", "connect_timeout", "description", "targets", "etl"];
const TARGET_KEYS: &[&str] = &["name", "schema", "url", "create_database"];

/// Where a profile's errors point: the file, and the line of each key.
struct Place<'a> {
    shown: std::path::Display<'a>,
    lines: yaml_check::Lines,
}

impl Place<'_> {
    /// An error about `key`: names the file, the line and the key, never the value.
    fn err(&self, key: &str, what: impl std::fmt::Display) -> Error {
        Error::usage(format!("profile {}, {}`{key}`: {what}", self.shown, self.lines.at(key)))
    }
}

/// A scalar as text (numbers and booleans as YAML wrote them); `None` when absent.
fn scalar(place: &Place, key: &str, v: Option<&Value>) -> Result<Option<String>> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(Value::Number(n)) => Ok(Some(n.to_string())),
        Some(Value::Bool(b)) => Ok(Some(b.to_string())),
        Some(_) => Err(place.err(key, "must be a single value, not a list or mapping")),
    }
}

/// Check the keys of a mapping against the known ones.
fn known_keys(place: &Place, prefix: &str, map: &serde_json::Map<String, Value>, known: &[&str]) -> Result<()> {
    match map.keys().find(|k| !known.contains(&k.as_str())) {
        None => Ok(()),
        Some(k) => {
            let path = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
            Err(Error::usage(format!(
                "profile {}, {}unknown key `{}`; the keys here are {}; see README \"Profiles\"",
                place.shown,
                place.lines.at(&path),
                crate::secrets::shorten(k, 40),
                known.join(", ")
            )))
        }
    }
}

/// A profile's durations, bounded: `lock_timeout` 0 would make PostgreSQL
/// wait forever, and anything past a day is a typo.
fn bounded(place: &Place, key: &str, d: Duration) -> Result<Duration> {
    let day = Duration::from_secs(86_400);
    let (max, label) = if key == "statement_timeout" { (duration::PG_MAX, "24 days") } else { (day, "1d") };
    if d.is_zero() {
        let why = match key {
            "lock_timeout" => "0 means \"wait forever\" to PostgreSQL, so a blocked migration would hang and hold the application's queries behind it",
            "statement_timeout" => "0 means \"no limit\" to PostgreSQL; leave the key out for the server's default",
            _ => "0 would give up at once",
        };
        return Err(place.err(key, format!("{why}; give at least 1ms (e.g. 10s)")));
    }
    if d > max {
        return Err(place.err(key, format!("is longer than {label}; give at most {label}")));
    }
    Ok(d)
}

/// serde's message for a section that did not deserialize, without the
/// value it quotes ("invalid type: string \"…\"" may be a password).
pub fn describe_serde(e: &serde_json::Error) -> String {
    let m = e.to_string();
    if m.starts_with("invalid type") || m.starts_with("invalid value") || m.starts_with("invalid length") {
        let expected = m.rsplit_once(", expected ").map(|(_, x)| x).unwrap_or("another kind of value");
        format!("a value is of the wrong kind (expected {})", crate::secrets::shorten(expected, 80))
    } else {
        crate::secrets::shorten(&m, 200)
    }
}

/// The keys of a mapping that must hold text, checked before serde so that
/// the message names the key: `etl.totalis.storage.url must be text`.
pub fn expect_text(map: &serde_json::Map<String, Value>, keys: &[&str]) -> std::result::Result<(), String> {
    for k in keys {
        if let Some(v) = map.get(*k) {
            if !(v.is_string() || v.is_null()) {
                return Err(format!("`{k}` must be text"));
            }
        }
    }
    Ok(())
}

/// Parse a profile's text; `lookup` resolves `${VAR}` (the environment in
/// production use). Every secret in the text is registered first; errors
/// name the key and its line, never a value.
pub fn parse(name: &str, path: &Path, text: &str, lookup: &dyn Fn(&str) -> Option<String>) -> Result<Profile> {
    let shown = path.display();
    let lines = yaml_check::check(text).map_err(|e| Error::usage(format!("profile {shown} {e}")))?;
    let place = Place { shown: path.display(), lines };
    let cfg = config::Config::builder()
        .add_source(config::File::from_str(text, config::FileFormat::Yaml))
        .build()
        .map_err(|_| Error::usage(format!("profile {shown} could not be read as YAML; see README \"Profiles\" for the format")))?;
    let root: serde_json::Map<String, Value> = cfg
        .try_deserialize()
        .map_err(|_| Error::usage(format!("profile {shown} could not be read as YAML; see README \"Profiles\" for the format")))?;
    known_keys(&place, "", &root, KEYS)?;

    let field = |key: &str, v: Option<&Value>| -> Result<Option<String>> {
        scalar(&place, key, v)?
            .map(|s| interpolate::expand(&s, lookup).map_err(|e| place.err(key, e)))
            .transpose()
    };
    let boolean = |key: &str, v: Option<&Value>| -> Result<bool> {
        match field(key, v)?.as_deref().map(str::trim) {
            None => Ok(false),
            Some("true" | "yes" | "on" | "1") => Ok(true),
            Some("false" | "no" | "off" | "0" | "") => Ok(false),
            Some(_) => Err(place.err(key, "must be true or false")),
        }
    };
    let dur = |key: &str| -> Result<Option<Duration>> {
        field(key, root.get(key))?
            .map(|s| duration::parse(&s).map_err(|e| place.err(key, e)).and_then(|d| bounded(&place, key, d)))
            .transpose()
    };

    let production = boolean("production", root.get("production"))?;
    let lock_timeout = dur("lock_timeout")?.unwrap_or(DEFAULT_LOCK_TIMEOUT);
    let lock_retries = match field("lock_retries", root.get("lock_retries"))? {
        None => 0,
        Some(n) => n.trim().parse().map_err(|_| place.err("lock_retries", "must be a whole number of further attempts (0 or more)"))?,
    };
    let statement_timeout = dur("statement_timeout")?;
    let connect_timeout = dur("connect_timeout")?.unwrap_or(DEFAULT_CONNECT_TIMEOUT);
    let description = scalar(&place, "description", root.get("description"))?;

    let raw_targets = match root.get("targets") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(a)) => a.clone(),
        Some(_) => return Err(place.err("targets", "must be a list of targets (- name: ..., schema: ..., url: ...)")),
    };
    if raw_targets.is_empty() {
        return Err(Error::usage(format!("profile {shown} has no targets; add at least one under `targets:`")));
    }
    let mut targets: Vec<TargetSpec> = Vec::new();
    for (i, t) in raw_targets.iter().enumerate() {
        let at = format!("targets[{i}]");
        let Value::Object(t) = t else {
            return Err(place.err(&at, "must be a mapping with name, schema and url"));
        };
        known_keys(&place, &at, t, TARGET_KEYS)?;
        let required = |key: &str| -> Result<String> {
            let k = format!("{at}.{key}");
            scalar(&place, &k, t.get(key))?.ok_or_else(|| place.err(&k, "is missing; each target has a name, a schema and a url"))
        };
        let name = required("name")?;
        if !plain_name(&name) {
            return Err(place.err(&format!("{at}.name"), "must be a plain name (letters, digits, `-`, `_`, `.`; at most 64)"));
        }
        if targets.iter().any(|o| o.name == name) {
            return Err(Error::usage(format!("profile {shown}: target name `{name}` is used twice; names must be unique")));
        }
        let schema_name = required("schema")?;
        let schema = registry::find(&schema_name).ok_or_else(|| {
            place.err(
                &format!("{at}.schema"),
                format!(
                    "unknown schema `{}` (target `{name}`); known schemas: {}",
                    crate::secrets::shorten(&schema_name, 40),
                    registry::names().join(", ")
                ),
            )
        })?;
        let url_key = format!("{at}.url");
        let raw_url = match t.get("url") {
            Some(Value::String(s)) => s.clone(),
            None | Some(Value::Null) => return Err(place.err(&url_key, "is missing; each target has a name, a schema and a url")),
            Some(_) => return Err(place.err(&url_key, "must be text: a postgres:// URL, or ${VARIABLE} naming one")),
        };
        let create_database = boolean(&format!("{at}.create_database"), t.get("create_database"))?;
        if create_database && production {
            return Err(Error::usage(format!(
                "profile {shown}, target `{name}`: create_database is for local profiles only; remove it or set production: false"
            )));
        }
        targets.push(TargetSpec { name, schema, raw_url, url_key, create_database });
    }

    Ok(Profile {
        name: name.to_string(),
        path: path.to_path_buf(),
        description,
        production,
        lock_timeout,
        lock_retries,
        statement_timeout,
        connect_timeout,
        targets,
        etl: root.get("etl").cloned(),
    })
}

impl Profile {
    /// The targets named by `--target` (all when none is given), URLs expanded.
    pub fn select(&self, names: &[String]) -> Result<Vec<Target>> {
        self.select_with(names, &env_lookup)
    }

    pub fn select_with(&self, names: &[String], lookup: &dyn Fn(&str) -> Option<String>) -> Result<Vec<Target>> {
        for n in names {
            if !self.targets.iter().any(|t| &t.name == n) {
                let known: Vec<&str> = self.targets.iter().map(|t| t.name.as_str()).collect();
                return Err(Error::usage(format!(
                    "profile {} has no target `{}`; its targets are: {}",
                    self.name,
                    crate::secrets::shorten(n, 40),
                    known.join(", ")
                )));
            }
        }
        self.targets
            .iter()
            .filter(|t| names.is_empty() || names.contains(&t.name))
            .map(|t| {
                let at = format!("profile {}, `{}` (target `{}`)", self.name, t.url_key, t.name);
                let url = interpolate::expand(&t.raw_url, lookup)
                    .map_err(|e| Error::usage(format!("{at}: {e}; set it in the environment or in .env")))?;
                if url.trim().is_empty() {
                    return Err(Error::usage(format!("{at}: the url is empty; set the variable it names")));
                }
                let url = DbUrl::parse(&url).map_err(|e| e.context(&at))?;
                Ok(Target { name: t.name.clone(), schema: t.schema, url, create_database: t.create_database })
            })
            .collect()
    }
}

/// How long to wait for a connection, for the migration lock (also the
/// session's `lock_timeout`) and for one statement.
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    pub connect: Duration,
    pub lock: Duration,
    pub statement: Option<Duration>,
}

impl Profile {
    pub fn timeouts(&self) -> Timeouts {
        Timeouts { connect: self.connect_timeout, lock: self.lock_timeout, statement: self.statement_timeout }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(name: &str) -> Option<String> {
        (name == "DB_A").then(|| "postgres://a@h/a".to_string())
    }

    fn p(text: &str) -> Result<Profile> {
        parse("t", Path::new("profiles/t.yaml"), text, &env)
    }

    #[test]
    fn reads_the_documented_shape() {
        let prof = p("production: true\nlock_timeout: 10s\nstatement_timeout: 5min\ntargets:\n  - name: m\n    schema: morse\n    url: ${DB_A}\n").unwrap();
        assert!(prof.production);
        assert_eq!(prof.lock_timeout, Duration::from_secs(10));
        assert_eq!(prof.statement_timeout, Some(Duration::from_secs(300)));
        assert_eq!(prof.lock_retries, 0);
        let t = prof.select_with(&[], &env).unwrap();
        assert_eq!(t[0].url.to_string(), "postgres://a@h/a");
        assert_eq!(t[0].schema.name, "morse");
    }

    #[test]
    fn lock_retries_is_a_whole_number() {
        let text = |v: &str| format!("lock_timeout: 500ms\nlock_retries: {v}\ntargets:\n  - name: m\n    schema: morse\n    url: x\n");
        assert_eq!(p(&text("10")).unwrap().lock_retries, 10);
        let e = p(&text("-1")).unwrap_err();
        assert_eq!(e.exit_code(), 2);
        assert!(e.message().contains("`lock_retries`") && e.message().contains("whole number"), "{e}");
    }

    #[test]
    fn bad_yaml_names_file_and_line() {
        let e = p("targets:\n  - name: m\n    schema: [morse\n").unwrap_err();
        assert_eq!(e.exit_code(), 2);
        assert!(e.message().contains("profiles/t.yaml"), "{e}");
        assert!(e.message().contains("line"), "{e}");
    }

    #[test]
    fn unknown_schema_lists_known_ones() {
        let e = p("targets:\n  - name: m\n    schema: morze\n    url: x\n").unwrap_err();
        assert!(e.message().contains("unknown schema `morze`") && e.message().contains("morse"), "{e}");
    }

    #[test]
    fn unknown_field_is_refused() {
        let e = p("targtes: []\n").unwrap_err();
        assert!(e.message().contains("targtes"), "{e}");
    }

    #[test]
    fn missing_variable_is_named_only_when_its_target_is_selected() {
        let prof = p("targets:\n  - name: a\n    schema: morse\n    url: ${DB_A}\n  - name: b\n    schema: morse\n    url: ${DB_B}\n").unwrap();
        assert!(prof.select_with(&["a".into()], &env).is_ok());
        let e = prof.select_with(&[], &env).unwrap_err();
        assert!(e.message().contains("DB_B"), "{e}");
        let e = prof.select_with(&["c".into()], &env).unwrap_err();
        assert!(e.message().contains("no target `c`") && e.message().contains("a, b"), "{e}");
    }

    #[test]
    fn create_database_is_refused_in_production() {
        let e = p("production: true\ntargets:\n  - name: a\n    schema: morse\n    url: x\n    create_database: true\n").unwrap_err();
        assert!(e.message().contains("create_database"), "{e}");
    }
}
