-- MUED V1: RAG metrics and provenance tables (the content of the app's hand-written
-- 0006_add_rag_metrics, restated for the runner).
--
-- Creates in the current schema (normally "public"):
--   enums   content_type, acquisition_method, license_type
--   tables  ai_dialogue_log (19 columns), provenance (19), rag_metrics_history (17),
--           plugin_registry (13)
--   12 indexes, 1 CHECK, 2 UNIQUE constraints, 3 updated_at triggers, 2 plugin rows.
-- Defines (CREATE OR REPLACE) the shared trigger function update_updated_at_column(),
-- which the application's own migrations also define and use: never dropped by MUED.
--
-- Needs no base table (users is only referenced from V3).
--
-- Written to converge on databases where the application's Drizzle migration
-- 0005_melodic_mesmero, or the original hand-written 0006-0008 SQL, already created
-- some of these objects:
--   * enums are created only when missing from the current schema; an existing one must
--     have exactly the expected labels, else the migration fails naming it;
--   * tables: CREATE TABLE IF NOT EXISTS, then ADD COLUMN IF NOT EXISTS for every column
--     (repairs e.g. the 8-column ai_dialogue_log the original rollback leaves behind),
--     then a check that every column has the expected type and nullability;
--   * the user_feedback CHECK is added when missing (Drizzle never created it);
--   * unique constraints use Drizzle's names (plugin_registry_name_unique,
--     plugin_registry_source_unique); the hand-SQL names (..._key) are renamed;
--   * idx_rag_metrics_compliance is GIN; a btree one (Drizzle) is replaced.
-- No BEGIN/COMMIT: the runner wraps this file and its history row in one transaction.

