-- socrates_specs V13: make generated_projects and generated_files (V2) fit the models.
-- Same rule as V12. The application could not write these tables before, so new required
-- columns are added without invented values (a non-empty table stops the migration).

-- generated_projects: the model's generation columns. generation_status is a Python enum stored
-- by name (PENDING, IN_PROGRESS, COMPLETED, FAILED); generation_started_at and
-- generation_completed_at are timestamps without time zone, as in the model.
-- name is not written by the model.
ALTER TABLE generated_projects
    ADD COLUMN generation_version integer NOT NULL DEFAULT 1,
    ADD COLUMN total_files integer NOT NULL,
    ADD COLUMN total_lines integer NOT NULL,
    ADD COLUMN test_coverage numeric(5,2),
    ADD COLUMN quality_score integer,
    ADD COLUMN traceability_score integer,
    ADD COLUMN download_url text,
    ADD COLUMN generation_started_at timestamp NOT NULL,
    ADD COLUMN generation_completed_at timestamp,
    ADD COLUMN generation_status varchar(20) NOT NULL DEFAULT 'PENDING',
    ADD COLUMN error_message text;

ALTER TABLE generated_projects ALTER COLUMN name DROP NOT NULL;

-- generated_files: the model writes file_path, file_content, file_size and spec_ids; path and
-- filename (and uq_generated_files_project_path on path) stay for the consolidated shape.
ALTER TABLE generated_files
    ADD COLUMN file_path varchar(500) NOT NULL,
    ADD COLUMN file_content text,
    ADD COLUMN file_size integer,
    ADD COLUMN spec_ids jsonb;

ALTER TABLE generated_files
    ALTER COLUMN path DROP NOT NULL,
    ALTER COLUMN filename DROP NOT NULL;
