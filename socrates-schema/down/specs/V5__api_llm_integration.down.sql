-- Undo socrates_specs V5__api_llm_integration. Drops the tables with their rows.

DROP TABLE invoices;
DROP TABLE subscriptions;
DROP TABLE llm_usage_tracking;
DROP TABLE api_keys;
