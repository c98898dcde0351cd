-- Undo socrates_specs V13__generated_content_model_alignment.
-- Lossy but always applicable: the model's columns are dropped with their values; the
-- consolidated columns that become required again are filled from them first.

-- generated_files: path and filename come from file_path.
UPDATE generated_files
   SET path     = coalesce(path, file_path),
       filename = coalesce(filename, left(regexp_replace(file_path, '^.*/', ''), 255))
 WHERE path IS NULL OR filename IS NULL;

ALTER TABLE generated_files
    ALTER COLUMN path SET NOT NULL,
    ALTER COLUMN filename SET NOT NULL;

ALTER TABLE generated_files
    DROP COLUMN spec_ids,
    DROP COLUMN file_size,
    DROP COLUMN file_content,
    DROP COLUMN file_path;

-- generated_projects: name is required again.
UPDATE generated_projects
   SET name = 'Generation ' || generation_version
 WHERE name IS NULL;

ALTER TABLE generated_projects ALTER COLUMN name SET NOT NULL;

ALTER TABLE generated_projects
    DROP COLUMN error_message,
    DROP COLUMN generation_status,
    DROP COLUMN generation_completed_at,
    DROP COLUMN generation_started_at,
    DROP COLUMN download_url,
    DROP COLUMN traceability_score,
    DROP COLUMN quality_score,
    DROP COLUMN test_coverage,
    DROP COLUMN total_lines,
    DROP COLUMN total_files,
    DROP COLUMN generation_version;
