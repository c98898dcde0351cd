-- socrates_specs V12: make the core tables (V1) fit the application's models (reference §6).
-- No Alembic counterpart: these are what the application still needed after 017.
--
-- Rule used in V12-V18: a model column is NOT NULL in the database exactly when the model
-- requires it; a column only the consolidated schema has may not be NOT NULL without a default,
-- because the ORM never writes it.
-- Tables the application could already write after 017 (projects, sessions, questions,
-- specifications) get their NULLs filled with a neutral value before a column is tightened,
-- where one exists. Otherwise (questions.session_id, and the tables the application could not
-- write, here conflicts) the column is tightened directly: if rows from another tool violate it,
-- the migration stops and rolls back instead of inventing values.

-- projects: maturity_score is NOT NULL with default 0 in the model.
UPDATE projects SET maturity_score = 0 WHERE maturity_score IS NULL;
ALTER TABLE projects ALTER COLUMN maturity_score SET DEFAULT 0;
ALTER TABLE projects ALTER COLUMN maturity_score SET NOT NULL;

-- sessions: domain was added to the model without a migration; every Session query failed.
ALTER TABLE sessions ADD COLUMN domain varchar(100);

-- questions: category is required by the model (the wider varchar(100) stays).
-- session_id is required and its questions go with the session (model: NOT NULL, ON DELETE
-- CASCADE; the consolidated schema had nullable, ON DELETE SET NULL). The application always
-- sets it; a question left without a session by the old SET NULL rule stops this migration.
UPDATE questions SET category = 'general' WHERE category IS NULL;
ALTER TABLE questions ALTER COLUMN category SET NOT NULL;

ALTER TABLE questions ALTER COLUMN session_id SET NOT NULL;
ALTER TABLE questions DROP CONSTRAINT questions_session_id_fkey;
ALTER TABLE questions
    ADD CONSTRAINT questions_session_id_fkey FOREIGN KEY (session_id) REFERENCES sessions (id) ON DELETE CASCADE;

-- specifications: uniqueness. UNIQUE (project_id, key, version) cannot be satisfied by the
-- model, which has no version column: every row gets version 1, so the second specification
-- with a key fails, and versioning through is_current/superseded_by needs several rows per key.
-- The model declares no other uniqueness, so none is enforced; (project_id, key) stays indexed.
ALTER TABLE specifications DROP CONSTRAINT uq_specifications_project_key_version;
CREATE INDEX ix_specifications_project_key ON specifications (project_id, key);

-- specifications.session_id: application code passes it; optional, kept when the session goes.
ALTER TABLE specifications ADD COLUMN session_id uuid;
ALTER TABLE specifications
    ADD CONSTRAINT specifications_session_id_fkey FOREIGN KEY (session_id) REFERENCES sessions (id) ON DELETE SET NULL;
CREATE INDEX ix_specifications_session_id ON specifications (session_id);

-- specifications.superseded_by: a uuid referring to the newer specification (017 made it
-- varchar(255)). Values that are not the id of an existing specification are cleared.
UPDATE specifications s
   SET superseded_by = NULL
 WHERE s.superseded_by IS NOT NULL
   AND (s.superseded_by !~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
        OR NOT EXISTS (SELECT 1 FROM specifications t WHERE t.id::text = lower(s.superseded_by)));
ALTER TABLE specifications ALTER COLUMN superseded_by TYPE uuid USING superseded_by::uuid;
ALTER TABLE specifications
    ADD CONSTRAINT specifications_superseded_by_fkey FOREIGN KEY (superseded_by) REFERENCES specifications (id) ON DELETE SET NULL;
CREATE INDEX ix_specifications_superseded_by ON specifications (superseded_by);

-- specifications.confidence: numeric(3,2) in the model (017: double precision). 017's default
-- 0.8 is kept.
ALTER TABLE specifications ALTER COLUMN confidence DROP DEFAULT;
ALTER TABLE specifications ALTER COLUMN confidence TYPE numeric(3,2) USING round(confidence::numeric, 2);
ALTER TABLE specifications ALTER COLUMN confidence SET DEFAULT 0.8;

-- specifications.value and source are required by the model (source keeps varchar(100)).
UPDATE specifications SET value = coalesce(content, '') WHERE value IS NULL;
UPDATE specifications SET source = 'unknown' WHERE source IS NULL;
ALTER TABLE specifications
    ALTER COLUMN value SET NOT NULL,
    ALTER COLUMN source SET NOT NULL;

-- conflicts: the model's columns. type and description are required; title is not written by
-- the model. type, severity and status are Python enums that SQLAlchemy stores by NAME
-- (upper case), so the defaults become the names too. detected_at and resolved_at are
-- timestamps without time zone, as in the model. spec_ids is the model's counterpart of
-- related_specifications; both stay.
ALTER TABLE conflicts
    ADD COLUMN spec_ids jsonb NOT NULL,
    ADD COLUMN detected_at timestamp NOT NULL,
    ADD COLUMN resolved_at timestamp,
    ADD COLUMN resolved_by_user boolean DEFAULT false;

ALTER TABLE conflicts
    ALTER COLUMN title DROP NOT NULL,
    ALTER COLUMN type SET NOT NULL,
    ALTER COLUMN description SET NOT NULL,
    ALTER COLUMN severity SET DEFAULT 'MEDIUM',
    ALTER COLUMN status SET DEFAULT 'OPEN';
