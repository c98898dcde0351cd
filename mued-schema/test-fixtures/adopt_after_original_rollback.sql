-- Test fixture (not applied by the runner): what the application's original
-- rollback_0006_add_rag_metrics.sql leaves behind (reference/mued.md §6), restated:
-- ai_dialogue_log with only its 8 base columns, its primary key and 3 indexes and a
-- table comment; update_updated_at_column() still defined; no enums, no other tables.
-- Used to check that migration V1 repairs the table (ADD COLUMN IF NOT EXISTS).

CREATE OR REPLACE FUNCTION update_updated_at_column() RETURNS TRIGGER AS $$
BEGIN
  NEW.updated_at = NOW();
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TABLE ai_dialogue_log (
  id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id UUID NOT NULL, session_id UUID NOT NULL, query TEXT NOT NULL, response TEXT NOT NULL,
  model_used VARCHAR(100) NOT NULL,
  created_at TIMESTAMP NOT NULL DEFAULT NOW(), updated_at TIMESTAMP NOT NULL DEFAULT NOW()
);
CREATE INDEX idx_ai_dialogue_user ON ai_dialogue_log(user_id);
CREATE INDEX idx_ai_dialogue_session ON ai_dialogue_log(session_id);
CREATE INDEX idx_ai_dialogue_created_at ON ai_dialogue_log(created_at);
COMMENT ON TABLE ai_dialogue_log IS 'older wording';
