//! TLS against the real server: `require` encrypts, `verify-full` checks the
//! certificate (the test server's is self-signed, so it is refused).

mod common;

use std::time::Duration;

use common::*;
use runner::db::{self, DbUrl};

fn server_ssl() -> bool {
    rows(&mut connect(&admin_url()), "SHOW ssl") == ["on"]
}

#[test]
fn require_encrypts_the_connection() {
    let url = DbUrl::parse(&format!("{}?sslmode=require", admin_url())).unwrap();
    match db::connect(&url, Duration::from_secs(5), "tls-test") {
        Ok(mut c) => {
            assert!(server_ssl());
            let ssl: bool = c.query_one("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", &[]).unwrap().get(0);
            assert!(ssl, "sslmode=require gave a plain connection");
        }
        Err(e) => {
            // A server without TLS must refuse `require` rather than fall back.
            assert!(!server_ssl(), "TLS server refused: {}", e.into_error());
        }
    }
}

#[test]
fn prefer_connects_with_or_without_tls() {
    let url = DbUrl::parse(&format!("{}?sslmode=prefer", admin_url())).unwrap();
    assert!(db::connect(&url, Duration::from_secs(5), "tls-test").is_ok());
}

#[test]
fn verify_full_refuses_an_untrusted_certificate_with_exit_3_and_a_hint() {
    let p = Profiles::new();
    p.write("x", &one_target("morse", &format!("{}?sslmode=verify-full", admin_url().replacen("postgres@", "postgres:TlsSecret77@", 1)), ""));
    let run = p.run("x", &["status"]);
    run.expect(3);
    assert!(!run.all().contains("TlsSecret77"));
    if server_ssl() {
        assert!(run.stdout.contains("certificate was not accepted") && run.stdout.contains("sslrootcert"), "{}", run.stdout);
    }
}
