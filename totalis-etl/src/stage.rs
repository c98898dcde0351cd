//! The transformed rows, staged with binary COPY in temporary tables of the
//! target session (`etl_coach`, `etl_category`, `etl_config`, `etl_image`),
//! so that the gates, the upload plan and the load are a few set-based
//! statements, and the import's memory does not grow with the rows. Only the
//! session sees them, and they go when it ends: nothing here is written to
//! the target's tables.

use std::time::SystemTime;

use postgres::binary_copy::BinaryCopyInWriter;
use postgres::types::{ToSql, Type};
use postgres::Client;

use crate::load::describe;
use crate::model::{Category, Coach, ConfigRow, Timestamp};

const TABLES: &str = "
    DROP TABLE IF EXISTS pg_temp.etl_coach, pg_temp.etl_category, pg_temp.etl_config, pg_temp.etl_image;
    CREATE TEMP TABLE etl_coach (
        id text PRIMARY KEY, legacy_id int4 NOT NULL, name text NOT NULL, bio text, sex text, year_of_birth int4,
        voice_id text, prompt text, photo_image int4, small_image int4, medium_image int4, large_image int4,
        created_at timestamptz);
    CREATE TEMP TABLE etl_category (
        id text PRIMARY KEY, legacy_id int4 NOT NULL, parent_id text, name text NOT NULL, name_short text,
        description text, icon_image int4, icon_secondary_image int4, sort_order int4 NOT NULL, primary_color text,
        secondary_color text, show_checkin_history bool NOT NULL, checkin_enabled bool NOT NULL,
        followup_chat_enabled bool NOT NULL, followup_timer int4, prompt_checkin text, prompt_checkin_2 text,
        guidelines_file_text text, max_questions int4 NOT NULL, scope text, created_at timestamptz);
    -- Not unique: two legacy rows with one key are a gate problem, reported before the load.
    CREATE TEMP TABLE etl_config (
        key text NOT NULL, value jsonb NOT NULL, description text, is_public bool NOT NULL, created_at timestamptz,
        entity text, legacy_id int4);
    CREATE INDEX ON etl_config (key);
    CREATE TEMP TABLE etl_image (
        legacy_image_id int4 PRIMARY KEY, bucket text NOT NULL, path text NOT NULL, public_url text NOT NULL,
        byte_size int8 NOT NULL, sha256 text NOT NULL, content_type text NOT NULL);";

/// Empty staging tables (made anew, so a second run on one session starts
/// clean). Also turns JIT off for the session: the import's statements
/// touch each row once, and compiling them cost more than running them.
pub fn create(target: &mut Client) -> Result<(), String> {
    target.batch_execute(&format!("SET jit = off; {TABLES}")).map_err(|e| format!("creating the staging tables: {}", describe(&e)))
}

/// Planner statistics of the row tables (autovacuum never analyzes
/// temporary tables); only the columns joins use, not the long texts.
pub fn analyze_rows(target: &mut Client) -> Result<(), String> {
    target
        .batch_execute("ANALYZE etl_coach (id, legacy_id, name); ANALYZE etl_category (id, legacy_id, parent_id, name); ANALYZE etl_config (key, entity, legacy_id)")
        .map_err(|e| describe(&e))
}

/// Planner statistics of the image table.
pub fn analyze_images(target: &mut Client) -> Result<(), String> {
    target.batch_execute("ANALYZE etl_image").map_err(|e| describe(&e))
}

pub fn drop(target: &mut Client) {
    let _ = target.batch_execute("DROP TABLE IF EXISTS pg_temp.etl_coach, pg_temp.etl_category, pg_temp.etl_config, pg_temp.etl_image");
}

fn time(t: Option<Timestamp>) -> Option<SystemTime> {
    t.map(Timestamp::to_system_time)
}

/// One COPY into a staging table; rows are written as they come.
pub struct Copy<'a> {
    writer: BinaryCopyInWriter<'a>,
    table: &'static str,
}

