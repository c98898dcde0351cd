-- Undoes V5 add_schema_migrations. Leaves oprina_schema_history alone (it
-- belongs to the runner).

DROP FUNCTION register_migration(varchar, varchar, text, varchar, numeric, text);
DROP FUNCTION get_migration_status(varchar);
DROP FUNCTION migration_exists(varchar);

DROP VIEW migration_dependency_tree;
DROP VIEW schema_status;
DROP VIEW migration_history;
DROP VIEW database_schema_version;
DROP VIEW schema_migrations;

DROP TABLE migration_dependencies;
DROP TABLE schema_migration_notes;

DROP FUNCTION migration_version_matches(text, integer, text);
