//! Writing the import into the target, inside the caller's transaction: one
//! upsert per table from the staging tables (`stage`), touching a row only
//! when a value differs, so the counts say what really changed; then the
//! checks that must hold before the transaction may commit.

use postgres::{GenericClient, Transaction};
use serde::Serialize;

use crate::model::ConfigSource;

/// New, updated and unchanged rows of one table.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Changes {
    pub new: u64,
    pub updated: u64,
    pub unchanged: u64,
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

pub fn entity(source: ConfigSource) -> &'static str {
    match source {
        ConfigSource::Prompt => "prompt",
        ConfigSource::Variable => "variable",
        ConfigSource::System => "system",
    }
}

/// Runs `upsert` (an `INSERT … ON CONFLICT DO UPDATE … WHERE (…) IS DISTINCT
/// FROM (…) RETURNING xmax = 0`) and counts: returned true = new, false =
/// updated, staged rows not returned = unchanged.
fn counted(tx: &mut Transaction<'_>, what: &str, staged: &str, upsert: &str) -> Result<Changes, String> {
    let sql = format!(
        "WITH up AS ({upsert})
         SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted), (SELECT count(*) FROM {staged}) FROM up"
    );
    let row = tx.query_one(&sql, &[]).map_err(|e| format!("{what}: {}", describe(&e)))?;
    let (new, updated, total): (i64, i64, i64) = (row.get(0), row.get(1), row.get(2));
    Ok(Changes { new: new as u64, updated: updated as u64, unchanged: (total - new - updated) as u64 })
}

pub fn images(tx: &mut Transaction<'_>) -> Result<Changes, String> {
    counted(
        tx,
        "legacy_image_map",
        "etl_image",
        "INSERT INTO legacy_image_map AS m (legacy_image_id, bucket, path, public_url, byte_size, sha256, content_type)
         SELECT legacy_image_id, bucket, path, public_url, byte_size, sha256, content_type FROM etl_image
         ON CONFLICT (legacy_image_id) DO UPDATE
            SET bucket = EXCLUDED.bucket, path = EXCLUDED.path, public_url = EXCLUDED.public_url,
                byte_size = EXCLUDED.byte_size, sha256 = EXCLUDED.sha256, content_type = EXCLUDED.content_type,
                uploaded_at = now()
          WHERE (m.bucket, m.path, m.public_url, m.byte_size, m.sha256, m.content_type)
                IS DISTINCT FROM (EXCLUDED.bucket, EXCLUDED.path, EXCLUDED.public_url, EXCLUDED.byte_size, EXCLUDED.sha256, EXCLUDED.content_type)
         RETURNING xmax = 0 AS inserted",
    )
}

// created_at follows the legacy time_create; a row without one keeps the
// time it was first imported (EXCLUDED cannot tell "no time_create" from
// now(), hence the look-up in the staging table).

