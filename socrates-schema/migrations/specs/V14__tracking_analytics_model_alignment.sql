-- socrates_specs V14: make quality_metrics, user_behavior_patterns, question_effectiveness and
-- knowledge_base_documents (V3) fit the models. Same rule as V12; the application could not
-- write these tables before, so new required columns are added without invented values.

-- quality_metrics: metric_type is required and wider in the model; metric_value is
-- numeric(10,2); threshold, passed and calculated_at are new. metric_name is not written by
-- the model.
ALTER TABLE quality_metrics
    ALTER COLUMN metric_type TYPE varchar(100),
    ALTER COLUMN metric_type SET NOT NULL,
    ALTER COLUMN metric_value TYPE numeric(10,2) USING round(metric_value::numeric, 2),
    ALTER COLUMN metric_name DROP NOT NULL;

ALTER TABLE quality_metrics
    ADD COLUMN threshold numeric(10,2),
    ADD COLUMN passed boolean NOT NULL,
    ADD COLUMN calculated_at timestamptz NOT NULL DEFAULT now();

-- user_behavior_patterns: pattern_data is required; confidence (0..1), learned_from_projects and
-- learned_at are new. pattern_type keeps the wider varchar(100).
ALTER TABLE user_behavior_patterns ALTER COLUMN pattern_data SET NOT NULL;

ALTER TABLE user_behavior_patterns
    ADD COLUMN confidence numeric(3,2) NOT NULL,
    ADD COLUMN learned_from_projects jsonb,
    ADD COLUMN learned_at timestamptz NOT NULL DEFAULT now(),
    ADD CONSTRAINT user_behavior_patterns_confidence_range CHECK (confidence >= 0 AND confidence <= 1);

-- question_effectiveness: the model tracks effectiveness per user and question template.
-- effectiveness_score becomes numeric(3,2) in 0..1.
ALTER TABLE question_effectiveness
    ADD COLUMN user_id uuid NOT NULL,
    ADD COLUMN question_template_id varchar(100) NOT NULL,
    ADD COLUMN role varchar(50) NOT NULL,
    ADD COLUMN times_answered_well integer NOT NULL DEFAULT 0,
    ADD COLUMN average_answer_length integer,
    ADD COLUMN average_spec_extraction_count numeric(5,2),
    ADD COLUMN last_asked_at timestamptz;

ALTER TABLE question_effectiveness
    ALTER COLUMN effectiveness_score TYPE numeric(3,2) USING round(effectiveness_score::numeric, 2);

ALTER TABLE question_effectiveness
    ADD CONSTRAINT question_effectiveness_score_range
        CHECK (effectiveness_score IS NULL OR (effectiveness_score >= 0 AND effectiveness_score <= 1)),
    ADD CONSTRAINT question_effectiveness_unique UNIQUE (user_id, question_template_id);

COMMENT ON COLUMN question_effectiveness.user_id IS 'References socrates_auth.users.id (cross-database, no foreign key)';

-- knowledge_base_documents: in the model a document is an upload into a project by a user.
-- title is not written by the model.
ALTER TABLE knowledge_base_documents
    ADD COLUMN project_id uuid NOT NULL,
    ADD COLUMN user_id uuid NOT NULL,
    ADD COLUMN filename varchar(255) NOT NULL,
    ADD COLUMN file_size integer NOT NULL,
    ADD COLUMN content_type varchar(100) NOT NULL,
    ADD COLUMN embedding text,
    ADD COLUMN uploaded_at timestamptz NOT NULL DEFAULT now(),
    ADD CONSTRAINT knowledge_base_documents_project_id_fkey FOREIGN KEY (project_id) REFERENCES projects (id) ON DELETE CASCADE;

ALTER TABLE knowledge_base_documents ALTER COLUMN title DROP NOT NULL;

COMMENT ON COLUMN knowledge_base_documents.user_id IS 'References socrates_auth.users.id (cross-database, no foreign key)';

CREATE INDEX ix_knowledge_base_documents_project_id ON knowledge_base_documents (project_id);
CREATE INDEX ix_knowledge_base_documents_user_id ON knowledge_base_documents (user_id);
