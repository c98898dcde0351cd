//! The import, start to end: extract (one snapshot of the legacy database),
//! transform and stage the rows in the target session, the gates before
//! anything is written, the uploads of new or changed images, then the load
//! and its checks in one transaction on the target.
//!
//! Memory does not grow with the data: rows stream from the source through
//! the transform into staging tables (`stage`); what stays in memory is what
//! the gates need (category parents, coach names, config keys, image
//! references), a window of the upload plan, and the upload pool's images.

use std::collections::{BTreeMap, BTreeSet};

use postgres::Client;
use serde::Serialize;

use crate::extract::{self, ImageHead};
use crate::load::{self, Changes};
use crate::model::{Coach, ConfigSource};
use crate::progress::Bar;
use crate::stage::{self, Copy, StagedImage};
use crate::storage::Storage;
use crate::upload::{self, ToUpload};
use crate::{config, hierarchy, images, transform};

/// What the operator chose (profile `etl.totalis`, see [`config::Config`]).
#[derive(Debug, Clone)]
pub struct Settings {
    pub transform: transform::Options,
    /// Bucket of images a coach uses (also when a category uses them too).
    pub coach_bucket: String,
    /// Bucket of images only categories use.
    pub category_bucket: String,
    pub dry_run: bool,
    /// Draw progress bars on stderr (only when it is a terminal).
    pub progress: bool,
    /// Uploads in flight at once.
    pub upload_concurrency: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            transform: transform::Options::default(),
            coach_bucket: "coach-images".into(),
            category_bucket: "category-icons".into(),
            dry_run: false,
            progress: false,
            upload_concurrency: config::DEFAULT_UPLOAD_CONCURRENCY,
        }
    }
}

/// Why a run stopped. `Invalid` happens before anything is written (exit 1);
/// the others after something may have been uploaded, with the database
/// transaction rolled back (exit 4).
#[derive(Debug)]
pub enum EtlError {
    Source(String),
    Invalid(Vec<String>),
    Storage(String),
    Load(String),
    Checks(Vec<String>),
}

impl std::fmt::Display for EtlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EtlError::Source(e) => write!(f, "reading the legacy database failed: {e}; nothing was written"),
            EtlError::Invalid(p) => write!(
                f,
                "the legacy data has {} problem(s), nothing was written: {}. Fix them in the legacy database (or choose another default coach in etl.totalis.default_coach) and run again",
                p.len(),
                p.join("; ")
            ),
            EtlError::Storage(e) => write!(f, "uploading images failed: {e}; the database was not changed, and a rerun uploads the rest (uploads overwrite)"),
            EtlError::Load(e) => write!(f, "loading the target failed: {e}; the transaction was rolled back"),
            EtlError::Checks(p) => write!(f, "the checks after loading failed, the transaction was rolled back: {}", p.join("; ")),
        }
    }
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct ImageReport {
    pub referenced: u64,
    /// Images whose bytes were fetched and uploaded (dry run: would be).
    pub uploaded: u64,
    /// Same size, SHA-256, bucket and path as in the image map, and the object
    /// is in storage: the bytes were not fetched.
    pub skipped: u64,
    pub bytes_uploaded: u64,
}

/// What a run did (or, with `dry_run`, would do).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    pub dry_run: bool,
    pub coaches: Changes,
    pub categories: Changes,
    pub app_config: Changes,
    pub image_map: Changes,
    pub images: ImageReport,
    pub default_coach: String,
    pub warnings: Vec<String>,
    /// Target rows the import does not own that share a name with one it writes.
    pub not_owned_same_name: Vec<String>,
    pub seconds: f64,
}

impl Report {
    pub fn rows(&self) -> u64 {
        let t = |c: &Changes| c.new + c.updated + c.unchanged;
        t(&self.coaches) + t(&self.categories) + t(&self.app_config)
    }

