//! Reading the legacy database: one read-only, repeatable-read transaction
//! (a consistent snapshot), rows fetched through a cursor in batches, image
//! bytes one batch at a time and never all at once.

use postgres::{Client, Row, Transaction};

use crate::model::{ConfigSource, LegacyCategory, LegacyCoach, LegacyConfig, Timestamp};

/// Rows fetched per round trip.
const BATCH: i32 = 256;
/// Image bytes fetched per round trip (images are up to a few MB).
const IMAGE_BATCH: i32 = 16;
/// Bytes of each image read for type detection before anything is uploaded.
pub const HEAD_BYTES: i32 = 1024;

pub fn begin(client: &mut Client) -> Result<Transaction<'_>, postgres::Error> {
    let mut tx = client.transaction()?;
    tx.batch_execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")?;
    Ok(tx)
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

fn ts(row: &Row, i: usize) -> Option<Timestamp> {
    row.get::<_, Option<i64>>(i).map(Timestamp)
}

pub fn coaches(tx: &mut Transaction<'_>) -> Result<Vec<LegacyCoach>, String> {
    let sql = format!(
        "SELECT id, name, description, image_id, image30_id, image45_id, image60_id, sex::text, intro, prompt, {TS}
           FROM tls_coach ORDER BY id"
    );
    let mut out = Vec::new();
    stream(tx, &sql, &[], BATCH, |r| {
        out.push(LegacyCoach {
            id: r.get(0),
            name: r.get(1),
            description: r.get(2),
            image_id: r.get(3),
            image30_id: r.get(4),
            image45_id: r.get(5),
            image60_id: r.get(6),
            sex: r.get(7),
            intro: r.get(8),
            prompt: r.get(9),
            time_create: ts(r, 10),
        });
        Ok(())
    })
    .map_err(|e| format!("reading tls_coach: {e}"))?;
    Ok(out)
}

pub fn categories(tx: &mut Transaction<'_>) -> Result<Vec<LegacyCategory>, String> {
    let sql = format!(
        "SELECT id, parent_id, name, name_short, description, icon_id, icon_id_secondary, sort_order,
                primary_color, secondary_color, show_checkin_history, checkin_enabled, followup_chat_enabled,
                followup_timer, prompt_checkin, prompt_checkin_2, guidelines_file_text, max_questions, scope, {TS}
           FROM tls_category ORDER BY sort_order NULLS FIRST, id"
    );
    let mut out = Vec::new();
    stream(tx, &sql, &[], BATCH, |r| {
        out.push(LegacyCategory {
            id: r.get(0),
            parent_id: r.get(1),
            name: r.get(2),
            name_short: r.get(3),
            description: r.get(4),
            icon_id: r.get(5),
            icon_id_secondary: r.get(6),
            sort_order: r.get(7),
            primary_color: r.get(8),
            secondary_color: r.get(9),
            show_checkin_history: r.get(10),
            checkin_enabled: r.get(11),
            followup_chat_enabled: r.get(12),
            followup_timer: r.get(13),
            prompt_checkin: r.get(14),
            prompt_checkin_2: r.get(15),
            guidelines_file_text: r.get(16),
            max_questions: r.get(17),
            scope: r.get(18),
            time_create: ts(r, 19),
        });
        Ok(())
    })
    .map_err(|e| format!("reading tls_category: {e}"))?;
    Ok(out)
}

pub fn configs(tx: &mut Transaction<'_>) -> Result<Vec<LegacyConfig>, String> {
    let mut out = Vec::new();
    for (source, table, value, user) in [
        (ConfigSource::Prompt, "tls_prompt", "prompt", "NULL::boolean"),
        (ConfigSource::Variable, "tls_variable", "value", "\"user\""),
        (ConfigSource::System, "tls_system", "value", "NULL::boolean"),
    ] {
        let sql = format!("SELECT id, name, {value}, {user}, {TS} FROM {table} ORDER BY id");
        stream(tx, &sql, &[], BATCH, |r| {
            out.push(LegacyConfig { source, id: r.get(0), name: r.get(1), value: r.get(2), user: r.get(3), time_create: ts(r, 4) });
            Ok(())
        })
        .map_err(|e| format!("reading {table}: {e}"))?;
    }
    Ok(out)
}

/// What is known of an image before its bytes are read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageHead {
    pub id: i32,
    pub extension: Option<String>,
    pub byte_size: i64,
    pub sha256: String,
    /// The first `HEAD_BYTES` bytes, for type detection.
    pub head: Vec<u8>,
}

/// Size, SHA-256 (computed by the server) and first bytes of the given images.
pub fn image_heads(tx: &mut Transaction<'_>, ids: &[i32], mut f: impl FnMut(ImageHead) -> Result<(), String>) -> Result<(), String> {
    let sql = format!(
        "SELECT id, extension, coalesce(length(data), 0)::int8, encode(sha256(coalesce(data, ''::bytea)), 'hex'),
                substring(coalesce(data, ''::bytea) from 1 for {HEAD_BYTES})
           FROM tls_image WHERE id = ANY($1) ORDER BY id"
    );
    stream(tx, &sql, &[&ids], BATCH, |r| f(ImageHead { id: r.get(0), extension: r.get(1), byte_size: r.get(2), sha256: r.get(3), head: r.get(4) }))
        .map_err(|e| format!("reading tls_image: {e}"))
}

/// The bytes of the given images, a few at a time, in id order.
pub fn image_bytes(tx: &mut Transaction<'_>, ids: &[i32], mut f: impl FnMut(i32, &[u8]) -> Result<(), String>) -> Result<(), String> {
    stream(tx, "SELECT id, data FROM tls_image WHERE id = ANY($1) ORDER BY id", &[&ids], IMAGE_BATCH, |r| {
        let data: &[u8] = r.get(1);
        f(r.get(0), data)
    })
    .map_err(|e| format!("reading tls_image: {e}"))
}

/// Row counts of the source tables, in the same snapshot.
pub fn counts(tx: &mut Transaction<'_>) -> Result<[(&'static str, i64); 5], String> {
    let row = tx
        .query_one(
            "SELECT (SELECT count(*) FROM tls_coach), (SELECT count(*) FROM tls_category), (SELECT count(*) FROM tls_prompt),
                    (SELECT count(*) FROM tls_variable), (SELECT count(*) FROM tls_system)",
            &[],
        )
        .map_err(|e| format!("counting the legacy tables: {e}"))?;
    Ok([
        ("tls_coach", row.get(0)),
        ("tls_category", row.get(1)),
        ("tls_prompt", row.get(2)),
        ("tls_variable", row.get(3)),
        ("tls_system", row.get(4)),
    ])
}
