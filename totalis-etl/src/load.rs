//! Writing the import into the target, inside the caller's transaction:
//! upserts by id (parents before children) that touch a row only when a value
//! differs, so the counts say what really changed; then the checks that must
//! hold before the transaction may commit.

use std::collections::BTreeMap;
use std::time::SystemTime;

use postgres::Transaction;
use serde::Serialize;

use crate::model::{Category, Coach, ConfigRow, ConfigSource};

/// New, updated and unchanged rows of one table.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Changes {
    pub new: u64,
    pub updated: u64,
    pub unchanged: u64,
}

impl Changes {
    fn count(&mut self, returned: Option<bool>) {
        match returned {
            Some(true) => self.new += 1,
            Some(false) => self.updated += 1,
            None => self.unchanged += 1,
        }
    }
}

/// Where one legacy image lives in storage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredImage {
    pub id: i32,
    pub bucket: String,
    pub path: String,
    pub url: String,
    pub byte_size: i64,
    pub sha256: String,
    pub content_type: String,
}

fn run_upsert(tx: &mut Transaction<'_>, stmt: &postgres::Statement, params: &[&(dyn postgres::types::ToSql + Sync)]) -> Result<Option<bool>, String> {
    let rows = tx.query(stmt, params).map_err(|e| describe(&e))?;
    Ok(rows.first().map(|r| r.get(0)))
}

pub fn describe(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => {
            let mut s = db.message().to_string();
            if let Some(d) = db.detail() {
                s.push_str(&format!(" ({d})"));
            }
            s
        }
        None => e.to_string(),
    }
}

pub fn images(tx: &mut Transaction<'_>, images: &[StoredImage]) -> Result<Changes, String> {
    let stmt = tx
        .prepare(
            "INSERT INTO legacy_image_map AS m (legacy_image_id, bucket, path, public_url, byte_size, sha256, content_type)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (legacy_image_id) DO UPDATE
                SET bucket = EXCLUDED.bucket, path = EXCLUDED.path, public_url = EXCLUDED.public_url,
                    byte_size = EXCLUDED.byte_size, sha256 = EXCLUDED.sha256, content_type = EXCLUDED.content_type,
                    uploaded_at = now()
              WHERE (m.bucket, m.path, m.public_url, m.byte_size, m.sha256, m.content_type)
                    IS DISTINCT FROM (EXCLUDED.bucket, EXCLUDED.path, EXCLUDED.public_url, EXCLUDED.byte_size, EXCLUDED.sha256, EXCLUDED.content_type)
             RETURNING xmax = 0",
        )
        .map_err(|e| describe(&e))?;
    let mut ch = Changes::default();
    for i in images {
        let r = run_upsert(tx, &stmt, &[&i.id, &i.bucket, &i.path, &i.url, &i.byte_size, &i.sha256, &i.content_type])
            .map_err(|e| format!("image {}: {e}", i.id))?;
        ch.count(r);
    }
    Ok(ch)
}

fn time(t: Option<crate::model::Timestamp>) -> Option<SystemTime> {
    t.map(|t| t.to_system_time())
}

/// `url` of a legacy image id.
type Urls = BTreeMap<i32, String>;

fn url(urls: &Urls, id: Option<i32>) -> Option<&str> {
    id.and_then(|i| urls.get(&i)).map(String::as_str)
}

