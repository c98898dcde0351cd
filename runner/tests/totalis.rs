//! The Totalis import end to end: a generated legacy database, a freshly
//! migrated target, images in a storage directory (or the fake Supabase).
//! Every rule is checked against the source rows.

mod common;

use std::path::PathBuf;

use common::*;
use postgres::Client;
use totalis_etl::pipeline::{self, EtlError, Settings};
use totalis_etl::storage::{FilesystemStorage, HttpOptions, SupabaseStorage};
use totalis_etl::{ids, images};
use totalis_testkit::legacy::{self, Options};
use totalis_testkit::{FailAfter, FakeSupabase};

struct Setup {
    legacy: TestDb,
    target: TestDb,
    storage: PathBuf,
    p: Profiles,
}

fn setup(opts: Options, with_test_data: bool) -> Setup {
    let legacy = TestDb::new("tls_src");
    legacy::generate(&mut legacy.client(), &opts).unwrap();
    let target = TestDb::new("tls_dst");
    let storage = std::env::temp_dir().join(format!("{}_storage", target.name));
    let p = Profiles::new();
    let s = Setup { legacy, target, storage, p };
    s.profile(&format!("{{ kind: filesystem, root: \"{}\", public_base_url: \"http://files.test/storage\" }}", s.storage.display()));
    let args: &[&str] = if with_test_data { &["migrate", "--with-test-data"] } else { &["migrate"] };
    s.p.run("p", args).expect(0);
    s
}

impl Setup {
    /// Profile `p` with this storage (YAML flow mapping).
    fn profile(&self, storage: &str) {
        self.p.write(
            "p",
            &format!(
                "production: false\nlock_timeout: 60s\ntargets:\n  - name: totalis\n    schema: totalis\n    url: \"{}\"\netl:\n  totalis:\n    source_url: \"{}\"\n    target: totalis\n    storage: {storage}\n",
                self.target.url, self.legacy.url
            ),
        );
    }

    fn filesystem(&self) -> FilesystemStorage {
        FilesystemStorage::new(self.storage.clone(), "http://files.test/storage".into())
    }
}

impl Drop for Setup {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.storage);
    }
}

fn files(dir: &PathBuf) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.clone()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            if e.path().is_dir() {
                stack.push(e.path());
            } else {
                out.push(e.path());
            }
        }
    }
    out.sort();
    out
}

fn one(c: &mut Client, sql: &str) -> String {
    rows(c, sql).into_iter().next().unwrap_or_else(|| panic!("no row: {sql}"))
}

/// Distinct legacy image ids the coaches and categories use.
fn referenced_images(src: &mut Client) -> i64 {
    count(
        src,
        "SELECT count(DISTINCT i) FROM (SELECT unnest(ARRAY[image_id, image30_id, image45_id, image60_id]) FROM tls_coach
                                      UNION ALL SELECT unnest(ARRAY[icon_id, icon_id_secondary]) FROM tls_category) x(i) WHERE i > 0",
    )
}

