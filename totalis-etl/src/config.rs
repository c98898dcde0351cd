//! The profile's `etl.totalis` section, as the import reads it. The runner
//! expands `${VAR}` in it, then hands it to [`Config`]; everything else
//! (validation, defaults, the storage client) happens here.
//!
//! ```yaml
//! etl:
//!   totalis:
//!     source_url: ${TOTALIS_LEGACY_DATABASE_URL}
//!     target: totalis
//!     storage: { kind: filesystem, root: ./target/totalis-storage, public_base_url: http://localhost:8000/storage }
//!     # storage: { kind: supabase, url: https://abc.supabase.co, service_key_env: SUPABASE_SERVICE_ROLE_KEY, timeout: 30s, retries: 3 }
//!     reference_year: 2025            # default: each row's time_create year
//!     sex_map: { M: male, F: female, N: non_binary }
//!     default_coach: Daniel           # exact legacy name, or { legacy_id: 1 }
//!     buckets: { coaches: coach-images, categories: category-icons }
//!     upload_concurrency: 8           # uploads in flight at once
//! ```

use std::path::PathBuf;
use std::time::Duration;

use serde::Deserialize;
use serde_json::Value;

use crate::pipeline::Settings;
use crate::storage::{FilesystemStorage, HttpOptions, Storage, SupabaseStorage};
use crate::transform::{CoachSelector, SexMap};

/// Uploads in flight at once when the profile does not say.
pub const DEFAULT_UPLOAD_CONCURRENCY: usize = 8;
/// More would only queue at the storage service.
const MAX_UPLOAD_CONCURRENCY: i64 = 64;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The legacy database (only read).
    pub source_url: String,
    /// The profile target (schema totalis) the import writes to.
    pub target: String,
    pub storage: StorageConfig,
    #[serde(default)]
    reference_year: Option<Value>,
    #[serde(default)]
    sex_map: Option<serde_json::Map<String, Value>>,
    #[serde(default)]
    default_coach: Option<Value>,
    #[serde(default)]
    buckets: Option<Buckets>,
    #[serde(default)]
    upload_concurrency: Option<Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Buckets {
    coaches: Option<String>,
    categories: Option<String>,
}

/// Where the images go.
#[derive(Debug, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase", deny_unknown_fields)]
pub enum StorageConfig {
    Filesystem { root: PathBuf, public_base_url: String },
    Supabase { url: String, service_key_env: String, timeout: Option<String>, retries: Option<Value> },
}

/// Whole numbers may arrive as text: `${VAR}` expands to a string.
fn int(v: &Value) -> Option<i64> {
    v.as_i64().or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
}

impl Config {
    /// Parse the section (after `${VAR}` expansion). The error is serde's,
    /// for the caller to word (it may quote a value).
    pub fn from_value(section: Value) -> Result<Config, serde_json::Error> {
        serde_json::from_value(section)
    }

    /// What the operator chose, checked. `dry_run` and `progress` come from
    /// the command line, not the profile.
    pub fn settings(&self) -> Result<Settings, String> {
        let mut s = Settings::default();
        if let Some(y) = &self.reference_year {
            let year = int(y).filter(|y| (1900..=2200).contains(y)).ok_or_else(|| format!("reference_year `{y}` is not a year"))?;
            s.transform.reference_year = Some(year as i32);
        }
        if let Some(map) = &self.sex_map {
            let pairs = map
                .iter()
                .map(|(k, v)| match v {
                    Value::Null => Ok((k.clone(), None)),
                    Value::String(t) if t == "null" || t.is_empty() => Ok((k.clone(), None)),
                    Value::String(t) => Ok((k.clone(), Some(t.clone()))),
                    other => Err(format!("sex_map value `{other}` for `{k}` is not a text or null")),
                })
                .collect::<Result<Vec<_>, String>>()?;
            s.transform.sex_map = SexMap::from_pairs(pairs).map_err(|e| format!("sex_map: {e}"))?;
        }
        if let Some(selector) = &self.default_coach {
            s.transform.default_coach = coach_selector(selector)?;
        }
        if let Some(b) = &self.buckets {
            s.coach_bucket = b.coaches.clone().unwrap_or(s.coach_bucket);
            s.category_bucket = b.categories.clone().unwrap_or(s.category_bucket);
        }
        if let Some(n) = &self.upload_concurrency {
            let n = int(n)
                .filter(|n| (1..=MAX_UPLOAD_CONCURRENCY).contains(n))
                .ok_or_else(|| format!("upload_concurrency `{n}` is not a count from 1 to {MAX_UPLOAD_CONCURRENCY}"))?;
            s.upload_concurrency = n as usize;
        }
        Ok(s)
    }

    /// The storage client. `secret` looks up the variable that holds the
    /// Supabase service key (the runner also registers it for redaction);
    /// `duration` parses the profile's durations (`30s`).
    pub fn storage(
        &self,
        secret: &dyn Fn(&str) -> Option<String>,
        duration: &dyn Fn(&str) -> Result<Duration, String>,
    ) -> Result<Box<dyn Storage>, String> {
        Ok(match &self.storage {
            StorageConfig::Filesystem { root, public_base_url } => Box::new(FilesystemStorage::new(root.clone(), public_base_url.clone())),
            StorageConfig::Supabase { url, service_key_env, timeout, retries } => {
                let key = secret(service_key_env)
                    .filter(|k| !k.trim().is_empty())
                    .ok_or_else(|| format!("the Supabase service key variable {service_key_env} is not set; export it or put it in .env"))?;
                let mut opts = HttpOptions { connections: self.settings()?.upload_concurrency, ..HttpOptions::default() };
                if let Some(t) = timeout {
                    opts.timeout = duration(t).map_err(|e| format!("storage.timeout: {e}"))?;
                }
                if let Some(r) = retries {
                    opts.retries = int(r).and_then(|n| u32::try_from(n).ok()).ok_or_else(|| format!("storage.retries `{r}` is not a count"))?;
                }
                Box::new(SupabaseStorage::new(url.trim_end_matches('/').to_string(), key, opts))
            }
        })
    }
}

