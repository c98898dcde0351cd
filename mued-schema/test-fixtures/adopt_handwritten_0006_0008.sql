-- Test fixture (not applied by the runner): the end state that the application's
-- original hand-written 0006 + 0007 + 0008_add_foreign_keys_fixed (run by
-- run-phase2-migrations.ts) leave behind, restated from the research notes
-- (reference/mued.md §1-§5) - not the original files. Differences from MUED V1-V3:
-- unique constraints named ..._key, other COMMENT texts, a differently worded
-- update_updated_at_column() body. Needs users (sql/dev_base.sql) first.
-- Used to check that migrations V1-V3 converge on such a database.

CREATE OR REPLACE FUNCTION update_updated_at_column() RETURNS TRIGGER AS $$
BEGIN
  NEW.updated_at = CURRENT_TIMESTAMP;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TYPE content_type AS ENUM ('material', 'creation_log', 'generated', 'note_article', 'ai_response');
CREATE TYPE acquisition_method AS ENUM ('api_fetch', 'manual_upload', 'ai_generated', 'user_created', 'system_import');
CREATE TYPE license_type AS ENUM ('cc_by', 'cc_by_sa', 'cc_by_nc', 'cc_by_nc_sa', 'proprietary', 'mit', 'apache_2_0', 'all_rights_reserved', 'public_domain');

CREATE TABLE ai_dialogue_log (
  id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id UUID NOT NULL, session_id UUID NOT NULL, query TEXT NOT NULL, response TEXT NOT NULL,
  model_used VARCHAR(100) NOT NULL,
  created_at TIMESTAMP NOT NULL DEFAULT NOW(), updated_at TIMESTAMP NOT NULL DEFAULT NOW()
);
ALTER TABLE ai_dialogue_log
  ADD COLUMN citations JSONB, ADD COLUMN latency_ms INTEGER, ADD COLUMN token_cost_jpy DECIMAL(8,2),
  ADD COLUMN citation_rate DECIMAL(5,2), ADD COLUMN prompt_tokens INTEGER,
  ADD COLUMN completion_tokens INTEGER, ADD COLUMN total_tokens INTEGER,
  ADD COLUMN relevance_score DECIMAL(3,2),
  ADD COLUMN user_feedback INTEGER CHECK (user_feedback IN (-1, 0, 1)),
  ADD COLUMN context_window_size INTEGER, ADD COLUMN temperature DECIMAL(3,2);

CREATE TABLE provenance (
  id UUID PRIMARY KEY DEFAULT gen_random_uuid(), content_id UUID NOT NULL,
  content_type content_type NOT NULL, source_uri TEXT, license_type license_type,
  acquisition_method acquisition_method, rights_holder TEXT, permission_flag BOOLEAN DEFAULT FALSE,
  hash_c2pa TEXT, hash_sha256 TEXT, retention_years INTEGER, access_policy JSONB,
  external_share_consent BOOLEAN DEFAULT FALSE, acquired_by UUID, acquired_at TIMESTAMP,
  last_verified_at TIMESTAMP, verification_status VARCHAR(50),
  created_at TIMESTAMP NOT NULL DEFAULT NOW(), updated_at TIMESTAMP NOT NULL DEFAULT NOW()
);

CREATE TABLE rag_metrics_history (
  id UUID PRIMARY KEY DEFAULT gen_random_uuid(), date TIMESTAMP NOT NULL,
  citation_rate DECIMAL(5,2), citation_count INTEGER, unique_sources_count INTEGER,
  latency_p50_ms INTEGER, latency_p95_ms INTEGER, latency_p99_ms INTEGER,
  cost_per_answer DECIMAL(6,2), total_cost DECIMAL(10,2), total_queries INTEGER,
  unique_users INTEGER, average_tokens_per_query INTEGER, average_relevance_score DECIMAL(3,2),
  positive_votes_rate DECIMAL(5,2), slo_compliance JSONB,
  created_at TIMESTAMP NOT NULL DEFAULT NOW()
);