pub fn coaches(tx: &mut Transaction<'_>, coaches: &[Coach], urls: &Urls) -> Result<Changes, String> {
    // created_at follows the legacy time_create; a row without one keeps the
    // time it was first imported. is_active is set on insert only, so a coach
    // an operator deactivated stays deactivated.
    let stmt = tx
        .prepare(
            "INSERT INTO coaches AS c (id, name, bio, sex, year_of_birth, voice_id, prompt, photo_url, image_url,
                                       image_small_url, image_medium_url, image_large_url, created_at)
             VALUES ($1::text::uuid, $2, $3, $4, $5, $6, $7, $8, $8, $9, $10, $11, coalesce($12, now()))
             ON CONFLICT (id) DO UPDATE
                SET name = EXCLUDED.name, bio = EXCLUDED.bio, sex = EXCLUDED.sex, year_of_birth = EXCLUDED.year_of_birth,
                    voice_id = EXCLUDED.voice_id, prompt = EXCLUDED.prompt, photo_url = EXCLUDED.photo_url,
                    image_url = EXCLUDED.image_url, image_small_url = EXCLUDED.image_small_url,
                    image_medium_url = EXCLUDED.image_medium_url, image_large_url = EXCLUDED.image_large_url,
                    created_at = coalesce($12, c.created_at)
              WHERE (c.name, c.bio, c.sex, c.year_of_birth, c.voice_id, c.prompt, c.photo_url, c.image_url,
                     c.image_small_url, c.image_medium_url, c.image_large_url, c.created_at)
                    IS DISTINCT FROM
                    (EXCLUDED.name, EXCLUDED.bio, EXCLUDED.sex, EXCLUDED.year_of_birth, EXCLUDED.voice_id, EXCLUDED.prompt,
                     EXCLUDED.photo_url, EXCLUDED.image_url, EXCLUDED.image_small_url, EXCLUDED.image_medium_url,
                     EXCLUDED.image_large_url, coalesce($12, c.created_at))
             RETURNING xmax = 0",
        )
        .map_err(|e| describe(&e))?;
    let mut ch = Changes::default();
    for c in coaches {
        let created = time(c.created_at);
        let r = run_upsert(
            tx,
            &stmt,
            &[
                &c.id,
                &c.name,
                &c.bio,
                &c.sex,
                &c.year_of_birth,
                &c.voice_id,
                &c.prompt,
                &url(urls, c.photo_image),
                &url(urls, c.small_image),
                &url(urls, c.medium_image),
                &url(urls, c.large_image),
                &created,
            ],
        )
        .map_err(|e| format!("coach {} ({:?}): {e}", c.legacy_id, c.name))?;
        ch.count(r);
    }
    map_ids(tx, "coach", coaches.iter().map(|c| (c.legacy_id, c.id.clone())))?;
    Ok(ch)
}

/// `categories` must come parents first.
pub fn categories(tx: &mut Transaction<'_>, categories: &[&Category], urls: &Urls) -> Result<Changes, String> {
    let stmt = tx
        .prepare(
            "INSERT INTO categories AS c (id, parent_id, name, name_short, description, icon, icon_url, icon_secondary_url,
                                          sort_order, primary_color, secondary_color, show_checkin_history, checkin_enabled,
                                          followup_chat_enabled, followup_timer, prompt_checkin, prompt_checkin_2,
                                          guidelines_file_text, max_questions, scope, created_at)
             VALUES ($1::text::uuid, $2::text::uuid, $3, $4, $5, $6, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19,
                     coalesce($20, now()))
             ON CONFLICT (id) DO UPDATE
                SET parent_id = EXCLUDED.parent_id, name = EXCLUDED.name, name_short = EXCLUDED.name_short,
                    description = EXCLUDED.description, icon = EXCLUDED.icon, icon_url = EXCLUDED.icon_url,
                    icon_secondary_url = EXCLUDED.icon_secondary_url, sort_order = EXCLUDED.sort_order,
                    primary_color = EXCLUDED.primary_color, secondary_color = EXCLUDED.secondary_color,
                    show_checkin_history = EXCLUDED.show_checkin_history, checkin_enabled = EXCLUDED.checkin_enabled,
                    followup_chat_enabled = EXCLUDED.followup_chat_enabled, followup_timer = EXCLUDED.followup_timer,
                    prompt_checkin = EXCLUDED.prompt_checkin, prompt_checkin_2 = EXCLUDED.prompt_checkin_2,
                    guidelines_file_text = EXCLUDED.guidelines_file_text, max_questions = EXCLUDED.max_questions,
                    scope = EXCLUDED.scope, created_at = coalesce($20, c.created_at)
              WHERE (c.parent_id, c.name, c.name_short, c.description, c.icon, c.icon_url, c.icon_secondary_url, c.sort_order,
                     c.primary_color, c.secondary_color, c.show_checkin_history, c.checkin_enabled, c.followup_chat_enabled,
                     c.followup_timer, c.prompt_checkin, c.prompt_checkin_2, c.guidelines_file_text, c.max_questions, c.scope,
                     c.created_at)
                    IS DISTINCT FROM
                    (EXCLUDED.parent_id, EXCLUDED.name, EXCLUDED.name_short, EXCLUDED.description, EXCLUDED.icon,
                     EXCLUDED.icon_url, EXCLUDED.icon_secondary_url, EXCLUDED.sort_order, EXCLUDED.primary_color,
                     EXCLUDED.secondary_color, EXCLUDED.show_checkin_history, EXCLUDED.checkin_enabled,
                     EXCLUDED.followup_chat_enabled, EXCLUDED.followup_timer, EXCLUDED.prompt_checkin,
                     EXCLUDED.prompt_checkin_2, EXCLUDED.guidelines_file_text, EXCLUDED.max_questions, EXCLUDED.scope,
                     coalesce($20, c.created_at))
             RETURNING xmax = 0",
        )
        .map_err(|e| describe(&e))?;
    let mut ch = Changes::default();
    for c in categories {
        let created = time(c.created_at);
        let r = run_upsert(
            tx,
            &stmt,
            &[
                &c.id,
                &c.parent_id,
                &c.name,
                &c.name_short,
                &c.description,
                &url(urls, c.icon_image),
                &url(urls, c.icon_secondary_image),
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
            ],
        )
        .map_err(|e| format!("category {} ({:?}): {e}", c.legacy_id, c.name))?;
        ch.count(r);
    }
    map_ids(tx, "category", categories.iter().map(|c| (c.legacy_id, c.id.clone())))?;
    Ok(ch)
}

