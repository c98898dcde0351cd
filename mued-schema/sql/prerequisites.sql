-- MUED prerequisites: run before anything is applied. One SELECT; no rows = ready,
-- otherwise one row per missing prerequisite, column "problem" (a full sentence).
-- Read-only: it only looks at the catalog.
--
-- The only base table the MUED migrations reference is "users" (V3's two foreign keys
-- point at users.id). "materials" is NOT required: only the abandoned original 0008
-- referenced it; provenance.content_id is polymorphic without a foreign key.
-- "users" is looked up through the search_path, exactly as V3's REFERENCES users (id)
-- resolves it. A foreign key needs the referenced column to carry a unique,
-- non-partial, non-deferrable index: the primary key in the application's schema.
-- PostgreSQL 14 is the oldest server the migrations can run on (CREATE OR REPLACE
-- TRIGGER); the project targets 15 to 17.
SELECT p.problem
  FROM (
        SELECT current_setting('server_version_num')::int AS version_num,
               u.oid AS users_oid,
               a.attnum AS id_attnum,
               a.atttypid AS id_type,
               EXISTS (SELECT 1
                         FROM pg_index i
                        WHERE i.indrelid = u.oid
                          AND i.indisunique
                          AND i.indimmediate
                          AND i.indisvalid
                          AND i.indpred IS NULL
                          AND i.indexprs IS NULL
                          AND i.indnkeyatts = 1
                          AND i.indkey[0] = a.attnum) AS id_is_unique
          FROM (SELECT 1) AS one
          LEFT JOIN pg_class u
                 ON u.oid = to_regclass('users')
                AND u.relkind IN ('r', 'p')
          LEFT JOIN pg_attribute a
                 ON a.attrelid = u.oid
                AND a.attname = 'id'
                AND NOT a.attisdropped
       ) AS f
 CROSS JOIN LATERAL (VALUES
        (1, CASE WHEN f.version_num < 140000 THEN
                 format('PostgreSQL 14 or newer is required for the MUED RAG tables, this server is %s: upgrade the server (15, 16 or 17)',
                        current_setting('server_version'))
            END),
        (2, CASE WHEN f.users_oid IS NULL THEN
                 'table "users" with a uuid "id" column is missing: MUED RAG tables need the application''s schema first (run the app''s Drizzle migrations, or use a non-production profile with --with-test-data)'
            END),
        (3, CASE WHEN f.users_oid IS NOT NULL AND f.id_type IS DISTINCT FROM 'uuid'::regtype THEN
                 format('table "users" (%s) has no uuid "id" column (found %s): the MUED foreign keys need users.id to be uuid as in the application''s schema; fix the table or point the profile at the application''s database',
                        f.users_oid::regclass,
                        COALESCE(format_type(f.id_type, NULL), 'no "id" column'))
            END),
        (4, CASE WHEN f.id_type = 'uuid'::regtype AND NOT f.id_is_unique THEN
                 format('column "id" of table "users" (%s) is not a primary key or unique: the MUED foreign keys fk_ai_dialogue_user and fk_provenance_acquired_by need a unique index on it; add the primary key as in the application''s schema',
                        f.users_oid::regclass)
            END)
       ) AS p(ord, problem)
 WHERE p.problem IS NOT NULL
 ORDER BY p.ord;
