-- MUED V3: foreign keys to the application's users table (the content of the app's
-- 0008_add_foreign_keys_fixed; the original 0008 is invalid SQL and is not restated).
--
--   fk_ai_dialogue_user        ai_dialogue_log.user_id -> users.id  ON DELETE CASCADE
--   fk_provenance_acquired_by  provenance.acquired_by  -> users.id  ON DELETE SET NULL
--
-- provenance.content_id deliberately gets NO foreign key: it is polymorphic, and which
-- table it points into depends on provenance.content_type.
--
-- Prerequisite: "users" with a uuid "id" primary key, resolved through the search_path
-- (the runner checks sql/prerequisites.sql before applying anything).
-- PostgreSQL has no ADD CONSTRAINT IF NOT EXISTS: each constraint is added only when
-- no constraint of that name exists on that table (pg_constraint, per table).
-- Adding a foreign key validates existing rows: on an adopted database, dialogue rows
-- whose user no longer exists make this migration fail (nothing is deleted for you).
-- No BEGIN/COMMIT: the runner wraps this file and its history row in one transaction.

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint
                    WHERE conrelid = format('%I.ai_dialogue_log', current_schema())::regclass
                      AND conname = 'fk_ai_dialogue_user') THEN
        ALTER TABLE ai_dialogue_log
            ADD CONSTRAINT fk_ai_dialogue_user
            FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE;
    END IF;

    IF NOT EXISTS (SELECT 1 FROM pg_constraint
                    WHERE conrelid = format('%I.provenance', current_schema())::regclass
                      AND conname = 'fk_provenance_acquired_by') THEN
        ALTER TABLE provenance
            ADD CONSTRAINT fk_provenance_acquired_by
            FOREIGN KEY (acquired_by) REFERENCES users (id) ON DELETE SET NULL;
    END IF;
END;
$$;

COMMENT ON COLUMN provenance.content_id IS
    'Polymorphic reference, no foreign key: material -> materials.id, ai_response -> ai_dialogue_log.id; note_article, creation_log and generated point outside the database or to no single table. Validated by the application.';
COMMENT ON COLUMN provenance.content_type IS
    'Says what content_id refers to (see content_id).';
