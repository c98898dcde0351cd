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

/// Images handed to a worker at once: fewer hand-offs (each wakes a
/// thread, a system call) for small images, and still every worker busy.
const BATCH_IMAGES: usize = 8;
/// Bytes handed to a worker at once (a larger image goes alone).
const BATCH_BYTES: i64 = 512 << 10;

/// Bytes in flight, and a signal when some are freed.
#[derive(Default)]
struct Budget {
    /// (bytes in flight, whether the fetching thread waits for some to go).
    state: Mutex<(i64, bool)>,
    freed: Condvar,
}

impl Budget {
    /// Waits until `n` more bytes fit (always true when nothing is in flight).
    fn take(&self, n: i64, stop: &AtomicBool) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        while state.0 > 0 && state.0 + n > IN_FLIGHT_BYTES && !stop.load(Ordering::SeqCst) {
            state.1 = true;
            state = self.freed.wait(state).unwrap_or_else(|e| e.into_inner());
        }
        state.0 += n;
    }

    /// Frees `n` bytes; wakes the fetching thread only if it waits.
    fn give(&self, n: i64) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.0 -= n;
        if std::mem::take(&mut state.1) {
            self.freed.notify_all();
        }
    }

    /// Wakes the fetching thread, to see that the run stops.
    fn wake(&self) {
        let _state = self.state.lock().unwrap_or_else(|e| e.into_inner());
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
    // Batches of (index in `images`, row with its bytes).
    let (jobs, queue) = mpsc::channel::<Vec<(usize, Row)>>();
    let queue = Mutex::new(queue);
    let budget = Budget::default();
    let fetched = std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| loop {
                let job = queue.lock().unwrap_or_else(|e| e.into_inner()).recv();
                let Ok(batch) = job else { return };
                let mut freed = 0;
                for (at, row) in batch {
                    let result = if stop.load(Ordering::SeqCst) { Ok(0) } else { put(storage, &images[at], &row) };
                    freed += images[at].byte_size;
                    match result {
                        Ok(n) => {
                            sent.fetch_add(n, Ordering::SeqCst);
                            bar.inc(n);
                        }
                        Err(e) => {
                            failures.lock().unwrap_or_else(|e| e.into_inner()).push(e);
                            stop.store(true, Ordering::SeqCst);
                            budget.wake();
                        }
                    }
                }
                budget.give(freed);
            });
        }
        let mut at = 0;
        let mut batch = Vec::new();
        let mut batch_bytes = 0;
        let fetched = extract::image_bytes(tx, &sizes, |row| {
            if stop.load(Ordering::SeqCst) {
                return Err(String::new());
            }
            batch.push((at, row));
            batch_bytes += images[at].byte_size;
            at += 1;
            if batch.len() >= BATCH_IMAGES || batch_bytes >= BATCH_BYTES || at == images.len() {
                // Counted when handed out: the workers can always free what waits.
                budget.take(std::mem::take(&mut batch_bytes), &stop);
                jobs.send(std::mem::take(&mut batch)).map_err(|_| "the upload workers stopped".to_string())?;
            }
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
