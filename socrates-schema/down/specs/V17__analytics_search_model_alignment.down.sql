-- Undo socrates_specs V17__analytics_search_model_alignment.
-- Lossy but always applicable: the five roll-up tables are dropped with their rows, the
-- model's columns with their values; consolidated columns that become required again are
-- filled first.

DROP TABLE conversion_funnel;
DROP TABLE feature_usage;
DROP TABLE churn_analysis;
DROP TABLE monthly_recurring_revenue;
DROP TABLE daily_active_users;

-- notification_preferences: rows the model wrote have no notification_type; they become 'all'.
DROP INDEX uq_notification_preferences_user_id;
UPDATE notification_preferences SET notification_type = 'all' WHERE notification_type IS NULL;
ALTER TABLE notification_preferences ALTER COLUMN notification_type SET NOT NULL;

ALTER TABLE notification_preferences
    DROP COLUMN digest_frequency,
    DROP COLUMN email_on_activity,
    DROP COLUMN email_on_mention,
    DROP COLUMN email_on_maturity,
    DROP COLUMN email_on_conflict;

-- notification_preferences: id and user_id back to uuid. Rows whose user_id is not a uuid
-- cannot refer to a user and are deleted; ids that are not uuids are replaced.
DELETE FROM notification_preferences
 WHERE user_id !~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';

ALTER TABLE notification_preferences ALTER COLUMN id DROP DEFAULT;
ALTER TABLE notification_preferences
    ALTER COLUMN id TYPE uuid
        USING CASE WHEN id ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
                   THEN id::uuid ELSE gen_random_uuid() END,
    ALTER COLUMN user_id TYPE uuid USING user_id::uuid;
ALTER TABLE notification_preferences ALTER COLUMN id SET DEFAULT gen_random_uuid();

-- document_chunks: id back to uuid (ids that are not uuids are replaced).
ALTER TABLE document_chunks DROP CONSTRAINT uq_document_chunk_index;
ALTER TABLE document_chunks DROP COLUMN embedding_vector;
ALTER TABLE document_chunks ALTER COLUMN document_id DROP NOT NULL;

ALTER TABLE document_chunks ALTER COLUMN id DROP DEFAULT;
ALTER TABLE document_chunks ALTER COLUMN id TYPE uuid
    USING CASE WHEN id ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
               THEN id::uuid ELSE gen_random_uuid() END;
ALTER TABLE document_chunks ALTER COLUMN id SET DEFAULT gen_random_uuid();

-- analytics_metrics: tags back to varchar[] (a JSON list of strings becomes the array; anything
-- else becomes the empty array); metric_value is filled from value where empty.
DROP INDEX ix_analytics_metrics_date;
DROP INDEX ix_analytics_metrics_metric_type;

UPDATE analytics_metrics SET metric_value = value WHERE metric_value IS NULL;

CREATE FUNCTION pg_temp.socrates_jsonb_to_varchar_array(j jsonb) RETURNS varchar[]
    LANGUAGE sql IMMUTABLE
    AS $$
        SELECT CASE
                   WHEN jsonb_typeof(j) = 'array' THEN
                       coalesce((SELECT array_agg(e.value ORDER BY e.ordinality)
                                   FROM jsonb_array_elements_text(j) WITH ORDINALITY AS e(value, ordinality)),
                                '{}')::varchar[]
                   ELSE '{}'::varchar[]
               END
    $$;

ALTER TABLE analytics_metrics ALTER COLUMN tags DROP DEFAULT;
ALTER TABLE analytics_metrics ALTER COLUMN tags TYPE varchar[]
    USING CASE WHEN tags IS NULL THEN NULL ELSE pg_temp.socrates_jsonb_to_varchar_array(tags) END;
ALTER TABLE analytics_metrics ALTER COLUMN tags SET DEFAULT '{}'::varchar[];

DROP FUNCTION pg_temp.socrates_jsonb_to_varchar_array(jsonb);

ALTER TABLE analytics_metrics
    DROP COLUMN updated_at,
    DROP COLUMN metrics_metadata,
    DROP COLUMN date,
    DROP COLUMN value,
    DROP COLUMN metric_type;
