//! MUED: the RAG metrics tables that live beside the LMS's own schema (SQL and data only).

use schema_def::{LegacyState, SchemaDef};

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
        // Our V1-V3 converge on both (CREATE ... IF NOT EXISTS, ADD COLUMN IF NOT
        // EXISTS, constraints added where missing), so nothing is recorded.
        legacy: &[
            LegacyState {
                name: "the application's Drizzle migrations",
                evidence: "SELECT 'drizzle.__drizzle_migrations holds ' || count(*) || ' migrations' FROM drizzle.__drizzle_migrations HAVING count(*) > 0",
                version: 0,
                converge: "",
            },
            LegacyState {
                name: "the hand-run 0006-0008 scripts",
                // The original rollback leaves ai_dialogue_log behind, so it is the sign.
                evidence: "SELECT count(*) || ' of the 4 RAG tables exist' FROM pg_tables
                            WHERE schemaname = current_schema() AND tablename IN ('ai_dialogue_log', 'provenance', 'rag_metrics_history', 'plugin_registry')
                           HAVING bool_or(tablename = 'ai_dialogue_log')",
                version: 0,
                converge: "",
            },
        ],
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_sql_file_is_embedded() {
        schema_def::assert_all_embedded(&super::schema());
    }
}
