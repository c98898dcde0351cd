-- socrates_specs V10: questions.context and questions.quality_score (Alembic revisions 015-016).
--
-- 015 added context as varchar(500); 016 meant to add it as text but skipped it because it
-- already existed, and its downgrade then broke 015's. Here the column is created once, as text
-- (the model's type), together with 016's quality_score.

ALTER TABLE questions
    ADD COLUMN context text,
    ADD COLUMN quality_score numeric(3,2) NOT NULL DEFAULT 1.0;
