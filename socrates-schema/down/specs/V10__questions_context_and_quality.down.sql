-- Undo socrates_specs V10__questions_context_and_quality (drops the columns with their values).

ALTER TABLE questions
    DROP COLUMN quality_score,
    DROP COLUMN context;
