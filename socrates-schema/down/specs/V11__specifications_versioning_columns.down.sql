-- Undo socrates_specs V11__specifications_versioning_columns (drops the columns with their
-- values).

DROP INDEX ix_specifications_is_current;
DROP INDEX ix_specifications_category;

ALTER TABLE specifications
    DROP COLUMN maturity_score,
    DROP COLUMN superseded_by,
    DROP COLUMN superseded_at,
    DROP COLUMN spec_metadata,
    DROP COLUMN is_current,
    DROP COLUMN confidence,
    DROP COLUMN source,
    DROP COLUMN content,
    DROP COLUMN category;
