-- Undo socrates_specs V14__tracking_analytics_model_alignment.
-- Lossy but always applicable: the model's columns are dropped with their values; the
-- consolidated columns that become required again are filled from them first.

-- knowledge_base_documents: title comes from filename.
DROP INDEX ix_knowledge_base_documents_user_id;
DROP INDEX ix_knowledge_base_documents_project_id;

UPDATE knowledge_base_documents SET title = filename WHERE title IS NULL;
ALTER TABLE knowledge_base_documents ALTER COLUMN title SET NOT NULL;

ALTER TABLE knowledge_base_documents DROP CONSTRAINT knowledge_base_documents_project_id_fkey;
ALTER TABLE knowledge_base_documents
    DROP COLUMN uploaded_at,
    DROP COLUMN embedding,
    DROP COLUMN content_type,
    DROP COLUMN file_size,
    DROP COLUMN filename,
    DROP COLUMN user_id,
    DROP COLUMN project_id;

-- question_effectiveness
ALTER TABLE question_effectiveness
    DROP CONSTRAINT question_effectiveness_unique,
    DROP CONSTRAINT question_effectiveness_score_range;

ALTER TABLE question_effectiveness ALTER COLUMN effectiveness_score TYPE double precision;

ALTER TABLE question_effectiveness
    DROP COLUMN last_asked_at,
    DROP COLUMN average_spec_extraction_count,
    DROP COLUMN average_answer_length,
    DROP COLUMN times_answered_well,
    DROP COLUMN role,
    DROP COLUMN question_template_id,
    DROP COLUMN user_id;

-- user_behavior_patterns
ALTER TABLE user_behavior_patterns DROP CONSTRAINT user_behavior_patterns_confidence_range;
ALTER TABLE user_behavior_patterns
    DROP COLUMN learned_at,
    DROP COLUMN learned_from_projects,
    DROP COLUMN confidence;
ALTER TABLE user_behavior_patterns ALTER COLUMN pattern_data DROP NOT NULL;

-- quality_metrics: metric_name comes from metric_type.
ALTER TABLE quality_metrics
    DROP COLUMN calculated_at,
    DROP COLUMN passed,
    DROP COLUMN threshold;

UPDATE quality_metrics SET metric_name = metric_type WHERE metric_name IS NULL;

ALTER TABLE quality_metrics
    ALTER COLUMN metric_name SET NOT NULL,
    ALTER COLUMN metric_value TYPE double precision,
    ALTER COLUMN metric_type DROP NOT NULL,
    ALTER COLUMN metric_type TYPE varchar(50) USING left(metric_type, 50);
