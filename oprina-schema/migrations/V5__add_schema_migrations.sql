-- V5 add_schema_migrations (seed 005_add_schema_migrations): the seed's
-- migration-tracking interface, answered from the runner's history table.
--
-- The runner records every applied migration in oprina_schema_history
-- (refinery's format: version int4, name, applied_on RFC 3339 text,
-- checksum). That table is the only record of what is applied. The seed's
-- names are views over it:
--   schema_migrations        one row per applied migration; version is the
--                            seed-style label '001_initial_schema' for
--                            V1__initial_schema (number zero-padded to 3
--                            digits, '_', the name)
--   database_schema_version  one row: current version, count, hash
--   migration_history        schema_migrations, newest first
--   schema_status            the dashboard row
--   migration_dependency_tree
-- and migration_exists(), get_migration_status() and register_migration()
-- read them. Two small tables remain: migration_dependencies (declared
-- dependencies, not state) and schema_migration_notes (descriptions and
-- notes that register_migration() attaches to migrations the runner has
-- applied; it cannot mark anything as applied).
-- Nothing here writes to oprina_schema_history.

DO $$
BEGIN
    IF to_regclass('oprina_schema_history') IS NULL THEN
        RAISE EXCEPTION 'table oprina_schema_history does not exist'
            USING HINT = 'Apply the oprina migrations with `runner migrate`; it creates its history table before the first migration.';
    END IF;
END
$$;

-- ---------------------------------------------------------------------------
-- Version labels: '001_initial_schema', 'V1__initial_schema',
-- 'V1__initial_schema.sql', '1' and '001' all name version 1 (a label with a
-- name must match the name too).
-- ---------------------------------------------------------------------------

CREATE FUNCTION migration_version_matches(p_requested text, p_version integer, p_name text)
RETURNS boolean
LANGUAGE sql IMMUTABLE
AS $$
    SELECT r IS NOT NULL
           AND r[1]::integer = p_version
           AND (r[2] IS NULL OR r[2] = p_name)
      FROM (SELECT regexp_match(p_requested,
                   '^[Vv]?([0-9]{1,9})(?:_{1,2}([A-Za-z0-9]\w*))?(?:\.sql)?$') AS r) AS parsed
$$;

-- ---------------------------------------------------------------------------
-- Tables
-- ---------------------------------------------------------------------------

-- Notes attached by register_migration() (or this migration) to applied
-- migrations, keyed by the seed-style label.
CREATE TABLE schema_migration_notes (
    version           varchar(255) NOT NULL,
    description       text,
    execution_time_ms integer,
    rollback_sql      text,          -- informational only: never executed
    registered_by     varchar(255) NOT NULL DEFAULT CURRENT_USER,
    registered_at     timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT schema_migration_notes_pkey PRIMARY KEY (version),
    CONSTRAINT valid_note_version CHECK (version ~ '^[0-9]{3,}_\w+$'),
    CONSTRAINT positive_execution_time CHECK (execution_time_ms >= 0)
);

-- Declared dependencies between migrations (by label). The runner applies
-- versions in ascending order, so a migration can only depend on an earlier
-- version.
CREATE TABLE migration_dependencies (
    id                 uuid         NOT NULL DEFAULT gen_random_uuid(),
    migration_version  varchar(255) NOT NULL,
    depends_on_version varchar(255) NOT NULL,
    created_at         timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT migration_dependencies_pkey PRIMARY KEY (id),
    CONSTRAINT unique_dependency UNIQUE (migration_version, depends_on_version),
    CONSTRAINT no_self_dependency CHECK (migration_version <> depends_on_version),
    CONSTRAINT valid_dependency_versions CHECK (
        migration_version ~ '^[0-9]{3,}_\w+$' AND depends_on_version ~ '^[0-9]{3,}_\w+$'),
    CONSTRAINT dependency_is_earlier CHECK (
        substring(depends_on_version FROM '^[0-9]+')::numeric
        < substring(migration_version FROM '^[0-9]+')::numeric)
);

CREATE INDEX idx_migration_dependencies_depends_on ON migration_dependencies (depends_on_version);

INSERT INTO migration_dependencies (migration_version, depends_on_version) VALUES
    ('002_add_avatar_usage',        '001_initial_schema'),
    ('003_add_service_tokens',      '001_initial_schema'),
    ('004_add_indexes_constraints', '001_initial_schema'),
    ('004_add_indexes_constraints', '002_add_avatar_usage'),
    ('004_add_indexes_constraints', '003_add_service_tokens'),
    ('005_add_schema_migrations',   '001_initial_schema');

