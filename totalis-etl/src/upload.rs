//! Uploads in a bounded pool: the main thread fetches the bytes of the images
//! to upload from the source (a cursor, about `extract::CHUNK_BYTES` per
//! round trip) and hands them to `concurrency` workers. It fetches the next
//! chunk while the workers upload the last one, but never holds more than
//! [`IN_FLIGHT_BYTES`] handed out and not yet uploaded (or one image, if
//! larger), so memory is bounded by that and the pool, whatever the total.
//! Each worker checks the bytes against the
//! SHA-256 the source server computed and uploads them (the storage retries
//! transient failures). The first failure stops the fetching; the uploads in
//! flight finish, and every failed image is reported.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{mpsc, Condvar, Mutex};

use postgres::{Row, Transaction};

use crate::extract;
use crate::images;
use crate::progress::Bar;
use crate::storage::Storage;

/// Bytes handed to the workers and not yet uploaded, at most.
pub const IN_FLIGHT_BYTES: i64 = 2 * extract::CHUNK_BYTES;

/// Bytes in flight, and a signal when some are freed.
#[derive(Default)]
struct Budget {
    used: Mutex<i64>,
    freed: Condvar,
}

impl Budget {
    /// Waits until `n` more bytes fit (always true when nothing is in flight).
    fn take(&self, n: i64, stop: &AtomicBool) {
        let mut used = self.used.lock().unwrap_or_else(|e| e.into_inner());
        while *used > 0 && *used + n > IN_FLIGHT_BYTES && !stop.load(Ordering::SeqCst) {
            used = self.freed.wait(used).unwrap_or_else(|e| e.into_inner());
        }
        *used += n;
    }

    fn give(&self, n: i64) {
        *self.used.lock().unwrap_or_else(|e| e.into_inner()) -= n;
        self.freed.notify_all();
    }
}

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
    let (jobs, queue) = mpsc::channel::<(usize, Row)>();
    let queue = Mutex::new(queue);
    let budget = Budget::default();
    let fetched = std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| loop {
                let job = queue.lock().unwrap_or_else(|e| e.into_inner()).recv();
                let Ok((at, row)) = job else { return };
                let result = if stop.load(Ordering::SeqCst) { Ok(0) } else { put(storage, &images[at], &row) };
                drop(row);
                budget.give(images[at].byte_size);
                match result {
                    Ok(n) => {
                        sent.fetch_add(n, Ordering::SeqCst);
                        bar.inc(n);
                    }
                    Err(e) => {
                        failures.lock().unwrap_or_else(|e| e.into_inner()).push(e);
                        stop.store(true, Ordering::SeqCst);
                        budget.freed.notify_all();
                    }
                }
            });
        }
        let mut at = 0;
        let fetched = extract::image_bytes(tx, &sizes, |row| {
            if stop.load(Ordering::SeqCst) {
                return Err(String::new());
            }
            budget.take(images[at].byte_size, &stop);
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