pub fn config(tx: &mut Transaction<'_>, rows: &[ConfigRow]) -> Result<Changes, String> {
    let stmt = tx
        .prepare(
            "INSERT INTO app_config AS a (key, value, description, is_public, created_at)
             VALUES ($1, $2, $3, $4, coalesce($5, now()))
             ON CONFLICT (key) DO UPDATE
                SET value = EXCLUDED.value, description = EXCLUDED.description, is_public = EXCLUDED.is_public,
                    created_at = coalesce($5, a.created_at)
              WHERE (a.value, a.description, a.is_public, a.created_at)
                    IS DISTINCT FROM (EXCLUDED.value, EXCLUDED.description, EXCLUDED.is_public, coalesce($5, a.created_at))
             RETURNING xmax = 0",
        )
        .map_err(|e| describe(&e))?;
    let mut ch = Changes::default();
    for r in rows {
        let created = time(r.created_at);
        let out = run_upsert(tx, &stmt, &[&r.key, &r.value, &r.description, &r.is_public, &created]).map_err(|e| format!("app_config {}: {e}", r.key))?;
        ch.count(out);
    }
    for source in [ConfigSource::Prompt, ConfigSource::Variable, ConfigSource::System] {
        map_ids(tx, entity(source), rows.iter().filter_map(|r| r.source.filter(|(s, _)| *s == source).map(|(_, id)| (id, r.key.clone()))))?;
    }
    Ok(ch)
}

pub fn entity(source: ConfigSource) -> &'static str {
    match source {
        ConfigSource::Prompt => "prompt",
        ConfigSource::Variable => "variable",
        ConfigSource::System => "system",
    }
}

fn map_ids(tx: &mut Transaction<'_>, entity: &str, ids: impl Iterator<Item = (i32, String)>) -> Result<(), String> {
    let stmt = tx
        .prepare(
            "INSERT INTO legacy_id_map AS m (entity, legacy_id, new_id) VALUES ($1, $2, $3)
             ON CONFLICT (entity, legacy_id) DO UPDATE SET new_id = EXCLUDED.new_id, imported_at = now()
              WHERE m.new_id IS DISTINCT FROM EXCLUDED.new_id",
        )
        .map_err(|e| describe(&e))?;
    for (legacy, new) in ids {
        tx.execute(&stmt, &[&entity, &legacy, &new]).map_err(|e| format!("legacy_id_map {entity} {legacy}: {}", describe(&e)))?;
    }
    Ok(())
}

