//! The Supabase Storage client against the fake server of `totalis-testkit`
//! (a local server speaking the same HTTP API).

use std::time::Duration;

use totalis_etl::storage::{HttpOptions, Storage, SupabaseStorage};
use totalis_testkit::fake_supabase::{FakeSupabase, DEFAULT_KEY};

fn fast() -> HttpOptions {
    HttpOptions { timeout: Duration::from_secs(2), retries: 2, backoff: Duration::from_millis(10), connections: 4 }
}

fn client(fake: &FakeSupabase) -> SupabaseStorage {
    SupabaseStorage::new(format!("{}/", fake.url), fake.key.clone(), fast())
}

/// A plain GET without credentials: (status, content type, body).
fn public_get(url: &str) -> (u16, String, Vec<u8>) {
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
    let mut r = agent.get(url).call().unwrap();
    let ct = r.headers().get("content-type").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    (r.status().as_u16(), ct, r.body_mut().read_to_vec().unwrap())
}

fn listed(s: &SupabaseStorage, bucket: &str, folder: &str) -> Vec<String> {
    s.list(bucket, folder).unwrap().into_iter().collect()
}

#[test]
fn upload_then_public_download_returns_the_same_bytes() {
    let fake = FakeSupabase::start();
    let s = client(&fake);
    s.ensure_bucket("coach-images").unwrap();
    let bytes = b"\x89PNG\r\n\x1a\n-some-png-bytes".to_vec();
    assert!(listed(&s, "coach-images", "legacy").is_empty());
    s.put("coach-images", "legacy/image_7.png", "image/png", &bytes).unwrap();
    assert_eq!(listed(&s, "coach-images", "legacy"), ["legacy/image_7.png"]);

    let url = s.public_url("coach-images", "legacy/image_7.png");
    assert_eq!(url, format!("{}/storage/v1/object/public/coach-images/legacy/image_7.png", fake.url));
    assert_eq!(public_get(&url), (200, "image/png".to_string(), bytes.clone()));
    assert_eq!(fake.object("coach-images", "legacy/image_7.png"), Some(("image/png".into(), bytes)));
    assert_eq!(s.describe(), format!("supabase {}", fake.url));
}

#[test]
fn requests_reuse_kept_alive_connections() {
    let fake = FakeSupabase::start();
    let s = client(&fake);
    s.ensure_bucket("b").unwrap();
    for i in 0..20 {
        s.put("b", &format!("legacy/image_{i}.png"), "image/png", b"png").unwrap();
    }
    assert_eq!(fake.put_count(), 20);
    assert!(fake.connections() <= 2, "{} connections for {} requests", fake.connections(), fake.requests().len());
}

#[test]
fn listing_pages_through_every_object_of_the_folder_and_skips_subfolders() {
    let fake = FakeSupabase::start();
    let s = client(&fake);
    s.ensure_bucket("b").unwrap();
    for i in 0..2345 {
        fake.put_object("b", &format!("legacy/image_{i}.png"), "image/png", b"p");
    }
    fake.put_object("b", "legacy/old/image_1.png", "image/png", b"p");
    fake.put_object("b", "other/image_1.png", "image/png", b"p");
    let names = s.list("b", "legacy").unwrap();
    assert_eq!(names.len(), 2345);
    assert!(names.contains("legacy/image_2344.png") && !names.iter().any(|n| n.contains("old")));
    let lists = fake.requests().iter().filter(|r| *r == "POST /storage/v1/object/list/b").count();
    assert_eq!(lists, 3, "pages of 1000");
    assert!(s.list("missing", "legacy").unwrap().is_empty(), "a missing bucket lists nothing");
}

#[test]
fn paths_are_percent_encoded_per_segment() {
    let fake = FakeSupabase::start();
    let s = client(&fake);
    s.ensure_bucket("b").unwrap();
    s.put("b", "dir with space/Über#1.jpg", "image/jpeg", b"j").unwrap();
    assert!(fake.object("b", "dir with space/Über#1.jpg").is_some());
    let url = s.public_url("b", "dir with space/Über#1.jpg");
    assert!(url.ends_with("/b/dir%20with%20space/%C3%9Cber%231.jpg"), "{url}");
    assert_eq!(public_get(&url).2, b"j");
}

#[test]
fn upsert_overwrites() {
    let fake = FakeSupabase::start();
    let s = client(&fake);
    s.ensure_bucket("b").unwrap();
    s.put("b", "p.jpg", "image/jpeg", b"old").unwrap();
    s.put("b", "p.jpg", "image/png", b"new").unwrap();
    assert_eq!(fake.object("b", "p.jpg"), Some(("image/png".into(), b"new".to_vec())));
    assert_eq!(fake.objects().len(), 1);
    assert_eq!(fake.put_count(), 2);
}