CREATE TABLE plugin_registry (
  id UUID PRIMARY KEY DEFAULT gen_random_uuid(), name VARCHAR(100) NOT NULL UNIQUE,
  source VARCHAR(50) NOT NULL UNIQUE, capabilities JSONB NOT NULL, config JSONB,
  api_endpoint TEXT, api_key_env_var VARCHAR(100), enabled BOOLEAN DEFAULT TRUE,
  version VARCHAR(20) NOT NULL, last_health_check TIMESTAMP, health_status VARCHAR(50),
  created_at TIMESTAMP NOT NULL DEFAULT NOW(), updated_at TIMESTAMP NOT NULL DEFAULT NOW()
);

CREATE INDEX idx_ai_dialogue_user ON ai_dialogue_log(user_id);
CREATE INDEX idx_ai_dialogue_session ON ai_dialogue_log(session_id);
CREATE INDEX idx_ai_dialogue_created_at ON ai_dialogue_log(created_at);
CREATE INDEX idx_ai_dialogue_citation_rate ON ai_dialogue_log(citation_rate);
CREATE INDEX idx_provenance_content ON provenance(content_id, content_type);
CREATE INDEX idx_provenance_source ON provenance(source_uri);
CREATE INDEX idx_provenance_license ON provenance(license_type);
CREATE INDEX idx_provenance_retention ON provenance(retention_years);
CREATE INDEX idx_rag_metrics_date ON rag_metrics_history(date);
CREATE INDEX idx_rag_metrics_compliance ON rag_metrics_history USING GIN(slo_compliance);
CREATE INDEX idx_plugin_name ON plugin_registry(name);
CREATE INDEX idx_plugin_enabled ON plugin_registry(enabled);

CREATE TRIGGER update_ai_dialogue_log_updated_at BEFORE UPDATE ON ai_dialogue_log
  FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();
CREATE TRIGGER update_provenance_updated_at BEFORE UPDATE ON provenance
  FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();
CREATE TRIGGER update_plugin_registry_updated_at BEFORE UPDATE ON plugin_registry
  FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();

INSERT INTO plugin_registry (name, source, capabilities, version, enabled) VALUES
  ('Note.com Integration', 'note', '{"list": true, "search": true, "filter": true, "fetch": true, "transform": false}', '1.0.0', true),
  ('Local Materials', 'local', '{"list": true, "search": true, "filter": true, "fetch": true, "transform": true}', '1.0.0', true)
ON CONFLICT (name) DO NOTHING;

CREATE INDEX idx_ai_dialogue_user_created ON ai_dialogue_log(user_id, created_at DESC);
CREATE INDEX idx_provenance_expiring ON provenance(retention_years, acquired_at) WHERE retention_years IS NOT NULL;
CREATE UNIQUE INDEX idx_rag_metrics_date_unique ON rag_metrics_history(DATE(date));
CREATE INDEX idx_plugin_enabled_healthy ON plugin_registry(name, last_health_check) WHERE enabled = true AND health_status = 'healthy';
COMMENT ON TABLE ai_dialogue_log IS 'older wording';
COMMENT ON TABLE provenance IS 'older wording';
COMMENT ON TABLE rag_metrics_history IS 'older wording';
COMMENT ON TABLE plugin_registry IS 'older wording';
COMMENT ON COLUMN ai_dialogue_log.citations IS 'older wording';
COMMENT ON COLUMN rag_metrics_history.slo_compliance IS 'older wording';

ALTER TABLE ai_dialogue_log ADD CONSTRAINT fk_ai_dialogue_user FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE;
ALTER TABLE provenance ADD CONSTRAINT fk_provenance_acquired_by FOREIGN KEY (acquired_by) REFERENCES users(id) ON DELETE SET NULL;
COMMENT ON COLUMN provenance.content_id IS 'older wording';
