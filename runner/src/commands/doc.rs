//! `runner doc`: write each schema's page, `docs/schema/<schema>.md`, from its
//! committed expected catalog (no database needed); `--check` only compares.

use std::path::{Path, PathBuf};

use schema_def::SchemaDef;

use crate::catalog::Catalog;
use crate::commands::snapshot::write_or_check;
use crate::doc::{self, Source};
use crate::error::{Error, Result};
use crate::registry;

/// The workspace's `docs/schema`.
pub fn default_dir() -> PathBuf {
    workspace().join("docs").join("schema")
}

fn workspace() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("runner sits in the workspace")
}

/// The page of one schema, from the catalog embedded in its crate.
pub fn render(def: &SchemaDef) -> Result<String> {
    let text = def.expected_catalog.ok_or_else(|| {
        Error::usage(format!("schema {} has no expected catalog; run `runner snapshot --schema {}`", def.name, def.name))
    })?;
    let catalog = Catalog::from_json(text).map_err(|e| Error::failed(format!("expected catalog of {}: {e}", def.name)))?;
    let path = def.catalog_path();
    let relative = path.strip_prefix(workspace()).unwrap_or(&path).to_string_lossy().replace('\\', "/");
    let newest = def.sorted_migrations().last().map(|m| m.to_string()).unwrap_or_default();
    Ok(doc::page(&Source { schema: def.name, summary: def.summary, catalog_path: &relative, newest: &newest }, &catalog))
}

pub fn run(schemas: &[String], check: bool, dir: Option<&Path>) -> Result<()> {
    let defs = registry::select(schemas)?;
    let dir = dir.map(Path::to_path_buf).unwrap_or_else(default_dir);
    let mut stale = Vec::new();
    for def in defs {
        let path = dir.join(format!("{}.md", def.name));
        let known_stale = stale.len();
        if write_or_check(&path, &render(def)?, check, &mut stale)? {
            log::info!("[{}] wrote {}", def.name, path.display());
        } else if stale.len() == known_stale {
            log::info!("[{}] {} is current", def.name, path.display());
        }
    }
    if stale.is_empty() {
        Ok(())
    } else {
        Err(Error::problems(format!(
            "schema pages out of date: {}; run `runner doc` (without --check) and commit the pages",
            stale.join(", ")
        )))
    }
}