pub fn coaches(tx: &mut Transaction<'_>) -> Result<Changes, String> {
    // Every URL comes from the image map by the coach's own image id.
    // is_active is set on insert only, so a coach an operator deactivated
    // stays deactivated.
    let ch = counted(
        tx,
        "coaches",
        "etl_coach",
        "INSERT INTO coaches AS c (id, name, bio, sex, year_of_birth, voice_id, prompt, photo_url, image_url,
                                   image_small_url, image_medium_url, image_large_url, created_at)
         SELECT s.id::uuid, s.name, s.bio, s.sex, s.year_of_birth, s.voice_id, s.prompt, p.public_url, p.public_url,
                sm.public_url, md.public_url, lg.public_url, coalesce(s.created_at, now())
           FROM etl_coach s
           LEFT JOIN legacy_image_map p ON p.legacy_image_id = s.photo_image
           LEFT JOIN legacy_image_map sm ON sm.legacy_image_id = s.small_image
           LEFT JOIN legacy_image_map md ON md.legacy_image_id = s.medium_image
           LEFT JOIN legacy_image_map lg ON lg.legacy_image_id = s.large_image
         ON CONFLICT (id) DO UPDATE
            SET name = EXCLUDED.name, bio = EXCLUDED.bio, sex = EXCLUDED.sex, year_of_birth = EXCLUDED.year_of_birth,
                voice_id = EXCLUDED.voice_id, prompt = EXCLUDED.prompt, photo_url = EXCLUDED.photo_url,
                image_url = EXCLUDED.image_url, image_small_url = EXCLUDED.image_small_url,
                image_medium_url = EXCLUDED.image_medium_url, image_large_url = EXCLUDED.image_large_url,
                created_at = coalesce((SELECT s.created_at FROM etl_coach s WHERE s.id = EXCLUDED.id::text), c.created_at)
          WHERE (c.name, c.bio, c.sex, c.year_of_birth, c.voice_id, c.prompt, c.photo_url, c.image_url,
                 c.image_small_url, c.image_medium_url, c.image_large_url, c.created_at)
                IS DISTINCT FROM
                (EXCLUDED.name, EXCLUDED.bio, EXCLUDED.sex, EXCLUDED.year_of_birth, EXCLUDED.voice_id, EXCLUDED.prompt,
                 EXCLUDED.photo_url, EXCLUDED.image_url, EXCLUDED.image_small_url, EXCLUDED.image_medium_url,
                 EXCLUDED.image_large_url,
                 coalesce((SELECT s.created_at FROM etl_coach s WHERE s.id = EXCLUDED.id::text), c.created_at))
         RETURNING xmax = 0 AS inserted",
    )?;
    map_ids(tx, "SELECT 'coach', legacy_id, id FROM etl_coach")?;
    Ok(ch)
}

/// Parents need not come first: the foreign key is checked at the end of
/// the statement. `icon` is what older app versions read: the primary icon's
/// URL, else the secondary's, as the old tool wrote it.
pub fn categories(tx: &mut Transaction<'_>) -> Result<Changes, String> {
    let ch = counted(
        tx,
        "categories",
        "etl_category",
        "INSERT INTO categories AS c (id, parent_id, name, name_short, description, icon, icon_url, icon_secondary_url,
                                      sort_order, primary_color, secondary_color, show_checkin_history, checkin_enabled,
                                      followup_chat_enabled, followup_timer, prompt_checkin, prompt_checkin_2,
                                      guidelines_file_text, max_questions, scope, created_at)
         SELECT s.id::uuid, s.parent_id::uuid, s.name, s.name_short, s.description, coalesce(i.public_url, i2.public_url),
                i.public_url, i2.public_url, s.sort_order, s.primary_color, s.secondary_color, s.show_checkin_history,
                s.checkin_enabled, s.followup_chat_enabled, s.followup_timer, s.prompt_checkin, s.prompt_checkin_2,
                s.guidelines_file_text, s.max_questions, s.scope, coalesce(s.created_at, now())
           FROM etl_category s
           LEFT JOIN legacy_image_map i ON i.legacy_image_id = s.icon_image
           LEFT JOIN legacy_image_map i2 ON i2.legacy_image_id = s.icon_secondary_image
         ON CONFLICT (id) DO UPDATE
            SET parent_id = EXCLUDED.parent_id, name = EXCLUDED.name, name_short = EXCLUDED.name_short,
                description = EXCLUDED.description, icon = EXCLUDED.icon, icon_url = EXCLUDED.icon_url,
                icon_secondary_url = EXCLUDED.icon_secondary_url, sort_order = EXCLUDED.sort_order,
                primary_color = EXCLUDED.primary_color, secondary_color = EXCLUDED.secondary_color,
                show_checkin_history = EXCLUDED.show_checkin_history, checkin_enabled = EXCLUDED.checkin_enabled,
                followup_chat_enabled = EXCLUDED.followup_chat_enabled, followup_timer = EXCLUDED.followup_timer,
                prompt_checkin = EXCLUDED.prompt_checkin, prompt_checkin_2 = EXCLUDED.prompt_checkin_2,
                guidelines_file_text = EXCLUDED.guidelines_file_text, max_questions = EXCLUDED.max_questions,
                scope = EXCLUDED.scope,
                created_at = coalesce((SELECT s.created_at FROM etl_category s WHERE s.id = EXCLUDED.id::text), c.created_at)
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
                 coalesce((SELECT s.created_at FROM etl_category s WHERE s.id = EXCLUDED.id::text), c.created_at))
         RETURNING xmax = 0 AS inserted",
    )?;
    map_ids(tx, "SELECT 'category', legacy_id, id FROM etl_category")?;
    Ok(ch)
}

