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
//!     upload_concurrency: 8           # uploads in flight at once
//! ```
//!
//! The section's fields are `totalis_etl::Config`'s; this command expands
//! `${VAR}`, connects, takes the schema's lock and runs the pipeline.

use serde_json::Value;
use totalis_etl::pipeline::{self, EtlError, Settings};
use totalis_etl::storage::Storage;
use totalis_etl::Config;

use crate::db::DbUrl;
use crate::error::{Context, Error, Result};
use crate::interpolate;
use crate::output::Format;
use crate::profile::Profile;
use crate::session::{self, Access};
use crate::target;

/// `${VAR}` in every string of the section.
fn expand(v: Value, lookup: &dyn Fn(&str) -> Option<String>) -> std::result::Result<Value, String> {
    Ok(match v {
        Value::String(s) => Value::String(interpolate::expand(&s, lookup)?),
        Value::Array(a) => Value::Array(a.into_iter().map(|x| expand(x, lookup)).collect::<std::result::Result<_, _>>()?),
        Value::Object(o) => Value::Object(o.into_iter().map(|(k, x)| Ok((k, expand(x, lookup)?))).collect::<std::result::Result<_, String>>()?),
        other => other,
    })
}

pub struct Spec {
    pub source_url: String,
    pub target: String,
    pub storage: Box<dyn Storage>,
    pub settings: Settings,
}

/// The profile's `etl.totalis` section, `${VAR}`s expanded, read by the
/// import's own [`Config`]; the Supabase key is registered as a secret.
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
    let config = Config::from_value(section).map_err(|e| bad(crate::profile::describe_serde(&e)))?;
    let settings = config.settings().map_err(bad)?;
    let secret = |name: &str| {
        let key = lookup(name);
        if let Some(k) = key.as_deref().filter(|k| !k.trim().is_empty()) {
            crate::secrets::register(k);
        }
        key
    };
    let storage = config.storage(&secret, &crate::duration::parse).map_err(bad)?;
    Ok(Spec { source_url: config.source_url, target: config.target, storage, settings })
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
    let connect_source = || -> Result<postgres::Client> {
        let mut source = session::connect_url(&source_url, profile.connect_timeout, "runner etl totalis (read-only)")
            .map_err(|e| e.context("legacy database (etl.totalis.source_url)"))?;
        source.batch_execute("SET default_transaction_read_only = on").context("legacy database")?;
        Ok(source)
    };
    let mut source = connect_source()?;
    // More connections on which the legacy server hashes the images while
    // the first one reads the rows.
    let mut hashers = (0..pipeline::HASHERS).map(|_| connect_source()).collect::<Result<Vec<_>>>()?;

    target::refuse_pooler(std::slice::from_ref(&target), "etl")?;
    let s = target::open(profile, &target, Access::changing("runner etl totalis"))?;
    let p = &s.plan;
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
        target.url,
        target.schema.name,
        spec.storage.describe(),
        if dry_run { " (dry run)" } else { "" }
    );
    // The schema's migration lock: no migrate or second import meanwhile.
    let mut locked = s.lock(false)?;
    let result = pipeline::run(&mut source, &mut hashers, &mut locked.client, spec.storage.as_ref(), &spec.settings);
    drop(locked);
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
