-- Undo MUED V1: drop the four tables (their indexes, constraints, triggers and rows go
-- with them) and the three enum types.
--
-- Deliberately kept:
--   * update_updated_at_column(): shared with the application's own migrations
--     (0009, 0010, 0012, 0013 define or use it);
--   * users and materials: owned by the application (or by sql/dev_base.sql locally).
-- No CASCADE: if anything outside MUED depends on these tables or types (a view, a
-- foreign key, a column of an enum type), the drop fails and nothing is undone,
-- instead of silently removing the application's objects.
-- Unlike the original rollback_0006 (which kept an 8-column ai_dialogue_log), this
-- drops ai_dialogue_log too: V1 created all of it.
-- Safe to run twice. Objects are dropped from the current schema, where V1 created
-- them, never from another schema on the search_path.
-- No BEGIN/COMMIT: the runner wraps this file in one transaction.

DO $$
DECLARE
    s text := current_schema();
    obj text;
BEGIN
    FOREACH obj IN ARRAY ARRAY['plugin_registry', 'rag_metrics_history', 'provenance',
                               'ai_dialogue_log'] LOOP
        EXECUTE format('DROP TABLE IF EXISTS %I.%I', s, obj);
    END LOOP;

    FOREACH obj IN ARRAY ARRAY['license_type', 'acquisition_method', 'content_type'] LOOP
        EXECUTE format('DROP TYPE IF EXISTS %I.%I', s, obj);
    END LOOP;
END;
$$;
