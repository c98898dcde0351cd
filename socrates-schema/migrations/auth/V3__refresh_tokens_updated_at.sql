-- socrates_auth V3: refresh_tokens.updated_at (Alembic revision 010).
-- RefreshToken inherits updated_at from the application's BaseModel; without it login failed.

ALTER TABLE refresh_tokens ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();

CREATE INDEX ix_refresh_tokens_updated_at ON refresh_tokens (updated_at);
