-- Undo MUED V2: drop its four indexes and remove the comments it set.
-- Never touches users, materials or update_updated_at_column().
-- Safe to run twice, and on a database where the tables are already gone.
-- Objects are looked up in the current schema, where V1 created them.
-- No BEGIN/COMMIT: the runner wraps this file in one transaction.

DO $$
DECLARE
    s text := current_schema();
    idx text;
    c record;
BEGIN
    FOREACH idx IN ARRAY ARRAY['idx_ai_dialogue_user_created', 'idx_provenance_expiring',
                               'idx_rag_metrics_date_unique', 'idx_plugin_enabled_healthy'] LOOP
        EXECUTE format('DROP INDEX IF EXISTS %I.%I', s, idx);
    END LOOP;

    FOR c IN
        SELECT * FROM (VALUES
            ('ai_dialogue_log', NULL), ('provenance', NULL),
            ('rag_metrics_history', NULL), ('plugin_registry', NULL),
            ('ai_dialogue_log', 'citations'), ('ai_dialogue_log', 'latency_ms'),
            ('ai_dialogue_log', 'citation_rate'), ('provenance', 'hash_c2pa'),
            ('provenance', 'retention_years'), ('rag_metrics_history', 'slo_compliance'),
            ('plugin_registry', 'capabilities')
        ) AS v(tbl, col)
    LOOP
        CONTINUE WHEN to_regclass(format('%I.%I', s, c.tbl)) IS NULL;
        IF c.col IS NULL THEN
            EXECUTE format('COMMENT ON TABLE %I.%I IS NULL', s, c.tbl);
        ELSE
            EXECUTE format('COMMENT ON COLUMN %I.%I.%I IS NULL', s, c.tbl, c.col);
        END IF;
    END LOOP;
END;
$$;