/// The checks that must hold before the load commits: each problem as one line.
pub fn post_checks(
    tx: &mut Transaction<'_>,
    coaches: &[Coach],
    categories: &[Category],
    config_keys: &[String],
    default_coach_id: &str,
) -> Result<Vec<String>, String> {
    let mut problems = Vec::new();
    let coach_ids: Vec<String> = coaches.iter().map(|c| c.id.clone()).collect();
    let category_ids: Vec<String> = categories.iter().map(|c| c.id.clone()).collect();
    let q = |tx: &mut Transaction<'_>, sql: &str, params: &[&(dyn postgres::types::ToSql + Sync)]| -> Result<Vec<String>, String> {
        Ok(tx.query(sql, params).map_err(|e| describe(&e))?.iter().map(|r| r.get::<_, String>(0)).collect())
    };
    let counts = q(
        tx,
        "SELECT format('%s of %s coaches', (SELECT count(*) FROM coaches c JOIN legacy_id_map m ON m.entity = 'coach' AND m.new_id = c.id::text WHERE m.new_id = ANY($1)), cardinality($1))
          WHERE (SELECT count(*) FROM coaches c JOIN legacy_id_map m ON m.entity = 'coach' AND m.new_id = c.id::text WHERE m.new_id = ANY($1)) <> cardinality($1)
         UNION ALL
         SELECT format('%s of %s categories', (SELECT count(*) FROM categories c JOIN legacy_id_map m ON m.entity = 'category' AND m.new_id = c.id::text WHERE m.new_id = ANY($2)), cardinality($2))
          WHERE (SELECT count(*) FROM categories c JOIN legacy_id_map m ON m.entity = 'category' AND m.new_id = c.id::text WHERE m.new_id = ANY($2)) <> cardinality($2)
         UNION ALL
         SELECT format('%s of %s app_config rows', (SELECT count(*) FROM app_config WHERE key = ANY($3)), cardinality($3))
          WHERE (SELECT count(*) FROM app_config WHERE key = ANY($3)) <> cardinality($3)",
        &[&coach_ids, &category_ids, &config_keys],
    )?;
    problems.extend(counts.into_iter().map(|c| format!("the target holds {c} the source has")));
    let unreachable = q(
        tx,
        "WITH RECURSIVE reach AS (
             SELECT id FROM categories WHERE id::text = ANY($1) AND parent_id IS NULL
             UNION SELECT c.id FROM categories c JOIN reach r ON c.parent_id = r.id)
         SELECT format('category %s (%s) is not reachable from a root', c.id, c.name)
           FROM categories c WHERE c.id::text = ANY($1) AND c.id NOT IN (SELECT id FROM reach) ORDER BY c.name LIMIT 20",
        &[&category_ids],
    )?;
    problems.extend(unreachable);
    let urls = q(
        tx,
        "SELECT format('%s %s: %s %s is not in legacy_image_map', kind, name, col, u) FROM (
             SELECT 'coach' AS kind, name, col, u FROM coaches,
                    LATERAL (VALUES ('photo_url', photo_url), ('image_url', image_url), ('image_small_url', image_small_url),
                                    ('image_medium_url', image_medium_url), ('image_large_url', image_large_url)) v(col, u)
              WHERE id::text = ANY($1)
             UNION ALL
             SELECT 'category', name, col, u FROM categories,
                    LATERAL (VALUES ('icon', icon), ('icon_url', icon_url), ('icon_secondary_url', icon_secondary_url)) v(col, u)
              WHERE id::text = ANY($2)) x
          WHERE u IS NOT NULL AND NOT EXISTS (SELECT FROM legacy_image_map m WHERE m.public_url = x.u) LIMIT 20",
        &[&coach_ids, &category_ids],
    )?;
    problems.extend(urls);
    let default = q(
        tx,
        "SELECT CASE WHEN c.id IS NULL THEN format('default_coach points at %s, which is not a coach', a.value->>'default_coach_id')
                     WHEN NOT c.is_active THEN format('default_coach points at %s (%s), which is not active', c.id, c.name) END
           FROM app_config a LEFT JOIN coaches c ON c.id::text = a.value->>'default_coach_id'
          WHERE a.key = 'default_coach' AND (c.id IS NULL OR NOT c.is_active)
         UNION ALL
         SELECT 'default_coach is missing' WHERE NOT EXISTS (SELECT FROM app_config WHERE key = 'default_coach' AND value->>'default_coach_id' = $1)",
        &[&default_coach_id],
    )?;
    problems.extend(default);
    Ok(problems)
}

/// Target rows the import does not own that have the name of one it writes.
pub fn same_name_not_owned(tx: &mut Transaction<'_>, coaches: &[Coach], categories: &[Category]) -> Result<Vec<String>, String> {
    let names: Vec<&str> = coaches.iter().map(|c| c.name.as_str()).collect();
    let ids: Vec<&str> = coaches.iter().map(|c| c.id.as_str()).collect();
    let cat_names: Vec<&str> = categories.iter().map(|c| c.name.as_str()).collect();
    let cat_ids: Vec<&str> = categories.iter().map(|c| c.id.as_str()).collect();
    let rows = tx
        .query(
            "SELECT format('coach %s (%s) is not from the legacy import but has the name of an imported coach', id, name)
               FROM coaches WHERE name = ANY($1) AND NOT id::text = ANY($2)
                AND NOT EXISTS (SELECT FROM legacy_id_map m WHERE m.entity = 'coach' AND m.new_id = coaches.id::text)
             UNION ALL
             SELECT format('category %s (%s) is not from the legacy import but has the name of an imported category', id, name)
               FROM categories WHERE name = ANY($3) AND NOT id::text = ANY($4)
                AND NOT EXISTS (SELECT FROM legacy_id_map m WHERE m.entity = 'category' AND m.new_id = categories.id::text)
             ORDER BY 1",
            &[&names, &ids, &cat_names, &cat_ids],
        )
        .map_err(|e| describe(&e))?;
    Ok(rows.iter().map(|r| r.get(0)).collect())
}
