//! Uploads in a bounded pool: the main thread fetches the bytes of the images
//! to upload from the source (a cursor, about `extract::CHUNK_BYTES` per
//! round trip) and hands them to `concurrency` workers through a channel of
//! `concurrency` slots, so at most one chunk plus two images per worker are in
//! memory, whatever the total. Each worker checks the bytes against the
//! SHA-256 the source server computed and uploads them (the storage retries
//! transient failures). The first failure stops the fetching; the uploads in
//! flight finish, and every failed image is reported.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{mpsc, Mutex};

use postgres::{Row, Transaction};

use crate::extract;
use crate::images;
use crate::progress::Bar;
use crate::storage::Storage;

/// An image whose bytes must go to storage.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ToUpload {
    pub id: i32,
    pub bucket: String,
    pub path: String,
    pub content_type: String,
    pub sha256: String,
    pub byte_size: i64,
}

/// Why uploads stopped: the source could not be read, or images failed.
#[derive(Debug)]
pub enum Failure {
    Source(String),
    /// One line per image that failed.
    Images(Vec<String>),
}

/// Uploads `images` (sorted by id) and returns the bytes sent.
pub fn run(tx: &mut Transaction<'_>, storage: &dyn Storage, images: &[ToUpload], concurrency: usize, bar: &Bar) -> Result<u64, Failure> {
    let sizes: Vec<(i32, i64)> = images.iter().map(|i| (i.id, i.byte_size)).collect();
    let workers = concurrency.clamp(1, images.len().max(1));
    let stop = AtomicBool::new(false);
    let sent = AtomicU64::new(0);
    let failures = Mutex::new(Vec::new());
    let (jobs, queue) = mpsc::sync_channel::<(usize, Row)>(workers);
    let queue = Mutex::new(queue);
    let fetched = std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| loop {
                let job = queue.lock().unwrap_or_else(|e| e.into_inner()).recv();
                let Ok((at, row)) = job else { return };
                if stop.load(Ordering::SeqCst) {
                    continue;
                }
                match put(storage, &images[at], &row) {
                    Ok(n) => {
                        sent.fetch_add(n, Ordering::SeqCst);
                        bar.inc(n);
                    }
                    Err(e) => {
                        failures.lock().unwrap_or_else(|e| e.into_inner()).push(e);
                        stop.store(true, Ordering::SeqCst);
                    }
                }
            });
        }
        let mut at = 0;
        let fetched = extract::image_bytes(tx, &sizes, |row| {
            if stop.load(Ordering::SeqCst) {
                return Err(String::new());
            }
            jobs.send((at, row)).map_err(|_| "the upload workers stopped".to_string())?;
            at += 1;
            Ok(())
        });
        drop(jobs);
        fetched
    });
    let failures = failures.into_inner().unwrap_or_else(|e| e.into_inner());
    if !failures.is_empty() {
        return Err(Failure::Images(failures));
    }
    fetched.map_err(Failure::Source)?;
    Ok(sent.into_inner())
}

/// One image: its bytes checked against the source's SHA-256, then stored.
fn put(storage: &dyn Storage, img: &ToUpload, row: &Row) -> Result<u64, String> {
    let (id, bytes) = extract::image_data(row)?;
    if id != img.id {
        return Err(format!("image {}: the source returned image {id} in its place", img.id));
    }
    if bytes.len() as i64 != img.byte_size || images::sha256_hex(bytes) != img.sha256 {
        return Err(format!("image {id}: the bytes read differ from the size and SHA-256 the source server reported"));
    }
    storage.put(&img.bucket, &img.path, &img.content_type, bytes).map_err(|e| format!("image {id} → {}/{}: {e}", img.bucket, img.path))?;
    Ok(bytes.len() as u64)
}
