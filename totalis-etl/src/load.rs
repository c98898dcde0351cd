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

/// How one target table is written from the staging tables.
struct Upsert {
    table: &'static str,
    key: &'static [&'static str],
    /// Key and columns under their target names (plus `created_at`, NULL =
    /// keep the row's, when `created_at` is set).
    src: &'static str,
    /// Columns compared and written (key and created_at aside).
    columns: &'static [&'static str],
    created_at: bool,
    /// More assignments when a row is updated, e.g. `uploaded_at = now()`.
    on_update: &'static str,
}

/// One statement: rows that are new or differ in a column are inserted or
/// updated; the others are not touched (no row lock, no write), so a rerun
/// with nothing changed writes nothing. Returns the counts.
fn upsert(tx: &mut Transaction<'_>, u: &Upsert) -> Result<Changes, String> {
    let list = |prefix: &str, names: &[&str]| names.iter().map(|c| format!("{prefix}{c}")).collect::<Vec<_>>().join(", ");
    let key = list("", u.key);
    let cols = list("", u.columns);
    let join = u.key.iter().map(|k| format!("t.{k} = s.{k}")).collect::<Vec<_>>().join(" AND ");
    let is_new = format!("t.{} IS NULL", u.key[0]);
    let mut set: Vec<String> = u.columns.iter().map(|c| format!("{c} = s.{c}")).collect();
    let (mut ours, mut theirs, mut insert_cols, mut insert_vals) = (list("t.", u.columns), list("s.", u.columns), cols.clone(), cols.clone());
    if u.created_at {
        ours.push_str(", t.created_at");
        theirs.push_str(", coalesce(s.created_at, t.created_at)");
        insert_cols.push_str(", created_at");
        insert_vals.push_str(", coalesce(created_at, now())");
        set.push("created_at = coalesce(s.created_at, t.created_at)".into());
    }
    if !u.on_update.is_empty() {
        set.push(u.on_update.into());
    }
    let (table, src, set) = (u.table, u.src, set.join(", "));
    let sql = format!(
        "WITH src AS ({src}),
         changed AS (SELECT s.*, {is_new} AS is_new FROM src s LEFT JOIN {table} t ON {join}
                      WHERE {is_new} OR ({ours}) IS DISTINCT FROM ({theirs})),
         ins AS (INSERT INTO {table} ({key}, {insert_cols}) SELECT {key}, {insert_vals} FROM changed WHERE is_new RETURNING 1),
         upd AS (UPDATE {table} t SET {set} FROM changed s WHERE NOT s.is_new AND {join} RETURNING 1)
         SELECT (SELECT count(*) FROM ins), (SELECT count(*) FROM upd), (SELECT count(*) FROM src)"
    );
    let row = tx.query_one(&sql, &[]).map_err(|e| format!("{table}: {}", describe(&e)))?;
    let (new, updated, total): (i64, i64, i64) = (row.get(0), row.get(1), row.get(2));
    Ok(Changes { new: new as u64, updated: updated as u64, unchanged: (total - new - updated) as u64 })
}

pub fn images(tx: &mut Transaction<'_>) -> Result<Changes, String> {
    upsert(
        tx,
        &Upsert {
            table: "legacy_image_map",
            key: &["legacy_image_id"],
            src: "SELECT legacy_image_id, bucket, path, public_url, byte_size, sha256, content_type FROM etl_image",
            columns: &["bucket", "path", "public_url", "byte_size", "sha256", "content_type"],
            created_at: false,
            on_update: "uploaded_at = now()",
        },
    )
}

// created_at follows the legacy time_create; a row without one keeps the
// time it was first imported. Every URL comes from the image map by the
// row's own image id.

/// is_active is set on insert only, so a coach an operator deactivated stays
/// deactivated.
pub fn coaches(tx: &mut Transaction<'_>) -> Result<Changes, String> {
    let ch = upsert(
        tx,
        &Upsert {
            table: "coaches",
            key: &["id"],
            src: "SELECT s.id::uuid AS id, s.name, s.bio, s.sex, s.year_of_birth, s.voice_id, s.prompt, p.public_url AS photo_url,
                         p.public_url AS image_url, sm.public_url AS image_small_url, md.public_url AS image_medium_url,
                         lg.public_url AS image_large_url, s.created_at
                    FROM etl_coach s
                    LEFT JOIN legacy_image_map p ON p.legacy_image_id = s.photo_image
                    LEFT JOIN legacy_image_map sm ON sm.legacy_image_id = s.small_image
                    LEFT JOIN legacy_image_map md ON md.legacy_image_id = s.medium_image
                    LEFT JOIN legacy_image_map lg ON lg.legacy_image_id = s.large_image",
            columns: &[
                "name",
                "bio",
                "sex",
                "year_of_birth",
                "voice_id",
                "prompt",
                "photo_url",
                "image_url",
                "image_small_url",
                "image_medium_url",
                "image_large_url",
            ],
            created_at: true,
            on_update: "",
        },
    )?;
    map_ids(tx, "SELECT 'coach' AS entity, legacy_id, id AS new_id FROM etl_coach")?;
    Ok(ch)
}

