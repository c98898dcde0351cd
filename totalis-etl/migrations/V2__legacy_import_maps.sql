-- V2 legacy_import_maps: the bookkeeping of the import of the legacy tls_*
-- database. It records which target rows the import owns (so reruns update
-- them and nothing else) and where each legacy image was stored (so URL
-- columns are filled by image id, never guessed or matched by name).

-- ---------------------------------------------------------------------------
-- legacy_id_map
-- ---------------------------------------------------------------------------

CREATE TABLE legacy_id_map (
    entity      text        NOT NULL,
    legacy_id   integer     NOT NULL,
    new_id      text        NOT NULL,
    imported_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT legacy_id_map_pkey PRIMARY KEY (entity, legacy_id),
    CONSTRAINT legacy_id_map_entity_new_id_key UNIQUE (entity, new_id),
    CONSTRAINT legacy_id_map_entity_check
        CHECK (entity IN ('coach', 'category', 'prompt', 'variable', 'system')),
    CONSTRAINT legacy_id_map_new_id_uuid_check
        CHECK (entity NOT IN ('coach', 'category')
               OR new_id ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$')
);

COMMENT ON TABLE legacy_id_map IS 'Target rows owned by the legacy import, by legacy table and id';
COMMENT ON COLUMN legacy_id_map.entity IS 'Legacy table: coach (tls_coach), category (tls_category), prompt, variable or system (tls_prompt, tls_variable, tls_system)';
COMMENT ON COLUMN legacy_id_map.legacy_id IS 'The integer id in that legacy table';
COMMENT ON COLUMN legacy_id_map.new_id IS 'coaches.id or categories.id as lowercase uuid text; app_config.key for prompt, variable and system';
COMMENT ON COLUMN legacy_id_map.imported_at IS 'When the import last wrote the row';

-- ---------------------------------------------------------------------------
-- legacy_image_map
-- ---------------------------------------------------------------------------

CREATE TABLE legacy_image_map (
    legacy_image_id integer     NOT NULL,
    bucket          text        NOT NULL,
    path            text        NOT NULL,
    public_url      text        NOT NULL,
    byte_size       bigint      NOT NULL,
    sha256          text        NOT NULL,
    content_type    text        NOT NULL,
    uploaded_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT legacy_image_map_pkey PRIMARY KEY (legacy_image_id),
    CONSTRAINT legacy_image_map_bucket_path_key UNIQUE (bucket, path),
    CONSTRAINT legacy_image_map_public_url_key UNIQUE (public_url),
    CONSTRAINT legacy_image_map_byte_size_check CHECK (byte_size > 0),
    CONSTRAINT legacy_image_map_sha256_check CHECK (sha256 ~ '^[0-9a-f]{64}$')
);

COMMENT ON TABLE legacy_image_map IS 'Where the import stored each legacy image (tls_image); the source of every imported URL';
COMMENT ON COLUMN legacy_image_map.legacy_image_id IS 'tls_image.id';
COMMENT ON COLUMN legacy_image_map.path IS 'Object path inside the bucket';
COMMENT ON COLUMN legacy_image_map.public_url IS 'URL written to coaches and categories image columns';
COMMENT ON COLUMN legacy_image_map.byte_size IS 'length(tls_image.data), equal to the stored object size';
COMMENT ON COLUMN legacy_image_map.sha256 IS 'Lowercase hex SHA-256 of the bytes (detects changed legacy images on rerun)';
COMMENT ON COLUMN legacy_image_map.content_type IS 'MIME type from the magic bytes, else the extension';
