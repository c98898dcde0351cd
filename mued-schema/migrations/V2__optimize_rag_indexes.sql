-- MUED V2: query-shaped indexes and catalog documentation (the content of the app's
-- hand-written 0007_optimize_rag_indexes, restated for the runner).
--
-- Creates 4 indexes (none of them exists in Drizzle's 0005_melodic_mesmero) and sets
-- COMMENTs on the four tables and on some columns.
--
-- Built without CONCURRENTLY, inside the runner's transaction: the tables are small,
-- the application barely writes them, and the profile's lock_timeout makes the
-- migration fail fast instead of queueing behind traffic. See NOTES.md.
-- No BEGIN/COMMIT: the runner wraps this file and its history row in one transaction.

-- Dashboard / per-user history: WHERE user_id = ? ORDER BY created_at DESC.
CREATE INDEX IF NOT EXISTS idx_ai_dialogue_user_created
    ON ai_dialogue_log (user_id, created_at DESC);

-- Retention sweeps only look at rows that have a retention period.
CREATE INDEX IF NOT EXISTS idx_provenance_expiring
    ON provenance (retention_years, acquired_at)
    WHERE retention_years IS NOT NULL;

-- One metrics row per calendar day. Must stay an expression index on exactly
-- date(date): the aggregation script uses it as its ON CONFLICT (DATE(date)) arbiter,
-- and it only works because "date" is timestamp WITHOUT time zone (date() is then
-- immutable).
--
-- On a database adopted from Drizzle, where no such index ever existed, the app's
-- cron job may already have written two rows for one day; building the index would
-- then fail with a bare unique violation. Say which days instead.
DO $$
DECLARE
    dup_days text;
BEGIN
    IF to_regclass(format('%I.idx_rag_metrics_date_unique', current_schema())) IS NULL THEN
        SELECT string_agg(d::text || ' (' || n || ' rows)', ', ' ORDER BY d)
          INTO dup_days
          FROM (SELECT date(date) AS d, count(*) AS n
                  FROM rag_metrics_history
                 GROUP BY date(date)
                HAVING count(*) > 1) AS dups;
        IF dup_days IS NOT NULL THEN
            RAISE EXCEPTION 'MUED V2: rag_metrics_history has more than one row for these days: %', dup_days
                USING HINT = 'Keep one row per day (delete or merge the others), then run again: idx_rag_metrics_date_unique allows one row per calendar day.';
        END IF;
    END IF;
END;
$$;

CREATE UNIQUE INDEX IF NOT EXISTS idx_rag_metrics_date_unique
    ON rag_metrics_history (date(date));

-- Plugins worth routing to.
CREATE INDEX IF NOT EXISTS idx_plugin_enabled_healthy
    ON plugin_registry (name, last_health_check)
    WHERE enabled = true AND health_status = 'healthy';

-- ---------------------------------------------------------------------------------
-- Documentation in the catalog (COMMENT ON replaces any earlier text).
-- ---------------------------------------------------------------------------------
COMMENT ON TABLE ai_dialogue_log IS
    'One row per RAG question/answer exchange: the query, the answer, the sources cited and what it cost.';
COMMENT ON TABLE provenance IS
    'Where a piece of content came from, under which license and retention rules (content_id is polymorphic, see content_type).';
COMMENT ON TABLE rag_metrics_history IS
    'Daily RAG quality, latency and cost aggregates; at most one row per calendar day.';
COMMENT ON TABLE plugin_registry IS
    'Content-source plugins (note.com, local materials, ...) with their capabilities and health.';

COMMENT ON COLUMN ai_dialogue_log.citations IS
    'JSON array of cited sources: {source, sourceType, excerpt, confidence, timestamp, pageNumber?, paragraphIndex?}.';
COMMENT ON COLUMN ai_dialogue_log.latency_ms IS
    'Time from query to complete answer, in milliseconds.';
COMMENT ON COLUMN ai_dialogue_log.citation_rate IS
    'Share of the answer backed by citations, in percent (0-100).';
COMMENT ON COLUMN provenance.hash_c2pa IS
    'C2PA content credential hash, when the source provides one.';
COMMENT ON COLUMN provenance.retention_years IS
    'How many years the content may be kept after acquired_at; NULL means no limit.';
COMMENT ON COLUMN rag_metrics_history.slo_compliance IS
    'JSON object saying which service-level objectives the day met, e.g. {citationRateMet, latencyMet, costMet, overallMet}; shape is not enforced.';
COMMENT ON COLUMN plugin_registry.capabilities IS
    'JSON object of booleans: {list, search, filter, fetch, transform}.';