impl<'a> Copy<'a> {
    fn start(target: &'a mut Client, table: &'static str, columns: &str, types: &[Type]) -> Result<Copy<'a>, String> {
        let sink = target.copy_in(&format!("COPY {table} ({columns}) FROM STDIN (FORMAT binary)")).map_err(|e| format!("{table}: {}", describe(&e)))?;
        Ok(Copy { writer: BinaryCopyInWriter::new(sink, types), table })
    }

    fn write(&mut self, values: &[&(dyn ToSql + Sync)]) -> Result<(), String> {
        self.writer.write(values).map_err(|e| format!("{}: {}", self.table, describe(&e)))
    }

    /// Ends the COPY; the rows are in the table only after this.
    pub fn finish(self) -> Result<u64, String> {
        self.writer.finish().map_err(|e| format!("{}: {}", self.table, describe(&e)))
    }

    pub fn coaches(target: &'a mut Client) -> Result<Copy<'a>, String> {
        use Type as T;
        Copy::start(
            target,
            "etl_coach",
            "id, legacy_id, name, bio, sex, year_of_birth, voice_id, prompt, photo_image, small_image, medium_image, large_image, created_at",
            &[T::TEXT, T::INT4, T::TEXT, T::TEXT, T::TEXT, T::INT4, T::TEXT, T::TEXT, T::INT4, T::INT4, T::INT4, T::INT4, T::TIMESTAMPTZ],
        )
    }

    pub fn coach(&mut self, c: &Coach) -> Result<(), String> {
        let created = time(c.created_at);
        self.write(&[
            &c.id,
            &c.legacy_id,
            &c.name,
            &c.bio,
            &c.sex,
            &c.year_of_birth,
            &c.voice_id,
            &c.prompt,
            &c.photo_image,
            &c.small_image,
            &c.medium_image,
            &c.large_image,
            &created,
        ])
        .map_err(|e| format!("coach {}: {e}", c.legacy_id))
    }

    pub fn categories(target: &'a mut Client) -> Result<Copy<'a>, String> {
        use Type as T;
        Copy::start(
            target,
            "etl_category",
            "id, legacy_id, parent_id, name, name_short, description, icon_image, icon_secondary_image, sort_order, primary_color,
             secondary_color, show_checkin_history, checkin_enabled, followup_chat_enabled, followup_timer, prompt_checkin,
             prompt_checkin_2, guidelines_file_text, max_questions, scope, created_at",
            &[
                T::TEXT,
                T::INT4,
                T::TEXT,
                T::TEXT,
                T::TEXT,
                T::TEXT,
                T::INT4,
                T::INT4,
                T::INT4,
                T::TEXT,
                T::TEXT,
                T::BOOL,
                T::BOOL,
                T::BOOL,
                T::INT4,
                T::TEXT,
                T::TEXT,
                T::TEXT,
                T::INT4,
                T::TEXT,
                T::TIMESTAMPTZ,
            ],
        )
    }

    pub fn category(&mut self, c: &Category) -> Result<(), String> {
        let created = time(c.created_at);
        self.write(&[
            &c.id,
            &c.legacy_id,
            &c.parent_id,
            &c.name,
            &c.name_short,
            &c.description,
            &c.icon_image,
            &c.icon_secondary_image,
            &c.sort_order,
            &c.primary_color,
            &c.secondary_color,
            &c.show_checkin_history,
            &c.checkin_enabled,
            &c.followup_chat_enabled,
            &c.followup_timer,
            &c.prompt_checkin,
            &c.prompt_checkin_2,
            &c.guidelines_file_text,
            &c.max_questions,
            &c.scope,
            &created,
        ])
        .map_err(|e| format!("category {}: {e}", c.legacy_id))
    }

    pub fn configs(target: &'a mut Client) -> Result<Copy<'a>, String> {
        use Type as T;
        Copy::start(
            target,
            "etl_config",
            "key, value, description, is_public, created_at, entity, legacy_id",
            &[T::TEXT, T::JSONB, T::TEXT, T::BOOL, T::TIMESTAMPTZ, T::TEXT, T::INT4],
        )
    }

    pub fn config(&mut self, r: &ConfigRow) -> Result<(), String> {
        let created = time(r.created_at);
        let entity = r.source.map(|(s, _)| crate::load::entity(s));
        let legacy_id = r.source.map(|(_, id)| id);
        self.write(&[&r.key, &r.value, &r.description, &r.is_public, &created, &entity, &legacy_id]).map_err(|e| format!("app_config {}: {e}", r.key))
    }

    pub fn images(target: &'a mut Client) -> Result<Copy<'a>, String> {
        use Type as T;
        Copy::start(
            target,
            "etl_image",
            "legacy_image_id, bucket, path, public_url, byte_size, sha256, content_type",
            &[T::INT4, T::TEXT, T::TEXT, T::TEXT, T::INT8, T::TEXT, T::TEXT],
        )
    }

    pub fn image(&mut self, i: &StagedImage<'_>) -> Result<(), String> {
        self.write(&[&i.id, &i.bucket, &i.path, &i.url, &i.byte_size, &i.sha256, &i.content_type]).map_err(|e| format!("image {}: {e}", i.id))
    }
}

/// Where one legacy image goes, and what it is.
pub struct StagedImage<'a> {
    pub id: i32,
    pub bucket: &'a str,
    pub path: &'a str,
    pub url: &'a str,
    pub byte_size: i64,
    pub sha256: &'a str,
    pub content_type: &'a str,
}
