//! Reading the legacy database: one read-only, repeatable-read transaction
//! (a consistent snapshot), rows fetched through a cursor in batches. Image
//! bytes never come with the rows: the server reports each image's size and
//! SHA-256, and only the bytes of images that must be uploaded are fetched,
//! a bounded number of bytes per round trip.
//!
//! Every value is read with `try_get`: a column of an unexpected type, or a
//! NULL where the import needs a value, is an error naming the column.

use postgres::types::FromSql;
use postgres::{Client, Row, Transaction};

use crate::model::{ConfigSource, LegacyCategory, LegacyCoach, LegacyConfig, Timestamp};

/// Rows fetched per round trip.
const BATCH: i32 = 256;
/// Image heads fetched per round trip.
const HEAD_BATCH: i32 = 1024;
/// Bytes of each image read for type detection (SVG may need the first kilobyte).
pub const HEAD_BYTES: i32 = 1024;
/// Image bytes fetched per round trip (at least one image, however large).
pub const CHUNK_BYTES: i64 = 8 << 20;

pub fn begin(client: &mut Client) -> Result<Transaction<'_>, postgres::Error> {
    let mut tx = client.transaction()?;
    tx.batch_execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")?;
    Ok(tx)
}

/// Column `i` of `row`, or an error naming the column and the cause.
pub fn col<'a, T: FromSql<'a>>(row: &'a Row, i: usize) -> Result<T, String> {
    row.try_get(i).map_err(|e| {
        let name = row.columns().get(i).map_or("?", |c| c.name());
        let cause = std::error::Error::source(&e).map_or_else(|| e.to_string(), |c| c.to_string());
        format!("column {name}: {cause}")
    })
}

/// Run `sql` through a cursor, `batch` rows at a time, handing each row to `f`.
pub fn stream(
    tx: &mut Transaction<'_>,
    sql: &str,
    params: &[&(dyn postgres::types::ToSql + Sync)],
    batch: i32,
    mut f: impl FnMut(&Row) -> Result<(), String>,
) -> Result<(), String> {
    let portal = tx.bind(sql, params).map_err(|e| e.to_string())?;
    loop {
        let rows = tx.query_portal(&portal, batch).map_err(|e| e.to_string())?;
        for row in &rows {
            f(row)?;
        }
        if (rows.len() as i32) < batch {
            return Ok(());
        }
    }
}

/// Timestamps as microseconds since the epoch, the legacy value read as UTC.
const TS: &str = "(extract(epoch from time_create AT TIME ZONE 'UTC') * 1000000)::int8";

fn ts(row: &Row, i: usize) -> Result<Option<Timestamp>, String> {
    Ok(col::<Option<i64>>(row, i)?.map(Timestamp))
}

/// Every tls_coach row, in id order.
pub fn coaches(tx: &mut Transaction<'_>, mut f: impl FnMut(LegacyCoach) -> Result<(), String>) -> Result<(), String> {
    let sql = format!(
        "SELECT id, name, description, image_id, image30_id, image45_id, image60_id, sex::text, intro, prompt, {TS}
           FROM tls_coach ORDER BY id"
    );
    stream(tx, &sql, &[], BATCH, |r| {
        f(LegacyCoach {
            id: col(r, 0)?,
            name: col(r, 1)?,
            description: col(r, 2)?,
            image_id: col(r, 3)?,
            image30_id: col(r, 4)?,
            image45_id: col(r, 5)?,
            image60_id: col(r, 6)?,
            sex: col(r, 7)?,
            intro: col(r, 8)?,
            prompt: col(r, 9)?,
            time_create: ts(r, 10)?,
        })
    })
    .map_err(|e| format!("reading tls_coach: {e}"))
}

/// Every tls_category row.
pub fn categories(tx: &mut Transaction<'_>, mut f: impl FnMut(LegacyCategory) -> Result<(), String>) -> Result<(), String> {
    let sql = format!(
        "SELECT id, parent_id, name, name_short, description, icon_id, icon_id_secondary, sort_order,
                primary_color, secondary_color, show_checkin_history, checkin_enabled, followup_chat_enabled,
                followup_timer, prompt_checkin, prompt_checkin_2, guidelines_file_text, max_questions, scope, {TS}
           FROM tls_category ORDER BY sort_order NULLS FIRST, id"
    );
    stream(tx, &sql, &[], BATCH, |r| {
        f(LegacyCategory {
            id: col(r, 0)?,
            parent_id: col(r, 1)?,
            name: col(r, 2)?,
            name_short: col(r, 3)?,
            description: col(r, 4)?,
            icon_id: col(r, 5)?,
            icon_id_secondary: col(r, 6)?,
            sort_order: col(r, 7)?,
            primary_color: col(r, 8)?,
            secondary_color: col(r, 9)?,
            show_checkin_history: col(r, 10)?,
            checkin_enabled: col(r, 11)?,
            followup_chat_enabled: col(r, 12)?,
            followup_timer: col(r, 13)?,
            prompt_checkin: col(r, 14)?,
            prompt_checkin_2: col(r, 15)?,
            guidelines_file_text: col(r, 16)?,
            max_questions: col(r, 17)?,
            scope: col(r, 18)?,
            time_create: ts(r, 19)?,
        })
    })
    .map_err(|e| format!("reading tls_category: {e}"))
}

