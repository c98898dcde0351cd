-- V1 totalis_schema: the tables the Totalis apps read (coaches, categories,
-- app_config) in the default schema, as Supabase clients query them, and the
-- trigger that keeps their updated_at current.
--
-- Plain PostgreSQL 15, no extension: ids default to the core
-- gen_random_uuid() (the import always supplies its own deterministic ids).
-- No RLS policies, views, grants or auth/storage references: those belong to
-- the deployment, not to this schema.
--
-- Compared with the original schemas (reference/totalis.md §2):
--   * the union of the columns every consumer uses ((A) 001, HEAD and the
--     live database), so the import's payloads are valid;
--   * timestamps, booleans, sort_order, max_questions and metadata are
--     NOT NULL with their defaults;
--   * categories.parent_id is ON DELETE RESTRICT: deleting a category never
--     removes its subtree;
--   * the sex check keeps HEAD's five values;
--   * app_config seeds nothing (no placeholder default_coach).

-- ---------------------------------------------------------------------------
-- updated_at trigger function
-- ---------------------------------------------------------------------------

CREATE FUNCTION totalis_set_updated_at() RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END;
$$;

COMMENT ON FUNCTION totalis_set_updated_at() IS 'BEFORE UPDATE trigger: sets updated_at to now() on coaches, categories and app_config';

-- ---------------------------------------------------------------------------
-- coaches
-- ---------------------------------------------------------------------------

CREATE TABLE coaches (
    id               uuid        NOT NULL DEFAULT gen_random_uuid(),
    name             text        NOT NULL,
    bio              text,
    photo_url        text,
    sex              text,
    year_of_birth    integer,
    voice_id         text,
    voice_settings   jsonb                DEFAULT '{}'::jsonb,
    prompt           text,
    system_prompt    text,
    specialty        text,
    voice            text                 DEFAULT 'default',
    image_url        text,
    image_small_url  text,
    image_medium_url text,
    image_large_url  text,
    avatar_sizes     jsonb,
    is_active        boolean     NOT NULL DEFAULT true,
    metadata         jsonb       NOT NULL DEFAULT '{}'::jsonb,
    last_seen_at     timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT coaches_pkey PRIMARY KEY (id),
    CONSTRAINT coaches_sex_check
        CHECK (sex IS NULL OR sex IN ('male', 'female', 'non_binary', 'other', 'prefer_not_to_say'))
);

-- The sign-up trigger's fallback: the oldest active coach.
CREATE INDEX coaches_active_idx ON coaches (created_at) WHERE is_active;

CREATE TRIGGER coaches_set_updated_at
    BEFORE UPDATE ON coaches
    FOR EACH ROW EXECUTE FUNCTION totalis_set_updated_at();

COMMENT ON TABLE coaches IS 'AI coaches users talk to; names are not unique';
COMMENT ON COLUMN coaches.bio IS 'Shown in the app; the import uses tls_coach.description, else intro, else a default sentence';
COMMENT ON COLUMN coaches.photo_url IS 'Public Storage URL of the main photo';
COMMENT ON COLUMN coaches.sex IS 'male, female, non_binary, other, prefer_not_to_say or NULL (unknown)';
COMMENT ON COLUMN coaches.voice_id IS 'Text-to-speech voice name';
COMMENT ON COLUMN coaches.voice_settings IS 'Text-to-speech parameters for voice_id';
COMMENT ON COLUMN coaches.prompt IS 'Coach-specific AI prompt (tls_coach.prompt)';
COMMENT ON COLUMN coaches.system_prompt IS 'System prompt used by the chat backend';
COMMENT ON COLUMN coaches.voice IS 'Voice preset name used by the app';
COMMENT ON COLUMN coaches.image_url IS 'Public URL of the full-size photo';
COMMENT ON COLUMN coaches.image_small_url IS 'Public URL of the 30 px photo (tls_coach.image30_id)';
COMMENT ON COLUMN coaches.image_medium_url IS 'Public URL of the 45 px photo (tls_coach.image45_id)';
COMMENT ON COLUMN coaches.image_large_url IS 'Public URL of the 60 px photo (tls_coach.image60_id)';
COMMENT ON COLUMN coaches.avatar_sizes IS 'Photo URLs by size, as the live app stored them';
COMMENT ON COLUMN coaches.metadata IS 'Free-form extras (for example the legacy id of an imported coach)';
COMMENT ON COLUMN coaches.last_seen_at IS 'Last time the coach was used in a conversation';

-- ---------------------------------------------------------------------------
-- categories
-- ---------------------------------------------------------------------------

