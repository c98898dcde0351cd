//! The import, start to end: extract (one snapshot of the legacy database),
//! transform, the gates before anything is written, uploads, then the load
//! and its checks in one transaction on the target.

use std::collections::{BTreeMap, BTreeSet};

use postgres::Client;
use serde::Serialize;

use crate::extract::{self, ImageHead};
use crate::load::{self, Changes, StoredImage};
use crate::model::{Category, Coach, ConfigRow, ConfigSource};
use crate::progress::Bar;
use crate::storage::Storage;
use crate::{hierarchy, images, transform};

/// What the operator chose (profile `etl.totalis`).
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
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            transform: transform::Options::default(),
            coach_bucket: "coach-images".into(),
            category_bucket: "category-icons".into(),
            dry_run: false,
            progress: false,
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
    pub uploaded: u64,
    /// Already stored with the same SHA-256 (per the image map).
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

/// Legacy image ids each target row needs, and who uses them (for messages).
#[derive(Default)]
struct Referenced {
    by_coach: BTreeSet<i32>,
    users: BTreeMap<i32, Vec<String>>,
}

impl Referenced {
    fn add(&mut self, id: Option<i32>, user: String, coach: bool) {
        let Some(id) = id.filter(|i| *i > 0) else { return };
        if coach {
            self.by_coach.insert(id);
        }
        let users = self.users.entry(id).or_default();
        if !users.contains(&user) {
            users.push(user);
        }
    }
}

/// The transformed source: everything the load writes, before image URLs.
struct Transformed {
    coaches: Vec<Coach>,
    categories: Vec<Category>,
    config: Vec<ConfigRow>,
    default_coach: Coach,
    order: Vec<i32>,
    referenced: Referenced,
    warnings: Vec<String>,
}

fn transform_all(tx: &mut postgres::Transaction<'_>, s: &Settings, problems: &mut Vec<String>) -> Result<Option<Transformed>, EtlError> {
    let legacy_coaches = extract::coaches(tx).map_err(EtlError::Source)?;
    let legacy_categories = extract::categories(tx).map_err(EtlError::Source)?;
    let legacy_config = extract::configs(tx).map_err(EtlError::Source)?;
    let mut warnings = Vec::new();
    let coaches: Vec<Coach> = legacy_coaches.iter().map(|c| transform::coach(c, &s.transform, &mut warnings)).collect();
    let categories: Vec<Category> = legacy_categories.iter().map(|c| transform::category(c, &mut warnings)).collect();

    let mut config = Vec::new();
    let mut keys: BTreeMap<String, String> = BTreeMap::new();
    for row in &legacy_config {
        let label = format!("{} {}", table(row.source), row.id);
        match transform::config_key(row) {
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
        config.extend(transform::config(row, &mut warnings));
    }

    if coaches.is_empty() {
        problems.push("tls_coach has no rows, so there is no default coach".into());
    }
    let nodes: Vec<(i32, Option<i32>)> = legacy_categories.iter().map(|c| (c.id, c.parent_id)).collect();
    let order = match hierarchy::parent_first_order(&nodes) {
        Ok(order) => order,
        Err(found) => {
            problems.extend(found.iter().map(|p| p.to_string()));
            Vec::new()
        }
    };
    let mut referenced = Referenced::default();
    for c in &coaches {
        let who = format!("coach {} ({})", c.legacy_id, c.name);
        for id in [c.photo_image, c.small_image, c.medium_image, c.large_image] {
            referenced.add(id, who.clone(), true);
        }
    }
    for c in &categories {
        let who = format!("category {} ({})", c.legacy_id, c.name);
        referenced.add(c.icon_image, who.clone(), false);
        referenced.add(c.icon_secondary_image, who, false);
    }
    let default_coach = match transform::choose_default_coach(&coaches, &s.transform.default_coach) {
        Ok(c) => Some(c.clone()),
        Err(e) => {
            problems.push(e);
            None
        }
    };
    let warnings = warnings.iter().map(|w| w.to_string()).collect();
    Ok(default_coach.map(|default_coach| Transformed { coaches, categories, config, default_coach, order, referenced, warnings }))
}

fn table(source: ConfigSource) -> &'static str {
    match source {
        ConfigSource::Prompt => "tls_prompt",
        ConfigSource::Variable => "tls_variable",
        ConfigSource::System => "tls_system",
    }
}

/// An image the load needs, with whether its bytes must be uploaded.
struct Planned {
    stored: StoredImage,
    upload: bool,
}

