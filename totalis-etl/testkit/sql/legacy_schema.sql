-- The legacy Totalis source database (reference/totalis.md §1): the six
-- tls_* tables the import reads. Used by the legacy generator
-- (src/legacy.rs) to build test sources; the import never runs it.
--
-- As in production: integer ids, TIMESTAMP without time zone, sex as free
-- TEXT (the client's enum was M/F/N), every other column nullable. Primary
-- keys are declared; the image and parent references are NOT foreign keys,
-- because the legacy data was never held to them (orphan parents, coaches
-- pointing at absent images). tls_image is created first, as it is the
-- referenced table.

CREATE TABLE tls_image (
    id          integer PRIMARY KEY,
    extension   text,                -- with or without a leading dot, any case; may be NULL
    data        bytea,               -- the whole file
    time_create timestamp
);

CREATE TABLE tls_coach (
    id          integer PRIMARY KEY,
    name        text,
    description text,
    image_id    integer,             -- tls_image.id of the full-size photo; 0 or NULL = none
    image30_id  integer,             -- 30 px variant
    image45_id  integer,             -- 45 px variant
    image60_id  integer,             -- 60 px variant
    sex         text,
    intro       text,
    prompt      text,
    time_create timestamp
);

CREATE TABLE tls_category (
    id                    integer PRIMARY KEY,
    parent_id             integer,   -- tls_category.id; NULL or 0 = root
    name                  text,
    name_short            text,
    description           text,
    icon_id               integer,   -- tls_image.id; 0 or NULL = none
    icon_id_secondary     integer,
    sort_order            integer,
    primary_color         text,
    secondary_color       text,
    show_checkin_history  boolean,
    checkin_enabled       boolean,
    followup_chat_enabled boolean,
    followup_timer        integer,
    prompt_checkin        text,
    prompt_checkin_2      text,
    guidelines_file_text  text,
    max_questions         integer,
    scope                 text,
    time_create           timestamp
);

CREATE TABLE tls_prompt (
    id          integer PRIMARY KEY,
    name        text,
    prompt      text,
    time_create timestamp
);

CREATE TABLE tls_variable (
    id          integer PRIMARY KEY,
    name        text,
    value       text,
    "user"      boolean,             -- reserved word: always quoted
    time_create timestamp
);

CREATE TABLE tls_system (
    id          integer PRIMARY KEY,
    name        text,
    value       text,
    time_create timestamp
);
