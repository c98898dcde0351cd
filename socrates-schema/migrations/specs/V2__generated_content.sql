-- socrates_specs V2: generated projects and their files (consolidated revision 004).
--
-- Left out as redundant (reference §3): ix_generated_files_generated_project_id, the leading
-- column of uq_generated_files_project_path.

CREATE TABLE generated_projects (
    id                  uuid         NOT NULL DEFAULT gen_random_uuid(),
    project_id          uuid         NOT NULL,
    name                varchar(255) NOT NULL,
    description         text,
    language            varchar(50),
    framework           varchar(100),
    version             varchar(20),
    status              varchar(20)  NOT NULL DEFAULT 'draft',
    file_count          integer      NOT NULL DEFAULT 0,
    total_lines_of_code integer,
    structure           jsonb                 DEFAULT '{}'::jsonb,
    configuration       jsonb                 DEFAULT '{}'::jsonb,
    metadata            jsonb                 DEFAULT '{}'::jsonb,
    created_at          timestamptz  NOT NULL DEFAULT now(),
    updated_at          timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT generated_projects_pkey PRIMARY KEY (id),
    CONSTRAINT generated_projects_project_id_fkey FOREIGN KEY (project_id) REFERENCES projects (id) ON DELETE CASCADE
);
COMMENT ON TABLE generated_projects IS 'Code generation runs for a project';

CREATE INDEX ix_generated_projects_created_at ON generated_projects (created_at);
CREATE INDEX ix_generated_projects_framework ON generated_projects (framework);
CREATE INDEX ix_generated_projects_language ON generated_projects (language);
CREATE INDEX ix_generated_projects_project_id ON generated_projects (project_id);
CREATE INDEX ix_generated_projects_status ON generated_projects (status);

CREATE TABLE generated_files (
    id                   uuid         NOT NULL DEFAULT gen_random_uuid(),
    generated_project_id uuid         NOT NULL,
    path                 varchar(500) NOT NULL,
    filename             varchar(255) NOT NULL,
    file_type            varchar(50),
    content              text,
    lines_of_code        integer,
    purpose              varchar(255),
    status               varchar(20)  NOT NULL DEFAULT 'draft',
    metadata             jsonb                 DEFAULT '{}'::jsonb,
    created_at           timestamptz  NOT NULL DEFAULT now(),
    updated_at           timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT generated_files_pkey PRIMARY KEY (id),
    CONSTRAINT uq_generated_files_project_path UNIQUE (generated_project_id, path),
    CONSTRAINT generated_files_generated_project_id_fkey FOREIGN KEY (generated_project_id) REFERENCES generated_projects (id) ON DELETE CASCADE
);
COMMENT ON TABLE generated_files IS 'Files produced by a generation run';

CREATE INDEX ix_generated_files_created_at ON generated_files (created_at);
CREATE INDEX ix_generated_files_file_type ON generated_files (file_type);
CREATE INDEX ix_generated_files_path ON generated_files (path);
CREATE INDEX ix_generated_files_status ON generated_files (status);
