-- socrates_specs V17: make analytics_metrics, document_chunks and notification_preferences (V6)
-- fit the models, and create the five analytics roll-up tables the models map but no Alembic
-- migration created (daily_active_users, monthly_recurring_revenue, churn_analysis,
-- feature_usage, conversion_funnel). Same rule as V12.

-- analytics_metrics: the model's metric_type, value, date, metrics_metadata and updated_at.
-- tags becomes jsonb: the model writes a JSON list, which varchar[] rejects.
ALTER TABLE analytics_metrics
    ADD COLUMN metric_type varchar(100) NOT NULL,
    ADD COLUMN value numeric(20,4) NOT NULL DEFAULT 0,
    ADD COLUMN date date NOT NULL,
    ADD COLUMN metrics_metadata text,
    ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();

ALTER TABLE analytics_metrics ALTER COLUMN tags DROP DEFAULT;
ALTER TABLE analytics_metrics ALTER COLUMN tags TYPE jsonb USING to_jsonb(tags);
ALTER TABLE analytics_metrics ALTER COLUMN tags SET DEFAULT '[]'::jsonb;

CREATE INDEX ix_analytics_metrics_metric_type ON analytics_metrics (metric_type);
CREATE INDEX ix_analytics_metrics_date ON analytics_metrics (date);

-- document_chunks: a chunk belongs to a document and has one position in it. embedding_vector
-- holds the vector as JSON (no pgvector). The model declares id as varchar(36) (a uuid string
-- it sets itself): the column becomes varchar(36) so the application reads back strings; the
-- default still produces a uuid string. No foreign key refers to this id.
ALTER TABLE document_chunks ALTER COLUMN id DROP DEFAULT;
ALTER TABLE document_chunks ALTER COLUMN id TYPE varchar(36) USING id::text;
ALTER TABLE document_chunks ALTER COLUMN id SET DEFAULT gen_random_uuid()::text;

ALTER TABLE document_chunks ALTER COLUMN document_id SET NOT NULL;
ALTER TABLE document_chunks
    ADD COLUMN embedding_vector jsonb,
    ADD CONSTRAINT uq_document_chunk_index UNIQUE (document_id, chunk_index);

-- notification_preferences: the model keeps one row per user with email_on_* switches and
-- declares user_id unique. notification_type is not written by the model, so the application's
-- rows have none; uq_notification_preferences_user_type stays for per-type rows, and the partial
-- unique index uq_notification_preferences_user_id gives the model's one-row-per-user rule to
-- the rows without a type (a plain UNIQUE (user_id) would forbid the consolidated per-type rows).
-- id and user_id are varchar(36) in the model (uuid strings), so the columns become
-- varchar(36) as for document_chunks.id; user_id still refers to socrates_auth.users.id.
ALTER TABLE notification_preferences ALTER COLUMN id DROP DEFAULT;
ALTER TABLE notification_preferences
    ALTER COLUMN id TYPE varchar(36) USING id::text,
    ALTER COLUMN user_id TYPE varchar(36) USING user_id::text;
ALTER TABLE notification_preferences ALTER COLUMN id SET DEFAULT gen_random_uuid()::text;

ALTER TABLE notification_preferences
    ADD COLUMN email_on_conflict boolean DEFAULT true,
    ADD COLUMN email_on_maturity boolean DEFAULT true,
    ADD COLUMN email_on_mention boolean DEFAULT true,
    ADD COLUMN email_on_activity boolean DEFAULT false,
    ADD COLUMN digest_frequency varchar(20) DEFAULT 'daily';

ALTER TABLE notification_preferences ALTER COLUMN notification_type DROP NOT NULL;

CREATE UNIQUE INDEX uq_notification_preferences_user_id ON notification_preferences (user_id)
    WHERE notification_type IS NULL;

-- Roll-up tables (model classes in analytics_metrics.py). Python-side defaults of the models
-- are server defaults here.
CREATE TABLE daily_active_users (
    id              uuid        NOT NULL DEFAULT gen_random_uuid(),
    date            date        NOT NULL,
    count           integer     NOT NULL DEFAULT 0,
    new_users       integer     NOT NULL DEFAULT 0,
    returning_users integer     NOT NULL DEFAULT 0,
    breakdown       jsonb,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT daily_active_users_pkey PRIMARY KEY (id),
    CONSTRAINT uq_daily_active_users_date UNIQUE (date)
);
COMMENT ON TABLE daily_active_users IS 'Daily active user counts';

CREATE TABLE monthly_recurring_revenue (
    id          uuid          NOT NULL DEFAULT gen_random_uuid(),
    month_start date          NOT NULL,
    total_mrr   numeric(12,2) NOT NULL DEFAULT 0,
    new_mrr     numeric(12,2) NOT NULL DEFAULT 0,
    churned_mrr numeric(12,2) NOT NULL DEFAULT 0,
    by_tier     jsonb,
    created_at  timestamptz   NOT NULL DEFAULT now(),
    updated_at  timestamptz   NOT NULL DEFAULT now(),
    CONSTRAINT monthly_recurring_revenue_pkey PRIMARY KEY (id),
    CONSTRAINT uq_monthly_recurring_revenue_month_start UNIQUE (month_start)
);
COMMENT ON TABLE monthly_recurring_revenue IS 'Monthly recurring revenue';

CREATE TABLE churn_analysis (
    id                 uuid         NOT NULL DEFAULT gen_random_uuid(),
    date               date         NOT NULL,
    churned_users      integer      NOT NULL DEFAULT 0,
    churn_rate_percent numeric(5,2) NOT NULL DEFAULT 0,
    by_tier            jsonb,
    by_region          jsonb,
    reasons            jsonb,
    created_at         timestamptz  NOT NULL DEFAULT now(),
    updated_at         timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT churn_analysis_pkey PRIMARY KEY (id),
    CONSTRAINT uq_churn_analysis_date UNIQUE (date)
);
COMMENT ON TABLE churn_analysis IS 'Daily churn figures';

CREATE TABLE feature_usage (
    id                uuid         NOT NULL DEFAULT gen_random_uuid(),
    date              date         NOT NULL,
    feature_name      varchar(100) NOT NULL,
    users_using       integer      NOT NULL DEFAULT 0,
    total_uses        integer      NOT NULL DEFAULT 0,
    avg_uses_per_user numeric(6,2) NOT NULL DEFAULT 0,
    created_at        timestamptz  NOT NULL DEFAULT now(),
    updated_at        timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT feature_usage_pkey PRIMARY KEY (id)
);
COMMENT ON TABLE feature_usage IS 'Daily usage per feature';

CREATE INDEX ix_feature_usage_date ON feature_usage (date);
CREATE INDEX ix_feature_usage_feature_name ON feature_usage (feature_name);

CREATE TABLE conversion_funnel (
    id                      uuid         NOT NULL DEFAULT gen_random_uuid(),
    date                    date         NOT NULL,
    signups                 integer      NOT NULL DEFAULT 0,
    trial_started           integer      NOT NULL DEFAULT 0,
    trial_to_paid           integer      NOT NULL DEFAULT 0,
    paid_users              integer      NOT NULL DEFAULT 0,
    conversion_rate_percent numeric(5,2) NOT NULL DEFAULT 0,
    created_at              timestamptz  NOT NULL DEFAULT now(),
    updated_at              timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT conversion_funnel_pkey PRIMARY KEY (id),
    CONSTRAINT uq_conversion_funnel_date UNIQUE (date)
);
COMMENT ON TABLE conversion_funnel IS 'Daily signup-to-paid funnel';