-- ---------------------------------------------------------------------------------
-- Shared trigger function (same behaviour as the application's own definition).
-- ---------------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION update_updated_at_column()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    NEW.updated_at = now();
    RETURN NEW;
END;
$$;

-- ---------------------------------------------------------------------------------
-- Enum types: create when missing in the current schema, otherwise insist on the
-- exact labels in the exact order (enum order is the sort order).
-- ---------------------------------------------------------------------------------
DO $$
DECLARE
    wanted record;
    found_type record;
    found_labels text[];
BEGIN
    IF current_schema() IS NULL THEN
        RAISE EXCEPTION 'MUED V1: no current schema (search_path is empty or names no existing schema)';
    END IF;
    FOR wanted IN
        SELECT * FROM (VALUES
            ('content_type',
             ARRAY['material', 'creation_log', 'generated', 'note_article', 'ai_response']),
            ('acquisition_method',
             ARRAY['api_fetch', 'manual_upload', 'ai_generated', 'user_created', 'system_import']),
            ('license_type',
             ARRAY['cc_by', 'cc_by_sa', 'cc_by_nc', 'cc_by_nc_sa', 'proprietary', 'mit',
                   'apache_2_0', 'all_rights_reserved', 'public_domain'])
        ) AS v(type_name, labels)
    LOOP
        SELECT t.oid, t.typtype INTO found_type
          FROM pg_type t
          JOIN pg_namespace n ON n.oid = t.typnamespace
         WHERE n.nspname = current_schema()
           AND t.typname = wanted.type_name;

        IF NOT FOUND THEN
            EXECUTE format('CREATE TYPE %I AS ENUM (%s)', wanted.type_name,
                           (SELECT string_agg(quote_literal(l), ', ' ORDER BY o)
                              FROM unnest(wanted.labels) WITH ORDINALITY AS u(l, o)));
        ELSIF found_type.typtype <> 'e' THEN
            RAISE EXCEPTION 'MUED V1: type "%" already exists in schema "%" but is not an enum; rename or drop it first',
                wanted.type_name, current_schema();
        ELSE
            SELECT array_agg(e.enumlabel::text ORDER BY e.enumsortorder) INTO found_labels
              FROM pg_enum e
             WHERE e.enumtypid = found_type.oid;
            IF found_labels IS DISTINCT FROM wanted.labels THEN
                RAISE EXCEPTION 'MUED V1: enum "%" already exists in schema "%" with labels % but MUED expects %; reconcile it before adopting',
                    wanted.type_name, current_schema(), found_labels, wanted.labels;
            END IF;
        END IF;
    END LOOP;
END;
$$;

-- ---------------------------------------------------------------------------------
-- Tables (full shape; physical column order as in the application's schema).
-- ---------------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS ai_dialogue_log (
    id                  uuid          NOT NULL DEFAULT gen_random_uuid(),
    user_id             uuid          NOT NULL,
    session_id          uuid          NOT NULL,
    query               text          NOT NULL,
    response            text          NOT NULL,
    model_used          varchar(100)  NOT NULL,
    created_at          timestamp     NOT NULL DEFAULT now(),
    updated_at          timestamp     NOT NULL DEFAULT now(),
    citations           jsonb,
    latency_ms          integer,
    token_cost_jpy      numeric(8,2),
    citation_rate       numeric(5,2),
    prompt_tokens       integer,
    completion_tokens   integer,
    total_tokens        integer,
    relevance_score     numeric(3,2),
    user_feedback       integer,
    context_window_size integer,
    temperature         numeric(3,2),
    CONSTRAINT ai_dialogue_log_pkey PRIMARY KEY (id)
);

CREATE TABLE IF NOT EXISTS provenance (
    id                     uuid               NOT NULL DEFAULT gen_random_uuid(),
    content_id             uuid               NOT NULL,
    content_type           content_type       NOT NULL,
    source_uri             text,
    license_type           license_type,
    acquisition_method     acquisition_method,
    rights_holder          text,
    permission_flag        boolean            DEFAULT false,
    hash_c2pa              text,
    hash_sha256            text,
    retention_years        integer,
    access_policy          jsonb,
    external_share_consent boolean            DEFAULT false,
    acquired_by            uuid,
    acquired_at            timestamp,
    last_verified_at       timestamp,
    verification_status    varchar(50),
    created_at             timestamp          NOT NULL DEFAULT now(),
    updated_at             timestamp          NOT NULL DEFAULT now(),
    CONSTRAINT provenance_pkey PRIMARY KEY (id)
);

CREATE TABLE IF NOT EXISTS rag_metrics_history (
    id                       uuid          NOT NULL DEFAULT gen_random_uuid(),
    date                     timestamp     NOT NULL,
    citation_rate            numeric(5,2),
    citation_count           integer,
    unique_sources_count     integer,
    latency_p50_ms           integer,
    latency_p95_ms           integer,
    latency_p99_ms           integer,
    cost_per_answer          numeric(6,2),
    total_cost               numeric(10,2),
    total_queries            integer,
    unique_users             integer,
    average_tokens_per_query integer,
    average_relevance_score  numeric(3,2),
    positive_votes_rate      numeric(5,2),
    slo_compliance           jsonb,
    created_at               timestamp     NOT NULL DEFAULT now(),
    CONSTRAINT rag_metrics_history_pkey PRIMARY KEY (id)
);

CREATE TABLE IF NOT EXISTS plugin_registry (
    id                uuid          NOT NULL DEFAULT gen_random_uuid(),
    name              varchar(100)  NOT NULL,
    source            varchar(50)   NOT NULL,
    capabilities      jsonb         NOT NULL,
    config            jsonb,
    api_endpoint      text,
    api_key_env_var   varchar(100),
    enabled           boolean       DEFAULT true,
    version           varchar(20)   NOT NULL,
    last_health_check timestamp,
    health_status     varchar(50),
    created_at        timestamp     NOT NULL DEFAULT now(),
    updated_at        timestamp     NOT NULL DEFAULT now(),
    CONSTRAINT plugin_registry_pkey PRIMARY KEY (id),
    CONSTRAINT plugin_registry_name_unique UNIQUE (name),
    CONSTRAINT plugin_registry_source_unique UNIQUE (source)
);

-- Columns that a pre-existing table may lack (no-ops on the fresh path).
ALTER TABLE ai_dialogue_log
    ADD COLUMN IF NOT EXISTS user_id             uuid          NOT NULL,
    ADD COLUMN IF NOT EXISTS session_id          uuid          NOT NULL,
    ADD COLUMN IF NOT EXISTS query               text          NOT NULL,
    ADD COLUMN IF NOT EXISTS response            text          NOT NULL,
    ADD COLUMN IF NOT EXISTS model_used          varchar(100)  NOT NULL,
    ADD COLUMN IF NOT EXISTS created_at          timestamp     NOT NULL DEFAULT now(),
    ADD COLUMN IF NOT EXISTS updated_at          timestamp     NOT NULL DEFAULT now(),
    ADD COLUMN IF NOT EXISTS citations           jsonb,
    ADD COLUMN IF NOT EXISTS latency_ms          integer,
    ADD COLUMN IF NOT EXISTS token_cost_jpy      numeric(8,2),
    ADD COLUMN IF NOT EXISTS citation_rate       numeric(5,2),
    ADD COLUMN IF NOT EXISTS prompt_tokens       integer,
    ADD COLUMN IF NOT EXISTS completion_tokens   integer,
    ADD COLUMN IF NOT EXISTS total_tokens        integer,
    ADD COLUMN IF NOT EXISTS relevance_score     numeric(3,2),
    ADD COLUMN IF NOT EXISTS user_feedback       integer,
    ADD COLUMN IF NOT EXISTS context_window_size integer,
    ADD COLUMN IF NOT EXISTS temperature         numeric(3,2);

ALTER TABLE provenance
    ADD COLUMN IF NOT EXISTS content_id             uuid               NOT NULL,
    ADD COLUMN IF NOT EXISTS content_type           content_type       NOT NULL,
    ADD COLUMN IF NOT EXISTS source_uri             text,
    ADD COLUMN IF NOT EXISTS license_type           license_type,
    ADD COLUMN IF NOT EXISTS acquisition_method     acquisition_method,
    ADD COLUMN IF NOT EXISTS rights_holder          text,
    ADD COLUMN IF NOT EXISTS permission_flag        boolean            DEFAULT false,
    ADD COLUMN IF NOT EXISTS hash_c2pa              text,
    ADD COLUMN IF NOT EXISTS hash_sha256            text,
    ADD COLUMN IF NOT EXISTS retention_years        integer,
    ADD COLUMN IF NOT EXISTS access_policy          jsonb,
    ADD COLUMN IF NOT EXISTS external_share_consent boolean            DEFAULT false,
    ADD COLUMN IF NOT EXISTS acquired_by            uuid,
    ADD COLUMN IF NOT EXISTS acquired_at            timestamp,
    ADD COLUMN IF NOT EXISTS last_verified_at       timestamp,
    ADD COLUMN IF NOT EXISTS verification_status    varchar(50),
    ADD COLUMN IF NOT EXISTS created_at             timestamp          NOT NULL DEFAULT now(),
    ADD COLUMN IF NOT EXISTS updated_at             timestamp          NOT NULL DEFAULT now();

ALTER TABLE rag_metrics_history
    ADD COLUMN IF NOT EXISTS date                     timestamp     NOT NULL,
    ADD COLUMN IF NOT EXISTS citation_rate            numeric(5,2),
    ADD COLUMN IF NOT EXISTS citation_count           integer,
    ADD COLUMN IF NOT EXISTS unique_sources_count     integer,
    ADD COLUMN IF NOT EXISTS latency_p50_ms           integer,
    ADD COLUMN IF NOT EXISTS latency_p95_ms           integer,
    ADD COLUMN IF NOT EXISTS latency_p99_ms           integer,
    ADD COLUMN IF NOT EXISTS cost_per_answer          numeric(6,2),
    ADD COLUMN IF NOT EXISTS total_cost               numeric(10,2),
    ADD COLUMN IF NOT EXISTS total_queries            integer,
    ADD COLUMN IF NOT EXISTS unique_users             integer,
    ADD COLUMN IF NOT EXISTS average_tokens_per_query integer,
    ADD COLUMN IF NOT EXISTS average_relevance_score  numeric(3,2),
    ADD COLUMN IF NOT EXISTS positive_votes_rate      numeric(5,2),
    ADD COLUMN IF NOT EXISTS slo_compliance           jsonb,
    ADD COLUMN IF NOT EXISTS created_at               timestamp     NOT NULL DEFAULT now();

ALTER TABLE plugin_registry
    ADD COLUMN IF NOT EXISTS name              varchar(100)  NOT NULL,
    ADD COLUMN IF NOT EXISTS source            varchar(50)   NOT NULL,
    ADD COLUMN IF NOT EXISTS capabilities      jsonb         NOT NULL,
    ADD COLUMN IF NOT EXISTS config            jsonb,
    ADD COLUMN IF NOT EXISTS api_endpoint      text,
    ADD COLUMN IF NOT EXISTS api_key_env_var   varchar(100),
    ADD COLUMN IF NOT EXISTS enabled           boolean       DEFAULT true,
    ADD COLUMN IF NOT EXISTS version           varchar(20)   NOT NULL,
    ADD COLUMN IF NOT EXISTS last_health_check timestamp,
    ADD COLUMN IF NOT EXISTS health_status     varchar(50),
    ADD COLUMN IF NOT EXISTS created_at        timestamp     NOT NULL DEFAULT now(),
    ADD COLUMN IF NOT EXISTS updated_at        timestamp     NOT NULL DEFAULT now();

-- A pre-existing table must not differ in type or nullability: IF NOT EXISTS never
-- repairs that, so fail here, naming every difference, rather than diverge silently.
DO $$
DECLARE
    problems text;
BEGIN
    SELECT string_agg(format('%s.%s: expected %s%s, found %s', w.tbl, w.col, w.typ,
                             CASE WHEN w.not_null THEN ' NOT NULL' ELSE ' NULL' END,
                             COALESCE(format_type(a.atttypid, a.atttypmod)
                                      || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE ' NULL' END,
                                      'no such column')),
                      '; ' ORDER BY w.tbl, w.col)
      INTO problems
      FROM (VALUES
        ('ai_dialogue_log', 'id', 'uuid', true),
        ('ai_dialogue_log', 'user_id', 'uuid', true),
        ('ai_dialogue_log', 'session_id', 'uuid', true),
        ('ai_dialogue_log', 'query', 'text', true),
        ('ai_dialogue_log', 'response', 'text', true),
        ('ai_dialogue_log', 'model_used', 'character varying(100)', true),
        ('ai_dialogue_log', 'created_at', 'timestamp without time zone', true),
        ('ai_dialogue_log', 'updated_at', 'timestamp without time zone', true),
        ('ai_dialogue_log', 'citations', 'jsonb', false),
        ('ai_dialogue_log', 'latency_ms', 'integer', false),
        ('ai_dialogue_log', 'token_cost_jpy', 'numeric(8,2)', false),
        ('ai_dialogue_log', 'citation_rate', 'numeric(5,2)', false),
        ('ai_dialogue_log', 'prompt_tokens', 'integer', false),
        ('ai_dialogue_log', 'completion_tokens', 'integer', false),
        ('ai_dialogue_log', 'total_tokens', 'integer', false),
        ('ai_dialogue_log', 'relevance_score', 'numeric(3,2)', false),
        ('ai_dialogue_log', 'user_feedback', 'integer', false),
        ('ai_dialogue_log', 'context_window_size', 'integer', false),
        ('ai_dialogue_log', 'temperature', 'numeric(3,2)', false),
        ('provenance', 'id', 'uuid', true),
        ('provenance', 'content_id', 'uuid', true),
        ('provenance', 'content_type', 'content_type', true),
        ('provenance', 'source_uri', 'text', false),
        ('provenance', 'license_type', 'license_type', false),
        ('provenance', 'acquisition_method', 'acquisition_method', false),
        ('provenance', 'rights_holder', 'text', false),
        ('provenance', 'permission_flag', 'boolean', false),
        ('provenance', 'hash_c2pa', 'text', false),
        ('provenance', 'hash_sha256', 'text', false),
        ('provenance', 'retention_years', 'integer', false),
        ('provenance', 'access_policy', 'jsonb', false),
        ('provenance', 'external_share_consent', 'boolean', false),
        ('provenance', 'acquired_by', 'uuid', false),
        ('provenance', 'acquired_at', 'timestamp without time zone', false),
        ('provenance', 'last_verified_at', 'timestamp without time zone', false),
        ('provenance', 'verification_status', 'character varying(50)', false),
        ('provenance', 'created_at', 'timestamp without time zone', true),
        ('provenance', 'updated_at', 'timestamp without time zone', true),
        ('rag_metrics_history', 'id', 'uuid', true),
        ('rag_metrics_history', 'date', 'timestamp without time zone', true),
        ('rag_metrics_history', 'citation_rate', 'numeric(5,2)', false),
        ('rag_metrics_history', 'citation_count', 'integer', false),
        ('rag_metrics_history', 'unique_sources_count', 'integer', false),
        ('rag_metrics_history', 'latency_p50_ms', 'integer', false),
        ('rag_metrics_history', 'latency_p95_ms', 'integer', false),
        ('rag_metrics_history', 'latency_p99_ms', 'integer', false),
        ('rag_metrics_history', 'cost_per_answer', 'numeric(6,2)', false),
        ('rag_metrics_history', 'total_cost', 'numeric(10,2)', false),
        ('rag_metrics_history', 'total_queries', 'integer', false),
        ('rag_metrics_history', 'unique_users', 'integer', false),
        ('rag_metrics_history', 'average_tokens_per_query', 'integer', false),
        ('rag_metrics_history', 'average_relevance_score', 'numeric(3,2)', false),
        ('rag_metrics_history', 'positive_votes_rate', 'numeric(5,2)', false),
        ('rag_metrics_history', 'slo_compliance', 'jsonb', false),
        ('rag_metrics_history', 'created_at', 'timestamp without time zone', true),
        ('plugin_registry', 'id', 'uuid', true),
        ('plugin_registry', 'name', 'character varying(100)', true),
        ('plugin_registry', 'source', 'character varying(50)', true),
        ('plugin_registry', 'capabilities', 'jsonb', true),
        ('plugin_registry', 'config', 'jsonb', false),
        ('plugin_registry', 'api_endpoint', 'text', false),
        ('plugin_registry', 'api_key_env_var', 'character varying(100)', false),
        ('plugin_registry', 'enabled', 'boolean', false),
        ('plugin_registry', 'version', 'character varying(20)', true),
        ('plugin_registry', 'last_health_check', 'timestamp without time zone', false),
        ('plugin_registry', 'health_status', 'character varying(50)', false),
        ('plugin_registry', 'created_at', 'timestamp without time zone', true),
        ('plugin_registry', 'updated_at', 'timestamp without time zone', true)
      ) AS w(tbl, col, typ, not_null)
      LEFT JOIN pg_attribute a
             ON a.attrelid = format('%I.%I', current_schema(), w.tbl)::regclass
            AND a.attname = w.col
            AND NOT a.attisdropped
     WHERE a.attnum IS NULL
        OR format_type(a.atttypid, a.atttypmod) <> w.typ
        OR a.attnotnull <> w.not_null;

    IF problems IS NOT NULL THEN
        RAISE EXCEPTION 'MUED V1: existing MUED tables differ from the expected shape: %', problems
            USING HINT = 'These tables already existed (created by the application?); reconcile the listed columns, then run again.';
    END IF;
END;
$$;

-- ---------------------------------------------------------------------------------
-- Constraints that CREATE TABLE IF NOT EXISTS / ADD COLUMN IF NOT EXISTS would skip.
-- ---------------------------------------------------------------------------------

-- user_feedback is a vote: -1, 0 or 1 (NULL = no vote).
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint
                    WHERE conrelid = format('%I.ai_dialogue_log', current_schema())::regclass
                      AND conname = 'ai_dialogue_log_user_feedback_check') THEN
        ALTER TABLE ai_dialogue_log
            ADD CONSTRAINT ai_dialogue_log_user_feedback_check
            CHECK (user_feedback IN (-1, 0, 1));
    END IF;
END;
$$;

-- plugin_registry: one row per name and per source. Drizzle names the constraints
-- ..._unique, the original hand-written SQL produced ..._key: converge on ..._unique.
DO $$
DECLARE
    col text;
    tbl regclass := format('%I.plugin_registry', current_schema())::regclass;
BEGIN
    FOREACH col IN ARRAY ARRAY['name', 'source'] LOOP
        IF EXISTS (SELECT 1 FROM pg_constraint
                    WHERE conrelid = tbl AND conname = 'plugin_registry_' || col || '_unique') THEN
            CONTINUE;
        ELSIF EXISTS (SELECT 1 FROM pg_constraint
                       WHERE conrelid = tbl AND conname = 'plugin_registry_' || col || '_key'
                         AND contype = 'u') THEN
            EXECUTE format('ALTER TABLE plugin_registry RENAME CONSTRAINT %I TO %I',
                           'plugin_registry_' || col || '_key',
                           'plugin_registry_' || col || '_unique');
        ELSE
            EXECUTE format('ALTER TABLE plugin_registry ADD CONSTRAINT %I UNIQUE (%I)',
                           'plugin_registry_' || col || '_unique', col);
        END IF;
    END LOOP;
END;
$$;

-- ---------------------------------------------------------------------------------
-- Indexes (the 12 "basic" ones).
-- ---------------------------------------------------------------------------------
CREATE INDEX IF NOT EXISTS idx_ai_dialogue_user          ON ai_dialogue_log (user_id);
CREATE INDEX IF NOT EXISTS idx_ai_dialogue_session       ON ai_dialogue_log (session_id);
CREATE INDEX IF NOT EXISTS idx_ai_dialogue_created_at    ON ai_dialogue_log (created_at);
CREATE INDEX IF NOT EXISTS idx_ai_dialogue_citation_rate ON ai_dialogue_log (citation_rate);

CREATE INDEX IF NOT EXISTS idx_provenance_content   ON provenance (content_id, content_type);
CREATE INDEX IF NOT EXISTS idx_provenance_source    ON provenance (source_uri);
CREATE INDEX IF NOT EXISTS idx_provenance_license   ON provenance (license_type);
CREATE INDEX IF NOT EXISTS idx_provenance_retention ON provenance (retention_years);

CREATE INDEX IF NOT EXISTS idx_rag_metrics_date ON rag_metrics_history (date);

CREATE INDEX IF NOT EXISTS idx_plugin_name    ON plugin_registry (name);
CREATE INDEX IF NOT EXISTS idx_plugin_enabled ON plugin_registry (enabled);

-- slo_compliance is queried as JSON: GIN. Drizzle's 0005_melodic_mesmero builds the same
-- name as btree; replace that one.
DO $$
DECLARE
    existing record;
BEGIN
    SELECT i.oid, am.amname, x.indrelid INTO existing
      FROM pg_class i
      JOIN pg_am am ON am.oid = i.relam
      JOIN pg_index x ON x.indexrelid = i.oid
     WHERE i.relname = 'idx_rag_metrics_compliance'
       AND i.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema());

    IF FOUND AND existing.indrelid <> format('%I.rag_metrics_history', current_schema())::regclass THEN
        RAISE EXCEPTION 'MUED V1: index "idx_rag_metrics_compliance" exists on another table (%)',
            existing.indrelid::regclass;
    END IF;
    IF FOUND AND existing.amname <> 'gin' THEN
        DROP INDEX idx_rag_metrics_compliance;
    END IF;
    IF NOT FOUND OR existing.amname <> 'gin' THEN
        CREATE INDEX idx_rag_metrics_compliance ON rag_metrics_history USING gin (slo_compliance);
    END IF;