/// What a user checks after any run that ended well, crashed runs before it
/// included: each legacy row once, each referenced image once in the map,
/// every URL of a row in the map, and the stored objects exactly the map's,
/// each with the source's bytes. `object` reads an object by bucket and path
/// (None when missing); `objects` lists every stored (bucket, path).
fn assert_complete(src: &mut Client, dst: &mut Client, objects: &[(String, String)], object: &dyn Fn(&str, &str) -> Option<Vec<u8>>) {
    for (entity, table) in [("coach", "tls_coach"), ("category", "tls_category")] {
        let mapped = count(dst, &format!("SELECT count(*) FROM legacy_id_map WHERE entity = '{entity}'"));
        assert_eq!(mapped, count(src, &format!("SELECT count(*) FROM {table}")), "{entity}: one map row per legacy row");
    }
    let mut joined = |t: &str| count(dst, &format!("SELECT count(*) FROM {t} x JOIN legacy_id_map m ON m.new_id = x.id::text"));
    assert_eq!(joined("coaches"), count(src, "SELECT count(*) FROM tls_coach"), "no duplicate coaches");
    assert_eq!(joined("categories"), count(src, "SELECT count(*) FROM tls_category"), "no duplicate categories");
    assert_eq!(count(dst, "SELECT count(*) FROM legacy_image_map"), referenced_images(src));
    let unmapped = count(
        dst,
        "SELECT count(*) FROM (SELECT unnest(ARRAY[photo_url, image_url, image_small_url, image_medium_url, image_large_url]) FROM coaches
                               UNION ALL SELECT unnest(ARRAY[icon, icon_url, icon_secondary_url]) FROM categories) x(u)
          WHERE u IS NOT NULL AND NOT EXISTS (SELECT FROM legacy_image_map m WHERE m.public_url = x.u)",
    );
    assert_eq!(unmapped, 0, "every URL of a row is in the image map");
    let map = rows(dst, "SELECT legacy_image_id, bucket, path, sha256 FROM legacy_image_map ORDER BY bucket, path");
    let mapped: Vec<(String, String)> = map.iter().map(|m| {
        let f: Vec<&str> = m.split('|').collect();
        (f[1].to_string(), f[2].to_string())
    }).collect();
    let mut stored = objects.to_vec();
    stored.sort();
    assert_eq!(stored, mapped, "the stored objects are exactly the map's: no orphan, no partial file");
    for m in &map {
        let f: Vec<&str> = m.split('|').collect();
        let bytes = object(f[1], f[2]).unwrap_or_else(|| panic!("image {} is missing from storage", f[0]));
        assert_eq!(images::sha256_hex(&bytes), f[3], "image {}: stored bytes", f[0]);
        let source = one(src, &format!("SELECT encode(sha256(data), 'hex') FROM tls_image WHERE id = {}", f[0]));
        assert_eq!(source, f[3], "image {}: the source's bytes", f[0]);
    }
}

fn fs_objects(root: &PathBuf) -> Vec<(String, String)> {
    files(root)
        .iter()
        .map(|f| {
            let rel = f.strip_prefix(root).unwrap().to_string_lossy().to_string();
            let (bucket, path) = rel.split_once('/').unwrap();
            (bucket.to_string(), path.to_string())
        })
        .collect()
}

fn assert_complete_on_disk(s: &Setup) {
    let root = s.storage.clone();
    assert_complete(&mut s.legacy.client(), &mut s.target.client(), &fs_objects(&root), &|b, p| std::fs::read(root.join(b).join(p)).ok());
}

