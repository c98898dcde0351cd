-- Undo socrates_specs V3__tracking_analytics. Drops the tables with their rows.

DROP TABLE knowledge_base_documents;
DROP TABLE question_effectiveness;
DROP TABLE user_behavior_patterns;
DROP TABLE quality_metrics;
