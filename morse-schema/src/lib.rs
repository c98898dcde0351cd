//! MORSE: the voice workout tracker's schema (SQL and data only).

use schema_def::SchemaDef;

pub fn schema() -> SchemaDef {
    SchemaDef {
        name: "morse",
        summary: "MORSE voice workout tracker (API + worker)",
        migrations: schema_def::embed!("migrations"),
        test_data: Some(include_str!("../test-data/test_data.sql")),
        prerequisites: None,
        dev_base: None,
        expected_catalog: Some(include_str!("../catalog/morse.json")),
        down: include!(concat!(env!("OUT_DIR"), "/down.rs")),
        shared_objects: &[],
        version_catalogs: Some(include_str!("../catalog/morse.versions.json")),
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
