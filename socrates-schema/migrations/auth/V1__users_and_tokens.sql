-- socrates_auth V1: users and refresh tokens (the consolidated Alembic revision 001).
--
-- Names of tables, constraints and indexes are the consolidated ones. Left out as redundant
-- (reference §3): ix_users_email, ix_users_username and ix_refresh_tokens_token, which would be
-- second unique indexes on the columns already covered by uq_users_email, uq_users_username and
-- uq_refresh_tokens_token.
-- updated_at is maintained by the application (ORM onupdate); nothing in the database updates it.

CREATE TABLE users (
    id              uuid         NOT NULL DEFAULT gen_random_uuid(),
    email           varchar(255) NOT NULL,
    hashed_password varchar(255) NOT NULL,
    name            varchar(100),
    surname         varchar(100),
    username        varchar(50),
    is_active       boolean      NOT NULL DEFAULT true,
    is_verified     boolean      NOT NULL DEFAULT false,
    role            varchar(20)  NOT NULL DEFAULT 'user',
    status          varchar(20)  NOT NULL DEFAULT 'active',
    created_at      timestamptz  NOT NULL DEFAULT now(),
    updated_at      timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT users_pkey PRIMARY KEY (id),
    CONSTRAINT uq_users_email UNIQUE (email),
    CONSTRAINT uq_users_username UNIQUE (username),
    CONSTRAINT ck_users_role_valid CHECK (role IN ('user', 'admin', 'moderator')),
    CONSTRAINT ck_users_status_valid CHECK (status IN ('active', 'inactive', 'suspended', 'deleted'))
);
COMMENT ON TABLE users IS 'Application users; specs-database tables refer to users.id without a foreign key';

CREATE INDEX ix_users_created_at ON users (created_at);
CREATE INDEX ix_users_is_active ON users (is_active);
CREATE INDEX ix_users_status ON users (status);

CREATE TABLE refresh_tokens (
    id         uuid         NOT NULL DEFAULT gen_random_uuid(),
    user_id    uuid         NOT NULL,
    token      varchar(500) NOT NULL,
    expires_at timestamptz  NOT NULL,
    is_revoked boolean      NOT NULL DEFAULT false,
    created_at timestamptz  NOT NULL DEFAULT now(),
    revoked_at timestamptz,
    CONSTRAINT refresh_tokens_pkey PRIMARY KEY (id),
    CONSTRAINT uq_refresh_tokens_token UNIQUE (token),
    CONSTRAINT refresh_tokens_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);
COMMENT ON TABLE refresh_tokens IS 'JWT refresh tokens, one row per issued token';

CREATE INDEX ix_refresh_tokens_expires_at ON refresh_tokens (expires_at);
CREATE INDEX ix_refresh_tokens_is_revoked ON refresh_tokens (is_revoked);
CREATE INDEX ix_refresh_tokens_user_id ON refresh_tokens (user_id);
