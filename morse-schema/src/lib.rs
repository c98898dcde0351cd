//! MORSE: the voice workout tracker's schema (SQL and data only).

use schema_def::{LegacyState, SchemaDef};

/// The 19 tables of the original init_production_schema.sql (reference §2).
/// The original tool kept no bookkeeping, so its tables are the evidence:
/// all 19 there and our `sessions` (V1) missing.
const MORSE_LEGACY: &[LegacyState] = &[LegacyState {
    name: "init_database.sh",
    evidence: "SELECT 'the 19 tables of init_production_schema.sql exist and sessions does not'
                      || CASE WHEN EXISTS (SELECT FROM pg_extension WHERE extname = 'uuid-ossp') THEN ', uuid-ossp installed' ELSE '' END
                 FROM pg_tables
                WHERE schemaname = current_schema()
                  AND tablename IN ('users', 'app_users', 'voice_profiles', 'speaker_verifications', 'user_devices',
                                    'device_links', 'audio_files', 'transcriptions', 'workout_sessions',
                                    'session_audio_files', 'session_detection_config', 'workouts', 'exercises',
                                    'exercise_library', 'user_progress', 'workout_claims', 'session_claims',
                                    'teams', 'team_memberships')
               HAVING count(*) = 19
                  AND NOT EXISTS (SELECT FROM pg_class WHERE relname = 'sessions'
                                     AND relnamespace = current_schema()::regnamespace)",
    version: 4,
    converge: include_str!("../sql/adopt_init_database.sql"),
}];

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
        legacy: MORSE_LEGACY,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_sql_file_is_embedded() {
        schema_def::assert_all_embedded(&super::schema());
    }
}
