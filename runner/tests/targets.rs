//! Many targets: run in parallel with whole `[name]` lines, reports in
//! profile order, the most severe exit code, no new target after a failure
//! unless --keep-going, --shard; and the lock released with its session.

mod common;

use std::time::{Duration, Instant};

use common::*;
use runner::profile::{Profile, Target};
use runner::session::Access;
use runner::target;

fn target(name: &str, schema: &str, url: &str) -> String {
    format!("  - name: {name}\n    schema: {schema}\n    url: \"{url}\"\n")
}

fn profile(targets: &[String]) -> String {
    format!("production: false\nlock_timeout: 5s\ntargets:\n{}", targets.concat())
}

fn has_history(db: &TestDb, table: &str) -> bool {
    count(&mut db.client(), &format!("SELECT count(*) FROM pg_class WHERE relname = '{table}'")) == 1
}

#[test]
fn targets_run_at_once_with_whole_lines_and_reports_in_profile_order() {
    let (a, b, c) = (TestDb::new("tg_a"), TestDb::new("tg_b"), TestDb::new("tg_c"));
    let p = Profiles::new();
    p.write("p", &profile(&[target("oprina", "oprina", &c.url), target("morse", "morse", &a.url), target("auth", "socrates-auth", &b.url)]));
    let run = p.run("p", &[]);
    run.expect(0);
    for line in run.stderr.lines() {
        assert!(["[oprina] ", "[morse] ", "[auth] "].iter().any(|n| line.starts_with(n)), "a line without its target's prefix: {line:?}\n{}", run.stderr);
    }
    for name in ["oprina", "morse", "auth"] {
        assert!(run.stderr.contains(&format!("[{name}] applied")), "{}", run.stderr);
    }
    let run = p.run("p", &["status"]);
    run.expect(0);
    let headings: Vec<&str> = run.stdout.lines().filter(|l| !l.starts_with(' ')).map(|l| l.split(' ').next().unwrap()).collect();
    assert_eq!(headings, ["oprina", "morse", "auth"], "{}", run.stdout);
    // A dry run's per-target blocks are whole and in profile order too.
    let run = p.run("p", &["migrate", "--dry-run", "--jobs", "3"]);
    run.expect(0);
    let blocks: Vec<&str> = run.stdout.lines().filter(|l| !l.starts_with(' ')).collect();
    assert_eq!(blocks.len(), 3, "{}", run.stdout);
    assert!(blocks[0].starts_with("oprina (") && blocks[1].starts_with("morse (") && blocks[2].starts_with("auth ("), "{}", run.stdout);
}

#[test]
fn after_a_failure_no_new_target_starts_unless_keep_going() {
    let (first, last) = (TestDb::new("tg_first"), TestDb::new("tg_last"));
    let missing = TestDb::unborn("tg_missing");
    let p = Profiles::new();
    p.write("p", &profile(&[target("first", "morse", &first.url), target("broken", "morse", &missing.url), target("last", "morse", &last.url)]));
    let run = p.run("p", &["--jobs", "1"]);
    run.expect(3);
    assert!(run.stderr.contains("does not exist"), "{}", run.stderr);
    assert!(run.stderr.contains("not started after that failure: last"), "{}", run.stderr);
    assert!(has_history(&first, "morse_schema_history"), "the target before the failure finished");
    assert!(!has_history(&last, "morse_schema_history"), "no new target starts after a failure");

    let run = p.run("p", &["--jobs", "1", "--keep-going"]);
    run.expect(3);
    assert!(!run.stderr.contains("not started"), "{}", run.stderr);
    assert!(has_history(&last, "morse_schema_history"), "--keep-going runs the rest");
}

#[test]
fn the_most_severe_failure_decides_the_exit_code_and_every_failure_is_named() {
    let edited = TestDb::new("tg_edited");
    let missing = TestDb::unborn("tg_gone");
    let p = Profiles::new();
    p.write("p", &profile(&[target("edited", "morse", &edited.url), target("gone", "morse", &missing.url)]));
    p.run("p", &["--target", "edited"]).expect(0);
    edited.client().batch_execute("UPDATE morse_schema_history SET checksum = '1' WHERE version = 1").unwrap();
    let run = p.run("p", &["--keep-going"]);
    run.expect(3);
    assert!(run.stderr.contains("2 targets failed: edited (exit 1), gone (exit 3)"), "{}", run.stderr);
    assert!(run.stderr.contains("error: edited: ") && run.stderr.contains("was edited after it was applied"), "{}", run.stderr);
}

