-- socrates_specs V6: analytics metrics, document chunks and notification preferences
-- (consolidated revision 008). document_chunks refers to knowledge_base_documents (V3).
--
-- Left out as redundant (reference §3): ix_notification_preferences_user_id, the leading column
-- of uq_notification_preferences_user_type.
-- No vector type: embeddings live in an external store (embedding_id); pgvector is not needed.

CREATE TABLE analytics_metrics (
    id              uuid             NOT NULL DEFAULT gen_random_uuid(),
    metric_name     varchar(100)     NOT NULL,
    metric_value    double precision,
    dimension_type  varchar(50),
    dimension_value varchar(255),
    period          varchar(20),
    period_start    timestamptz,
    period_end      timestamptz,
    tags            varchar[]                 DEFAULT '{}'::varchar[],
    metadata        jsonb                     DEFAULT '{}'::jsonb,
    created_at      timestamptz      NOT NULL DEFAULT now(),
    CONSTRAINT analytics_metrics_pkey PRIMARY KEY (id)
);
COMMENT ON TABLE analytics_metrics IS 'Generic analytics measurements';
COMMENT ON COLUMN analytics_metrics.dimension_value IS 'Polymorphic: value of the dimension named by dimension_type (no foreign key possible)';

CREATE INDEX ix_analytics_metrics_created_at ON analytics_metrics (created_at);
CREATE INDEX ix_analytics_metrics_dimension_type ON analytics_metrics (dimension_type);
CREATE INDEX ix_analytics_metrics_dimension_value ON analytics_metrics (dimension_value);
CREATE INDEX ix_analytics_metrics_metric_name ON analytics_metrics (metric_name);
CREATE INDEX ix_analytics_metrics_period ON analytics_metrics (period);
CREATE INDEX ix_analytics_metrics_period_start ON analytics_metrics (period_start);

CREATE TABLE document_chunks (
    id              uuid             NOT NULL DEFAULT gen_random_uuid(),
    document_id     uuid,
    project_id      uuid,
    chunk_index     integer          NOT NULL,
    content         text             NOT NULL,
    chunk_type      varchar(50),
    source_section  varchar(255),
    tokens_count    integer,
    embedding_id    varchar(255),
    has_embedding   boolean          NOT NULL DEFAULT false,
    relevance_score double precision,
    search_count    integer          NOT NULL DEFAULT 0,
    metadata        jsonb                     DEFAULT '{}'::jsonb,
    created_at      timestamptz      NOT NULL DEFAULT now(),
    updated_at      timestamptz      NOT NULL DEFAULT now(),
    CONSTRAINT document_chunks_pkey PRIMARY KEY (id),
    CONSTRAINT document_chunks_document_id_fkey FOREIGN KEY (document_id) REFERENCES knowledge_base_documents (id) ON DELETE CASCADE,
    CONSTRAINT document_chunks_project_id_fkey FOREIGN KEY (project_id) REFERENCES projects (id) ON DELETE CASCADE
);
COMMENT ON TABLE document_chunks IS 'Chunks of knowledge base documents for retrieval';
COMMENT ON COLUMN document_chunks.embedding_id IS 'Id of the embedding in an external vector store (no foreign key possible)';

CREATE INDEX ix_document_chunks_chunk_type ON document_chunks (chunk_type);
CREATE INDEX ix_document_chunks_created_at ON document_chunks (created_at);
CREATE INDEX ix_document_chunks_document_id ON document_chunks (document_id);
CREATE INDEX ix_document_chunks_has_embedding ON document_chunks (has_embedding);
CREATE INDEX ix_document_chunks_project_id ON document_chunks (project_id);
CREATE INDEX ix_document_chunks_search_count ON document_chunks (search_count);

CREATE TABLE notification_preferences (
    id                  uuid         NOT NULL DEFAULT gen_random_uuid(),
    user_id             uuid         NOT NULL,
    notification_type   varchar(100) NOT NULL,
    email_enabled       boolean      NOT NULL DEFAULT true,
    in_app_enabled      boolean      NOT NULL DEFAULT true,
    slack_enabled       boolean      NOT NULL DEFAULT false,
    frequency           varchar(50)           DEFAULT 'immediate',
    quiet_hours_enabled boolean      NOT NULL DEFAULT false,
    quiet_hours_start   varchar(5),
    quiet_hours_end     varchar(5),
    metadata            jsonb                 DEFAULT '{}'::jsonb,
    created_at          timestamptz  NOT NULL DEFAULT now(),
    updated_at          timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT notification_preferences_pkey PRIMARY KEY (id),
    CONSTRAINT uq_notification_preferences_user_type UNIQUE (user_id, notification_type)
);
COMMENT ON TABLE notification_preferences IS 'Notification settings per user';
COMMENT ON COLUMN notification_preferences.user_id IS 'References socrates_auth.users.id (cross-database, no foreign key)';

CREATE INDEX ix_notification_preferences_created_at ON notification_preferences (created_at);
CREATE INDEX ix_notification_preferences_email_enabled ON notification_preferences (email_enabled);
CREATE INDEX ix_notification_preferences_in_app_enabled ON notification_preferences (in_app_enabled);
CREATE INDEX ix_notification_preferences_notification_type ON notification_preferences (notification_type);
