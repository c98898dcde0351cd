//! Socrates: two migration sets, one per database (auth and specs). SQL and data only.

use schema_def::SchemaDef;

/// `socrates-auth`: users, refresh tokens and administration (database socrates_auth).
pub fn auth() -> SchemaDef {
    SchemaDef {
        name: "socrates-auth",
        summary: "Socrates authentication database (users, tokens, admin)",
        migrations: schema_def::embed!("migrations/auth"),
        test_data: Some(include_str!("../test-data/auth.sql")),
        prerequisites: None,
        dev_base: None,
        expected_catalog: Some(include_str!("../catalog/socrates-auth.json")),
        down: include!(concat!(env!("OUT_DIR"), "/down_auth.rs")),
        shared_objects: &[],
        version_catalogs: Some(include_str!("../catalog/socrates-auth.versions.json")),
        integrity_checks: Some(include_str!("../checks/auth.sql")),
        legacy: &[],
    }
}

/// `socrates-specs`: projects, sessions, specifications and the rest (database socrates_specs).
pub fn specs() -> SchemaDef {
    SchemaDef {
        name: "socrates-specs",
        summary: "Socrates specifications database (projects, sessions, specifications, ...)",
        migrations: schema_def::embed!("migrations/specs"),
        test_data: Some(include_str!("../test-data/specs.sql")),
        prerequisites: None,
        dev_base: None,
        expected_catalog: Some(include_str!("../catalog/socrates-specs.json")),
        down: include!(concat!(env!("OUT_DIR"), "/down_specs.rs")),
        shared_objects: &[],
        version_catalogs: Some(include_str!("../catalog/socrates-specs.versions.json")),
        integrity_checks: Some(include_str!("../checks/specs.sql")),
        legacy: &[],
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_sql_file_is_embedded() {
        schema_def::assert_all_embedded(&super::auth());
        schema_def::assert_all_embedded(&super::specs());
    }
}
