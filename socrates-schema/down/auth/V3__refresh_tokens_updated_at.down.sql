-- Undo socrates_auth V3__refresh_tokens_updated_at.

DROP INDEX ix_refresh_tokens_updated_at;
ALTER TABLE refresh_tokens DROP COLUMN updated_at;
