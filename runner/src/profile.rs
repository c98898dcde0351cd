//! Environment profiles: `profiles/<name>.yaml`, read with the `config` crate
//! (its `yaml` feature, backed by yaml-rust2), with `${VAR}` expansion.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;
use serde_json::Value;

use crate::error::{Error, Result};
use crate::{duration, interpolate, registry};

const DEFAULT_LOCK_TIMEOUT: Duration = Duration::from_secs(60);
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProfile {
    #[serde(default)]
    production: Option<Value>,
    #[serde(default)]
    lock_timeout: Option<Value>,
    #[serde(default)]
    statement_timeout: Option<Value>,
    #[serde(default)]
    connect_timeout: Option<Value>,
    #[serde(default)]
    description: Option<String>,
    targets: Vec<RawTarget>,
    #[serde(default)]
    etl: Option<Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTarget {
    name: String,
    schema: String,
    url: String,
    #[serde(default)]
    create_database: Option<Value>,
}

/// A loaded profile. Target URLs stay unexpanded until a command selects the
/// targets it runs on, so a variable needed only by another target is not
/// required.
#[derive(Debug, Clone)]
pub struct Profile {
    pub name: String,
    pub path: PathBuf,
    pub description: Option<String>,
    pub production: bool,
    pub lock_timeout: Duration,
    pub statement_timeout: Option<Duration>,
    pub connect_timeout: Duration,
    pub targets: Vec<TargetSpec>,
    pub etl: Option<Value>,
}

#[derive(Debug, Clone)]
pub struct TargetSpec {
    pub name: String,
    pub schema: &'static schema_def::SchemaDef,
    raw_url: String,
    pub create_database: bool,
}

/// A target ready to connect to: its URL expanded.
#[derive(Debug, Clone)]
pub struct Target {
    pub name: String,
    pub schema: &'static schema_def::SchemaDef,
    pub url: String,
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

pub fn load(dir: &Path, name: &str) -> Result<Profile> {
    let path = ["yaml", "yml"].iter().map(|ext| dir.join(format!("{name}.{ext}"))).find(|p| p.is_file());
    let Some(path) = path else {
        let list = available(dir);
        let hint = if list.is_empty() {
            format!("no profiles found in {}; pass --profiles-dir DIR or set RUNNER_PROFILES_DIR", dir.display())
        } else {
            format!("available profiles in {}: {}", dir.display(), list.join(", "))
        };
        return Err(Error::usage(format!("unknown profile `{name}`: {hint}")));
    };
    let text = std::fs::read_to_string(&path)
        .map_err(|e| Error::usage(format!("cannot read profile {}: {e}", path.display())))?;
    parse(name, &path, &text, &env_lookup)
}

/// Parse a profile's text; `lookup` resolves `${VAR}` (the environment in
/// production use).
pub fn parse(name: &str, path: &Path, text: &str, lookup: &dyn Fn(&str) -> Option<String>) -> Result<Profile> {
    let shown = path.display();
    let cfg = config::Config::builder()
        .add_source(config::File::from_str(text, config::FileFormat::Yaml))
        .build()
        .map_err(|e| Error::usage(format!("profile {shown} is not valid YAML: {e}")))?;
    let raw: RawProfile = cfg
        .try_deserialize()
        .map_err(|e| Error::usage(format!("profile {shown}: {e}; see README \"Profiles\" for the format")))?;

    let field = |key: &str, v: &Option<Value>| -> Result<Option<String>> {
        match v {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => interpolate::expand(s, lookup)
                .map(Some)
                .map_err(|e| Error::usage(format!("profile {shown}, `{key}`: {e}"))),
            Some(other) => Ok(Some(other.to_string())),
        }
    };
    let boolean = |key: &str, v: &Option<Value>| -> Result<bool> {
        match field(key, v)?.as_deref().map(str::trim) {
            None => Ok(false),
            Some("true" | "yes" | "on" | "1") => Ok(true),
            Some("false" | "no" | "off" | "0" | "") => Ok(false),
            Some(other) => Err(Error::usage(format!("profile {shown}, `{key}`: `{other}` is not true or false"))),
        }
    };
    let dur = |key: &str, v: &Option<Value>| -> Result<Option<Duration>> {
        field(key, v)?
            .map(|s| duration::parse(&s).map_err(|e| Error::usage(format!("profile {shown}, `{key}`: {e}"))))
            .transpose()
    };

    let production = boolean("production", &raw.production)?;
    let lock_timeout = dur("lock_timeout", &raw.lock_timeout)?.unwrap_or(DEFAULT_LOCK_TIMEOUT);
    let statement_timeout = dur("statement_timeout", &raw.statement_timeout)?;
    let connect_timeout = dur("connect_timeout", &raw.connect_timeout)?.unwrap_or(DEFAULT_CONNECT_TIMEOUT);

    if raw.targets.is_empty() {
        return Err(Error::usage(format!("profile {shown} has no targets; add at least one under `targets:`")));
    }
    let mut targets: Vec<TargetSpec> = Vec::new();
    for (i, t) in raw.targets.into_iter().enumerate() {
        if targets.iter().any(|o| o.name == t.name) {
            return Err(Error::usage(format!("profile {shown}: target name `{}` is used twice; names must be unique", t.name)));
        }
        let schema = registry::find(&t.schema).ok_or_else(|| {
            Error::usage(format!(
                "profile {shown}, target `{}`: unknown schema `{}`; known schemas: {}",
                t.name,
                t.schema,
                registry::names().join(", ")
            ))
        })?;
        let create_database = boolean(&format!("targets[{i}].create_database"), &t.create_database)?;
        if create_database && production {
            return Err(Error::usage(format!(
                "profile {shown}, target `{}`: create_database is for local profiles only; remove it or set production: false",
                t.name
            )));
        }
        targets.push(TargetSpec { name: t.name, schema, raw_url: t.url, create_database });
    }

    Ok(Profile {
        name: name.to_string(),
        path: path.to_path_buf(),
        description: raw.description,
        production,
        lock_timeout,
        statement_timeout,
        connect_timeout,
        targets,
        etl: raw.etl,
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
                    "profile {} has no target `{n}`; its targets are: {}",
                    self.name,
                    known.join(", ")
                )));
            }
        }
        self.targets
            .iter()
            .filter(|t| names.is_empty() || names.contains(&t.name))
            .map(|t| {
                let url = interpolate::expand(&t.raw_url, lookup).map_err(|e| {
                    Error::usage(format!(
                        "profile {}, target `{}` url: {e}; set it in the environment or in .env",
                        self.name, t.name
                    ))
                })?;
                if url.trim().is_empty() {
                    return Err(Error::usage(format!(
                        "profile {}, target `{}`: the url is empty; set the variable it names",
                        self.name, t.name
                    )));
                }
                Ok(Target { name: t.name.clone(), schema: t.schema, url, create_database: t.create_database })
            })
            .collect()
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
        let t = prof.select_with(&[], &env).unwrap();
        assert_eq!(t[0].url, "postgres://a@h/a");
        assert_eq!(t[0].schema.name, "morse");
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