    /// The summary printed at the end of a run.
    pub fn text(&self) -> String {
        let line = |name: &str, c: &Changes| format!("  {name:<11} {:>6} new {:>6} updated {:>6} unchanged\n", c.new, c.updated, c.unchanged);
        let mut s = String::new();
        s.push_str(if self.dry_run { "Totalis import (dry run: nothing was written)\n" } else { "Totalis import\n" });
        s.push_str(&line("coaches", &self.coaches));
        s.push_str(&line("categories", &self.categories));
        s.push_str(&line("app_config", &self.app_config));
        s.push_str(&line("image map", &self.image_map));
        let verb = if self.dry_run { "to upload" } else { "uploaded" };
        s.push_str(&format!(
            "  images      {} referenced, {} {verb} ({:.1} MB), {} skipped (same SHA-256 already stored)\n",
            self.images.referenced,
            self.images.uploaded,
            self.images.bytes_uploaded as f64 / 1e6,
            self.images.skipped
        ));
        s.push_str(&format!("  default coach: {}\n", self.default_coach));
        for w in &self.not_owned_same_name {
            s.push_str(&format!("  note: {w}\n"));
        }
        if !self.warnings.is_empty() {
            s.push_str(&format!("  {} warning(s) about the legacy data:\n", self.warnings.len()));
            for w in &self.warnings {
                s.push_str(&format!("    {w}\n"));
            }
        }
        s
    }
}

/// Who uses a legacy image: (image id, coach?, the user's legacy id).
type Use = (i32, bool, i32);

/// What the gates need of the staged rows.
#[derive(Default)]
struct Gathered {
    /// Coaches without their long texts (for the default-coach choice).
    coaches: Vec<Coach>,
    /// Category (id, parent id).
    nodes: Vec<(i32, Option<i32>)>,
    uses: Vec<Use>,
    warnings: Vec<transform::Warning>,
}

fn table(source: ConfigSource) -> &'static str {
    match source {
        ConfigSource::Prompt => "tls_prompt",
        ConfigSource::Variable => "tls_variable",
        ConfigSource::System => "tls_system",
    }
}

/// Streams the rows through the transform into the staging tables.
fn stage_rows(tx: &mut postgres::Transaction<'_>, target: &mut Client, s: &Settings, problems: &mut Vec<String>) -> Result<Gathered, EtlError> {
    let mut g = Gathered::default();
    let mut copy = Copy::coaches(target).map_err(EtlError::Load)?;
    extract::coaches(tx, |row| {
        let c = transform::coach(&row, &s.transform, &mut g.warnings);
        copy.coach(&c)?;
        for id in [c.photo_image, c.small_image, c.medium_image, c.large_image].into_iter().flatten() {
            g.uses.push((id, true, c.legacy_id));
        }
        g.coaches.push(Coach { bio: None, prompt: None, voice_id: None, ..c });
        Ok(())
    })
    .map_err(EtlError::Source)?;
    copy.finish().map_err(EtlError::Load)?;

    let mut copy = Copy::categories(target).map_err(EtlError::Load)?;
    extract::categories(tx, |row| {
        let c = transform::category(&row, &mut g.warnings);
        copy.category(&c)?;
        for id in [c.icon_image, c.icon_secondary_image].into_iter().flatten() {
            g.uses.push((id, false, c.legacy_id));
        }
        g.nodes.push((row.id, row.parent_id));
        Ok(())
    })
    .map_err(EtlError::Source)?;
    copy.finish().map_err(EtlError::Load)?;

    let mut copy = Copy::configs(target).map_err(EtlError::Load)?;
    let mut keys: BTreeMap<String, String> = BTreeMap::new();
    extract::configs(tx, |row| {
        let label = format!("{} {}", table(row.source), row.id);
        match transform::config_key(&row) {
            Err(e) => problems.push(format!("{label}: {e}")),
            Ok(key) if key == transform::DEFAULT_COACH_KEY => {
                problems.push(format!("{label} becomes the key {key}, which the import writes itself; rename it"))
            }
            Ok(key) => {
                if let Some(first) = keys.insert(key.clone(), label.clone()) {
                    problems.push(format!("{first} and {label} both become the app_config key {key}; rename one of them"));
                }
            }
        }
        if let Some(r) = transform::config(&row, &mut g.warnings) {
            copy.config(&r)?;
        }
        Ok(())
    })
    .map_err(EtlError::Source)?;
    copy.finish().map_err(EtlError::Load)?;

    if g.coaches.is_empty() {
        problems.push("tls_coach has no rows, so there is no default coach".into());
    }
    if let Err(found) = hierarchy::parent_first_order(&g.nodes) {
        problems.extend(found.iter().map(|p| p.to_string()));
    }
    Ok(g)
}

/// An image head after type detection, its first bytes dropped.
struct Hashed {
    id: i32,
    byte_size: i64,
    sha256: [u8; 32],
    detected: Result<images::Detected, String>,
}

impl Hashed {
    fn of(h: ImageHead) -> Hashed {
        let detected = images::detect(&h.head, h.extension.as_deref());
        Hashed { id: h.id, byte_size: h.byte_size, sha256: h.sha256, detected }
    }
}

