-- MUED prerequisites: run before anything is applied. One SELECT; no rows = ready,
-- otherwise one row per missing prerequisite, column "problem" (a full sentence).
--
-- The only base table the MUED migrations reference is "users" (V3's two foreign keys
-- point at users.id). "materials" is NOT required: only the abandoned original 0008
-- referenced it; provenance.content_id is polymorphic without a foreign key.
-- "users" is looked up through the search_path, exactly as V3's REFERENCES users (id)
-- resolves it. A foreign key needs the referenced column to carry a unique,
-- non-partial, non-deferrable index: the primary key in the application's schema.
-- PostgreSQL 14 is the oldest server the migrations can run on (CREATE OR REPLACE
-- TRIGGER); the project targets 15 to 17.
WITH users_table AS (
    SELECT c.oid
      FROM pg_class c
     WHERE c.oid = to_regclass('users')
       AND c.relkind IN ('r', 'p')
),
users_id AS (
    SELECT a.attrelid, a.attnum, a.atttypid
      FROM pg_attribute a
      JOIN users_table u ON u.oid = a.attrelid
     WHERE a.attname = 'id'
       AND NOT a.attisdropped
),
problems (ord, problem) AS (
    SELECT 1,
           format('PostgreSQL 14 or newer is required for the MUED RAG tables, this server is %s: upgrade the server (15, 16 or 17)',
                  current_setting('server_version'))
     WHERE current_setting('server_version_num')::int < 140000
    UNION ALL
    SELECT 2,
           'table "users" with a uuid "id" column is missing: MUED RAG tables need the application''s schema first (run the app''s Drizzle migrations, or use a non-production profile with --with-test-data)'
     WHERE NOT EXISTS (SELECT 1 FROM users_table)
    UNION ALL
    SELECT 3,
           format('table "users" (%s) has no "id" column, or it is not uuid (found %s): MUED RAG foreign keys need users.id to be uuid as in the application''s schema; fix the table or point the profile at the application''s database',
                  (SELECT oid::regclass::text FROM users_table),
                  COALESCE((SELECT format_type(atttypid, NULL) FROM users_id), 'no such column'))
     WHERE EXISTS (SELECT 1 FROM users_table)
       AND NOT EXISTS (SELECT 1 FROM users_id WHERE atttypid = 'uuid'::regtype)
    UNION ALL
    SELECT 4,
           format('column "id" of table "users" (%s) is not a primary key or unique: the MUED foreign keys fk_ai_dialogue_user and fk_provenance_acquired_by need a unique index on it; add the primary key as in the application''s schema',
                  (SELECT oid::regclass::text FROM users_table))
     WHERE EXISTS (SELECT 1 FROM users_id WHERE atttypid = 'uuid'::regtype)
       AND NOT EXISTS (
            SELECT 1
              FROM pg_index i
              JOIN users_id u ON u.attrelid = i.indrelid
             WHERE i.indisunique
               AND i.indimmediate
               AND i.indisvalid
               AND i.indpred IS NULL
               AND i.indexprs IS NULL
               AND i.indnkeyatts = 1
               AND i.indkey[0] = u.attnum)
)
SELECT problem
  FROM problems
 ORDER BY ord;