END;
$$;

-- ---------------------------------------------------------------------------------
-- updated_at triggers (CREATE OR REPLACE TRIGGER: PostgreSQL 14+; per table).
-- ---------------------------------------------------------------------------------
CREATE OR REPLACE TRIGGER update_ai_dialogue_log_updated_at
    BEFORE UPDATE ON ai_dialogue_log
    FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();

CREATE OR REPLACE TRIGGER update_provenance_updated_at
    BEFORE UPDATE ON provenance
    FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();

CREATE OR REPLACE TRIGGER update_plugin_registry_updated_at
    BEFORE UPDATE ON plugin_registry
    FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();

-- ---------------------------------------------------------------------------------
-- Seed: the two content-source plugins. ON CONFLICT without a target skips a row that
-- collides on ANY unique key (id, name or source), so a renamed row keeping its source
-- (or a re-sourced row keeping its name) is left as the operator made it.
-- ---------------------------------------------------------------------------------
INSERT INTO plugin_registry (name, source, capabilities, version, enabled)
VALUES
    ('Note.com Integration', 'note',
     '{"list": true, "search": true, "filter": true, "fetch": true, "transform": false}'::jsonb,
     '1.0.0', true),
    ('Local Materials', 'local',
     '{"list": true, "search": true, "filter": true, "fetch": true, "transform": true}'::jsonb,
     '1.0.0', true)
ON CONFLICT DO NOTHING;