fn plan_images(
    tx: &mut postgres::Transaction<'_>,
    target: &mut Client,
    storage: &dyn Storage,
    s: &Settings,
    referenced: &Referenced,
    problems: &mut Vec<String>,
    warnings: &mut Vec<String>,
) -> Result<Vec<Planned>, EtlError> {
    let ids: Vec<i32> = referenced.users.keys().copied().collect();
    let mut heads: BTreeMap<i32, ImageHead> = BTreeMap::new();
    extract::image_heads(tx, &ids, |h| {
        heads.insert(h.id, h);
        Ok(())
    })
    .map_err(EtlError::Source)?;
    let known: BTreeMap<i32, (String, String, i64, String)> = target
        .query("SELECT legacy_image_id, bucket, path, byte_size, sha256 FROM legacy_image_map WHERE legacy_image_id = ANY($1)", &[&ids])
        .map_err(|e| EtlError::Load(load::describe(&e)))?
        .iter()
        .map(|r| (r.get(0), (r.get(1), r.get(2), r.get(3), r.get(4))))
        .collect();
    let mut planned = Vec::new();
    for (id, users) in &referenced.users {
        let used_by = users.join(", ");
        let Some(head) = heads.get(id) else {
            problems.push(format!("image {id} is used by {used_by} but tls_image has no row {id}"));
            continue;
        };
        let detected = match images::detect(&head.head, head.extension.as_deref()) {
            Ok(d) => d,
            Err(e) => {
                problems.push(format!("image {id} (used by {used_by}) cannot be read: {e}"));
                continue;
            }
        };
        if let Some(m) = &detected.mismatch {
            warnings.push(format!("image {id}: {m}; stored as {}", detected.content_type));
        }
        let bucket = if referenced.by_coach.contains(id) { &s.coach_bucket } else { &s.category_bucket };
        let path = images::object_path(*id, &detected);
        let stored = StoredImage {
            id: *id,
            url: storage.public_url(bucket, &path),
            bucket: bucket.clone(),
            path,
            byte_size: head.byte_size,
            sha256: head.sha256.clone(),
            content_type: detected.content_type.to_string(),
        };
        let same = known.get(id).is_some_and(|(b, p, size, sha)| *b == stored.bucket && *p == stored.path && *size == stored.byte_size && *sha == stored.sha256);
        let upload = !same || !storage.exists(&stored.bucket, &stored.path).map_err(|e| EtlError::Storage(e.to_string()))?;
        planned.push(Planned { stored, upload });
    }
    Ok(planned)
}

/// Ids the target's legacy_id_map already gives another new id: refused.
fn id_collisions(target: &mut Client, t: &Transformed) -> Result<Vec<String>, EtlError> {
    let mut mine: Vec<(String, i32, String)> = Vec::new();
    mine.extend(t.coaches.iter().map(|c| ("coach".to_string(), c.legacy_id, c.id.clone())));
    mine.extend(t.categories.iter().map(|c| ("category".to_string(), c.legacy_id, c.id.clone())));
    mine.extend(t.config.iter().filter_map(|r| r.source.map(|(s, id)| (load::entity(s).to_string(), id, r.key.clone()))));
    let (entities, legacy, new): (Vec<String>, Vec<i32>, Vec<String>) = mine.into_iter().fold((vec![], vec![], vec![]), |mut acc, (e, l, n)| {
        acc.0.push(e);
        acc.1.push(l);
        acc.2.push(n);
        acc
    });
    let rows = target
        .query(
            "SELECT format('legacy %s %s is mapped to %s in legacy_id_map, but this import gives it %s', m.entity, m.legacy_id, m.new_id, x.new_id)
               FROM unnest($1::text[], $2::int4[], $3::text[]) AS x(entity, legacy_id, new_id)
               JOIN legacy_id_map m ON m.entity = x.entity AND m.legacy_id = x.legacy_id AND m.new_id <> x.new_id
             UNION ALL
             SELECT format('%s %s is mapped from legacy id %s in legacy_id_map, but this import gives it to legacy id %s', m.entity, m.new_id, m.legacy_id, x.legacy_id)
               FROM unnest($1::text[], $2::int4[], $3::text[]) AS x(entity, legacy_id, new_id)
               JOIN legacy_id_map m ON m.entity = x.entity AND m.new_id = x.new_id AND m.legacy_id <> x.legacy_id",
            &[&entities, &legacy, &new],
        )
        .map_err(|e| EtlError::Load(load::describe(&e)))?;
    Ok(rows.iter().map(|r| r.get(0)).collect())
}

