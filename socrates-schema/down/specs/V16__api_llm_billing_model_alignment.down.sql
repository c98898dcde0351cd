-- Undo socrates_specs V16__api_llm_billing_model_alignment.
-- Lossy but always applicable: the model's columns are dropped with their values; consolidated
-- columns that become required again are filled from them first.

-- invoices: invoice_number comes from stripe_invoice_id, amount_usd from amount_due.
ALTER TABLE invoices
    DROP COLUMN invoice_date,
    DROP COLUMN invoice_metadata,
    DROP COLUMN pdf_url,
    DROP COLUMN hosted_invoice_url,
    DROP COLUMN paid_at,
    DROP COLUMN amount_paid,
    DROP COLUMN stripe_customer_id;

UPDATE invoices
   SET invoice_number = coalesce(invoice_number, left(stripe_invoice_id, 50))
 WHERE invoice_number IS NULL;

DROP INDEX ix_invoices_stripe_invoice_id;
CREATE INDEX ix_invoices_stripe_invoice_id ON invoices (stripe_invoice_id);

UPDATE invoices SET amount_usd = amount_due WHERE amount_usd IS NULL;

ALTER TABLE invoices DROP COLUMN amount_due;

ALTER TABLE invoices
    ALTER COLUMN stripe_invoice_id DROP NOT NULL,
    ALTER COLUMN invoice_number SET NOT NULL,
    ALTER COLUMN amount_usd SET NOT NULL;

-- subscriptions: plan_name comes from tier.
UPDATE subscriptions SET plan_name = tier WHERE plan_name IS NULL;

ALTER TABLE subscriptions DROP CONSTRAINT uq_subscriptions_stripe_subscription_id;
ALTER TABLE subscriptions
    DROP COLUMN canceled_at,
    DROP COLUMN price_id,
    DROP COLUMN stripe_metadata,
    DROP COLUMN billing_cycle_anchor,
    DROP COLUMN tier,
    DROP COLUMN cancel_at_period_end,
    DROP COLUMN current_period_end,
    DROP COLUMN current_period_start;

ALTER TABLE subscriptions
    ALTER COLUMN stripe_subscription_id DROP NOT NULL,
    ALTER COLUMN stripe_customer_id DROP NOT NULL,
    ALTER COLUMN plan_name SET NOT NULL;

-- llm_usage_tracking: model_name and the *_tokens columns come from model and tokens_*.
DROP INDEX ix_llm_usage_tracking_timestamp;
DROP INDEX ix_llm_usage_tracking_session_id;

UPDATE llm_usage_tracking
   SET model_name    = coalesce(model_name, model),
       input_tokens  = coalesce(input_tokens, tokens_input),
       output_tokens = coalesce(output_tokens, tokens_output),
       total_tokens  = coalesce(total_tokens, tokens_total)
 WHERE model_name IS NULL OR input_tokens IS NULL OR output_tokens IS NULL OR total_tokens IS NULL;

ALTER TABLE llm_usage_tracking
    ALTER COLUMN model_name SET NOT NULL,
    ALTER COLUMN input_tokens SET NOT NULL,
    ALTER COLUMN output_tokens SET NOT NULL,
    ALTER COLUMN total_tokens SET NOT NULL;

ALTER TABLE llm_usage_tracking DROP CONSTRAINT llm_usage_tracking_session_id_fkey;
ALTER TABLE llm_usage_tracking
    DROP COLUMN "timestamp",
    DROP COLUMN tokens_total,
    DROP COLUMN tokens_output,
    DROP COLUMN tokens_input,
    DROP COLUMN model,
    DROP COLUMN provider,
    DROP COLUMN session_id;

-- llm_usage_tracking.id back to a uuid; rows get new random ids (nothing refers to them).
ALTER TABLE llm_usage_tracking ALTER COLUMN id DROP IDENTITY;
ALTER TABLE llm_usage_tracking ALTER COLUMN id TYPE uuid USING gen_random_uuid();
ALTER TABLE llm_usage_tracking ALTER COLUMN id SET DEFAULT gen_random_uuid();

-- api_keys: name comes from provider; key_hash gets a unique placeholder that matches no key.
UPDATE api_keys
   SET name     = coalesce(name, provider),
       key_hash = coalesce(key_hash, 'unset:' || id::text)
 WHERE name IS NULL OR key_hash IS NULL;

ALTER TABLE api_keys
    ALTER COLUMN name SET NOT NULL,
    ALTER COLUMN key_hash SET NOT NULL;

ALTER TABLE api_keys
    DROP CONSTRAINT api_keys_user_provider_unique,
    DROP CONSTRAINT api_keys_provider_valid;

ALTER TABLE api_keys
    DROP COLUMN is_active,
    DROP COLUMN api_key_encrypted,
    DROP COLUMN provider;