#[test]
fn full_import_follows_every_rule_and_a_rerun_changes_nothing() {
    let s = setup(Options::default(), true);
    // The app's seed coaches Daniel and Sarah (reference §7 "Target pre-state"),
    // with ids that are not the import's.
    s.target.client().batch_execute(
        "INSERT INTO coaches (id, name, bio, sex) VALUES
            ('3f6b2c1e-8d4a-4b7e-9c15-2a7e4d9b0c31', 'Daniel', 'Daniel helps you build calm, steady habits.', 'male'),
            ('b82d9e47-1c3f-4a6d-8e20-5f9a13c7d4e8', 'Sarah', 'Sarah keeps check-ins short and kind.', 'female')",
    ).unwrap();
    let run = s.p.run("p", &["etl", "totalis"]);
    run.expect(0);
    let (mut src, mut dst) = (s.legacy.client(), s.target.client());

    // Counts equal the source's (config: every row plus default_coach).
    let owned = |c: &mut Client, e: &str| count(c, &format!("SELECT count(*) FROM legacy_id_map WHERE entity = '{e}'"));
    assert_eq!(owned(&mut dst, "coach"), count(&mut src, "SELECT count(*) FROM tls_coach"));
    assert_eq!(owned(&mut dst, "category"), count(&mut src, "SELECT count(*) FROM tls_category"));
    let configs = count(&mut src, "SELECT (SELECT count(*) FROM tls_prompt) + (SELECT count(*) FROM tls_variable) + (SELECT count(*) FROM tls_system)");
    assert_eq!(count(&mut dst, "SELECT count(*) FROM app_config WHERE key ~ '^(prompt|var|system)_'"), configs);

    // Ids: the original deterministic formula, per legacy id.
    for r in rows(&mut src, "SELECT id FROM tls_coach") {
        let id: i32 = r.parse().unwrap();
        assert_eq!(one(&mut dst, &format!("SELECT new_id FROM legacy_id_map WHERE entity='coach' AND legacy_id={id}")), ids::coach_id(id));
    }
    assert_eq!(ids::coach_id(1), "0d33d926-1ff8-45a4-8e96-bc45b919a131");
    let daniel = ids::coach_id(legacy::DANIEL_COACH);

    // Coaches: sex mapping, birth years, prompt kept, names trimmed, UTC timestamps.
    let coach = |c: &mut Client, legacy_id: i32, col: &str| one(c, &format!("SELECT coalesce({col}::text, 'NULL') FROM coaches WHERE id = '{}'", ids::coach_id(legacy_id)));
    for r in rows(&mut src, "SELECT id, coalesce(sex, 'NULL') FROM tls_coach") {
        let (id, sex) = r.split_once('|').unwrap();
        let expected = match sex.trim().to_lowercase().as_str() {
            "m" | "male" => "male",
            "f" | "female" => "female",
            "n" => "non_binary",
            _ => "NULL",
        };
        assert_eq!(coach(&mut dst, id.parse().unwrap(), "sex"), expected, "coach {id} sex {sex:?}");
    }
    assert_eq!(coach(&mut dst, legacy::DANIEL_COACH, "year_of_birth"), "1978");
    assert_eq!(
        count(&mut dst, "SELECT count(*) FROM coaches c JOIN legacy_id_map m ON m.new_id = c.id::text WHERE m.entity='coach' AND year_of_birth = 2022"),
        0,
        "\"I manage 3 teams\" is not an age"
    );
    assert_eq!(count(&mut src, "SELECT count(*) FROM tls_coach WHERE prompt IS NOT NULL AND prompt <> ''"), count(&mut dst, "SELECT count(*) FROM coaches WHERE prompt IS NOT NULL"));
    assert_eq!(count(&mut dst, "SELECT count(*) FROM coaches WHERE name <> btrim(name)"), 0);
    for r in rows(&mut src, "SELECT id, to_char(time_create, 'YYYY-MM-DD HH24:MI:SS.US') FROM tls_coach") {
        let (id, t) = r.split_once('|').unwrap();
        assert_eq!(coach(&mut dst, id.parse().unwrap(), "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')"), t, "coach {id} created_at is time_create read as UTC");
    }

    // Images: every referenced image stored once, bytes and type right, URLs by id.
    let map = rows(&mut dst, "SELECT legacy_image_id, bucket, path, public_url, byte_size, sha256, content_type FROM legacy_image_map ORDER BY 1");
    assert_eq!(files(&s.storage).len(), map.len());
    for m in &map {
        let f: Vec<&str> = m.split('|').collect();
        let bytes = std::fs::read(s.storage.join(f[1]).join(f[2])).unwrap();
        assert_eq!(images::sha256_hex(&bytes), f[5]);
        assert_eq!(bytes.len().to_string(), f[4]);
        let src_sha = one(&mut src, &format!("SELECT encode(sha256(data), 'hex') FROM tls_image WHERE id = {}", f[0]));
        assert_eq!(src_sha, f[5], "image {} is the legacy bytes", f[0]);
        assert_eq!(f[3], format!("http://files.test/storage/{}/{}?v={}", f[1], f[2], &f[5][..12]), "the URL changes with the bytes");
    }
    assert_eq!(one(&mut dst, &format!("SELECT content_type FROM legacy_image_map WHERE legacy_image_id = {}", legacy::PNG_LABELLED_JPE_IMAGE)), "image/png");
    assert_eq!(one(&mut dst, &format!("SELECT content_type FROM legacy_image_map WHERE legacy_image_id = {}", legacy::SVG_IMAGE)), "image/svg+xml");
    assert_eq!(one(&mut dst, &format!("SELECT content_type FROM legacy_image_map WHERE legacy_image_id = {}", legacy::NULL_EXTENSION_IMAGE)), "image/jpeg");
    // photo_url comes from the map by the coach's own image id, never by name.
    for r in rows(&mut src, "SELECT id, coalesce(nullif(image_id, 0), nullif(image60_id, 0), nullif(image45_id, 0), nullif(image30_id, 0)) FROM tls_coach") {
        let (id, img) = r.split_once('|').unwrap();
        let expected = if img == "NULL" { "NULL".to_string() } else { one(&mut dst, &format!("SELECT public_url FROM legacy_image_map WHERE legacy_image_id = {img}")) };
        assert_eq!(coach(&mut dst, id.parse().unwrap(), "photo_url"), expected, "coach {id}");
    }
    // Shared image ids are stored once.
    assert_eq!(count(&mut dst, &format!("SELECT count(*) FROM legacy_image_map WHERE legacy_image_id = {}", legacy::SHARED_COACH_IMAGE)), 1);

    // Categories: parents, defaults for explicit NULLs, followup rules, order kept.
    assert_eq!(count(&mut dst, "SELECT count(*) FROM categories c JOIN legacy_id_map m ON m.new_id = c.id::text AND m.entity='category' WHERE parent_id IS NULL"),
               count(&mut src, "SELECT count(*) FROM tls_category WHERE parent_id IS NULL OR parent_id = 0"));
    for r in rows(&mut src, "SELECT id, parent_id FROM tls_category WHERE parent_id > 0") {
        let (id, parent) = r.split_once('|').unwrap();
        let got = one(&mut dst, &format!("SELECT parent_id FROM categories WHERE id = '{}'", ids::category_id(id.parse().unwrap())));
        assert_eq!(got, ids::category_id(parent.parse().unwrap()));
    }
    for (cond, col, want) in [
        ("followup_timer = 0", "followup_timer", "0"),
        ("followup_timer < 0", "followup_timer", "NULL"),
        ("max_questions IS NULL OR max_questions = 0", "max_questions", "5"),
        ("max_questions > 20", "max_questions", "20"),
        ("checkin_enabled IS NULL", "checkin_enabled", "true"),
        ("show_checkin_history IS NULL", "show_checkin_history", "false"),
        ("followup_chat_enabled", "followup_chat_enabled", "true"),
        ("followup_chat_enabled IS NULL", "followup_chat_enabled", "false"),
    ] {
        let legacy_ids = rows(&mut src, &format!("SELECT id FROM tls_category WHERE {cond}"));
        assert!(!legacy_ids.is_empty(), "the generated data has categories with {cond}");
        for i in legacy_ids {
            let got = one(&mut dst, &format!("SELECT coalesce({col}::text, 'NULL') FROM categories WHERE id = '{}'", ids::category_id(i.parse().unwrap())));
            assert_eq!(got, want, "category {i} where {cond}: {col}");
        }
    }

    // icon (what older app versions read) is the primary icon's URL, else the
    // secondary's; icon_url and icon_secondary_url are exact.
    let url_of = |c: &mut Client, img: &str| if img == "NULL" || img == "0" { "NULL".to_string() } else { one(c, &format!("SELECT public_url FROM legacy_image_map WHERE legacy_image_id = {img}")) };
    let mut secondary_only = 0;
    for r in rows(&mut src, "SELECT id, coalesce(icon_id, 0), coalesce(icon_id_secondary, 0) FROM tls_category") {
        let f: Vec<&str> = r.split('|').collect();
        let (primary, secondary) = (url_of(&mut dst, f[1]), url_of(&mut dst, f[2]));
        let got = rows(&mut dst, &format!("SELECT coalesce(icon, 'NULL'), coalesce(icon_url, 'NULL'), coalesce(icon_secondary_url, 'NULL') FROM categories WHERE id = '{}'", ids::category_id(f[0].parse().unwrap())));
        let expected_icon = if primary != "NULL" { primary.clone() } else { secondary.clone() };
        assert_eq!(got, [format!("{expected_icon}|{primary}|{secondary}")], "category {}", f[0]);
        if primary == "NULL" && secondary != "NULL" {
            secondary_only += 1;
        }
    }
    assert!(secondary_only > 0, "the generated data has a category with only a secondary icon");

    // Config rows: keys, JSON values, is_public from "user", descriptions.
    for r in rows(&mut src, "SELECT name, coalesce(\"user\"::text, 'false'), coalesce(btrim(value), '') FROM tls_variable") {
        let f: Vec<&str> = r.split('|').collect();
        let key = format!("var_{}", totalis_etl::transform::sanitize_key(f[0]));
        assert_eq!(one(&mut dst, &format!("SELECT is_public::text FROM app_config WHERE key = '{key}'")), f[1]);
        assert_eq!(one(&mut dst, &format!("SELECT value->>'content' FROM app_config WHERE key = '{key}'")), f[2]);
        assert_eq!(one(&mut dst, &format!("SELECT description FROM app_config WHERE key = '{key}'")), format!("Variable: {}", f[0]));
    }
    // default_coach points at the active coach named exactly Daniel.
    assert_eq!(one(&mut dst, "SELECT value->>'default_coach_id' FROM app_config WHERE key = 'default_coach'"), daniel);
    assert_eq!(coach(&mut dst, legacy::DANIEL_COACH, "is_active"), "true");
    // The seed rows the import does not own stay, and are reported.
    assert_eq!(count(&mut dst, "SELECT count(*) FROM coaches WHERE name = 'Alex'"), 1);
    assert_eq!(count(&mut dst, "SELECT count(*) FROM coaches WHERE name IN ('Daniel', 'Sarah')"), 4);
    assert!(run.all().contains("is not from the legacy import but has the name of an imported coach"), "{}", run.all());
    // verify is clean: the integrity checks agree.
    s.p.run("p", &["verify"]).expect(0);

    // A second run: nothing new, nothing updated, images skipped by hash.
    let before = (data_fingerprint(&mut dst), files(&s.storage));
    let again = s.p.run("p", &["etl", "totalis", "--format", "json"]);
    again.expect(0);
    let report: serde_json::Value = serde_json::from_str(&again.stdout).unwrap();
    for table in ["coaches", "categories", "app_config", "image_map"] {
        assert_eq!(report[table]["new"], 0, "{table}: {}", again.stdout);
        assert_eq!(report[table]["updated"], 0, "{table}: {}", again.stdout);
    }
    assert_eq!(report["images"]["uploaded"], 0);
    assert_eq!(report["images"]["skipped"], report["images"]["referenced"]);
    let mut after_fp = data_fingerprint(&mut dst);
    let mut before_fp = before.0.clone();
    // legacy_id_map.imported_at is untouched too, so the fingerprints are equal.
    after_fp.sort();
    before_fp.sort();
    assert_eq!(after_fp, before_fp);
    assert_eq!(files(&s.storage), before.1);
}