pub fn config(tx: &mut Transaction<'_>) -> Result<Changes, String> {
    let ch = counted(
        tx,
        "app_config",
        "etl_config",
        "INSERT INTO app_config AS a (key, value, description, is_public, created_at)
         SELECT key, value, description, is_public, coalesce(created_at, now()) FROM etl_config
         ON CONFLICT (key) DO UPDATE
            SET value = EXCLUDED.value, description = EXCLUDED.description, is_public = EXCLUDED.is_public,
                created_at = coalesce((SELECT s.created_at FROM etl_config s WHERE s.key = EXCLUDED.key), a.created_at)
          WHERE (a.value, a.description, a.is_public, a.created_at)
                IS DISTINCT FROM (EXCLUDED.value, EXCLUDED.description, EXCLUDED.is_public,
                                  coalesce((SELECT s.created_at FROM etl_config s WHERE s.key = EXCLUDED.key), a.created_at))
         RETURNING xmax = 0 AS inserted",
    )?;
    map_ids(tx, "SELECT entity, legacy_id, key FROM etl_config WHERE entity IS NOT NULL")?;
    Ok(ch)
}

/// `legacy_id_map` rows (entity, legacy id, new id) from a staging query.
fn map_ids(tx: &mut Transaction<'_>, rows: &str) -> Result<(), String> {
    tx.batch_execute(&format!(
        "INSERT INTO legacy_id_map AS m (entity, legacy_id, new_id) {rows}
         ON CONFLICT (entity, legacy_id) DO UPDATE SET new_id = EXCLUDED.new_id, imported_at = now()
          WHERE m.new_id IS DISTINCT FROM EXCLUDED.new_id"
    ))
    .map_err(|e| format!("legacy_id_map: {}", describe(&e)))
}

/// Every (entity, legacy id, new id) the import would map.
const MAPPED: &str = "SELECT 'coach' AS entity, legacy_id, id AS new_id FROM etl_coach
                      UNION ALL SELECT 'category', legacy_id, id FROM etl_category
                      UNION ALL SELECT entity, legacy_id, key FROM etl_config WHERE entity IS NOT NULL";

fn lines(tx: &mut impl GenericClient, sql: &str, params: &[&(dyn postgres::types::ToSql + Sync)]) -> Result<Vec<String>, String> {
    tx.query(sql, params).map_err(|e| describe(&e))?.iter().map(|r| r.try_get::<_, String>(0).map_err(|e| e.to_string())).collect()
}

/// A gate: legacy ids the target's legacy_id_map already gives another new
/// id (or new ids it gives another legacy id). Read-only.
pub fn id_collisions(tx: &mut impl GenericClient) -> Result<Vec<String>, String> {
    lines(
        tx,
        &format!(
            "WITH x AS ({MAPPED})
             SELECT format('legacy %s %s is mapped to %s in legacy_id_map, but this import gives it %s', m.entity, m.legacy_id, m.new_id, x.new_id)
               FROM x JOIN legacy_id_map m ON m.entity = x.entity AND m.legacy_id = x.legacy_id AND m.new_id <> x.new_id
             UNION ALL
             SELECT format('%s %s is mapped from legacy id %s in legacy_id_map, but this import gives it to legacy id %s', m.entity, m.new_id, m.legacy_id, x.legacy_id)
               FROM x JOIN legacy_id_map m ON m.entity = x.entity AND m.new_id = x.new_id AND m.legacy_id <> x.legacy_id
             LIMIT 50"
        ),
        &[],
    )
}

