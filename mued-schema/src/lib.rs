//! MUED: the RAG metrics tables that live beside the LMS's own schema (SQL and data only).

use schema_def::SchemaDef;

mod embedded {
    refinery::embed_migrations!("migrations");
}

pub fn schema() -> SchemaDef {
    SchemaDef {
        name: "mued",
        summary: "MUED LMS RAG metrics and provenance tables (needs the app's users table)",
        migrations: || embedded::migrations::runner().get_migrations().clone(),
        migrations_dir: concat!(env!("CARGO_MANIFEST_DIR"), "/migrations"),
        test_data: Some(include_str!("../test-data/test_data.sql")),
        prerequisites: Some(include_str!("../sql/prerequisites.sql")),
        dev_base: Some(include_str!("../sql/dev_base.sql")),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_sql_file_is_embedded() {
        let def = super::schema();
        assert!(!(def.migrations)().is_empty(), "no migrations embedded");
        assert_eq!(def.unembedded_files(), Vec::<String>::new(), "misnamed migration files (refinery skips them silently): use V<n>__<snake_name>.sql");
    }
}
