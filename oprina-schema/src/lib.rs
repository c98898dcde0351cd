//! Oprina: the chat and avatar API schema (SQL and data only).

use schema_def::SchemaDef;

mod embedded {
    refinery::embed_migrations!("migrations");
}

pub fn schema() -> SchemaDef {
    SchemaDef {
        name: "oprina",
        summary: "Oprina chat, avatar usage and service-token API",
        migrations: || embedded::migrations::runner().get_migrations().clone(),
        migrations_dir: concat!(env!("CARGO_MANIFEST_DIR"), "/migrations"),
        test_data: Some(include_str!("../test-data/test_data.sql")),
        prerequisites: None,
        dev_base: None,
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