#[test]
fn fake_refuses_a_second_upload_without_upsert() {
    let fake = FakeSupabase::start();
    fake.add_bucket("b", true);
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
    let url = format!("{}/storage/v1/object/b/p", fake.url);
    let post = || {
        let mut r = agent.post(&url).header("Authorization", format!("Bearer {DEFAULT_KEY}")).send(&b"x"[..]).unwrap();
        (r.status().as_u16(), r.body_mut().read_to_string().unwrap())
    };
    assert_eq!(post().0, 200);
    let (status, body) = post();
    assert_eq!(status, 400);
    assert!(body.contains("\"statusCode\":\"409\"") && body.contains("Duplicate"), "{body}");
}

#[test]
fn retries_after_503s_and_succeeds() {
    let fake = FakeSupabase::start();
    let s = client(&fake);
    s.ensure_bucket("b").unwrap();
    fake.fail_next_puts(2, 503);
    s.put("b", "p.png", "image/png", b"png").unwrap();
    assert_eq!(fake.put_count(), 3, "two failures and the success");
    assert_eq!(fake.object("b", "p.png").unwrap().1, b"png");
}

#[test]
fn gives_up_after_the_configured_retries() {
    let fake = FakeSupabase::start();
    let s = client(&fake);
    s.ensure_bucket("b").unwrap();
    fake.fail_next_puts(5, 429);
    let e = s.put("b", "p.png", "image/png", b"png").unwrap_err();
    assert!(e.retryable);
    assert!(e.message.contains("failed after 3 attempts") && e.message.contains("HTTP 429"), "{e}");
    assert_eq!(fake.put_count(), 3);
}

#[test]
fn a_wrong_key_fails_at_once_without_leaking_it() {
    let fake = FakeSupabase::start();
    fake.add_bucket("b", true);
    let secret = "super-secret-service-role-key";
    let s = SupabaseStorage::new(fake.url.clone(), secret.into(), fast());
    let e = s.put("b", "p.png", "image/png", b"png").unwrap_err();
    assert!(!e.retryable);
    assert!(e.message.contains("HTTP 401") && e.message.contains("Invalid JWT"), "{e}");
    assert_eq!(fake.requests().len(), 1, "no retry on 401");
    for text in [e.to_string(), format!("{e:?}"), format!("{s:?}"), s.describe()] {
        assert!(!text.contains(secret), "{text}");
    }
    assert!(s.ensure_bucket("b").is_err());
    assert!(s.list("b", "legacy").is_err());
}

#[test]
fn a_client_error_names_supabases_message() {
    let fake = FakeSupabase::start();
    let s = client(&fake);
    let e = s.put("missing", "p.png", "image/png", b"png").unwrap_err();
    assert!(!e.retryable);
    assert!(e.message.contains("HTTP 400: Bucket not found"), "{e}");
    assert_eq!(fake.put_count(), 1);
}

#[test]
fn ensure_bucket_creates_a_missing_bucket_once() {
    let fake = FakeSupabase::start();
    let s = client(&fake);
    s.ensure_bucket("category-icons").unwrap();
    s.ensure_bucket("category-icons").unwrap();
    assert_eq!(fake.bucket_creates(), 1);
    assert_eq!(fake.buckets().get("category-icons"), Some(&true));
    let creates = fake.requests().iter().filter(|r| *r == "POST /storage/v1/bucket").count();
    assert_eq!(creates, 1);
}

#[test]
fn refuses_an_existing_private_bucket() {
    let fake = FakeSupabase::start();
    fake.add_bucket("voice-messages", false);
    let e = client(&fake).ensure_bucket("voice-messages").unwrap_err();
    assert!(e.message.contains("not public"), "{e}");
    assert_eq!(fake.bucket_creates(), 0);
}

#[test]
fn a_timeout_is_retryable() {
    let fake = FakeSupabase::start();
    fake.add_bucket("b", true);
    fake.set_delay(Duration::from_millis(400));
    let opts = HttpOptions { timeout: Duration::from_millis(100), retries: 1, backoff: Duration::from_millis(10), connections: 1 };
    let s = SupabaseStorage::new(fake.url.clone(), fake.key.clone(), opts);
    let e = s.list("b", "legacy").unwrap_err();
    assert!(e.retryable, "{e}");
    assert!(e.message.contains("timed out") && e.message.contains("after 2 attempts"), "{e}");
}

#[test]
fn connection_refused_is_retryable() {
    // Bind then drop, so the port is very likely closed.
    let addr = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let opts = HttpOptions { timeout: Duration::from_millis(300), retries: 1, backoff: Duration::from_millis(5), connections: 1 };
    let s = SupabaseStorage::new(format!("http://{addr}"), "test-key".into(), opts);
    let e = s.list("b", "p").unwrap_err();
    assert!(e.retryable, "{e}");
}
