//! Redaction against a password-protected server (scripts/dev-postgres with
//! scram-sha-256, where a wrong password really fails): every command, in
//! text and JSON where it has them, at `RUST_LOG=trace -vv`, never prints a
//! password (as written, percent-encoded or decoded), and prints each URL in
//! its redacted form. Logins work with passwords holding every reserved URL
//! character, unicode and spaces.

mod common;

use common::*;
use totalis_testkit::legacy::{self, Options};

/// Every reserved URL character, unicode and spaces.
const HARD: &str = "test-password-/?#[]@!$&'()*+,;=:% ü€空 end";

#[track_caller]
fn traced(p: &Profiles, args: &[&str], code: i32, secrets: &[String]) -> Run {
    let mut all: Vec<&str> = args.to_vec();
    all.push("-vv");
    let run = Run::from(p.command("p", &all, &[("RUST_LOG", "trace")]).output().unwrap());
    assert_eq!(run.code, code, "{args:?}: exit code\n--- stdout\n{}\n--- stderr (tail)\n{}", run.stdout, tail(&run.stderr));
    if let Some(form) = leaked(&run.all(), secrets) {
        panic!("{args:?} printed the secret `{form}`");
    }
    assert!(!run.all().contains("panicked"), "{args:?} panicked");
    run
}

fn tail(s: &str) -> &str {
    &s[s.len().saturating_sub(3000)..]
}

#[test]
fn every_command_at_trace_level_prints_no_password() {
    let morse = PasswordDb::new("red_morse", HARD);
    let totalis = PasswordDb::new("red_totalis", "test-password-t0tal:s/ü");
    let source = PasswordDb::new("red_legacy", "test-password-legacy?#@");
    legacy::generate(&mut source.client(), &Options::default()).unwrap();
    let storage = std::env::temp_dir().join(format!("{}_storage", totalis.name));
    let admin = scram_admin_url();
    let secrets: Vec<String> =
        [HARD, "test-password-t0tal:s/ü", "test-password-legacy?#@", "test-password-admin"].map(String::from).to_vec();

    let p = Profiles::new();
    p.write(
        "p",
        &format!(
            "production: false\nlock_timeout: 5s\ntargets:\n  - name: morse\n    schema: morse\n    url: \"{}\"\n  - name: totalis\n    schema: totalis\n    url: \"{}\"\n\
             etl:\n  totalis:\n    source_url: \"{}\"\n    target: totalis\n    storage: {{ kind: filesystem, root: \"{}\", public_base_url: \"http://files.test/storage\" }}\n",
            morse.url(),
            totalis.url(),
            source.url(),
            storage.display()
        ),
    );
    let backups = p.dir.join("backups");
    let backups = backups.to_str().unwrap();

    let dry = traced(&p, &["migrate", "--dry-run"], 0, &secrets);
    assert!(dry.stdout.contains(&format!("{}:***@", morse.role)), "{}", dry.stdout);
    traced(&p, &["migrate", "--dry-run", "--sql"], 0, &secrets);
    let applied = traced(&p, &["migrate"], 0, &secrets);
    assert!(applied.stderr.contains(&format!("{}:***@", totalis.role)), "{}", tail(&applied.stderr));
    traced(&p, &["migrate", "--target", "morse", "--with-test-data"], 0, &secrets);
    let status = traced(&p, &["status"], 0, &secrets);
    assert!(status.stdout.contains(&format!("{}:***@", morse.role)), "{}", status.stdout);
    traced(&p, &["status", "--format", "json"], 0, &secrets);
    traced(&p, &["verify"], 0, &secrets);
    traced(&p, &["verify", "--format", "json"], 0, &secrets);
    traced(&p, &["adopt"], 0, &secrets);
    traced(&p, &["etl", "totalis", "--dry-run"], 0, &secrets);
    traced(&p, &["etl", "totalis", "--dry-run", "--format", "json"], 0, &secrets);
    traced(&p, &["etl", "totalis"], 0, &secrets);
    traced(&p, &["rollback", "--target", "morse"], 2, &secrets);
    traced(&p, &["rollback", "--confirm", "--target", "morse", "--to", "1", "--save-backup", backups], 0, &secrets);
    traced(&p, &["migrate", "--target", "morse"], 0, &secrets);
    traced(&p, &["snapshot", "--check", "--schema", "morse", "--admin-url", &admin], 0, &secrets);
    // A wrong password: refused by the server (exit 3), printed nowhere.
    p.write("p", &one_target("morse", &morse.url_with("test-password-WRONG%2F1"), ""));
    let wrong = traced(&p, &["status"], 3, &[secrets.clone(), vec!["test-password-WRONG%2F1".into()]].concat());
    assert!(wrong.stderr.contains("refused the login"), "{}", tail(&wrong.stderr));
    let _ = std::fs::remove_dir_all(&storage);
}

/// The right password logs in however it is written: percent-encoded in the
/// user info, as a `password=` parameter, or (where libpq reads it so) as is.
#[test]
fn passwords_with_reserved_characters_unicode_and_spaces_log_in() {
    for (tag, password, raw_ok) in [
        ("pw_plain", "test-password-plain", true),
        ("pw_reserved", "test-password-/?#[]@!$&'()*+,;=%", false),
        ("pw_colon", "test-password-a:b:c", true),
        ("pw_unicode", "test-password-ünï€ode-空", true),
        ("pw_spaces", "test-password with  spaces ", true),
        ("pw_all", HARD, false),
    ] {
        let db = PasswordDb::new(tag, password);
        let secrets = vec![password.to_string()];
        let p = Profiles::new();
        let encoded = percent_encoding::utf8_percent_encode(password, percent_encoding::NON_ALPHANUMERIC).to_string();
        let mut urls = vec![db.url(), format!("{}?password={encoded}", db.url_with("x").replacen(":x@", "@", 1))];
        if raw_ok {
            urls.push(db.url_with(password));
        }
        for url in urls {
            p.write("p", &one_target("morse", &url.replace('"', "\\\""), ""));
            let run = traced(&p, &["status"], 0, &secrets);
            assert!(run.stdout.contains(&format!("{}:***@", db.role)), "{tag}: {}", run.stdout);
        }
    }
}