/// The checks that must hold before the load commits: each problem as one line.
pub fn post_checks(tx: &mut Transaction<'_>, default_coach_id: &str) -> Result<Vec<String>, String> {
    let mut problems = lines(
        tx,
        "SELECT format('the target holds %s of %s %s the source has', n, total, what) FROM (
             SELECT 'coaches' AS what, (SELECT count(*) FROM etl_coach) AS total,
                    (SELECT count(*) FROM etl_coach s JOIN coaches c ON c.id = s.id::uuid
                       JOIN legacy_id_map m ON m.entity = 'coach' AND m.legacy_id = s.legacy_id AND m.new_id = s.id) AS n
             UNION ALL
             SELECT 'categories', (SELECT count(*) FROM etl_category),
                    (SELECT count(*) FROM etl_category s JOIN categories c ON c.id = s.id::uuid
                       JOIN legacy_id_map m ON m.entity = 'category' AND m.legacy_id = s.legacy_id AND m.new_id = s.id)
             UNION ALL
             SELECT 'app_config rows', (SELECT count(*) FROM etl_config),
                    (SELECT count(*) FROM etl_config s JOIN app_config a ON a.key = s.key)) x
          WHERE n <> total",
        &[],
    )?;
    problems.extend(lines(
        tx,
        "WITH RECURSIVE reach AS (
             SELECT c.id FROM categories c JOIN etl_category s ON c.id = s.id::uuid WHERE c.parent_id IS NULL
             UNION SELECT c.id FROM categories c JOIN reach r ON c.parent_id = r.id)
         SELECT format('category %s (%s) is not reachable from a root', c.id, c.name)
           FROM categories c JOIN etl_category s ON c.id = s.id::uuid
          WHERE c.id NOT IN (SELECT id FROM reach) ORDER BY c.name LIMIT 20",
        &[],
    )?);
    problems.extend(lines(
        tx,
        "SELECT format('%s %s: %s %s is not in legacy_image_map', kind, name, col, u) FROM (
             SELECT 'coach' AS kind, c.name, col, u FROM coaches c JOIN etl_coach s ON c.id = s.id::uuid,
                    LATERAL (VALUES ('photo_url', c.photo_url), ('image_url', c.image_url), ('image_small_url', c.image_small_url),
                                    ('image_medium_url', c.image_medium_url), ('image_large_url', c.image_large_url)) v(col, u)
             UNION ALL
             SELECT 'category', c.name, col, u FROM categories c JOIN etl_category s ON c.id = s.id::uuid,
                    LATERAL (VALUES ('icon', c.icon), ('icon_url', c.icon_url), ('icon_secondary_url', c.icon_secondary_url)) v(col, u)) x
          WHERE u IS NOT NULL AND NOT EXISTS (SELECT FROM legacy_image_map m WHERE m.public_url = x.u) LIMIT 20",
        &[],
    )?);
    problems.extend(lines(
        tx,
        "SELECT CASE WHEN c.id IS NULL THEN format('default_coach points at %s, which is not a coach', a.value->>'default_coach_id')
                     WHEN NOT c.is_active THEN format('default_coach points at %s (%s), which is not active', c.id, c.name) END
           FROM app_config a LEFT JOIN coaches c ON c.id::text = a.value->>'default_coach_id'
          WHERE a.key = 'default_coach' AND (c.id IS NULL OR NOT c.is_active)
         UNION ALL
         SELECT 'default_coach is missing' WHERE NOT EXISTS (SELECT FROM app_config WHERE key = 'default_coach' AND value->>'default_coach_id' = $1)",
        &[&default_coach_id],
    )?);
    Ok(problems)
}

/// Target rows the import does not own that have the name of one it writes.
pub fn same_name_not_owned(tx: &mut Transaction<'_>) -> Result<Vec<String>, String> {
    lines(
        tx,
        "SELECT format('coach %s (%s) is not from the legacy import but has the name of an imported coach', c.id, c.name)
           FROM coaches c WHERE c.name IN (SELECT name FROM etl_coach)
            AND NOT EXISTS (SELECT FROM etl_coach s WHERE s.id = c.id::text)
            AND NOT EXISTS (SELECT FROM legacy_id_map m WHERE m.entity = 'coach' AND m.new_id = c.id::text)
         UNION ALL
         SELECT format('category %s (%s) is not from the legacy import but has the name of an imported category', c.id, c.name)
           FROM categories c WHERE c.name IN (SELECT name FROM etl_category)
            AND NOT EXISTS (SELECT FROM etl_category s WHERE s.id = c.id::text)
            AND NOT EXISTS (SELECT FROM legacy_id_map m WHERE m.entity = 'category' AND m.new_id = c.id::text)
         ORDER BY 1",
        &[],
    )
}