INSERT INTO schema_migration_notes (version, description) VALUES
    ('001_initial_schema',          'Core tables: users, sessions, messages, user_tokens, user_activities'),
    ('002_add_avatar_usage',        'Avatar usage tracking: usage records, 20-minute lifetime quota, monthly summaries'),
    ('003_add_service_tokens',      'OAuth token management: service_tokens, token_refresh_logs'),
    ('004_add_indexes_constraints', 'Validation constraints, composite indexes, monitoring views'),
    ('005_add_schema_migrations',   'Migration tracking views over oprina_schema_history');

-- ---------------------------------------------------------------------------
-- Views
-- ---------------------------------------------------------------------------

-- Columns of the seed's schema_migrations table, then the runner's own
-- version number and name. Everything the runner does not record is NULL
-- (applied_by, execution time unless registered); status is always
-- 'success' because the runner commits a migration and its history row
-- together or not at all.
CREATE VIEW schema_migrations AS
SELECT substr(encode(sha256(convert_to('oprina_schema_history:' || h.version::text, 'UTF8')), 'hex'), 1, 32)::uuid
                                                                               AS id,
       ((CASE WHEN length(h.version::text) < 3
              THEN lpad(h.version::text, 3, '0')
              ELSE h.version::text END) || '_' || h.name)::varchar(255)        AS version,
       ('V' || h.version::text || '__' || h.name || '.sql')::varchar(500)      AS filename,
       n.description,
       h.checksum::varchar(64)                                                 AS checksum,
       h.applied_on::timestamptz                                               AS applied_at,
       n.execution_time_ms,
       NULL::varchar(255)                                                      AS applied_by,
       'success'::varchar(50)                                                  AS status,
       NULL::text                                                              AS error_message,
       n.rollback_sql,
       NULL::timestamptz                                                       AS rolled_back_at,
       NULL::varchar(255)                                                      AS rolled_back_by,
       h.applied_on::timestamptz                                               AS created_at,
       h.version                                                               AS runner_version,
       h.name::varchar(255)                                                    AS runner_name
  FROM oprina_schema_history h
  LEFT JOIN schema_migration_notes n
         ON n.version = (CASE WHEN length(h.version::text) < 3
                              THEN lpad(h.version::text, 3, '0')
                              ELSE h.version::text END) || '_' || h.name;

-- One row once anything is applied: the highest applied version, how many
-- are applied, when the last one was applied, and a SHA-256 (hex) over the
-- applied versions, names and checksums. Ids are derived with sha256, not
-- md5 (md5() fails on FIPS-mode servers).
CREATE VIEW database_schema_version AS
SELECT substr(encode(sha256(convert_to('oprina_schema_version', 'UTF8')), 'hex'), 1, 32)::uuid AS id,
       (array_agg(m.version ORDER BY m.runner_version DESC))[1]                  AS current_version,
       encode(sha256(convert_to(string_agg(m.runner_version::text || ':' || m.runner_name || ':'
                                           || coalesce(m.checksum, ''), ',' ORDER BY m.runner_version),
                                'UTF8')), 'hex')::varchar(64)                    AS schema_hash,
       max(m.applied_at)                                                         AS updated_at,
       NULL::varchar(255)                                                        AS updated_by,
       count(*)::integer                                                         AS total_migrations,
       current_database()::varchar(255)                                          AS database_name
  FROM schema_migrations m
HAVING count(*) > 0;

CREATE VIEW migration_history AS
SELECT m.version, m.filename, m.description, m.status, m.applied_at, m.execution_time_ms,
       m.applied_by, m.error_message, m.rolled_back_at, m.rolled_back_by,
       CASE WHEN m.rollback_sql IS NOT NULL THEN 'Yes' ELSE 'No' END AS has_rollback
  FROM schema_migrations m
 ORDER BY m.applied_at DESC, m.runner_version DESC;

-- failed_migrations and rolled_back_migrations are 0: a failed migration
-- leaves no history row, and a rolled-back one has its row removed.
CREATE VIEW schema_status AS
SELECT d.current_version,
       d.total_migrations,
       d.updated_at     AS last_migration_at,
       d.database_name,
       m.filename       AS current_migration_file,
       m.description    AS current_migration_description,
       m.applied_at     AS current_migration_applied_at,
       (SELECT count(*) FROM schema_migrations f WHERE f.status = 'failed')      AS failed_migrations,
       (SELECT count(*) FROM schema_migrations r WHERE r.status = 'rolled_back') AS rolled_back_migrations
  FROM database_schema_version d
  LEFT JOIN schema_migrations m ON m.version = d.current_version;

