-- MUED dev base: minimal stand-ins for the application's base tables, for local
-- development on an empty database. Applied by the runner only on non-production
-- profiles with --with-test-data, before the prerequisites are checked. Never in
-- production: there these tables belong to the application's Drizzle migrations.
--
-- Idempotent and non-destructive: each table is created, with its indexes, only when
-- no table of that name is visible through the search_path (the same lookup
-- sql/prerequisites.sql and V3's REFERENCES use), so an existing table, e.g. the real
-- one in a later search_path schema, is neither changed nor shadowed.
-- Shapes follow the application's users (0000 + 0001) and materials (0000 + 0002)
-- tables, with their primary, unique and foreign keys and their indexes.
-- No BEGIN/COMMIT: the runner applies this in its own transaction.

DO $$
BEGIN
    IF to_regclass('users') IS NULL THEN
        CREATE TABLE IF NOT EXISTS users (
            id                 uuid      NOT NULL DEFAULT gen_random_uuid(),
            clerk_id           text      NOT NULL,
            email              text      NOT NULL,
            name               text,
            role               text      NOT NULL DEFAULT 'student',
            profile_image_url  text,
            bio                text,
            skills             jsonb,
            created_at         timestamp NOT NULL DEFAULT now(),
            updated_at         timestamp NOT NULL DEFAULT now(),
            stripe_customer_id text,
            CONSTRAINT users_pkey PRIMARY KEY (id),
            CONSTRAINT users_clerk_id_unique UNIQUE (clerk_id)
        );

        CREATE INDEX IF NOT EXISTS idx_users_clerk_id ON users (clerk_id);
        CREATE INDEX IF NOT EXISTS idx_users_email    ON users (email);
        CREATE INDEX IF NOT EXISTS idx_users_role     ON users (role);
    END IF;
END;
$$;

DO $$
BEGIN
    IF to_regclass('materials') IS NULL THEN
        CREATE TABLE IF NOT EXISTS materials (
            id                   uuid         NOT NULL DEFAULT gen_random_uuid(),
            creator_id           uuid         NOT NULL,
            title                text         NOT NULL,
            description          text,
            content              text,
            type                 text         NOT NULL,
            url                  text,
            tags                 jsonb,
            difficulty           text,
            is_public            boolean      NOT NULL DEFAULT false,
            view_count           integer      NOT NULL DEFAULT 0,
            metadata             jsonb,
            created_at           timestamp    NOT NULL DEFAULT now(),
            updated_at           timestamp    NOT NULL DEFAULT now(),
            playability_score    numeric(3,1),
            learning_value_score numeric(3,1),
            quality_status       text         DEFAULT 'pending',
            abc_analysis         jsonb,
            CONSTRAINT materials_pkey PRIMARY KEY (id),
            CONSTRAINT materials_creator_id_users_id_fk
                FOREIGN KEY (creator_id) REFERENCES users (id)
        );

        CREATE INDEX IF NOT EXISTS idx_materials_creator_id     ON materials (creator_id);
        CREATE INDEX IF NOT EXISTS idx_materials_type           ON materials (type);
        CREATE INDEX IF NOT EXISTS idx_materials_difficulty     ON materials (difficulty);
        CREATE INDEX IF NOT EXISTS idx_materials_is_public      ON materials (is_public);
        CREATE INDEX IF NOT EXISTS idx_materials_quality_status ON materials (quality_status);
        CREATE INDEX IF NOT EXISTS idx_materials_creator_type   ON materials (creator_id, type);
    END IF;
END;
$$;
