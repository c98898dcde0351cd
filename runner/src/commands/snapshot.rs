//! `runner snapshot --schema NAME`: apply a schema's migrations to a scratch
//! database and write the catalog they produce, the expected catalog that
//! `verify` compares live databases against.

use std::time::Duration;

use postgres::Client;
use schema_def::SchemaDef;

use crate::catalog::{self, Catalog};
use crate::db::{self, DbUrl};
use crate::error::{describe_pg, Error, Result};
use crate::{executor, history, registry};

pub const DEFAULT_ADMIN_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

fn connect(url: &DbUrl) -> Result<Client> {
    db::connect(url, Duration::from_secs(10), "runner snapshot").map_err(|e| e.into_error())
}

/// The catalog `def`'s migrations produce on an empty database (beside its
/// development base tables, which are not part of it).
pub fn produce(def: &SchemaDef, admin_url: &str) -> Result<Catalog> {
    let admin = DbUrl::parse(admin_url)?;
    let name = format!("runner_snapshot_{}_{}", def.name.replace('-', "_"), std::process::id());
    let mut admin_client = connect(&admin)?;
    let create = format!("CREATE DATABASE {}", history::quote_ident(&name));
    admin_client
        .batch_execute(&create)
        .map_err(|e| Error::failed(format!("snapshot: cannot create a scratch database: {}", describe_pg(&e))))?;
    let mut scratch = admin.clone();
    scratch.config.dbname(&name);
    let result = (|| {
        let mut client = connect(&scratch)?;
        let fail = |e: postgres::Error| Error::failed(format!("snapshot of {}: {}", def.name, describe_pg(&e)));
        if let Some(sql) = def.dev_base {
            client.batch_execute(sql).map_err(fail)?;
        }
        let base = catalog::read(&mut client).map_err(fail)?;
        executor::migrate_locked(&mut client, def, &name, def.name, Duration::from_secs(60), &|_| Ok(()), false)?;
        let live = catalog::read(&mut client).map_err(fail)?;
        Ok(live.minus(&base))
    })();
    let drop = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", history::quote_ident(&name));
    if let Err(e) = admin_client.batch_execute(&drop) {
        log::warn!("could not drop scratch database {name}: {}", describe_pg(&e));
    }
    result
}

pub fn run(schemas: &[String], admin_url: &str, check: bool) -> Result<()> {
    let defs: Vec<&SchemaDef> = if schemas.is_empty() {
        registry::all().iter().collect()
    } else {
        schemas
            .iter()
            .map(|n| {
                registry::find(n).ok_or_else(|| {
                    Error::usage(format!("unknown schema `{n}`; known schemas: {}", registry::names().join(", ")))
                })
            })
            .collect::<Result<_>>()?
    };
    let mut stale = Vec::new();
    for def in defs {
        let produced = produce(def, admin_url)?;
        let path = def.catalog_path();
        let current = std::fs::read_to_string(&path).ok();
        let json = produced.to_json();
        if current.as_deref() == Some(json.as_str()) {
            log::info!("[{}] {} is current ({} objects)", def.name, path.display(), produced.object_count());
        } else if check {
            stale.push(format!("{} ({})", def.name, path.display()));
        } else {
            std::fs::create_dir_all(path.parent().expect("catalog dir")).map_err(|e| Error::failed(format!("{}: {e}", path.display())))?;
            std::fs::write(&path, &json).map_err(|e| Error::failed(format!("{}: {e}", path.display())))?;
            log::info!("[{}] wrote {} ({} objects)", def.name, path.display(), produced.object_count());
        }
    }
    if stale.is_empty() {
        Ok(())
    } else {
        Err(Error::problems(format!(
            "expected catalog out of date for {}; run `runner snapshot` (without --check) and commit the files",
            stale.join(", ")
        )))
    }
}
