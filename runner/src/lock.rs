//! The per-(database, schema) session advisory lock, taken by polling
//! `pg_try_advisory_lock` so a waiting runner never blocks a migration's
//! `CREATE INDEX CONCURRENTLY` (the deadlock of Flyway #1654).

use std::time::{Duration, Instant};

use postgres::Client;

use crate::error::{describe_pg, Error, Result};

/// A stable 64-bit key (FNV-1a) for the database and schema: the same in every
/// runner version and on every platform.
pub fn key(database: &str, schema: &str) -> i64 {
    fnv1a(format!("runner-migrations\0{database}\0{schema}").as_bytes()) as i64
}

/// 64-bit FNV-1a: tiny, stable across versions and platforms.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Who holds the lock, for the waiting message.
fn holder(client: &mut Client, key: i64) -> Option<String> {
    let classid = ((key as u64) >> 32) as u32 as i64;
    let objid = (key as u64 & 0xffff_ffff) as i64;
    let row = client
        .query_opt(
            "SELECT a.pid, coalesce(nullif(a.application_name, ''), 'unknown'), \
                    coalesce(round(extract(epoch FROM now() - a.backend_start))::int, 0) \
               FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid \
              WHERE l.locktype = 'advisory' AND l.granted AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) \
                AND l.classid::bigint = $1 AND l.objid::bigint = $2 AND l.objsubid = 1 LIMIT 1",
            &[&classid, &objid],
        )
        .ok()??;
    let (pid, app, age): (i32, String, i32) = (row.try_get(0).ok()?, row.try_get(1).ok()?, row.try_get(2).ok()?);
    Some(format!("pid {pid} ({app}, connected {age} s ago)"))
}

/// Poll until the lock is ours or `timeout` passes (exit code 5).
pub fn acquire(client: &mut Client, key: i64, timeout: Duration, label: &str) -> Result<()> {
    let start = Instant::now();
    let mut announced = false;
    loop {
        let row = client
            .query_one("SELECT pg_try_advisory_lock($1)", &[&key])
            .map_err(|e| Error::failed(format!("{label}: cannot take the migration lock: {}", describe_pg(&e))))?;
        let got: bool = crate::db::column(&row, 0, "pg_try_advisory_lock")?;
        if got {
            if announced {
                log::info!("[{label}] lock acquired after {}", crate::duration::human(start.elapsed()));
            }
            return Ok(());
        }
        if !announced {
            let who = holder(client, key).unwrap_or_else(|| "another session".into());
            log::info!("[{label}] waiting for the migration lock held by {who} (up to {})", crate::duration::human(timeout));
            announced = true;
        }
        if start.elapsed() >= timeout {
            let who = holder(client, key).unwrap_or_else(|| "another session".into());
            return Err(Error::lock_timeout(format!(
                "{label}: timed out after {} waiting for the migration lock held by {who}; another deploy is migrating this database: wait for it, or raise lock_timeout in the profile",
                crate::duration::human(timeout)
            )));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

pub fn release(client: &mut Client, key: i64) {
    if let Err(e) = client.query_one("SELECT pg_advisory_unlock($1)", &[&key]) {
        log::debug!("releasing the migration lock failed (the session end releases it): {}", describe_pg(&e));
    }
}