/// Every tls_prompt, tls_variable and tls_system row, table by table.
pub fn configs(tx: &mut Transaction<'_>, mut f: impl FnMut(LegacyConfig) -> Result<(), String>) -> Result<(), String> {
    for (source, table, value, user) in [
        (ConfigSource::Prompt, "tls_prompt", "prompt", "NULL::boolean"),
        (ConfigSource::Variable, "tls_variable", "value", "\"user\""),
        (ConfigSource::System, "tls_system", "value", "NULL::boolean"),
    ] {
        let sql = format!("SELECT id, name, {value}, {user}, {TS} FROM {table} ORDER BY id");
        stream(tx, &sql, &[], BATCH, |r| {
            f(LegacyConfig { source, id: col(r, 0)?, name: col(r, 1)?, value: col(r, 2)?, user: col(r, 3)?, time_create: ts(r, 4)? })
        })
        .map_err(|e| format!("reading {table}: {e}"))?;
    }
    Ok(())
}

/// An image as the source server describes it, its bytes left there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageHead {
    pub id: i32,
    pub extension: Option<String>,
    pub byte_size: i64,
    /// SHA-256 of the bytes, computed by the source server.
    pub sha256: [u8; 32],
    /// The first `HEAD_BYTES` bytes, for type detection.
    pub head: Vec<u8>,
}

/// The snapshot of `tx`, for [`image_heads_in`] on other connections.
pub fn export_snapshot(tx: &mut Transaction<'_>) -> Result<String, String> {
    let row = tx.query_one("SELECT pg_export_snapshot()", &[]).map_err(|e| format!("exporting the snapshot: {e}"))?;
    col(&row, 0)
}

/// [`image_heads`] on another connection, in the snapshot `snapshot` of the
/// main one (so both see the same data).
pub fn image_heads_in(client: &mut Client, snapshot: &str, part: i32, parts: i32, f: impl FnMut(ImageHead) -> Result<(), String>) -> Result<(), String> {
    let mut tx = client.transaction().map_err(|e| e.to_string())?;
    let quoted = snapshot.replace('\'', "''");
    tx.batch_execute(&format!("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY; SET TRANSACTION SNAPSHOT '{quoted}'"))
        .map_err(|e| format!("joining the snapshot: {e}"))?;
    image_heads(&mut tx, part, parts, f)
}

/// Size, SHA-256 and first bytes of every image a coach or category uses
/// whose `id % parts = part`, in id order. The server hashes the bytes, so
/// they stay there; hashing is what an unchanged rerun mostly waits for, so
/// parts run on several connections at once.
pub fn image_heads(tx: &mut Transaction<'_>, part: i32, parts: i32, mut f: impl FnMut(ImageHead) -> Result<(), String>) -> Result<(), String> {
    let sql = format!(
        "SELECT id, extension, coalesce(length(data), 0)::int8, sha256(coalesce(data, ''::bytea)),
                substring(coalesce(data, ''::bytea) from 1 for {HEAD_BYTES})
           FROM tls_image
          WHERE id IN (SELECT unnest(ARRAY[image_id, image30_id, image45_id, image60_id]) FROM tls_coach
                       UNION SELECT unnest(ARRAY[icon_id, icon_id_secondary]) FROM tls_category)
            AND id % $1 = $2
          ORDER BY id"
    );
    stream(tx, &sql, &[&parts, &part], HEAD_BATCH, |r| {
        let sha: &[u8] = col(r, 3)?;
        let sha256 = sha.try_into().map_err(|_| format!("column sha256: {} bytes, not 32", sha.len()))?;
        f(ImageHead { id: col(r, 0)?, extension: col(r, 1)?, byte_size: col(r, 2)?, sha256, head: col(r, 4)? })
    })
    .map_err(|e| format!("reading tls_image: {e}"))
}

/// The bytes of the given images (`(id, byte_size)` in id order), fetched
/// through a cursor about `CHUNK_BYTES` at a time, each row handed to `f`
/// (read its bytes with [`image_data`]).
pub fn image_bytes(tx: &mut Transaction<'_>, images: &[(i32, i64)], mut f: impl FnMut(Row) -> Result<(), String>) -> Result<(), String> {
    let ids: Vec<i32> = images.iter().map(|(id, _)| *id).collect();
    let portal = tx.bind("SELECT id, data FROM tls_image WHERE id = ANY($1) ORDER BY id", &[&ids]).map_err(|e| format!("reading tls_image: {e}"))?;
    let mut at = 0;
    while at < images.len() {
        let mut n = 1;
        let mut bytes = images[at].1;
        while at + n < images.len() && bytes + images[at + n].1 <= CHUNK_BYTES {
            bytes += images[at + n].1;
            n += 1;
        }
        let rows = tx.query_portal(&portal, n as i32).map_err(|e| format!("reading tls_image: {e}"))?;
        if rows.is_empty() {
            break;
        }
        at += rows.len();
        for row in rows {
            f(row)?;
        }
    }
    Ok(())
}

/// `(id, bytes)` of a row of [`image_bytes`].
pub fn image_data(row: &Row) -> Result<(i32, &[u8]), String> {
    let id: i32 = col(row, 0).map_err(|e| format!("reading tls_image: {e}"))?;
    let data: &[u8] = col(row, 1).map_err(|e| format!("reading tls_image {id}: {e}"))?;
    Ok((id, data))
}