/// Every referenced image hashed by the source server: on the `hashers`
/// connections (in the snapshot of `tx`) while `meanwhile` runs on this
/// thread, or, without hashers, on `tx` after it.
fn hash_images<T>(tx: &mut postgres::Transaction<'_>, hashers: &mut [Client], meanwhile: impl FnOnce(&mut postgres::Transaction<'_>) -> T) -> (T, Result<Vec<Hashed>, EtlError>) {
    if hashers.is_empty() {
        let out = meanwhile(tx);
        let mut hashed = Vec::new();
        let read = extract::image_heads(tx, 0, 1, |h| {
            hashed.push(Hashed::of(h));
            Ok(())
        });
        return (out, read.map(|_| hashed).map_err(EtlError::Source));
    }
    let snapshot = match extract::export_snapshot(tx) {
        Ok(s) => s,
        Err(e) => return (meanwhile(tx), Err(EtlError::Source(e))),
    };
    let parts = hashers.len() as i32;
    std::thread::scope(|scope| {
        let jobs: Vec<_> = hashers
            .iter_mut()
            .enumerate()
            .map(|(part, client)| {
                let snapshot = snapshot.as_str();
                scope.spawn(move || {
                    let mut hashed = Vec::new();
                    extract::image_heads_in(client, snapshot, part as i32, parts, |h| {
                        hashed.push(Hashed::of(h));
                        Ok(())
                    })
                    .map(|_| hashed)
                })
            })
            .collect();
        let started = std::time::Instant::now();
        let out = meanwhile(tx);
        log::debug!("phase extract+staging (rows, id gate): {:?}", started.elapsed());
        let mut all = Vec::new();
        for job in jobs {
            match job.join().unwrap_or_else(|_| Err("a hashing thread panicked".into())) {
                Ok(part) => all.extend(part),
                Err(e) => return (out, Err(EtlError::Source(e))),
            }
        }
        all.sort_unstable_by_key(|h| h.id);
        log::debug!("phase hashing (source server, {parts} connections): {:?}", started.elapsed());
        (out, Ok(all))
    })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Stages where each referenced image goes; gate problems for images that
/// are missing, empty or of an unknown type.
fn stage_images(target: &mut Client, storage: &dyn Storage, s: &Settings, g: &mut Gathered, hashed: Vec<Hashed>, problems: &mut Vec<String>, warnings: &mut Vec<String>) -> Result<u64, EtlError> {
    g.uses.sort_unstable();
    g.uses.dedup();
    let uses = &g.uses;
    let coaches = &g.coaches;
    let users = |id: i32| {
        let from = uses.partition_point(|u| u.0 < id);
        &uses[from..uses.partition_point(|u| u.0 <= id)]
    };
    let used_by = |id: i32| -> String {
        let who: Vec<String> = users(id)
            .iter()
            .map(|&(_, coach, legacy)| match coach {
                true => match coaches.binary_search_by_key(&legacy, |c| c.legacy_id) {
                    Ok(i) => format!("coach {legacy} ({})", coaches[i].name),
                    Err(_) => format!("coach {legacy}"),
                },
                false => format!("category {legacy}"),
            })
            .collect();
        who.join(", ")
    };
    let ids: Vec<i32> = uses.iter().map(|u| u.0).collect::<BTreeSet<_>>().into_iter().collect();
    for &id in &ids {
        if hashed.binary_search_by_key(&id, |h| h.id).is_err() {
            problems.push(format!("image {id} is used by {} but tls_image has no row {id}", used_by(id)));
        }
    }
    let mut staged = 0;
    let mut copy = Copy::images(target).map_err(EtlError::Load)?;
    for h in hashed.into_iter().filter(|h| ids.binary_search(&h.id).is_ok()) {
        let detected = match h.detected {
            Ok(d) => d,
            Err(e) => {
                problems.push(format!("image {} (used by {}) cannot be read: {e}", h.id, used_by(h.id)));
                continue;
            }
        };
        if let Some(m) = &detected.mismatch {
            warnings.push(format!("image {}: {m}; stored as {}", h.id, detected.content_type));
        }
        let by_coach = users(h.id).iter().any(|u| u.1);
        let bucket = if by_coach { &s.coach_bucket } else { &s.category_bucket };
        let path = images::object_path(h.id, &detected);
        let sha256 = hex(&h.sha256);
        let url = images::versioned_url(&storage.public_url(bucket, &path), &sha256);
        staged += 1;
        copy.image(&StagedImage { id: h.id, bucket, path: &path, url: &url, byte_size: h.byte_size, sha256: &sha256, content_type: detected.content_type })
            .map_err(EtlError::Load)?;
    }
    copy.finish().map_err(EtlError::Load)?;
    Ok(staged)
}

/// Connections on which the source server hashes images at once (see
/// [`run`]); the runner opens this many besides the main one.
pub const HASHERS: usize = 2;

/// Rows of the upload plan read per round trip.
const PLAN_WINDOW: i64 = 10_000;

/// Uploads (or, in a dry run, counts) the staged images that are not in the
/// image map with the same size, SHA-256, bucket and path, or whose object
/// is missing from storage. Only their bytes are fetched.
fn upload_changed(tx: &mut postgres::Transaction<'_>, target: &mut Client, storage: &dyn Storage, s: &Settings, report: &mut ImageReport) -> Result<(), EtlError> {
    let buckets: Vec<String> = target
        .query("SELECT DISTINCT bucket FROM etl_image ORDER BY 1", &[])
        .map_err(|e| EtlError::Load(load::describe(&e)))?
        .iter()
        .map(|r| r.get(0))
        .collect();
    if !s.dry_run {
        let ensured: Vec<Result<(), String>> = std::thread::scope(|scope| {
            let handles: Vec<_> = buckets.iter().map(|b| scope.spawn(move || storage.ensure_bucket(b).map_err(|e| format!("bucket {b}: {e}")))).collect();
            handles.into_iter().map(|h| h.join().unwrap_or_else(|_| Err("bucket check panicked".into()))).collect()
        });
        ensured.into_iter().collect::<Result<Vec<()>, String>>().map_err(EtlError::Storage)?;
    }
    let bar = Bar::bytes("uploading images", 0, s.progress && !s.dry_run);
    let (mut listing, mut uploading) = (std::time::Duration::ZERO, std::time::Duration::ZERO);
    // Objects in storage, listed per (bucket, folder) when first needed.
    let mut listed: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    let mut after = i32::MIN;
    loop {
        let rows = target
            .query(
                "SELECT s.legacy_image_id, s.bucket, s.path, s.content_type, s.sha256, s.byte_size,
                        coalesce((m.bucket, m.path, m.byte_size, m.sha256) = (s.bucket, s.path, s.byte_size, s.sha256), false)
                   FROM etl_image s LEFT JOIN legacy_image_map m USING (legacy_image_id)
                  WHERE s.legacy_image_id > $1 ORDER BY s.legacy_image_id LIMIT $2",
                &[&after, &PLAN_WINDOW],
            )
            .map_err(|e| EtlError::Load(load::describe(&e)))?;
        let Some(last) = rows.last() else { break };
        after = last.get(0);
        let mut todo = Vec::new();
        for r in &rows {
            let img = ToUpload { id: r.get(0), bucket: r.get(1), path: r.get(2), content_type: r.get(3), sha256: r.get(4), byte_size: r.get(5) };
            let known: bool = r.get(6);
            if known {
                let folder = img.path.rsplit_once('/').map_or("", |(f, _)| f).to_string();
                let key = (img.bucket.clone(), folder);
                if !listed.contains_key(&key) {
                    let at = std::time::Instant::now();
                    let objects = storage.list(&key.0, &key.1).map_err(|e| EtlError::Storage(format!("listing {}/{}: {e}", key.0, key.1)))?;
                    listed.insert(key.clone(), objects);
                    listing += at.elapsed();
                }
                if listed[&key].contains(&img.path) {
                    report.skipped += 1;
                    continue;
                }
            }
            todo.push(img);
        }
        report.uploaded += todo.len() as u64;
        let bytes: u64 = todo.iter().map(|i| i.byte_size as u64).sum();
        if s.dry_run {
            report.bytes_uploaded += bytes;
            continue;
        }
        bar.grow(bytes);
        let at = std::time::Instant::now();
        report.bytes_uploaded += upload::run(tx, storage, &todo, s.upload_concurrency, &bar).map_err(|f| match f {
            upload::Failure::Source(e) => EtlError::Source(e),
            upload::Failure::Images(failed) => EtlError::Storage(failed.join("; ")),
        })?;
        uploading += at.elapsed();
    }
    log::debug!("phase storage listing ({} folders): {listing:?}; fetch+upload ({} images): {uploading:?}", listed.len(), report.uploaded);
    bar.finish();
    Ok(())
}

/// Run the import. `target` must hold the `totalis` schema at its newest
/// version; `source` is only read. `hashers` (may be empty) are more
/// connections to the source on which its server hashes the images while
/// `source` reads the rows.
pub fn run(source: &mut Client, hashers: &mut [Client], target: &mut Client, storage: &dyn Storage, s: &Settings) -> Result<Report, EtlError> {
    let result = run_staged(source, hashers, target, storage, s);
    stage::drop(target);
    result
}

fn run_staged(source: &mut Client, hashers: &mut [Client], target: &mut Client, storage: &dyn Storage, s: &Settings) -> Result<Report, EtlError> {
    let started = std::time::Instant::now();
    let mut tx = extract::begin(source).map_err(|e| EtlError::Source(load::describe(&e)))?;
    stage::create(target).map_err(EtlError::Load)?;
    let bar = Bar::spinner("reading the legacy database", s.progress);
    let mut problems = Vec::new();
    // The rows, and the gate that needs only them, while the source hashes.
    let (gathered, hashed) = hash_images(&mut tx, hashers, |tx| {
        let g = stage_rows(tx, target, s, &mut problems)?;
        stage::analyze_rows(target).map_err(EtlError::Load)?;
        problems.extend(load::id_collisions(target).map_err(EtlError::Load)?);
        Ok(g)
    });
    let mut g = gathered?;
    let hashed = hashed?;
    log::debug!("rows staged and images hashed after {:?}", started.elapsed());
    let mut warnings: Vec<String> = g.warnings.iter().map(|w| w.to_string()).collect();
    let default_coach = match transform::choose_default_coach(&g.coaches, &s.transform.default_coach) {
        Ok(c) => Some(c.clone()),
        Err(e) => {
            problems.push(e);
            None
        }
    };
    let referenced = stage_images(target, storage, s, &mut g, hashed, &mut problems, &mut warnings)?;
    drop(g);
    stage::analyze_images(target).map_err(EtlError::Load)?;
    log::debug!("images staged, gates checked after {:?}", started.elapsed());
    bar.finish();
    let Some(default_coach) = default_coach.filter(|_| problems.is_empty()) else {
        return Err(EtlError::Invalid(problems));
    };

    let mut report = Report { dry_run: s.dry_run, warnings, ..Report::default() };
    report.images.referenced = referenced;
    upload_changed(&mut tx, target, storage, s, &mut report.images)?;
    tx.commit().map_err(|e| EtlError::Source(load::describe(&e)))?;
    log::debug!("{} images uploaded after {:?}", report.images.uploaded, started.elapsed());

    // The load: one transaction, then the checks. A dry run does the same
    // and rolls back, so its report is exact.
    let bar = Bar::spinner(if s.dry_run { "checking the load (rolled back)" } else { "loading" }, s.progress);
    let mut copy = Copy::configs(target).map_err(EtlError::Load)?;
    copy.config(&transform::default_coach_row(&default_coach.id)).map_err(EtlError::Load)?;
    copy.finish().map_err(EtlError::Load)?;
    let mut load_tx = target.transaction().map_err(|e| EtlError::Load(load::describe(&e)))?;
    let mut at = std::time::Instant::now();
    let mut lap = |what: &str| log::debug!("phase upsert {what}: {:?}", std::mem::replace(&mut at, std::time::Instant::now()).elapsed());
    report.image_map = load::images(&mut load_tx).map_err(EtlError::Load)?;
    lap("image map");
    report.coaches = load::coaches(&mut load_tx).map_err(EtlError::Load)?;
    lap("coaches");
    report.categories = load::categories(&mut load_tx).map_err(EtlError::Load)?;
    lap("categories");
    report.app_config = load::config(&mut load_tx).map_err(EtlError::Load)?;
    lap("app_config");
    report.not_owned_same_name = load::same_name_not_owned(&mut load_tx).map_err(EtlError::Load)?;
    lap("same-name check");
    log::debug!("loaded after {:?}", started.elapsed());
    let failed = load::post_checks(&mut load_tx, &default_coach.id).map_err(EtlError::Load)?;
    log::debug!("checked after {:?}", started.elapsed());
    let committing = std::time::Instant::now();
    if !failed.is_empty() {
        return Err(EtlError::Checks(failed));
    }
    if s.dry_run {
        load_tx.rollback().map_err(|e| EtlError::Load(load::describe(&e)))?;
    } else {
        load_tx.commit().map_err(|e| EtlError::Load(load::describe(&e)))?;
    }
    log::debug!("phase commit: {:?}", committing.elapsed());
    bar.finish();
    report.default_coach = format!("{} ({}, legacy id {})", default_coach.name, default_coach.id, default_coach.legacy_id);
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}