#[test]
fn shards_split_the_targets_and_together_cover_each_once() {
    let db = TestDb::new("tg_shard");
    let names = ["t-morse", "t-mued", "t-auth", "t-specs", "t-oprina", "t-totalis"];
    let schemas = ["morse", "mued", "socrates-auth", "socrates-specs", "oprina", "totalis"];
    let p = Profiles::new();
    p.write("p", &profile(&names.iter().zip(schemas).map(|(n, s)| target(n, s, &db.url)).collect::<Vec<_>>()));
    let mut seen = Vec::new();
    for i in 0..3 {
        let run = p.run("p", &["status", "--format", "json", "--shard", &format!("{i}/3")]);
        if run.stdout.trim().is_empty() {
            run.expect(0);
            assert!(run.stderr.contains("holds none of the selected targets"), "{}", run.stderr);
            continue;
        }
        let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        for t in doc["targets"].as_array().unwrap() {
            seen.push(t["name"].as_str().unwrap().to_string());
        }
    }
    seen.sort();
    let mut all: Vec<String> = names.iter().map(|n| n.to_string()).collect();
    all.sort();
    assert_eq!(seen, all, "every target in exactly one shard");
    // The same shard selects the same targets every time.
    let once = p.run("p", &["status", "--format", "json", "--shard", "1/3"]).stdout;
    assert_eq!(once, p.run("p", &["status", "--format", "json", "--shard", "1/3"]).stdout);
    let run = p.run("p", &["status", "--shard", "3/3"]);
    run.expect(2);
    assert!(run.stderr.contains("0 <= I < N"), "{}", run.stderr);
}

fn advisory_locks(db: &TestDb) -> i64 {
    count(
        &mut connect(&admin_url()),
        &format!("SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database WHERE l.locktype = 'advisory' AND d.datname = '{}'", db.name),
    )
}

/// Wait (up to 10 s) for the server to end a closed session's locks.
fn until_unlocked(db: &TestDb) -> i64 {
    let start = Instant::now();
    while advisory_locks(db) != 0 && start.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(20));
    }
    advisory_locks(db)
}

#[test]
fn the_lock_is_released_with_its_session_on_every_path() {
    let db = TestDb::new("tg_lock");
    let prof = Profile {
        name: "t".into(),
        path: "t.yaml".into(),
        description: None,
        production: false,
        lock_timeout: Duration::from_secs(5),
        lock_retries: 0,
        statement_timeout: None,
        connect_timeout: Duration::from_secs(10),
        targets: vec![],
        etl: None,
    };
    let t = Target { name: "morse".into(), schema: runner::registry::find("morse").unwrap(), url: runner::db::DbUrl::parse(&db.url).unwrap(), create_database: false };

    // Kept: unlock() releases it and the session goes on.
    let locked = target::open(&prof, &t, Access::changing("test")).unwrap().lock(true).unwrap();
    assert_eq!(advisory_locks(&db), 1);
    assert!(locked.history_exists, "created under the lock");
    let mut s = locked.unlock().unwrap();
    assert_eq!(advisory_locks(&db), 0);
    s.read(&[]).unwrap();

    // Dropped, also by `?` on an error: the connection closes and the lock goes with it.
    let failing = || -> runner::error::Result<()> {
        let _locked = target::open(&prof, &t, Access::changing("test"))?.lock(false)?;
        Err(runner::error::Error::failed("a step failed"))
    };
    assert!(failing().is_err());
    assert_eq!(until_unlocked(&db), 0);

    // While one session holds it, another waits and then times out (exit 5).
    let holder = target::open(&prof, &t, Access::changing("holder")).unwrap().lock(false).unwrap();
    let short = Profile { lock_timeout: Duration::from_millis(300), ..prof.clone() };
    let err = target::open(&short, &t, Access::changing("waiter")).unwrap().lock(false).err().unwrap();
    assert_eq!(err.exit_code(), 5);
    assert!(err.message().contains("held by pid"), "{err}");
    drop(holder);
    assert_eq!(until_unlocked(&db), 0);
}
