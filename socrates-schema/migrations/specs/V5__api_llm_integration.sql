-- socrates_specs V5: API keys, LLM usage, subscriptions and invoices (consolidated revision 007).
--
-- Left out as redundant (reference §3): ix_api_keys_key_hash (duplicate of uq_api_keys_key_hash)
-- and ix_invoices_invoice_number (duplicate of uq_invoices_invoice_number).

CREATE TABLE api_keys (
    id           uuid         NOT NULL DEFAULT gen_random_uuid(),
    user_id      uuid         NOT NULL,
    name         varchar(255) NOT NULL,
    key_hash     varchar(255) NOT NULL,
    key_preview  varchar(20),
    status       varchar(20)  NOT NULL DEFAULT 'active',
    scope        varchar[]             DEFAULT '{}'::varchar[],
    rate_limit   integer,
    usage_count  integer      NOT NULL DEFAULT 0,
    last_used_at timestamptz,
    expires_at   timestamptz,
    metadata     jsonb                 DEFAULT '{}'::jsonb,
    created_at   timestamptz  NOT NULL DEFAULT now(),
    updated_at   timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT api_keys_pkey PRIMARY KEY (id),
    CONSTRAINT uq_api_keys_key_hash UNIQUE (key_hash)
);
COMMENT ON TABLE api_keys IS 'API keys of users';
COMMENT ON COLUMN api_keys.user_id IS 'References socrates_auth.users.id (cross-database, no foreign key)';

CREATE INDEX ix_api_keys_created_at ON api_keys (created_at);
CREATE INDEX ix_api_keys_status ON api_keys (status);
CREATE INDEX ix_api_keys_user_id ON api_keys (user_id);

CREATE TABLE llm_usage_tracking (
    id             uuid          NOT NULL DEFAULT gen_random_uuid(),
    user_id        uuid          NOT NULL,
    project_id     uuid,
    model_name     varchar(100)  NOT NULL,
    operation_type varchar(100),
    input_tokens   integer       NOT NULL,
    output_tokens  integer       NOT NULL,
    total_tokens   integer       NOT NULL,
    cost_usd       numeric(10,6),
    latency_ms     integer,
    status         varchar(20)   NOT NULL DEFAULT 'success',
    error_message  text,
    metadata       jsonb                  DEFAULT '{}'::jsonb,
    created_at     timestamptz   NOT NULL DEFAULT now(),
    CONSTRAINT llm_usage_tracking_pkey PRIMARY KEY (id),
    CONSTRAINT llm_usage_tracking_project_id_fkey FOREIGN KEY (project_id) REFERENCES projects (id) ON DELETE SET NULL
);
COMMENT ON TABLE llm_usage_tracking IS 'One row per LLM call';
COMMENT ON COLUMN llm_usage_tracking.user_id IS 'References socrates_auth.users.id (cross-database, no foreign key)';

CREATE INDEX ix_llm_usage_tracking_created_at ON llm_usage_tracking (created_at);
CREATE INDEX ix_llm_usage_tracking_model_name ON llm_usage_tracking (model_name);
CREATE INDEX ix_llm_usage_tracking_operation_type ON llm_usage_tracking (operation_type);
CREATE INDEX ix_llm_usage_tracking_project_id ON llm_usage_tracking (project_id);
CREATE INDEX ix_llm_usage_tracking_status ON llm_usage_tracking (status);
CREATE INDEX ix_llm_usage_tracking_user_id ON llm_usage_tracking (user_id);

CREATE TABLE subscriptions (
    id                     uuid          NOT NULL DEFAULT gen_random_uuid(),
    user_id                uuid          NOT NULL,
    plan_name              varchar(100)  NOT NULL,
    plan_type              varchar(50),
    status                 varchar(20)   NOT NULL DEFAULT 'active',
    price_usd              numeric(10,2),
    billing_cycle_start    timestamptz,
    billing_cycle_end      timestamptz,
    stripe_customer_id     varchar(255),
    stripe_subscription_id varchar(255),
    features               jsonb                  DEFAULT '{}'::jsonb,
    auto_renew             boolean       NOT NULL DEFAULT true,
    metadata               jsonb                  DEFAULT '{}'::jsonb,
    created_at             timestamptz   NOT NULL DEFAULT now(),
    updated_at             timestamptz   NOT NULL DEFAULT now(),
    CONSTRAINT subscriptions_pkey PRIMARY KEY (id)
);
COMMENT ON TABLE subscriptions IS 'Billing subscriptions';
COMMENT ON COLUMN subscriptions.user_id IS 'References socrates_auth.users.id (cross-database, no foreign key)';

CREATE INDEX ix_subscriptions_created_at ON subscriptions (created_at);
CREATE INDEX ix_subscriptions_plan_name ON subscriptions (plan_name);
CREATE INDEX ix_subscriptions_status ON subscriptions (status);
CREATE INDEX ix_subscriptions_stripe_customer_id ON subscriptions (stripe_customer_id);
CREATE INDEX ix_subscriptions_user_id ON subscriptions (user_id);

CREATE TABLE invoices (
    id                uuid          NOT NULL DEFAULT gen_random_uuid(),
    user_id           uuid          NOT NULL,
    subscription_id   uuid,
    invoice_number    varchar(50)   NOT NULL,
    amount_usd        numeric(10,2) NOT NULL,
    currency          varchar(3)    NOT NULL DEFAULT 'USD',
    status            varchar(20)   NOT NULL DEFAULT 'draft',
    description       text,
    line_items        jsonb                  DEFAULT '{}'::jsonb,
    issued_date       timestamptz,
    due_date          timestamptz,
    paid_date         timestamptz,
    stripe_invoice_id varchar(255),
    metadata          jsonb                  DEFAULT '{}'::jsonb,
    created_at        timestamptz   NOT NULL DEFAULT now(),
    updated_at        timestamptz   NOT NULL DEFAULT now(),
    CONSTRAINT invoices_pkey PRIMARY KEY (id),
    CONSTRAINT uq_invoices_invoice_number UNIQUE (invoice_number),
    CONSTRAINT invoices_subscription_id_fkey FOREIGN KEY (subscription_id) REFERENCES subscriptions (id) ON DELETE SET NULL
);
COMMENT ON TABLE invoices IS 'Invoices of subscriptions';
COMMENT ON COLUMN invoices.user_id IS 'References socrates_auth.users.id (cross-database, no foreign key)';

CREATE INDEX ix_invoices_created_at ON invoices (created_at);
CREATE INDEX ix_invoices_due_date ON invoices (due_date);
CREATE INDEX ix_invoices_issued_date ON invoices (issued_date);
CREATE INDEX ix_invoices_status ON invoices (status);
CREATE INDEX ix_invoices_stripe_invoice_id ON invoices (stripe_invoice_id);
CREATE INDEX ix_invoices_subscription_id ON invoices (subscription_id);
CREATE INDEX ix_invoices_user_id ON invoices (user_id);
