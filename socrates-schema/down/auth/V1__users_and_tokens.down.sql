-- Undo socrates_auth V1__users_and_tokens. Drops the tables with their rows.

DROP TABLE refresh_tokens;
DROP TABLE users;