#[test]
fn dry_run_reports_and_writes_nothing() {
    let s = setup(Options::default(), false);
    let mut dst = s.target.client();
    let before = data_fingerprint(&mut dst);
    let run = s.p.run("p", &["etl", "totalis", "--dry-run"]);
    run.expect(0);
    let out = run.all();
    assert!(out.contains("dry run: nothing was written"), "{out}");
    assert!(out.contains("coaches          8 new"), "{out}");
    assert!(out.contains("to upload"), "{out}");
    assert_eq!(data_fingerprint(&mut dst), before);
    assert!(files(&s.storage).is_empty());
}

#[test]
fn a_source_with_a_cycle_an_orphan_a_missing_image_or_a_key_collision_stops_before_writing() {
    let s = setup(Options { defects: true, ..Options::default() }, false);
    let mut dst = s.target.client();
    let before = data_fingerprint(&mut dst);
    let run = s.p.run("p", &["etl", "totalis"]);
    run.expect(1);
    let out = run.all();
    assert!(out.contains("nothing was written"), "{out}");
    assert!(out.contains(&format!("{} → {} → {}", legacy::DEFECT_CYCLE_CATEGORY_A, legacy::DEFECT_CYCLE_CATEGORY_B, legacy::DEFECT_CYCLE_CATEGORY_A)), "the cycle is printed: {out}");
    assert!(out.contains(&format!("category {} has parent {}", legacy::DEFECT_ORPHAN_CATEGORY, legacy::DEFECT_MISSING_PARENT)), "{out}");
    assert!(out.contains(&format!("tls_image has no row {}", legacy::DEFECT_MISSING_IMAGE)), "{out}");
    assert!(out.contains(&format!("image {}", legacy::DEFECT_EMPTY_IMAGE)) && out.contains("empty"), "{out}");
    assert!(out.contains("both become the app_config key prompt_check_in"), "{out}");
    assert!(out.contains(&format!("category {}", legacy::DEFECT_SELF_PARENT_CATEGORY)), "{out}");
    assert_eq!(data_fingerprint(&mut dst), before);
    assert!(files(&s.storage).is_empty());
}

