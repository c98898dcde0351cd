//! MUED: the RAG metrics tables that live beside the LMS's own schema (SQL and data only).

use schema_def::SchemaDef;

pub fn schema() -> SchemaDef {
    SchemaDef {
        name: "mued",
        summary: "MUED LMS RAG metrics and provenance tables (needs the app's users table)",
        migrations: schema_def::embed!("migrations"),
        test_data: Some(include_str!("../test-data/test_data.sql")),
        prerequisites: Some(include_str!("../sql/prerequisites.sql")),
        dev_base: Some(include_str!("../sql/dev_base.sql")),
        expected_catalog: Some(include_str!("../catalog/mued.json")),
        down: include!(concat!(env!("OUT_DIR"), "/down.rs")),
        // The application defines and uses it too: never dropped by us.
        shared_objects: &["function update_updated_at_column()"],
        version_catalogs: Some(include_str!("../catalog/mued.versions.json")),
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
