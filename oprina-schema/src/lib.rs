//! Oprina: the chat and avatar API schema (SQL and data only).

use schema_def::{LegacyState, SchemaDef};

pub fn schema() -> SchemaDef {
    SchemaDef {
        name: "oprina",
        summary: "Oprina chat, avatar usage and service-token API",
        migrations: schema_def::embed!("migrations"),
        test_data: Some(include_str!("../test-data/test_data.sql")),
        prerequisites: None,
        dev_base: None,
        expected_catalog: Some(include_str!("../catalog/oprina.json")),
        down: include!(concat!(env!("OUT_DIR"), "/down.rs")),
        // The app's Supabase migration (contact tables) redefines it with
        // another body on the same database.
        shared_objects: &["function update_updated_at_column()"],
        version_catalogs: Some(include_str!("../catalog/oprina.versions.json")),
        integrity_checks: Some(include_str!("../checks/integrity.sql")),
        legacy: &[LegacyState {
            name: "psql 001-003 (the run stopped at 004)",
            evidence: "SELECT 'service_tokens exists, but none of 004''s constraints and no schema_migrations (005)'
                        WHERE to_regclass('service_tokens') IS NOT NULL AND to_regclass('schema_migrations') IS NULL
                          AND NOT EXISTS (SELECT FROM pg_constraint WHERE conname = 'chk_users_email_format'
                                            AND connamespace = current_schema()::regnamespace)",
            version: 3,
            converge: include_str!("../sql/adopt_psql_001_003.sql"),
        }],
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_sql_file_is_embedded() {
        schema_def::assert_all_embedded(&super::schema());
    }
}
