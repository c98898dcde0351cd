//! Totalis: the target schema (SQL and data) and the import of the legacy
//! `tls_*` database into it, images included.
//!
//! The import is a pipeline of small steps: `config` reads the profile's
//! `etl.totalis` section, `extract` streams the legacy rows, `transform`
//! turns them into target rows with pure functions, `stage` keeps them in
//! temporary tables of the target session, `images`, `upload` and `storage`
//! put the pictures in object storage, and `load` writes everything in one
//! transaction and checks it. `pipeline` runs them in order. The test
//! doubles (fake Supabase server, failure injector, legacy generator) live
//! in the dev-only crate `totalis-testkit`.

use schema_def::SchemaDef;

pub mod config;
pub mod extract;
pub mod hierarchy;
pub mod ids;
pub mod images;
pub mod load;
pub mod model;
pub mod pipeline;
pub mod progress;
pub mod stage;
pub mod storage;
pub mod transform;
pub mod upload;

pub use config::Config;

pub fn schema() -> SchemaDef {
    SchemaDef {
        name: "totalis",
        summary: "Totalis coaches, categories and app_config, with the legacy import's id and image maps",
        migrations: schema_def::embed!("migrations"),
        test_data: Some(include_str!("../test-data/test_data.sql")),
        prerequisites: None,
        dev_base: None,
        expected_catalog: Some(include_str!("../catalog/totalis.json")),
        down: include!(concat!(env!("OUT_DIR"), "/down.rs")),
        shared_objects: &[],
        version_catalogs: Some(include_str!("../catalog/totalis.versions.json")),
        integrity_checks: Some(include_str!("../checks/integrity.sql")),
        legacy: &[],
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_sql_file_is_embedded() {
        schema_def::assert_all_embedded(&super::schema());
    }
}