CREATE TABLE categories (
    id                    uuid        NOT NULL DEFAULT gen_random_uuid(),
    parent_id             uuid,
    name                  text        NOT NULL,
    name_short            text,
    description           text,
    icon                  text,
    icon_url              text,
    icon_secondary_url    text,
    sort_order            integer     NOT NULL DEFAULT 0,
    primary_color         text,
    secondary_color       text,
    is_active             boolean     NOT NULL DEFAULT true,
    show_checkin_history  boolean     NOT NULL DEFAULT false,
    checkin_enabled       boolean     NOT NULL DEFAULT true,
    followup_chat_enabled boolean     NOT NULL DEFAULT false,
    followup_timer        integer,
    prompt_checkin        text,
    prompt_checkin_2      text,
    prompt_followup       text,
    guidelines_file_text  text,
    scope                 text,
    max_questions         integer     NOT NULL DEFAULT 5,
    metadata              jsonb       NOT NULL DEFAULT '{}'::jsonb,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT categories_pkey PRIMARY KEY (id),
    CONSTRAINT categories_parent_id_fkey
        FOREIGN KEY (parent_id) REFERENCES categories (id) ON DELETE RESTRICT,
    CONSTRAINT categories_not_own_parent CHECK (parent_id <> id),
    CONSTRAINT categories_followup_timer_check CHECK (followup_timer IS NULL OR followup_timer >= 0),
    CONSTRAINT categories_max_questions_check CHECK (max_questions BETWEEN 1 AND 20)
);

CREATE INDEX categories_parent_id_idx ON categories (parent_id);
CREATE INDEX categories_sort_order_name_idx ON categories (sort_order, name);

CREATE TRIGGER categories_set_updated_at
    BEFORE UPDATE ON categories
    FOR EACH ROW EXECUTE FUNCTION totalis_set_updated_at();

COMMENT ON TABLE categories IS 'Check-in category tree (root, area, topic); names repeat, also under different parents';
COMMENT ON COLUMN categories.parent_id IS 'NULL for a root; deleting a parent that still has children is refused';
COMMENT ON COLUMN categories.icon IS 'Public URL of the icon, as older app versions read it';
COMMENT ON COLUMN categories.icon_url IS 'Public URL of the icon (tls_category.icon_id)';
COMMENT ON COLUMN categories.icon_secondary_url IS 'Public URL of the secondary icon (tls_category.icon_id_secondary)';
COMMENT ON COLUMN categories.sort_order IS 'Display order among siblings (ties are ordered by name)';
COMMENT ON COLUMN categories.primary_color IS 'Colour as stored by the legacy admin, not validated (e.g. #4CAF50)';
COMMENT ON COLUMN categories.show_checkin_history IS 'Whether the app lists past check-ins of this category';
COMMENT ON COLUMN categories.followup_chat_enabled IS 'Whether a follow-up chat is offered after a check-in';
COMMENT ON COLUMN categories.followup_timer IS 'Minutes until the follow-up; NULL for none';
COMMENT ON COLUMN categories.prompt_checkin IS 'AI prompt that drives the check-in conversation';
COMMENT ON COLUMN categories.prompt_checkin_2 IS 'Second-stage check-in prompt';
COMMENT ON COLUMN categories.prompt_followup IS 'AI prompt of the follow-up chat';
COMMENT ON COLUMN categories.guidelines_file_text IS 'Long guideline document given to the AI as context';
COMMENT ON COLUMN categories.scope IS 'Free-text scope label copied from the legacy data';
COMMENT ON COLUMN categories.max_questions IS 'Questions per check-in, 1 to 20';

-- ---------------------------------------------------------------------------
-- app_config
-- ---------------------------------------------------------------------------

CREATE TABLE app_config (
    key         text        NOT NULL,
    value       jsonb       NOT NULL,
    description text,
    is_public   boolean     NOT NULL DEFAULT false,
    metadata    jsonb       NOT NULL DEFAULT '{}'::jsonb,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT app_config_pkey PRIMARY KEY (key)
);

CREATE TRIGGER app_config_set_updated_at
    BEFORE UPDATE ON app_config
    FOR EACH ROW EXECUTE FUNCTION totalis_set_updated_at();

COMMENT ON TABLE app_config IS 'Application settings and AI prompts by key; default_coach holds {"default_coach_id": <coach uuid>}';
COMMENT ON COLUMN app_config.value IS 'Any JSON: objects, arrays, numbers or strings';
COMMENT ON COLUMN app_config.is_public IS 'Whether signed-in app users may read the row (private rows hold prompts)';
