//! `runner snapshot --schema NAME`: apply a schema's migrations to a scratch
//! database and write the catalog they produce, the expected catalog that
//! `verify` compares live databases against.

use std::collections::BTreeMap;
use std::time::Duration;

use postgres::Client;
use schema_def::SchemaDef;

use crate::catalog::{self, Catalog};
use crate::db::DbUrl;
use crate::error::{describe_pg, Context, Error, Result};
use crate::plan::Plan;
use crate::{executor, history, registry};

pub const DEFAULT_ADMIN_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

fn connect(url: &DbUrl) -> Result<Client> {
    crate::session::connect_url(url, Duration::from_secs(10), "runner snapshot")
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

/// Apply `def`'s migrations one version at a time to an empty scratch
/// database (beside its development base tables, which are not part of it).
pub fn produce(def: &SchemaDef, admin_url: &str) -> Result<Snapshot> {
    let admin = DbUrl::parse(admin_url)?;
    let name = format!("runner_snapshot_{}_{}", def.name.replace('-', "_"), std::process::id());
    let mut admin_client = connect(&admin)?;
    let create = format!("CREATE DATABASE {}", history::quote_ident(&name));
    admin_client
        .batch_execute(&create)
        .context("snapshot: cannot create a scratch database")?;
    let scratch = admin.with_dbname(&name);
    let result = (|| {
        let mut client = connect(&scratch)?;
        let what = format!("snapshot of {}", def.name);
        if let Some(sql) = def.dev_base {
            client.batch_execute(sql).context(&what)?;
        }
        let base = catalog::read(&mut client).context(&what)?;
        client.batch_execute(&history::create_sql(&def.history_table())).context(&what)?;
        let mut snapshot = Snapshot { newest: Catalog::default(), versions: BTreeMap::new() };
        for m in def.sorted_migrations() {
            let step = Plan { applied: Vec::new(), pending: vec![m.clone()], problems: Vec::new() };
            executor::apply(&mut client, def, def.name, &step)?;
            let cat = catalog::read(&mut client).context(&what)?.minus(&base);
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