fn upload(tx: &mut postgres::Transaction<'_>, storage: &dyn Storage, planned: &[Planned], s: &Settings) -> Result<u64, EtlError> {
    let todo: BTreeMap<i32, &StoredImage> = planned.iter().filter(|p| p.upload).map(|p| (p.stored.id, &p.stored)).collect();
    if todo.is_empty() {
        return Ok(0);
    }
    let buckets: BTreeSet<&str> = todo.values().map(|i| i.bucket.as_str()).collect();
    for b in buckets {
        storage.ensure_bucket(b).map_err(|e| EtlError::Storage(format!("bucket {b}: {e}")))?;
    }
    let total: u64 = todo.values().map(|i| i.byte_size as u64).sum();
    let bar = Bar::bytes("uploading images", total, s.progress);
    let ids: Vec<i32> = todo.keys().copied().collect();
    let mut sent = 0;
    extract::image_bytes(tx, &ids, |id, bytes| {
        let img = todo[&id];
        let sha = images::sha256_hex(bytes);
        if sha != img.sha256 {
            return Err(format!("image {id} changed while it was being read"));
        }
        storage.put(&img.bucket, &img.path, &img.content_type, bytes).map_err(|e| format!("image {id} → {}/{}: {e}", img.bucket, img.path))?;
        sent += bytes.len() as u64;
        bar.inc(bytes.len() as u64);
        Ok(())
    })
    .map_err(EtlError::Storage)?;
    bar.finish();
    Ok(sent)
}

/// Run the import. `target` must hold the `totalis` schema at its newest
/// version; `source` is only read.
pub fn run(source: &mut Client, target: &mut Client, storage: &dyn Storage, s: &Settings) -> Result<Report, EtlError> {
    let started = std::time::Instant::now();
    let mut tx = extract::begin(source).map_err(|e| EtlError::Source(load::describe(&e)))?;
    let bar = Bar::spinner("reading the legacy database", s.progress);
    let mut problems = Vec::new();
    let transformed = transform_all(&mut tx, s, &mut problems)?;
    let Some(mut t) = transformed else { return Err(EtlError::Invalid(problems)) };
    let mut warnings = std::mem::take(&mut t.warnings);
    let planned = plan_images(&mut tx, target, storage, s, &t.referenced, &mut problems, &mut warnings)?;
    problems.extend(id_collisions(target, &t)?);
    bar.finish();
    if !problems.is_empty() {
        return Err(EtlError::Invalid(problems));
    }

    let mut report = Report { dry_run: s.dry_run, warnings, ..Report::default() };
    report.images.referenced = planned.len() as u64;
    report.images.skipped = planned.iter().filter(|p| !p.upload).count() as u64;
    report.images.uploaded = planned.iter().filter(|p| p.upload).count() as u64;
    if s.dry_run {
        report.images.bytes_uploaded = planned.iter().filter(|p| p.upload).map(|p| p.stored.byte_size as u64).sum();
    } else {
        report.images.bytes_uploaded = upload(&mut tx, storage, &planned, s)?;
    }
    tx.commit().map_err(|e| EtlError::Source(load::describe(&e)))?;

    // The load: one transaction, parents before children, then the checks.
    // A dry run does the same and rolls back, so its report is exact.
    let bar = Bar::spinner(if s.dry_run { "checking the load (rolled back)" } else { "loading" }, s.progress);
    let stored: Vec<StoredImage> = planned.into_iter().map(|p| p.stored).collect();
    let urls: BTreeMap<i32, String> = stored.iter().map(|i| (i.id, i.url.clone())).collect();
    let by_id: BTreeMap<i32, &Category> = t.categories.iter().map(|c| (c.legacy_id, c)).collect();
    let ordered: Vec<&Category> = t.order.iter().filter_map(|id| by_id.get(id).copied()).collect();
    t.config.push(transform::default_coach_row(&t.default_coach.id));
    let config_keys: Vec<String> = t.config.iter().map(|r| r.key.clone()).collect();
    let mut load_tx = target.transaction().map_err(|e| EtlError::Load(load::describe(&e)))?;
    report.image_map = load::images(&mut load_tx, &stored).map_err(EtlError::Load)?;
    report.coaches = load::coaches(&mut load_tx, &t.coaches, &urls).map_err(EtlError::Load)?;
    report.categories = load::categories(&mut load_tx, &ordered, &urls).map_err(EtlError::Load)?;
    report.app_config = load::config(&mut load_tx, &t.config).map_err(EtlError::Load)?;
    report.not_owned_same_name = load::same_name_not_owned(&mut load_tx, &t.coaches, &t.categories).map_err(EtlError::Load)?;
    let failed = load::post_checks(&mut load_tx, &t.coaches, &t.categories, &config_keys, &t.default_coach.id).map_err(EtlError::Load)?;
    if !failed.is_empty() {
        return Err(EtlError::Checks(failed));
    }
    if s.dry_run {
        load_tx.rollback().map_err(|e| EtlError::Load(load::describe(&e)))?;
    } else {
        load_tx.commit().map_err(|e| EtlError::Load(load::describe(&e)))?;
    }
    bar.finish();
    report.default_coach = format!("{} ({}, legacy id {})", t.default_coach.name, t.default_coach.id, t.default_coach.legacy_id);
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}