/// Parents need not come first: the foreign key is checked at the end of
/// the statement. `icon` is what older app versions read: the primary icon's
/// URL, else the secondary's, as the old tool wrote it.
pub fn categories(tx: &mut Transaction<'_>) -> Result<Changes, String> {
    let ch = upsert(
        tx,
        &Upsert {
            table: "categories",
            key: &["id"],
            src: "SELECT s.id::uuid AS id, s.parent_id::uuid AS parent_id, s.name, s.name_short, s.description,
                         coalesce(i.public_url, i2.public_url) AS icon, i.public_url AS icon_url, i2.public_url AS icon_secondary_url,
                         s.sort_order, s.primary_color, s.secondary_color, s.show_checkin_history, s.checkin_enabled,
                         s.followup_chat_enabled, s.followup_timer, s.prompt_checkin, s.prompt_checkin_2, s.guidelines_file_text,
                         s.max_questions, s.scope, s.created_at
                    FROM etl_category s
                    LEFT JOIN legacy_image_map i ON i.legacy_image_id = s.icon_image
                    LEFT JOIN legacy_image_map i2 ON i2.legacy_image_id = s.icon_secondary_image",
            columns: &[
                "parent_id",
                "name",
                "name_short",
                "description",
                "icon",
                "icon_url",
                "icon_secondary_url",
                "sort_order",
                "primary_color",
                "secondary_color",
                "show_checkin_history",
                "checkin_enabled",
                "followup_chat_enabled",
                "followup_timer",
                "prompt_checkin",
                "prompt_checkin_2",
                "guidelines_file_text",
                "max_questions",
                "scope",
            ],
            created_at: true,
            on_update: "",
        },
    )?;
    map_ids(tx, "SELECT 'category' AS entity, legacy_id, id AS new_id FROM etl_category")?;
    Ok(ch)
}

pub fn config(tx: &mut Transaction<'_>) -> Result<Changes, String> {
    let ch = upsert(
        tx,
        &Upsert {
            table: "app_config",
            key: &["key"],
            src: "SELECT key, value, description, is_public, created_at FROM etl_config",
            columns: &["value", "description", "is_public"],
            created_at: true,
            on_update: "",
        },
    )?;
    map_ids(tx, "SELECT entity, legacy_id, key AS new_id FROM etl_config WHERE entity IS NOT NULL")?;
    Ok(ch)
}

/// `legacy_id_map` rows (entity, legacy id, new id) from a staging query.
fn map_ids(tx: &mut Transaction<'_>, rows: &'static str) -> Result<(), String> {
    upsert(
        tx,
        &Upsert { table: "legacy_id_map", key: &["entity", "legacy_id"], src: rows, columns: &["new_id"], created_at: false, on_update: "imported_at = now()" },
    )
    .map(|_| ())
}

/// Every (entity, legacy id, new id) the import would map.
const MAPPED: &str = "SELECT 'coach' AS entity, legacy_id, id AS new_id FROM etl_coach
                      UNION ALL SELECT 'category', legacy_id, id FROM etl_category
                      UNION ALL SELECT entity, legacy_id, key FROM etl_config WHERE entity IS NOT NULL";

fn lines(tx: &mut impl GenericClient, sql: &str, params: &[&(dyn postgres::types::ToSql + Sync)]) -> Result<Vec<String>, String> {
    let at = std::time::Instant::now();
    let _timed = Timed(at, sql.split_whitespace().take(6).collect::<Vec<_>>().join(" "));
    tx.query(sql, params).map_err(|e| describe(&e))?.iter().map(|r| r.try_get::<_, String>(0).map_err(|e| e.to_string())).collect()
}

/// A gate: legacy ids the target's legacy_id_map already gives another new
/// id (or new ids it gives another legacy id). Read-only.
struct Timed(std::time::Instant, String);
impl Drop for Timed {
    fn drop(&mut self) {
        log::trace!("query {:?}: {}…", self.0.elapsed(), self.1);
    }
}

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
           FROM categories c JOIN etl_category s ON c.id = s.id::uuid LEFT JOIN reach r ON r.id = c.id
          WHERE r.id IS NULL ORDER BY c.name LIMIT 20",
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
