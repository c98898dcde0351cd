-- Undo socrates_specs V6__analytics_search. Drops the tables with their rows.

DROP TABLE notification_preferences;
DROP TABLE document_chunks;
DROP TABLE analytics_metrics;
