-- socrates_specs V3: quality metrics, user behaviour patterns, question effectiveness and the
-- knowledge base (consolidated revision 005). No index of this revision is redundant.

CREATE TABLE quality_metrics (
    id           uuid             NOT NULL DEFAULT gen_random_uuid(),
    project_id   uuid             NOT NULL,
    metric_name  varchar(100)     NOT NULL,
    metric_value double precision NOT NULL,
    metric_type  varchar(50),
    measured_at  timestamptz,
    details      jsonb                     DEFAULT '{}'::jsonb,
    metadata     jsonb                     DEFAULT '{}'::jsonb,
    created_at   timestamptz      NOT NULL DEFAULT now(),
    CONSTRAINT quality_metrics_pkey PRIMARY KEY (id),
    CONSTRAINT quality_metrics_project_id_fkey FOREIGN KEY (project_id) REFERENCES projects (id) ON DELETE CASCADE
);
COMMENT ON TABLE quality_metrics IS 'Quality measurements of a project';

CREATE INDEX ix_quality_metrics_created_at ON quality_metrics (created_at);
CREATE INDEX ix_quality_metrics_metric_name ON quality_metrics (metric_name);
CREATE INDEX ix_quality_metrics_metric_type ON quality_metrics (metric_type);
CREATE INDEX ix_quality_metrics_project_id ON quality_metrics (project_id);

CREATE TABLE user_behavior_patterns (
    id                 uuid             NOT NULL DEFAULT gen_random_uuid(),
    user_id            uuid             NOT NULL,
    pattern_type       varchar(100)     NOT NULL,
    pattern_data       jsonb                     DEFAULT '{}'::jsonb,
    confidence_score   double precision,
    observation_period varchar(50),
    sample_size        integer,
    metadata           jsonb                     DEFAULT '{}'::jsonb,
    created_at         timestamptz      NOT NULL DEFAULT now(),
    updated_at         timestamptz      NOT NULL DEFAULT now(),
    CONSTRAINT user_behavior_patterns_pkey PRIMARY KEY (id)
);
COMMENT ON TABLE user_behavior_patterns IS 'Learned behaviour patterns per user';
COMMENT ON COLUMN user_behavior_patterns.user_id IS 'References socrates_auth.users.id (cross-database, no foreign key)';

CREATE INDEX ix_user_behavior_patterns_created_at ON user_behavior_patterns (created_at);
CREATE INDEX ix_user_behavior_patterns_pattern_type ON user_behavior_patterns (pattern_type);
CREATE INDEX ix_user_behavior_patterns_user_id ON user_behavior_patterns (user_id);

CREATE TABLE question_effectiveness (
    id                            uuid             NOT NULL DEFAULT gen_random_uuid(),
    question_id                   uuid,
    question_text                 text,
    project_type                  varchar(100),
    effectiveness_score           double precision,
    relevance_score               double precision,
    clarity_score                 double precision,
    times_asked                   integer          NOT NULL DEFAULT 0,
    times_skipped                 integer          NOT NULL DEFAULT 0,
    average_response_time_seconds double precision,
    feedback                      jsonb                     DEFAULT '{}'::jsonb,
    recommendations               text,
    metadata                      jsonb                     DEFAULT '{}'::jsonb,
    created_at                    timestamptz      NOT NULL DEFAULT now(),
    updated_at                    timestamptz      NOT NULL DEFAULT now(),
    CONSTRAINT question_effectiveness_pkey PRIMARY KEY (id)
);
COMMENT ON TABLE question_effectiveness IS 'How well questions work';
COMMENT ON COLUMN question_effectiveness.question_id IS 'References questions.id in this database (no foreign key)';

CREATE INDEX ix_question_effectiveness_created_at ON question_effectiveness (created_at);
CREATE INDEX ix_question_effectiveness_effectiveness_score ON question_effectiveness (effectiveness_score);
CREATE INDEX ix_question_effectiveness_project_type ON question_effectiveness (project_type);
CREATE INDEX ix_question_effectiveness_question_id ON question_effectiveness (question_id);

CREATE TABLE knowledge_base_documents (
    id              uuid             NOT NULL DEFAULT gen_random_uuid(),
    title           varchar(255)     NOT NULL,
    content         text,
    document_type   varchar(100),
    category        varchar(100),
    tags            varchar[]                 DEFAULT '{}'::varchar[],
    source          varchar(255),
    version         integer          NOT NULL DEFAULT 1,
    is_approved     boolean          NOT NULL DEFAULT false,
    relevance_score double precision,
    usage_count     integer          NOT NULL DEFAULT 0,
    metadata        jsonb                     DEFAULT '{}'::jsonb,
    created_at      timestamptz      NOT NULL DEFAULT now(),
    updated_at      timestamptz      NOT NULL DEFAULT now(),
    CONSTRAINT knowledge_base_documents_pkey PRIMARY KEY (id)
);
COMMENT ON TABLE knowledge_base_documents IS 'Knowledge base documents';

CREATE INDEX ix_knowledge_base_documents_category ON knowledge_base_documents (category);
CREATE INDEX ix_knowledge_base_documents_created_at ON knowledge_base_documents (created_at);
CREATE INDEX ix_knowledge_base_documents_document_type ON knowledge_base_documents (document_type);
CREATE INDEX ix_knowledge_base_documents_is_approved ON knowledge_base_documents (is_approved);
CREATE INDEX ix_knowledge_base_documents_title ON knowledge_base_documents (title);
