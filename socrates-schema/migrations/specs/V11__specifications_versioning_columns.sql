-- socrates_specs V11: the specification columns of Alembic revision 017.
--
-- Same columns, types and defaults as 017, except spec_metadata, which is jsonb like every other
-- metadata column (017 used json; jsonb reads and writes the same for the application and
-- supports equality, DISTINCT and GROUP BY). maturity_score is not in the model; it is kept
-- because 017 created it.

ALTER TABLE specifications
    ADD COLUMN category varchar(100) NOT NULL DEFAULT 'general',
    ADD COLUMN content text,
    ADD COLUMN source varchar(100),
    ADD COLUMN confidence double precision DEFAULT 0.8,
    ADD COLUMN is_current boolean NOT NULL DEFAULT true,
    ADD COLUMN spec_metadata jsonb,
    ADD COLUMN superseded_at timestamptz,
    ADD COLUMN superseded_by varchar(255),
    ADD COLUMN maturity_score integer DEFAULT 0;

CREATE INDEX ix_specifications_category ON specifications (category);
CREATE INDEX ix_specifications_is_current ON specifications (is_current);
