//! `runner etl totalis [--dry-run]`: the Totalis legacy import, configured by
//! the profile's `etl.totalis` section.
//!
//! ```yaml
//! etl:
//!   totalis:
//!     source_url: ${TOTALIS_LEGACY_DATABASE_URL}
//!     target: totalis
//!     storage: { kind: filesystem, root: ./target/totalis-storage, public_base_url: http://localhost:8000/storage }
//!     # storage: { kind: supabase, url: https://abc.supabase.co, service_key_env: SUPABASE_SERVICE_ROLE_KEY }
//!     reference_year: 2025            # default: each row's time_create year
//!     sex_map: { M: male, F: female, N: non_binary }
//!     default_coach: Daniel           # exact legacy name, or { legacy_id: 1 }
//! ```

use std::path::PathBuf;

use serde::Deserialize;
use serde_json::Value;
use totalis_etl::pipeline::{self, EtlError, Settings};
use totalis_etl::storage::{FilesystemStorage, HttpOptions, Storage, SupabaseStorage};
use totalis_etl::transform::{CoachSelector, SexMap};

use crate::commands::status::Format;
use crate::db::{self, DbUrl};
use crate::error::{describe_pg, Error, Result};
use crate::profile::Profile;
use crate::session::{self, Missing};
use crate::{history, interpolate, lock, plan};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSpec {
    source_url: String,
    target: String,
    storage: RawStorage,
    #[serde(default)]
    reference_year: Option<Value>,
    #[serde(default)]
    sex_map: Option<serde_json::Map<String, Value>>,
    #[serde(default)]
    default_coach: Option<Value>,
    #[serde(default)]
    buckets: Option<RawBuckets>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBuckets {
    coaches: Option<String>,
    categories: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase", deny_unknown_fields)]
enum RawStorage {
    Filesystem { root: PathBuf, public_base_url: String },
    Supabase { url: String, service_key_env: String, timeout: Option<String>, retries: Option<Value> },
}

/// `${VAR}` in every string of the section.
fn expand(v: Value, lookup: &dyn Fn(&str) -> Option<String>) -> std::result::Result<Value, String> {
    Ok(match v {
        Value::String(s) => Value::String(interpolate::expand(&s, lookup)?),
        Value::Array(a) => Value::Array(a.into_iter().map(|x| expand(x, lookup)).collect::<std::result::Result<_, _>>()?),
        Value::Object(o) => Value::Object(o.into_iter().map(|(k, x)| Ok((k, expand(x, lookup)?))).collect::<std::result::Result<_, String>>()?),
        other => other,
    })
}

fn int(v: &Value) -> Option<i64> {
    v.as_i64().or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
}

pub struct Spec {
    pub source_url: String,
    pub target: String,
    pub storage: Box<dyn Storage>,
    pub settings: Settings,
}

pub fn spec(profile: &Profile, lookup: &dyn Fn(&str) -> Option<String>) -> Result<Spec> {
    let bad = |what: String| Error::usage(format!("profile {}, etl.totalis: {what}; see README \"Totalis import\"", profile.name));
    let section = profile
        .etl
        .as_ref()
        .and_then(|e| e.get("totalis"))
        .cloned()
        .ok_or_else(|| Error::usage(format!("profile {} has no etl.totalis section; add one (README \"Totalis import\")", profile.name)))?;
    let section = expand(section, lookup).map_err(bad)?;
    if let Value::Object(o) = &section {
        crate::profile::expect_text(o, &["source_url", "target"]).map_err(bad)?;
        if let Some(Value::Object(s)) = o.get("storage") {
            crate::profile::expect_text(s, &["kind", "url", "service_key_env", "timeout", "root", "public_base_url"])
                .map_err(|e| bad(format!("storage: {e}")))?;
        }
    }
    let raw: RawSpec = serde_json::from_value(section).map_err(|e| bad(crate::profile::describe_serde(&e)))?;
    let mut settings = Settings::default();
    if let Some(y) = &raw.reference_year {
        let year = int(y).filter(|y| (1900..=2200).contains(y)).ok_or_else(|| bad(format!("reference_year `{y}` is not a year")))?;
        settings.transform.reference_year = Some(year as i32);
    }
    if let Some(map) = raw.sex_map {
        let pairs = map
            .into_iter()
            .map(|(k, v)| match v {
                Value::Null => Ok((k, None)),
                Value::String(s) if s == "null" || s.is_empty() => Ok((k, None)),
                Value::String(s) => Ok((k, Some(s))),
                other => Err(bad(format!("sex_map value `{other}` for `{k}` is not a text or null"))),
            })
            .collect::<Result<Vec<_>>>()?;
        settings.transform.sex_map = SexMap::from_pairs(pairs).map_err(|e| bad(format!("sex_map: {e}")))?;
    }
    settings.transform.default_coach = match raw.default_coach {
        None => CoachSelector::Name("Daniel".into()),
        Some(Value::String(name)) => CoachSelector::Name(name),
        Some(Value::Number(n)) => CoachSelector::LegacyId(n.as_i64().and_then(|n| i32::try_from(n).ok()).ok_or_else(|| bad(format!("default_coach {n} is not a legacy id")))?),
        Some(Value::Object(o)) => match (o.get("legacy_id"), o.get("name")) {
            (Some(id), None) => CoachSelector::LegacyId(int(id).and_then(|n| i32::try_from(n).ok()).ok_or_else(|| bad(format!("default_coach.legacy_id `{id}` is not a number")))?),
            (None, Some(Value::String(n))) => CoachSelector::Name(n.clone()),
            _ => return Err(bad("default_coach takes a name, or { legacy_id: N } or { name: TEXT }".into())),
        },
        Some(other) => return Err(bad(format!("default_coach `{other}` is neither a name nor a legacy id"))),
    };
    if let Some(b) = raw.buckets {
        settings.coach_bucket = b.coaches.unwrap_or(settings.coach_bucket);
        settings.category_bucket = b.categories.unwrap_or(settings.category_bucket);
    }
    let storage: Box<dyn Storage> = match raw.storage {
        RawStorage::Filesystem { root, public_base_url } => Box::new(FilesystemStorage::new(root, public_base_url)),
        RawStorage::Supabase { url, service_key_env, timeout, retries } => {
            let key = lookup(&service_key_env)
                .filter(|k| !k.trim().is_empty())
                .ok_or_else(|| bad(format!("the Supabase service key variable {service_key_env} is not set; export it or put it in .env")))?;
            crate::secrets::register(&key);
            let mut opts = HttpOptions::default();
            if let Some(t) = timeout {
                opts.timeout = crate::duration::parse(&t).map_err(|e| bad(format!("storage.timeout: {e}")))?;
            }
            if let Some(r) = retries {
                opts.retries = int(&r).and_then(|n| u32::try_from(n).ok()).ok_or_else(|| bad(format!("storage.retries `{r}` is not a count")))?;
            }
            Box::new(SupabaseStorage::new(url.trim_end_matches('/').to_string(), key, opts))
        }
    };
    Ok(Spec { source_url: raw.source_url, target: raw.target, storage, settings })
}

fn map_error(e: EtlError) -> Error {
    match &e {
        EtlError::Invalid(_) => Error::problems(e.to_string()),
        _ => Error::failed(e.to_string()),
    }
}

pub fn run(profile: &Profile, dry_run: bool, format: Format) -> Result<()> {
    let lookup = |name: &str| std::env::var(name).ok();
    let mut spec = spec(profile, &lookup)?;
    let target = profile.select(std::slice::from_ref(&spec.target)).map_err(|e| e.context("etl.totalis.target"))?.remove(0);
    if target.schema.name != "totalis" {
        return Err(Error::usage(format!(
            "etl.totalis.target `{}` has schema {}; it must be a target with schema: totalis",
            target.name, target.schema.name
        )));
    }
    if spec.source_url.trim().is_empty() {
        return Err(Error::usage("etl.totalis.source_url is empty; set the variable it names"));
    }
    spec.settings.dry_run = dry_run;
    spec.settings.progress = std::io::IsTerminal::is_terminal(&std::io::stderr()) && log::log_enabled!(log::Level::Info);

    let source_url = DbUrl::parse(&spec.source_url).map_err(|e| e.context("etl.totalis.source_url"))?;
    let mut source = db::connect(&source_url, profile.connect_timeout, "runner etl totalis (read-only)")
        .map_err(|e| e.into_error().context("legacy database (etl.totalis.source_url)"))?;
    source
        .batch_execute("SET default_transaction_read_only = on")
        .map_err(|e| Error::failed(format!("legacy database: {}", describe_pg(&e))))?;

    let mut s = session::open(&target, super::migrate::timeouts(profile), Missing::Fail, "runner etl totalis")?;
    s.require_supported(&target.name)?;
    let applied = history::read(&mut s.client, &target.schema.history_table())
        .map_err(|e| e.context(&target.name))?;
    let p = plan::plan(target.schema, applied);
    if !p.pending.is_empty() || !p.problems.is_empty() {
        return Err(Error::problems(format!(
            "target {}: the totalis schema is not at its newest version ({} pending{}); run `runner --profile {} migrate --target {}` first",
            target.name,
            p.pending.len(),
            if p.problems.is_empty() { String::new() } else { format!(", {} history problems", p.problems.len()) },
            profile.name,
            target.name
        )));
    }
    log::info!(
        "[{}] importing from {} into {} ({}), images to {}{}",
        target.name,
        source_url,
        s.url,
        target.schema.name,
        spec.storage.describe(),
        if dry_run { " (dry run)" } else { "" }
    );
    // The schema's migration lock: no migrate or second import meanwhile.
    let key = lock::key(&s.database, target.schema.name);
    lock::acquire(&mut s.client, key, profile.lock_timeout, &target.name)?;
    let result = pipeline::run(&mut source, &mut s.client, spec.storage.as_ref(), &spec.settings);
    lock::release(&mut s.client, key);
    let report = result.map_err(map_error).map_err(|e| e.context(format!("[{}]", target.name)))?;
    match format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&report).expect("report serializes")),
        Format::Text => print!("{}", report.text()),
    }
    log::info!(
        "[{}] {} rows in {:.2} s ({:.0} rows/s), {:.1} MB of images {}",
        target.name,
        report.rows(),
        report.seconds,
        report.rows() as f64 / report.seconds.max(1e-9),
        report.images.bytes_uploaded as f64 / 1e6,
        if dry_run { "to upload" } else { "uploaded" }
    );
    Ok(())
}
