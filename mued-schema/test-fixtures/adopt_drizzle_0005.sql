-- Test fixture (not applied by the runner): a restatement, written from the research
-- notes (reference/mued.md §0, §2-§4, §10), of what the application's drizzle-kit
-- catch-up migration 0005_melodic_mesmero creates for the MUED RAG tables:
-- the 3 enums (unguarded, schema "public"), the 4 tables with the same columns, primary
-- keys, Drizzle-named unique constraints (..._unique), NO user_feedback CHECK, NO
-- triggers, NO foreign keys, and the 12 basic indexes with idx_rag_metrics_compliance
-- as btree. Not the original file. Physical column order assumed equal to the
-- hand-written SQL (the notes do not say otherwise).
-- Used to check that migrations V1-V3 converge on such a database.

CREATE TYPE "public"."acquisition_method" AS ENUM('api_fetch', 'manual_upload', 'ai_generated', 'user_created', 'system_import');
CREATE TYPE "public"."content_type" AS ENUM('material', 'creation_log', 'generated', 'note_article', 'ai_response');
CREATE TYPE "public"."license_type" AS ENUM('cc_by', 'cc_by_sa', 'cc_by_nc', 'cc_by_nc_sa', 'proprietary', 'mit', 'apache_2_0', 'all_rights_reserved', 'public_domain');

CREATE TABLE "ai_dialogue_log" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"session_id" uuid NOT NULL,
	"query" text NOT NULL,
	"response" text NOT NULL,
	"model_used" varchar(100) NOT NULL,
	"created_at" timestamp DEFAULT now() NOT NULL,
	"updated_at" timestamp DEFAULT now() NOT NULL,
	"citations" jsonb,
	"latency_ms" integer,
	"token_cost_jpy" numeric(8, 2),
	"citation_rate" numeric(5, 2),
	"prompt_tokens" integer,
	"completion_tokens" integer,
	"total_tokens" integer,
	"relevance_score" numeric(3, 2),
	"user_feedback" integer,
	"context_window_size" integer,
	"temperature" numeric(3, 2)
);

CREATE TABLE "plugin_registry" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" varchar(100) NOT NULL,
	"source" varchar(50) NOT NULL,
	"capabilities" jsonb NOT NULL,
	"config" jsonb,
	"api_endpoint" text,
	"api_key_env_var" varchar(100),
	"enabled" boolean DEFAULT true,
	"version" varchar(20) NOT NULL,
	"last_health_check" timestamp,
	"health_status" varchar(50),
	"created_at" timestamp DEFAULT now() NOT NULL,
	"updated_at" timestamp DEFAULT now() NOT NULL,
	CONSTRAINT "plugin_registry_name_unique" UNIQUE("name"),
	CONSTRAINT "plugin_registry_source_unique" UNIQUE("source")
);

CREATE TABLE "provenance" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"content_id" uuid NOT NULL,
	"content_type" "content_type" NOT NULL,
	"source_uri" text,
	"license_type" "license_type",
	"acquisition_method" "acquisition_method",
	"rights_holder" text,
	"permission_flag" boolean DEFAULT false,
	"hash_c2pa" text,
	"hash_sha256" text,
	"retention_years" integer,
	"access_policy" jsonb,
	"external_share_consent" boolean DEFAULT false,
	"acquired_by" uuid,
	"acquired_at" timestamp,
	"last_verified_at" timestamp,
	"verification_status" varchar(50),
	"created_at" timestamp DEFAULT now() NOT NULL,
	"updated_at" timestamp DEFAULT now() NOT NULL
);

CREATE TABLE "rag_metrics_history" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"date" timestamp NOT NULL,
	"citation_rate" numeric(5, 2),
	"citation_count" integer,
	"unique_sources_count" integer,
	"latency_p50_ms" integer,
	"latency_p95_ms" integer,
	"latency_p99_ms" integer,
	"cost_per_answer" numeric(6, 2),
	"total_cost" numeric(10, 2),
	"total_queries" integer,
	"unique_users" integer,
	"average_tokens_per_query" integer,
	"average_relevance_score" numeric(3, 2),
	"positive_votes_rate" numeric(5, 2),
	"slo_compliance" jsonb,
	"created_at" timestamp DEFAULT now() NOT NULL
);

CREATE INDEX "idx_ai_dialogue_user" ON "ai_dialogue_log" USING btree ("user_id");
CREATE INDEX "idx_ai_dialogue_session" ON "ai_dialogue_log" USING btree ("session_id");
CREATE INDEX "idx_ai_dialogue_created_at" ON "ai_dialogue_log" USING btree ("created_at");
CREATE INDEX "idx_ai_dialogue_citation_rate" ON "ai_dialogue_log" USING btree ("citation_rate");
CREATE INDEX "idx_plugin_name" ON "plugin_registry" USING btree ("name");
CREATE INDEX "idx_plugin_enabled" ON "plugin_registry" USING btree ("enabled");
CREATE INDEX "idx_provenance_content" ON "provenance" USING btree ("content_id","content_type");
CREATE INDEX "idx_provenance_source" ON "provenance" USING btree ("source_uri");
CREATE INDEX "idx_provenance_license" ON "provenance" USING btree ("license_type");
CREATE INDEX "idx_provenance_retention" ON "provenance" USING btree ("retention_years");
CREATE INDEX "idx_rag_metrics_date" ON "rag_metrics_history" USING btree ("date");
CREATE INDEX "idx_rag_metrics_compliance" ON "rag_metrics_history" USING btree ("slo_compliance");