fn coach_selector(v: &Value) -> Result<CoachSelector, String> {
    let legacy_id = |v: &Value| int(v).and_then(|n| i32::try_from(n).ok());
    match v {
        Value::String(name) => Ok(CoachSelector::Name(name.clone())),
        Value::Number(n) => legacy_id(v).map(CoachSelector::LegacyId).ok_or_else(|| format!("default_coach {n} is not a legacy id")),
        Value::Object(o) => match (o.get("legacy_id"), o.get("name")) {
            (Some(id), None) => legacy_id(id).map(CoachSelector::LegacyId).ok_or_else(|| format!("default_coach.legacy_id `{id}` is not a number")),
            (None, Some(Value::String(n))) => Ok(CoachSelector::Name(n.clone())),
            _ => Err("default_coach takes a name, or { legacy_id: N } or { name: TEXT }".into()),
        },
        other => Err(format!("default_coach `{other}` is neither a name nor a legacy id")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn config(extra: Value) -> Result<Config, String> {
        let mut v = json!({ "source_url": "postgres://x/src", "target": "totalis", "storage": { "kind": "filesystem", "root": "/tmp/s", "public_base_url": "http://x" } });
        v.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        Config::from_value(v).map_err(|e| e.to_string())
    }

    fn no_secret(_: &str) -> Option<String> {
        None
    }

    fn secs(t: &str) -> Result<Duration, String> {
        t.trim_end_matches('s').parse().map(Duration::from_secs).map_err(|_| format!("`{t}` is not a duration"))
    }

    #[test]
    fn defaults_and_every_setting() {
        let s = config(json!({})).unwrap().settings().unwrap();
        assert_eq!(s.upload_concurrency, DEFAULT_UPLOAD_CONCURRENCY);
        assert_eq!(s.transform.default_coach, CoachSelector::Name("Daniel".into()));
        assert_eq!((s.coach_bucket.as_str(), s.category_bucket.as_str()), ("coach-images", "category-icons"));

        let c = config(json!({
            "reference_year": "2025", "sex_map": { "M": "male", "X": null, "Y": "" }, "default_coach": { "legacy_id": "7" },
            "buckets": { "coaches": "c" }, "upload_concurrency": "3"
        }))
        .unwrap();
        let s = c.settings().unwrap();
        assert_eq!(s.transform.reference_year, Some(2025));
        assert_eq!(s.transform.sex_map.map(Some(" m ")).value.as_deref(), Some("male"));
        assert_eq!(s.transform.sex_map.map(Some("X")).value, None);
        assert_eq!(s.transform.default_coach, CoachSelector::LegacyId(7));
        assert_eq!((s.coach_bucket.as_str(), s.category_bucket.as_str()), ("c", "category-icons"));
        assert_eq!(s.upload_concurrency, 3);
        assert_eq!(c.storage(&no_secret, &secs).unwrap().describe(), "filesystem /tmp/s");
    }

    #[test]
    fn bad_values_name_the_setting() {
        let err = |extra: Value| config(extra).and_then(|c| c.settings()).unwrap_err();
        assert!(err(json!({ "reference_year": 99 })).contains("reference_year `99` is not a year"));
        assert!(err(json!({ "upload_concurrency": 0 })).contains("upload_concurrency `0` is not a count from 1 to 64"));
        assert!(err(json!({ "upload_concurrency": "many" })).contains("upload_concurrency"));
        assert!(err(json!({ "sex_map": { "M": "man" } })).contains("not an allowed value"));
        assert!(err(json!({ "default_coach": true })).contains("neither a name nor a legacy id"));
        assert!(err(json!({ "default_coach": { "legacy_id": 1, "name": "x" } })).contains("takes a name"));
        assert!(config(json!({ "uplod_concurrency": 2 })).unwrap_err().contains("unknown field `uplod_concurrency`"));
    }

    #[test]
    fn supabase_needs_its_key_and_takes_timeout_and_retries() {
        let c = config(json!({ "storage": { "kind": "supabase", "url": "https://abc.supabase.co/", "service_key_env": "KEY", "timeout": "5s", "retries": "2" } })).unwrap();
        let e = c.storage(&no_secret, &secs).err().unwrap();
        assert!(e.contains("KEY is not set"), "{e}");
        let s = c.storage(&|_| Some("test-password-key".into()), &secs).unwrap();
        assert_eq!(s.describe(), "supabase https://abc.supabase.co");
        let bad = config(json!({ "storage": { "kind": "supabase", "url": "u", "service_key_env": "KEY", "retries": "-1" } })).unwrap();
        assert!(bad.storage(&|_| Some("k".into()), &secs).err().unwrap().contains("storage.retries `\"-1\"` is not a count"));
    }
}