fn settings() -> Settings {
    Settings::default()
}

#[test]
fn storage_failing_on_the_kth_upload_then_a_rerun_ends_complete_without_duplicates() {
    let s = setup(Options::default(), false);
    let (mut src, mut dst) = (s.legacy.client(), s.target.client());
    let fs = s.filesystem();
    let failing = FailAfter::new(&fs, 7);
    let before = data_fingerprint(&mut dst);
    let err = pipeline::run(&mut src, &mut [], &mut dst, &failing, &settings()).unwrap_err();
    assert!(matches!(err, EtlError::Storage(_)), "{err}");
    assert!(err.to_string().contains("injected failure"), "{err}");
    assert_eq!(data_fingerprint(&mut dst), before, "no database change after a failed upload");
    assert_eq!(files(&s.storage).len(), 7);

    let report = pipeline::run(&mut src, &mut [], &mut dst, &fs, &settings()).unwrap();
    assert_eq!(report.coaches.new, 8);
    let stored = count(&mut dst, "SELECT count(*) FROM legacy_image_map");
    assert_eq!(report.images.uploaded as i64, stored, "the rerun uploads everything again (overwrites): the map had none");
    assert_complete_on_disk(&s);
}

/// Backends of the target database other than the test's own connection.
fn others(c: &mut Client, where_: &str) -> i64 {
    count(c, &format!("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND {where_}"))
}

fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    for _ in 0..3000 {
        if done() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    panic!("gave up waiting for {what}");
}

#[test]
fn a_kill_9_after_the_uploads_before_the_load_then_a_rerun_ends_complete() {
    let s = setup(Options::default(), false);
    let (mut src, mut dst) = (s.legacy.client(), s.target.client());
    let before = data_fingerprint(&mut dst);
    let images = referenced_images(&mut src) as usize;
    // Hold the load back: writes to the image map wait for this lock, reads do not.
    let mut holder = s.target.client();
    holder.batch_execute("BEGIN; LOCK TABLE legacy_image_map IN EXCLUSIVE MODE").unwrap();
    let mut child = s.p.command("p", &["etl", "totalis"], &[]).stdout(std::process::Stdio::null()).stderr(std::process::Stdio::null()).spawn().unwrap();
    wait_for("every upload and the load waiting for the lock", || {
        files(&s.storage).len() == images && others(&mut dst, "wait_event_type = 'Lock'") == 1
    });
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    holder.batch_execute("ROLLBACK").unwrap();
    // The killed run's backend finds its client gone and ends, its transaction rolled back.
    wait_for("the killed run's backend to end", || others(&mut dst, "application_name LIKE 'runner%'") == 0);
    assert_eq!(data_fingerprint(&mut dst), before, "nothing of the killed run was committed");

    let again = s.p.run("p", &["etl", "totalis", "--format", "json"]);
    again.expect(0);
    let report: serde_json::Value = serde_json::from_str(&again.stdout).unwrap();
    assert_eq!(report["coaches"]["new"], 8);
    assert_complete_on_disk(&s);
}

fn supabase_profile(s: &Setup, fake: &FakeSupabase, concurrency: usize) {
    s.profile(&format!("{{ kind: supabase, url: \"{}\", service_key_env: TEST_SUPABASE_KEY, retries: 0 }}\n    upload_concurrency: {concurrency}", fake.url));
}

fn assert_complete_in(s: &Setup, fake: &FakeSupabase) {
    assert_complete_in_objects(&mut s.legacy.client(), &mut s.target.client(), fake);
}

#[test]
fn a_kill_9_in_the_middle_of_the_uploads_then_a_rerun_ends_complete() {
    let s = setup(Options::default(), false);
    let mut dst = s.target.client();
    let before = data_fingerprint(&mut dst);
    let fake = FakeSupabase::start();
    fake.set_delay(std::time::Duration::from_millis(20));
    supabase_profile(&s, &fake, 4);
    let key = [("TEST_SUPABASE_KEY", fake.key.as_str())];
    let mut child = s.p.command("p", &["etl", "totalis"], &key).stdout(std::process::Stdio::null()).stderr(std::process::Stdio::null()).spawn().unwrap();
    wait_for("20 uploads", || fake.put_count() >= 20);
    child.kill().unwrap();
    child.wait().unwrap();
    wait_for("the killed run's backend to end", || others(&mut dst, "application_name LIKE 'runner%'") == 0);
    assert_eq!(data_fingerprint(&mut dst), before, "nothing of the killed run was committed");
    assert!(fake.objects().len() < referenced_images(&mut s.legacy.client()) as usize, "killed before the last upload");

    fake.set_delay(std::time::Duration::ZERO);
    s.p.run_env("p", &["etl", "totalis"], &key).expect(0);
    assert_complete_in(&s, &fake);
}

