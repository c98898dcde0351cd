//! `runner snapshot --schema NAME`: apply a schema's migrations to a scratch
//! database and write the catalog they produce, the expected catalog that
//! `verify` compares live databases against.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use postgres::Client;
use schema_def::SchemaDef;

use crate::catalog::{self, Catalog};
use crate::db::{self, DbUrl};
use crate::error::{describe_pg, Error, Result};
use crate::plan::Plan;
use crate::{executor, history, registry};

pub const DEFAULT_ADMIN_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

fn connect(url: &DbUrl) -> Result<Client> {
    db::connect(url, Duration::from_secs(10), "runner snapshot").map_err(|e| e.into_error())
}

/// What a schema's migrations produce: the newest catalog, and every
/// version's objects (flattened) for rollback's check.
#[derive(Debug, PartialEq, Eq)]
pub struct Snapshot {
    pub newest: Catalog,
    pub versions: BTreeMap<i32, BTreeMap<String, String>>,
}

impl Snapshot {
    pub fn versions_json(&self) -> String {
        serde_json::to_string_pretty(&self.versions).expect("json") + "\n"
    }
}

/// Per-version objects as committed: version → (`kind name` → hash).
pub fn parse_versions(text: &str) -> Result<BTreeMap<i32, BTreeMap<String, String>>, String> {
    serde_json::from_str(text).map_err(|e| e.to_string())
}

/// A schema's committed per-version catalogs, for comparing a live database
/// with one version (rollback's check, adopt's matching).
pub struct VersionCatalogs {
    pub versions: BTreeMap<i32, BTreeMap<String, String>>,
    /// Every object any version has.
    pub all: BTreeSet<String>,
}

impl VersionCatalogs {
    pub fn of(def: &SchemaDef) -> Result<VersionCatalogs> {
        let text = def.version_catalogs.ok_or_else(|| {
            Error::usage(format!("schema {} has no version catalogs; run `runner snapshot --schema {}`", def.name, def.name))
        })?;
        let versions = parse_versions(text).map_err(|e| Error::failed(format!("version catalogs of {}: {e}", def.name)))?;
        let all = versions.values().flat_map(|m| m.keys().cloned()).collect();
        Ok(VersionCatalogs { versions, all })
    }

    /// The live objects against version `v`: the missing or different
    /// objects of `v` (as messages), and the present objects that only other
    /// versions have (as keys; the caller says what they mean).
    pub fn compare<'a>(&'a self, live: &BTreeMap<String, String>, v: i32) -> (Vec<String>, Vec<&'a String>) {
        let empty = BTreeMap::new();
        let expected = self.versions.get(&v).unwrap_or(&empty);
        let mut own = Vec::new();
        for (key, hash) in expected {
            match live.get(key) {
                None => own.push(format!("{key} is missing")),
                Some(h) if h != hash => own.push(format!("{key} differs from version {v}")),
                _ => {}
            }
        }
        let others = self.all.iter().filter(|k| !expected.contains_key(*k) && live.contains_key(*k)).collect();
        (own, others)
    }
}

/// Apply `def`'s migrations one version at a time to an empty scratch
/// database (beside its development base tables, which are not part of it).
pub fn produce(def: &SchemaDef, admin_url: &str) -> Result<Snapshot> {
    let admin = DbUrl::parse(admin_url)?;
    let name = format!("runner_snapshot_{}_{}", def.name.replace('-', "_"), std::process::id());
    let mut admin_client = connect(&admin)?;
    let create = format!("CREATE DATABASE {}", history::quote_ident(&name));
    admin_client
        .batch_execute(&create)
        .map_err(|e| Error::failed(format!("snapshot: cannot create a scratch database: {}", describe_pg(&e))))?;
    let scratch = admin.with_dbname(&name);
    let result = (|| {
        let mut client = connect(&scratch)?;
        let fail = |e: postgres::Error| Error::failed(format!("snapshot of {}: {}", def.name, describe_pg(&e)));
        if let Some(sql) = def.dev_base {
            client.batch_execute(sql).map_err(fail)?;
        }
        let base = catalog::read(&mut client).map_err(fail)?;
        client.batch_execute(&history::create_sql(&def.history_table())).map_err(fail)?;
        let mut snapshot = Snapshot { newest: Catalog::default(), versions: BTreeMap::new() };
        for m in def.sorted_migrations() {
            let step = Plan { applied: Vec::new(), pending: vec![m.clone()], problems: Vec::new() };
            executor::apply(&mut client, def, def.name, &step)?;
            let cat = catalog::read(&mut client).map_err(fail)?.minus(&base);
            snapshot.versions.insert(m.version(), cat.flatten(def.shared_objects));
            snapshot.newest = cat;
        }
        Ok(snapshot)
    })();
    let drop = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", history::quote_ident(&name));
    if let Err(e) = admin_client.batch_execute(&drop) {
        log::warn!("could not drop scratch database {name}: {}", describe_pg(&e));
    }
    result
}

/// Write `text` to `path` unless it already holds it; with `check`, only
/// add the path to `stale`. Returns whether it wrote.
pub(crate) fn write_or_check(path: &std::path::Path, json: &str, check: bool, stale: &mut Vec<String>) -> Result<bool> {
    if std::fs::read_to_string(path).ok().as_deref() == Some(json) {
        return Ok(false);
    }
    if check {
        stale.push(path.display().to_string());
        return Ok(false);
    }
    std::fs::create_dir_all(path.parent().expect("catalog dir")).map_err(|e| Error::failed(format!("{}: {e}", path.display())))?;
    std::fs::write(path, json).map_err(|e| Error::failed(format!("{}: {e}", path.display())))?;
    Ok(true)
}

pub fn run(schemas: &[String], admin_url: &str, check: bool) -> Result<()> {
    let defs = registry::select(schemas)?;
    let mut stale = Vec::new();
    for def in defs {
        let produced = produce(def, admin_url)?;
        let newest = def.catalog_path();
        let versions = def.version_catalogs_path();
        let wrote = write_or_check(&newest, &produced.newest.to_json(), check, &mut stale)?
            | write_or_check(&versions, &produced.versions_json(), check, &mut stale)?;
        let verb = if wrote { "wrote" } else { "checked" };
        log::info!("[{}] {verb} {} ({} objects) and {}", def.name, newest.display(), produced.newest.object_count(), versions.display());
    }
    if stale.is_empty() {
        Ok(())
    } else {
        Err(Error::problems(format!(
            "expected catalogs out of date: {}; run `runner snapshot` (without --check) and commit the files",
            stale.join(", ")
        )))
    }
}