CREATE VIEW migration_dependency_tree AS
SELECT d.migration_version,
       m.filename    AS migration_file,
       d.depends_on_version,
       dep.filename  AS dependency_file,
       m.applied_at  AS migration_applied_at,
       dep.applied_at AS dependency_applied_at,
       CASE
           WHEN m.version IS NULL AND dep.version IS NULL THEN 'Pending - neither applied'
           WHEN m.version IS NULL                         THEN 'Pending - migration not applied'
           WHEN dep.version IS NULL                       THEN 'Invalid - Dependency not applied'
           WHEN dep.runner_version < m.runner_version     THEN 'Valid'
           ELSE 'Invalid - Dependency applied after migration'
       END AS dependency_status
  FROM migration_dependencies d
  LEFT JOIN schema_migrations m   ON m.version = d.migration_version
  LEFT JOIN schema_migrations dep ON dep.version = d.depends_on_version
 ORDER BY m.applied_at NULLS LAST, d.migration_version, d.depends_on_version;

-- ---------------------------------------------------------------------------
-- Functions
-- ---------------------------------------------------------------------------

-- True when the runner has applied that migration.
CREATE FUNCTION migration_exists(p_version varchar)
RETURNS boolean
LANGUAGE sql STABLE
AS $$
    SELECT EXISTS (SELECT 1
                     FROM schema_migrations m
                    WHERE m.status = 'success'
                      AND migration_version_matches(p_version, m.runner_version, m.runner_name))
$$;

-- The applied migration's row; no row when it is not applied.
CREATE FUNCTION get_migration_status(p_version varchar)
RETURNS TABLE (version varchar(255), filename varchar(500), status varchar(50),
               applied_at timestamptz, execution_time_ms integer, error_message text)
LANGUAGE sql STABLE
AS $$
    SELECT m.version, m.filename, m.status, m.applied_at, m.execution_time_ms, m.error_message
      FROM schema_migrations m
     WHERE migration_version_matches(p_version, m.runner_version, m.runner_name)
     ORDER BY m.runner_version
$$;

-- Attaches a description, an execution time and rollback notes to a
-- migration the runner has applied, and returns its schema_migrations id.
-- It cannot register a migration the runner has not applied: that raises an
-- error (add migrations/V<n>__<name>.sql and run `runner migrate`).
-- p_filename and p_checksum are accepted for compatibility; the runner's file
-- name and checksum are authoritative. p_execution_time_ms is numeric so a
-- fractional value (e.g. EXTRACT(EPOCH ...) * 1000) is accepted and rounded.
CREATE FUNCTION register_migration(p_version           varchar,
                                   p_filename          varchar DEFAULT NULL,
                                   p_description       text    DEFAULT NULL,
                                   p_checksum          varchar DEFAULT NULL,
                                   p_execution_time_ms numeric DEFAULT NULL,
                                   p_rollback_sql      text    DEFAULT NULL)
RETURNS uuid
LANGUAGE plpgsql
AS $$
DECLARE
    m_id      uuid;
    m_version varchar(255);
BEGIN
    SELECT m.id, m.version
      INTO m_id, m_version
      FROM schema_migrations m
     WHERE migration_version_matches(p_version, m.runner_version, m.runner_name)
     ORDER BY m.runner_version
     LIMIT 1;

    IF m_id IS NULL THEN
        RAISE EXCEPTION 'migration % has not been applied by the runner', p_version
            USING ERRCODE = 'no_data_found',
                  HINT = 'Migrations are recorded by `runner migrate` in oprina_schema_history: add migrations/V<n>__<name>.sql to oprina-schema and run the runner instead of registering SQL applied by hand.';
    END IF;

    INSERT INTO schema_migration_notes (version, description, execution_time_ms, rollback_sql)
    VALUES (m_version, p_description, round(p_execution_time_ms)::integer, p_rollback_sql)
    ON CONFLICT (version) DO UPDATE
       SET description       = coalesce(EXCLUDED.description, schema_migration_notes.description),
           execution_time_ms = coalesce(EXCLUDED.execution_time_ms, schema_migration_notes.execution_time_ms),
           rollback_sql      = coalesce(EXCLUDED.rollback_sql, schema_migration_notes.rollback_sql),
           registered_by     = CURRENT_USER,
           registered_at     = now();
    RETURN m_id;
END
$$;