#[test]
fn an_image_whose_bytes_changed_is_uploaded_again_and_its_url_changes_the_others_are_not_fetched() {
    let s = setup(Options::default(), false);
    let (mut src, mut dst) = (s.legacy.client(), s.target.client());
    let fake = FakeSupabase::start();
    supabase_profile(&s, &fake, 8);
    let key = [("TEST_SUPABASE_KEY", fake.key.as_str())];
    s.p.run_env("p", &["etl", "totalis"], &key).expect(0);
    let daniel = ids::coach_id(legacy::DANIEL_COACH);
    let photo = |c: &mut Client| one(c, &format!("SELECT photo_url FROM coaches WHERE id = '{daniel}'"));
    let old_url = photo(&mut dst);
    let image: i32 = one(&mut src, &format!("SELECT image_id FROM tls_coach WHERE id = {}", legacy::DANIEL_COACH)).parse().unwrap();
    let others_before: Vec<String> = rows(&mut dst, &format!("SELECT public_url FROM legacy_image_map WHERE legacy_image_id <> {image} ORDER BY 1"));

    // New bytes for Daniel's photo: another JPEG of the generator, so the type and path stay.
    src.batch_execute(&format!(
        "UPDATE tls_image SET data = (SELECT data FROM tls_image WHERE id = {} ) WHERE id = {image}",
        legacy::SHARED_COACH_IMAGE + 2
    ))
    .unwrap();
    let new_len = one(&mut src, &format!("SELECT length(data) FROM tls_image WHERE id = {image}"));
    let new_sha = one(&mut src, &format!("SELECT encode(sha256(data), 'hex') FROM tls_image WHERE id = {image}"));
    let puts = fake.put_count();
    let again = s.p.run_env("p", &["etl", "totalis", "--format", "json"], &key);
    again.expect(0);
    let report: serde_json::Value = serde_json::from_str(&again.stdout).unwrap();
    assert_eq!(report["images"]["uploaded"], 1, "{}", again.stdout);
    assert_eq!(report["images"]["bytes_uploaded"].to_string(), new_len, "only the changed image's bytes were fetched and sent");
    assert_eq!(fake.put_count(), puts + 1);
    assert_eq!(report["image_map"]["updated"], 1);
    assert_eq!(report["coaches"]["updated"], 2, "Daniel, and Danielle who shares the photo");

    let new_url = photo(&mut dst);
    assert_ne!(new_url, old_url);
    assert!(new_url.ends_with(&format!("?v={}", &new_sha[..12])), "{new_url}");
    let (status, fetched) = totalis_testkit::fake_supabase::get(&new_url);
    assert_eq!((status, images::sha256_hex(&fetched)), (200, new_sha), "the URL serves the new bytes");
    assert_eq!(rows(&mut dst, &format!("SELECT public_url FROM legacy_image_map WHERE legacy_image_id <> {image} ORDER BY 1")), others_before);
    assert_complete_in(&s, &fake);
}

#[test]
fn a_legacy_column_of_an_unexpected_type_is_named_and_nothing_is_written() {
    let s = setup(Options::default(), false);
    s.legacy.client().batch_execute("ALTER TABLE tls_coach ALTER COLUMN image_id TYPE bigint").unwrap();
    let before = data_fingerprint(&mut s.target.client());
    let run = s.p.run("p", &["etl", "totalis"]);
    run.expect(4);
    let out = run.all();
    assert!(out.contains("reading tls_coach: column image_id:") && out.contains("int8") && out.contains("nothing was written"), "{out}");
    assert!(!out.contains("panicked"), "{out}");
    assert_eq!(data_fingerprint(&mut s.target.client()), before);
}

