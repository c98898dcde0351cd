-- Undo socrates_specs V12__core_model_alignment.
-- Lossy but always applicable: columns V12 added are dropped with their values; columns that
-- become required again are filled from the model's columns first.

-- conflicts
UPDATE conflicts SET title = coalesce(left(description, 255), 'Untitled conflict') WHERE title IS NULL;

ALTER TABLE conflicts
    ALTER COLUMN status SET DEFAULT 'open',
    ALTER COLUMN severity SET DEFAULT 'medium',
    ALTER COLUMN description DROP NOT NULL,
    ALTER COLUMN type DROP NOT NULL,
    ALTER COLUMN title SET NOT NULL;

ALTER TABLE conflicts
    DROP COLUMN resolved_by_user,
    DROP COLUMN resolved_at,
    DROP COLUMN detected_at,
    DROP COLUMN spec_ids;

-- specifications: value and source optional again; confidence back to double precision.
ALTER TABLE specifications
    ALTER COLUMN value DROP NOT NULL,
    ALTER COLUMN source DROP NOT NULL;

ALTER TABLE specifications ALTER COLUMN confidence DROP DEFAULT;
ALTER TABLE specifications ALTER COLUMN confidence TYPE double precision;
ALTER TABLE specifications ALTER COLUMN confidence SET DEFAULT 0.8;

-- specifications.superseded_by back to varchar(255) holding the uuid text.
DROP INDEX ix_specifications_superseded_by;
ALTER TABLE specifications DROP CONSTRAINT specifications_superseded_by_fkey;
ALTER TABLE specifications ALTER COLUMN superseded_by TYPE varchar(255) USING superseded_by::text;

-- specifications.session_id
DROP INDEX ix_specifications_session_id;
ALTER TABLE specifications DROP CONSTRAINT specifications_session_id_fkey;
ALTER TABLE specifications DROP COLUMN session_id;

-- specifications: restore UNIQUE (project_id, key, version). Where several rows share a
-- (project_id, key, version), the versions of that project and key are renumbered 1..n in
-- order of version, creation time and id, so the constraint can be created.
DROP INDEX ix_specifications_project_key;

UPDATE specifications s
   SET version = r.rn
  FROM (SELECT id,
               row_number() OVER (PARTITION BY project_id, key ORDER BY version, created_at, id) AS rn
          FROM specifications
         WHERE (project_id, key) IN (SELECT project_id, key
                                       FROM specifications
                                      GROUP BY project_id, key, version
                                     HAVING count(*) > 1)) r
 WHERE s.id = r.id
   AND s.version <> r.rn;

ALTER TABLE specifications
    ADD CONSTRAINT uq_specifications_project_key_version UNIQUE (project_id, key, version);

-- questions: session_id optional again, cleared when its session is deleted.
ALTER TABLE questions DROP CONSTRAINT questions_session_id_fkey;
ALTER TABLE questions
    ADD CONSTRAINT questions_session_id_fkey FOREIGN KEY (session_id) REFERENCES sessions (id) ON DELETE SET NULL;
ALTER TABLE questions ALTER COLUMN session_id DROP NOT NULL;
ALTER TABLE questions ALTER COLUMN category DROP NOT NULL;

-- sessions
ALTER TABLE sessions DROP COLUMN domain;

-- projects
ALTER TABLE projects ALTER COLUMN maturity_score DROP NOT NULL;
ALTER TABLE projects ALTER COLUMN maturity_score DROP DEFAULT;
