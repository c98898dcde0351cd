-- Undo MUED V3: drop the two foreign keys to users and the two column comments V3 set.
-- Never touches users, materials or update_updated_at_column().
-- Safe to run twice, and on a database where the tables are already gone.
-- Objects are looked up in the current schema, where V1 created them.
-- No BEGIN/COMMIT: the runner wraps this file in one transaction.

DO $$
BEGIN
    IF to_regclass(format('%I.ai_dialogue_log', current_schema())) IS NOT NULL THEN
        EXECUTE format('ALTER TABLE %I.ai_dialogue_log DROP CONSTRAINT IF EXISTS fk_ai_dialogue_user',
                       current_schema());
    END IF;

    IF to_regclass(format('%I.provenance', current_schema())) IS NOT NULL THEN
        EXECUTE format('ALTER TABLE %I.provenance DROP CONSTRAINT IF EXISTS fk_provenance_acquired_by',
                       current_schema());
        EXECUTE format('COMMENT ON COLUMN %I.provenance.content_id IS NULL', current_schema());
        EXECUTE format('COMMENT ON COLUMN %I.provenance.content_type IS NULL', current_schema());
    END IF;
END;
$$;