#[test]
fn rows_the_old_tool_wrote_with_the_same_ids_are_updated_in_place() {
    let s = setup(Options::default(), false);
    let (mut src, mut dst) = (s.legacy.client(), s.target.client());
    // The old tool: deterministic ids, no map, N → other, no prompt, a stale bio.
    let daniel = ids::coach_id(legacy::DANIEL_COACH);
    dst.batch_execute(&format!(
        "INSERT INTO coaches (id, name, bio, sex) VALUES ('{daniel}', 'Daniel', 'old bio', 'other');
         INSERT INTO categories (id, name) VALUES ('{}', 'Old name');
         INSERT INTO app_config (key, value) VALUES ('default_coach', '{{\"default_coach_id\": \"00000000-0000-0000-0000-000000000001\"}}');",
        ids::category_id(legacy::ROOT_WITH_PARENT_ZERO)
    ))
    .unwrap();
    let report = pipeline::run(&mut src, &mut [], &mut dst, &s.filesystem(), &settings()).unwrap();
    assert_eq!((report.coaches.new, report.coaches.updated), (7, 1));
    assert_eq!(report.categories.updated, 1);
    assert_eq!(count(&mut dst, "SELECT count(*) FROM coaches WHERE name = 'Daniel'"), 1, "not duplicated");
    assert_eq!(one(&mut dst, &format!("SELECT sex || ' ' || (bio <> 'old bio') FROM coaches WHERE id = '{daniel}'")), "male true");
    assert_eq!(one(&mut dst, "SELECT value->>'default_coach_id' FROM app_config WHERE key = 'default_coach'"), daniel);
}

#[test]
fn images_go_to_supabase_storage_over_its_http_api() {
    let s = setup(Options::default(), false);
    let (mut src, mut dst) = (s.legacy.client(), s.target.client());
    let fake = FakeSupabase::start();
    let storage = SupabaseStorage::new(fake.url.clone(), fake.key.clone(), HttpOptions { retries: 2, backoff: std::time::Duration::from_millis(10), ..HttpOptions::default() });
    fake.fail_next_puts(2, 503);
    let report = pipeline::run(&mut src, &mut [], &mut dst, &storage, &settings()).unwrap();
    let objects = fake.objects();
    let stored = count(&mut dst, "SELECT count(*) FROM legacy_image_map");
    assert_eq!(objects.len() as i64, stored);
    assert_eq!(report.images.uploaded as i64, stored, "two 503s were retried");
    let url = one(&mut dst, &format!("SELECT public_url FROM legacy_image_map WHERE legacy_image_id = {}", legacy::PNG_LABELLED_JPE_IMAGE));
    assert!(url.starts_with(&format!("{}/storage/v1/object/public/", fake.url)), "{url}");
    let ((bucket, path), (content_type, bytes)) = objects.iter().find(|((_, p), _)| p.contains(&format!("image_{}.", legacy::PNG_LABELLED_JPE_IMAGE))).unwrap();
    assert_eq!(content_type, "image/png");
    assert_eq!(images::sha256_hex(bytes), one(&mut src, &format!("SELECT encode(sha256(data), 'hex') FROM tls_image WHERE id = {}", legacy::PNG_LABELLED_JPE_IMAGE)));
    assert!(url.contains(&format!("{bucket}/{path}?v=")), "{url}");
    // Rerun: skipped by hash, nothing uploaded.
    let puts = fake.put_count();
    let again = pipeline::run(&mut src, &mut [], &mut dst, &storage, &settings()).unwrap();
    assert_eq!(again.images.uploaded, 0);
    assert_eq!(fake.put_count(), puts);
    assert_complete_in_objects(&mut src, &mut dst, &fake);
    // An object deleted from storage behind the import's back is uploaded again.
    let (bucket, path) = objects.keys().next().unwrap().clone();
    fake.remove_object(&bucket, &path);
    let repaired = pipeline::run(&mut src, &mut [], &mut dst, &storage, &settings()).unwrap();
    assert_eq!((repaired.images.uploaded, fake.put_count()), (1, puts + 1));
    assert_complete_in_objects(&mut src, &mut dst, &fake);
}

fn assert_complete_in_objects(src: &mut Client, dst: &mut Client, fake: &FakeSupabase) {
    let objects: Vec<(String, String)> = fake.objects().into_keys().collect();
    assert_complete(src, dst, &objects, &|b, p| fake.object(b, p).map(|o| o.1));
}
