//! Socrates: two migration sets, one per database (auth and specs). SQL and data only.

use schema_def::{LegacyState, SchemaDef};

const ADOPT_ALEMBIC: &str = include_str!("../sql/adopt_alembic.sql");

/// An Alembic revision of `alembic_version` and the version it corresponds to.
const fn alembic(name: &'static str, evidence: &'static str, version: i32) -> LegacyState {
    LegacyState { name, evidence, version, converge: ADOPT_ALEMBIC }
}

const AUTH_LEGACY: &[LegacyState] = &[
    alembic("Alembic 002", "SELECT 'alembic_version holds ' || string_agg(version_num, ', ') FROM alembic_version HAVING bool_or(version_num = '002')", 2),
    alembic("Alembic 010", "SELECT 'alembic_version holds ' || string_agg(version_num, ', ') FROM alembic_version HAVING bool_or(version_num = '010')", 3),
];

const SPECS_LEGACY: &[LegacyState] = &[
    alembic("Alembic 009", "SELECT 'alembic_version holds ' || string_agg(version_num, ', ') FROM alembic_version HAVING bool_or(version_num = '009')", 7),
    alembic("Alembic 017", "SELECT 'alembic_version holds ' || string_agg(version_num, ', ') FROM alembic_version HAVING bool_or(version_num = '017')", 11),
];

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
        legacy: AUTH_LEGACY,
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
        legacy: SPECS_LEGACY,
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
