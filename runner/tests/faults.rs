//! The fault suite: the runner binary killed with SIGKILL and its session
//! terminated at random moments of a fresh `migrate`, an application's lock
//! and traffic against a migration, and 16 runners at once. After every
//! fault the database must converge: `status` answers, a rerun completes,
//! `verify --strict` is clean, the history is contiguous, nothing waits for
//! a lock and no INVALID index is left.
//!
//! `scripts/test` runs the short version (a few trials of each); `scripts/faults`
//! runs the full one on the release build (`RUNNER_FAULTS=full`) and prints the
//! table. The traffic stalls are measured and printed with their bounds; the
//! bounds are judged by `scripts/faults`, never asserted here (no timed
//! assertions in tests).

mod common;

use std::collections::BTreeMap;
use std::process::{Child, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use common::*;

struct Mode {
    full: bool,
    kills: usize,
    kills_in_cic: usize,
    terminations: usize,
    stall_rounds: usize,
    /// Scenario "never granted": the per-attempt lock_timeout.
    never_granted_timeout: Duration,
}

fn mode() -> Mode {
    if std::env::var("RUNNER_FAULTS").as_deref() == Ok("full") {
        Mode { full: true, kills: 16, kills_in_cic: 8, terminations: 12, stall_rounds: 3, never_granted_timeout: Duration::from_secs(2) }
    } else {
        Mode { full: false, kills: 2, kills_in_cic: 1, terminations: 1, stall_rounds: 1, never_granted_timeout: Duration::from_secs(1) }
    }
}

/// One line of the table.
struct Row {
    fault: String,
    trials: usize,
    held: usize,
    /// For the stall rows: whether the measured stall stayed within its bound.
    bound: Option<bool>,
    detail: String,
}

#[derive(Default)]
struct Table {
    rows: Vec<Row>,
    failures: Vec<String>,
}

impl Table {
    /// A row from the trials' results; each failure is listed under the table.
    fn add(&mut self, fault: String, results: Vec<Result<(), String>>, bound: Option<bool>, detail: String) {
        for (i, r) in results.iter().enumerate() {
            if let Err(e) = r {
                self.failures.push(format!("{fault}, trial {}: {e}", i + 1));
            }
        }
        let held = results.iter().filter(|r| r.is_ok()).count();
        self.rows.push(Row { fault, trials: results.len(), held, bound, detail });
    }

    fn print(&self) {
        println!("\n{:<70} {:>6} {:>5}  {:<8} detail", "fault", "trials", "held", "bound");
        for r in &self.rows {
            let bound = match r.bound {
                None => "-",
                Some(true) => "held",
                Some(false) => "NOT HELD",
            };
            println!("{:<70} {:>6} {:>5}  {:<8} {}", r.fault, r.trials, r.held, bound, r.detail);
        }
        let not_held = self.rows.iter().filter(|r| r.bound == Some(false)).count();
        println!("stall bounds: {}", if not_held == 0 { "all held".to_string() } else { format!("{not_held} NOT HELD") });
        for f in &self.failures {
            println!("FAILED: {f}");
        }
    }
}

fn secs(d: Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}

fn profile_yaml(schema: &str, url: &str, extra: &str) -> String {
    one_target(schema, url, extra)
}

/// A new database and a profile with one target of `schema` on it.
fn fresh(schema: &str, tag: &str) -> (TestDb, Profiles) {
    let db = TestDb::new(tag);
    let p = Profiles::new();
    p.write("p", &profile_yaml(schema, &db.url, ""));
    (db, p)
}

fn spawn(p: &Profiles, args: &[&str], output: bool) -> Child {
    let mut cmd = p.command("p", args, &[]);
    if output {
        cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    } else {
        cmd.stdout(Stdio::null()).stderr(Stdio::null());
    }
    cmd.spawn().expect("start the runner")
}

fn history_table(schema: &str) -> String {
    runner::registry::find(schema).unwrap().history_table()
}

fn newest(schema: &str) -> i32 {
    runner::registry::find(schema).unwrap().sorted_migrations().last().unwrap().version()
}

fn recorded(db: &TestDb, schema: &str) -> Vec<i32> {
    let mut c = db.client();
    let table = history_table(schema);
    if count(&mut c, &format!("SELECT count(*) FROM pg_tables WHERE tablename = '{table}'")) == 0 {
        return Vec::new();
    }
    rows(&mut c, &format!("SELECT version FROM {table} ORDER BY version")).iter().map(|v| v.parse().unwrap()).collect()
}

/// Sessions of a runner (any command) on the database.
fn runner_sessions(c: &mut postgres::Client) -> i64 {
    count(c, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE 'runner%' AND pid <> pg_backend_pid()")
}

/// Poll `done` every 20 ms for at most `limit`; how long it took, or None.
fn wait_until(limit: Duration, mut done: impl FnMut() -> bool) -> Option<Duration> {
    let start = Instant::now();
    while start.elapsed() < limit {
        if done() {
            return Some(start.elapsed());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    None
}

/// After a fault: the killed runner's session goes away, then `status`
/// answers, a rerun completes, `verify --strict` is clean, the history is
/// contiguous, nothing waits for a lock, no INVALID index is left.
fn converges(p: &Profiles, db: &TestDb, schema: &str) -> Result<(), String> {
    let mut c = db.client();
    if wait_until(Duration::from_secs(10), || runner_sessions(&mut c) == 0).is_none() {
        return Err("a session of the stopped runner was still there after 10 s".into());
    }
    for args in [&["status"][..], &["migrate"], &["verify", "--strict"]] {
        let run = p.run("p", args);
        if run.code != 0 {
            return Err(format!("{args:?} exit {}: {}", run.code, run.all().trim()));
        }
    }
    let versions = recorded(db, schema);
    if versions != (1..=newest(schema)).collect::<Vec<_>>() {
        return Err(format!("history not contiguous: {versions:?}"));
    }
    let waiting = count(&mut c, "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE NOT l.granted AND a.datname = current_database()");
    let advisory = count(&mut c, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())");
    let invalid = count(&mut c, "SELECT count(*) FROM pg_index WHERE NOT indisvalid");
    if waiting + advisory + invalid > 0 {
        return Err(format!("{waiting} lock(s) waiting, {advisory} migration lock(s) held, {invalid} INVALID index(es)"));
    }
    Ok(())
}

/// A fresh `migrate` of `schema` with this binary: how long the process
/// runs, and how long its session lives.
struct Timing {
    process: Duration,
    session: Duration,
}

fn calibrate(schema: &str) -> Timing {
    let (db, p) = fresh(schema, "fault_cal");
    let start = Instant::now();
    let mut child = spawn(&p, &["migrate"], false);
    let mut c = db.client();
    wait_until(Duration::from_secs(10), || runner_sessions(&mut c) > 0);
    let connected = start.elapsed();
    child.wait().unwrap();
    Timing { process: start.elapsed(), session: start.elapsed().saturating_sub(connected) }
}

fn random_within(d: Duration) -> Duration {
    d.mul_f64(rand::random::<f64>())
}

/// A histogram as `value×count, ...`.
fn histogram<T: Ord + std::fmt::Display>(values: impl IntoIterator<Item = T>) -> String {
    let mut h: BTreeMap<T, usize> = BTreeMap::new();
    for v in values {
        *h.entry(v).or_default() += 1;
    }
    h.iter().map(|(v, n)| format!("{v}×{n}")).collect::<Vec<_>>().join(", ")
}

fn kill_trials(table: &mut Table, schema: &str, timing: &Timing, trials: usize) {
    let window = timing.process.mul_f64(1.2);
    let mut results = Vec::new();
    let mut at_kill = Vec::new();
    for _ in 0..trials {
        let (db, p) = fresh(schema, "fault_kill");
        let mut child = spawn(&p, &["migrate"], false);
        std::thread::sleep(random_within(window));
        child.kill().unwrap();
        child.wait().unwrap();
        let mut c = db.client();
        wait_until(Duration::from_secs(10), || runner_sessions(&mut c) == 0);
        at_kill.push(recorded(&db, schema).len());
        results.push(converges(&p, &db, schema));
    }
    let detail = format!("killed 0–{} ms in; versions recorded when killed: {}", window.as_millis(), histogram(at_kill));
    table.add(format!("kill -9 at a random moment of a fresh migrate ({schema})"), results, None, detail);
}

/// Kill the runner while morse V4's `CREATE INDEX CONCURRENTLY` waits for an
/// older transaction of the application.
fn kill_in_cic_trials(table: &mut Table, trials: usize) {
    let mut results = Vec::new();
    let (mut stopped, mut invalid_left) = (0, 0);
    for _ in 0..trials {
        let (db, p) = fresh("morse", "fault_cic");
        let result = (|| -> Result<(bool, bool), String> {
            for args in [&["migrate"][..], &["rollback", "--confirm", "--to", "3"]] {
                let run = p.run("p", args);
                if run.code != 0 {
                    return Err(format!("setup {args:?} exit {}: {}", run.code, run.all()));
                }
            }
            let mut app = connect(&format!("{}?application_name=app-reader", db.url));
            app.batch_execute("BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT count(*) FROM workouts").unwrap();
            let mut child = spawn(&p, &["migrate"], false);
            let mut c = db.client();
            let waiting = wait_until(Duration::from_secs(20), || {
                count(&mut c, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'runner migrate' AND wait_event_type = 'Lock' AND query ILIKE 'CREATE INDEX CONCURRENTLY%'") > 0
            });
            child.kill().unwrap();
            child.wait().unwrap();
            if waiting.is_none() {
                app.batch_execute("COMMIT").unwrap();
                return Err("the runner never reached V4's CREATE INDEX CONCURRENTLY".into());
            }
            // Did the killed build stop while the application's transaction was still open?
            let stopped = wait_until(Duration::from_secs(3), || runner_sessions(&mut c) == 0).is_some();
            let invalid = stopped && count(&mut c, "SELECT count(*) FROM pg_index WHERE NOT indisvalid") > 0;
            app.batch_execute("COMMIT").unwrap();
            converges(&p, &db, "morse")?;
            Ok((stopped, invalid))
        })();
        if let Ok((s, i)) = result {
            stopped += usize::from(s);
            invalid_left += usize::from(i);
        }
        results.push(result.map(|_| ()));
    }
    let detail = format!(
        "the killed build's session ended within 3 s in {stopped} (else it finished once the application committed); \
         INVALID index left in {invalid_left}, dropped and rebuilt by the rerun"
    );
    table.add("kill -9 inside morse V4 (CREATE INDEX CONCURRENTLY waiting)".into(), results, None, detail);
}

fn terminate_trials(table: &mut Table, schema: &str, timing: &Timing, trials: usize) {
    let window = timing.session;
    let mut results = Vec::new();
    let mut codes = Vec::new();
    for _ in 0..trials {
        let (db, p) = fresh(schema, "fault_term");
        let child = spawn(&p, &["migrate"], true);
        let mut c = db.client();
        wait_until(Duration::from_secs(10), || runner_sessions(&mut c) > 0);
        std::thread::sleep(random_within(window));
        let terminated = count(&mut c, "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE 'runner%') t");
        let out = Run::from(child.wait_with_output().unwrap());
        codes.push(if terminated == 0 { format!("{} (finished first)", out.code) } else { out.code.to_string() });
        results.push(if matches!(out.code, 0 | 3 | 4) {
            converges(&p, &db, schema)
        } else {
            Err(format!("the runner exited {}: {}", out.code, out.all().trim()))
        });
    }
    let detail = format!("terminated 0–{} ms after it connected; runner exit codes: {}", window.as_millis(), histogram(codes));
    table.add(format!("pg_terminate_backend of the runner's session ({schema})"), results, None, detail);
}

/// The application: `SELECT count(*) FROM projects` every 100 ms, each
/// query's start and duration recorded.
struct Traffic {
    stop: Arc<AtomicBool>,
    handle: JoinHandle<Vec<(Instant, Duration)>>,
}

impl Traffic {
    fn start(url: &str) -> Traffic {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let mut c = connect(&format!("{url}?application_name=app-traffic"));
        let handle = std::thread::spawn(move || {
            let mut samples = Vec::new();
            while !flag.load(Ordering::Relaxed) {
                let t0 = Instant::now();
                c.simple_query("SELECT count(*) FROM projects").unwrap();
                samples.push((t0, t0.elapsed()));
                std::thread::sleep(Duration::from_millis(100).saturating_sub(t0.elapsed()));
            }
            samples
        });
        Traffic { stop, handle }
    }

    fn finish(self) -> Stalls {
        self.stop.store(true, Ordering::Relaxed);
        Stalls(self.handle.join().unwrap())
    }
}

struct Stalls(Vec<(Instant, Duration)>);

impl Stalls {
    /// Queries that waited noticeably (normal ones take about a millisecond).
    fn stalled(&self) -> impl Iterator<Item = Duration> + '_ {
        self.0.iter().map(|(_, d)| *d).filter(|d| *d > Duration::from_millis(50))
    }
    fn worst(&self) -> Duration {
        self.stalled().max().unwrap_or_default()
    }
    fn total(&self) -> Duration {
        self.stalled().sum()
    }
    /// When the query in flight at `at` finished, counted from `at`.
    fn resumed_after(&self, at: Instant) -> Duration {
        self.0.iter().find(|(t0, d)| *t0 <= at && *t0 + *d >= at).map(|(t0, d)| *t0 + *d - at).unwrap_or_default()
    }
}

/// socrates-specs at V11: its V12 alters `projects`.
fn specs_at_v11(p: &Profiles) -> Result<(), String> {
    for args in [&["migrate"][..], &["rollback", "--confirm", "--to", "11"]] {
        let run = p.run("p", args);
        if run.code != 0 {
            return Err(format!("setup {args:?} exit {}: {}", run.code, run.all()));
        }
    }
    Ok(())
}

/// The application's long transaction, holding ACCESS SHARE on `projects`.
fn lock_holder(url: &str) -> postgres::Client {
    let mut c = connect(&format!("{url}?application_name=app-holder"));
    c.batch_execute("BEGIN; SELECT count(*) FROM projects").unwrap();
    c
}

/// Does the binary know `lock_retries`? (An older build, measured for the
/// "before" figures, refuses the key.)
fn knows_lock_retries(p: &Profiles, url: &str) -> bool {
    p.write("probe", &profile_yaml("socrates-specs", url, "lock_retries: 1"));
    let run = p.run("probe", &["status"]);
    !(run.code == 2 && run.all().contains("lock_retries"))
}

struct Measured {
    held: bool,
    bound: bool,
    detail: String,
}

fn stall_never_granted(p: &Profiles, db: &TestDb, timeout: Duration) -> Measured {
    p.write("p", &profile_yaml("socrates-specs", &db.url, &format!("lock_timeout: {}ms", timeout.as_millis())));
    let mut holder = lock_holder(&db.url);
    let traffic = Traffic::start(&db.url);
    std::thread::sleep(Duration::from_millis(300));
    let start = Instant::now();
    let run = p.run("p", &["migrate"]);
    let took = start.elapsed();
    std::thread::sleep(Duration::from_millis(300));
    let stalls = traffic.finish();
    holder.batch_execute("COMMIT").unwrap();
    let limit = timeout + Duration::from_millis(300);
    let names_blocker = run.all().contains("blocked by pid");
    Measured {
        held: run.code == 4 && recorded(db, "socrates-specs").len() == 11,
        bound: stalls.worst() <= limit && stalls.total() <= limit,
        detail: format!(
            "exit {} after {}; traffic: worst stall {}, stalled {} in total ({} stall(s)); blocker named: {}",
            run.code,
            secs(took),
            secs(stalls.worst()),
            secs(stalls.total()),
            stalls.stalled().count(),
            if names_blocker { "yes" } else { "no" }
        ),
    }
}

fn stall_released_with_retries(p: &Profiles, db: &TestDb) -> Measured {
    let retries = knows_lock_retries(p, &db.url);
    // Before lock_retries, only a lock_timeout longer than the blocker got through.
    let extra = if retries { "lock_timeout: 500ms\nlock_retries: 10" } else { "lock_timeout: 5s" };
    p.write("p", &profile_yaml("socrates-specs", &db.url, extra));
    let mut holder = lock_holder(&db.url);
    let traffic = Traffic::start(&db.url);
    std::thread::sleep(Duration::from_millis(300));
    let start = Instant::now();
    let child = spawn(p, &["migrate"], true);
    std::thread::sleep(Duration::from_secs(3));
    holder.batch_execute("COMMIT").unwrap();
    let run = Run::from(child.wait_with_output().unwrap());
    let took = start.elapsed();
    std::thread::sleep(Duration::from_millis(300));
    let stalls = traffic.finish();
    let attempts = run.stderr.matches("attempt ").count() + 1;
    Measured {
        held: run.code == 0 && recorded(db, "socrates-specs").len() == 18,
        // The bound of the ladder, whatever this build could do.
        bound: stalls.worst() <= Duration::from_millis(800),
        detail: format!(
            "{}exit {} after {}, {} attempt(s); traffic: worst stall {}, stalled {} in total",
            if retries { "" } else { "no lock_retries in this build, lock_timeout 5s: " },
            run.code,
            secs(took),
            attempts,
            secs(stalls.worst()),
            secs(stalls.total())
        ),
    }
}

fn stall_killed_while_waiting(p: &Profiles, db: &TestDb) -> Measured {
    p.write("p", &profile_yaml("socrates-specs", &db.url, "lock_timeout: 20s"));
    let mut holder = lock_holder(&db.url);
    let traffic = Traffic::start(&db.url);
    let mut child = spawn(p, &["migrate"], false);
    let mut c = db.client();
    let waiting = wait_until(Duration::from_secs(10), || {
        count(&mut c, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'runner migrate' AND wait_event_type = 'Lock'") > 0
    });
    // Let the application's queries queue behind it, then kill it.
    std::thread::sleep(Duration::from_secs(1));
    let killed = Instant::now();
    child.kill().unwrap();
    child.wait().unwrap();
    let gone = wait_until(Duration::from_secs(25), || runner_sessions(&mut c) == 0);
    std::thread::sleep(Duration::from_millis(300));
    let stalls = traffic.finish();
    holder.batch_execute("COMMIT").unwrap();
    let resumed = stalls.resumed_after(killed);
    Measured {
        held: waiting.is_some() && gone.is_some() && recorded(db, "socrates-specs").len() == 11,
        bound: resumed <= Duration::from_secs(2),
        detail: format!(
            "traffic resumed {} after the kill (its session ended after {}); worst stall {}",
            secs(resumed),
            gone.map(secs).unwrap_or_else(|| "more than 25 s".into()),
            secs(stalls.worst())
        ),
    }
}

fn stall_rows(table: &mut Table, m: &Mode) {
    let mut results: Vec<(String, Vec<Measured>)> = vec![
        (format!("stall: lock never granted (lock_timeout {})", secs(m.never_granted_timeout)), Vec::new()),
        ("stall: runner killed while waiting (lock_timeout 20 s)".into(), Vec::new()),
        ("stall: lock released after 3 s (lock_timeout 500 ms, lock_retries 10)".into(), Vec::new()),
    ];
    for round in 0..m.stall_rounds {
        let (db, p) = fresh("socrates-specs", "fault_stall");
        if let Err(e) = specs_at_v11(&p) {
            table.failures.push(format!("stall round {}: {e}", round + 1));
            continue;
        }
        // The order leaves V12 pending until the last scenario applies it.
        results[0].1.push(stall_never_granted(&p, &db, m.never_granted_timeout));
        results[1].1.push(stall_killed_while_waiting(&p, &db));
        results[2].1.push(stall_released_with_retries(&p, &db));
    }
    for (fault, measured) in results {
        let bound = Some(!measured.is_empty() && measured.iter().all(|x| x.bound));
        let detail = measured.iter().map(|x| x.detail.as_str()).collect::<Vec<_>>().join(" | ");
        let held = measured.iter().map(|x| if x.held { Ok(()) } else { Err(x.detail.clone()) }).collect();
        table.add(fault, held, bound, detail);
    }
}

/// 16 runners started at once; their outcomes.
fn sixteen(p: &Profiles, args: &[&str]) -> Vec<Run> {
    let children: Vec<Child> = (0..16).map(|_| spawn(p, args, true)).collect();
    children.into_iter().map(|c| Run::from(c.wait_with_output().unwrap())).collect()
}

/// Every migration of morse applied by exactly one of `runs`.
fn applied_once(runs: &[Run]) -> Result<(), String> {
    for m in runner::registry::find("morse").unwrap().sorted_migrations() {
        let n: usize = runs.iter().map(|r| r.stderr.matches(&format!("applied {m} in")).count()).sum();
        if n != 1 {
            return Err(format!("{m} applied {n} times"));
        }
    }
    Ok(())
}

fn concurrent_rows(table: &mut Table) {
    let situations: [(&str, fn() -> Result<String, String>); 4] = [
        ("16 runners at once (one round): fresh database", || {
            let (db, p) = fresh("morse", "fault_16_fresh");
            let runs = sixteen(&p, &["migrate"]);
            all_zero(&runs)?;
            applied_once(&runs)?;
            converges(&p, &db, "morse")?;
            Ok("all exit 0; each migration applied by exactly one".into())
        }),
        ("16 runners at once (one round): nothing to do", || {
            let (db, p) = fresh("morse", "fault_16_noop");
            p.run("p", &["migrate"]).expect(0);
            let runs = sixteen(&p, &["migrate"]);
            all_zero(&runs)?;
            let noop = runs.iter().filter(|r| r.stderr.contains("applied 0, already current 4")).count();
            if noop != 16 {
                return Err(format!("{noop} of 16 reported nothing to do"));
            }
            converges(&p, &db, "morse")?;
            Ok("all exit 0, none applied anything".into())
        }),
        ("16 runners at once (one round): with test data", || {
            let (db, p) = fresh("morse", "fault_16_data");
            p.run("p", &["migrate", "--with-test-data"]).expect(0);
            let once = data_fingerprint(&mut db.client());
            let runs = sixteen(&p, &["migrate", "--with-test-data"]);
            all_zero(&runs)?;
            if data_fingerprint(&mut db.client()) != once {
                return Err("the rows differ from one application of the test data".into());
            }
            converges(&p, &db, "morse")?;
            Ok("all exit 0; the rows equal one application's".into())
        }),
        ("16 runners at once (one round): missing database (create_database)", || {
            let db = TestDb::unborn("fault_16_missing");
            let p = Profiles::new();
            p.write("p", &format!("targets:\n  - name: morse\n    schema: morse\n    url: \"{}\"\n    create_database: true\n", db.url));
            let runs = sixteen(&p, &["migrate"]);
            all_zero(&runs)?;
            applied_once(&runs)?;
            converges(&p, &db, "morse")?;
            let said_created = runs.iter().filter(|r| r.stderr.contains("created database")).count();
            Ok(format!("all exit 0; each migration applied by exactly one ({said_created} logged \"created database\")"))
        }),
    ];
    for (fault, check) in situations {
        let result = check();
        let detail = result.clone().unwrap_or_else(|e| e);
        table.add(fault.into(), vec![result.map(|_| ())], None, detail);
    }
}

fn all_zero(runs: &[Run]) -> Result<(), String> {
    match runs.iter().find(|r| r.code != 0) {
        Some(r) => Err(format!("a runner exited {}: {}", r.code, r.all().trim())),
        None => Ok(()),
    }
}

#[test]
fn fault_suite() {
    let m = mode();
    let started = Instant::now();
    let mut table = Table::default();
    println!("fault suite ({}), runner {}", if m.full { "full" } else { "short" }, runner_bin().display());
    let schemas = ["morse", "socrates-specs"].map(|s| (s, calibrate(s)));
    for (schema, timing) in &schemas {
        kill_trials(&mut table, schema, timing, m.kills);
    }
    kill_in_cic_trials(&mut table, m.kills_in_cic);
    for (schema, timing) in &schemas {
        terminate_trials(&mut table, schema, timing, m.terminations);
    }
    stall_rows(&mut table, &m);
    concurrent_rows(&mut table);
    table.print();
    println!("took {}", secs(started.elapsed()));
    assert!(table.failures.is_empty(), "{} fault trial(s) did not converge:\n{}", table.failures.len(), table.failures.join("\n"));
}
