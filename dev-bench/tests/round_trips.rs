//! The round-trip budget of each command, counted at the protocol level by
//! the proxy (simple Query + extended Sync messages after the login), with
//! the runner's commands run in this process against a real PostgreSQL.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use clap::Parser;
use dev_bench::Proxy;
use postgres::{Client, NoTls};

fn admin_url() -> String {
    std::env::var("RUNNER_TEST_ADMIN_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// `host:port` of the admin URL.
fn server() -> String {
    let url = admin_url();
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or(&url);
    let authority = rest.split('/').next().unwrap_or(rest);
    authority.rsplit_once('@').map(|(_, h)| h).unwrap_or(authority).to_string()
}

/// Databases created for one test and dropped at its end.
struct Databases(Vec<String>);

impl Databases {
    fn new(tags: &[&str]) -> Databases {
        static N: AtomicUsize = AtomicUsize::new(0);
        let mut admin = Client::connect(&admin_url(), NoTls).expect("PostgreSQL answers (scripts/test starts one)");
        let names: Vec<String> = tags
            .iter()
            .map(|t| format!("rt_trips_{t}_{}_{}", std::process::id(), N.fetch_add(1, Ordering::SeqCst)))
            .collect();
        for n in &names {
            admin.batch_execute(&format!("CREATE DATABASE {n}")).unwrap();
        }
        Databases(names)
    }
}

impl Drop for Databases {
    fn drop(&mut self) {
        if let Ok(mut admin) = Client::connect(&admin_url(), NoTls) {
            for n in &self.0 {
                let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS {n} WITH (FORCE)"));
            }
        }
    }
}

struct Setup {
    proxy: Proxy,
    dbs: Databases,
    dir: std::path::PathBuf,
}

impl Setup {
    /// One target per schema, each in its own database, reached through the proxy.
    fn new(schemas: &[&str]) -> Setup {
        let proxy = Proxy::start("127.0.0.1:0", &server(), Duration::ZERO, |_| {}).unwrap();
        let dbs = Databases::new(&schemas.iter().map(|s| s.replace('-', "_")).collect::<Vec<_>>().iter().map(String::as_str).collect::<Vec<_>>());
        let dir = std::env::temp_dir().join(format!("rt_trips_profiles_{}", dbs.0[0]));
        std::fs::create_dir_all(&dir).unwrap();
        let mut yaml = String::from("production: false\ntargets:\n");
        for (s, db) in schemas.iter().zip(&dbs.0) {
            yaml.push_str(&format!("  - name: {s}\n    schema: {s}\n    url: \"postgres://postgres@{}/{db}?sslmode=disable\"\n", proxy.addr));
        }
        std::fs::write(dir.join("p.yaml"), yaml).unwrap();
        Setup { proxy, dbs, dir }
    }

    /// Run `runner --profile p ARGS` in this process; the round trips of each
    /// target's connections, in profile order.
    fn run(&self, args: &[&str]) -> Vec<Vec<u64>> {
        self.proxy.reset();
        let mut argv = vec!["runner", "--profiles-dir", self.dir.to_str().unwrap(), "--profile", "p", "-q"];
        argv.extend_from_slice(args);
        runner::cli::run(runner::cli::Cli::parse_from(argv)).unwrap_or_else(|e| panic!("runner {args:?}: {e}"));
        let counts = self.proxy.counts();
        self.dbs.0.iter().map(|db| counts.iter().filter(|c| &c.database == db).map(|c| c.round_trips()).collect()).collect()
    }
}

impl Drop for Setup {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[test]
fn a_fresh_apply_costs_one_round_trip_per_migration_and_at_most_three_more() {
    let s = Setup::new(&["socrates-specs"]);
    let migrations = (runner::registry::find("socrates-specs").unwrap().migrations.list)().len() as u64;
    let trips = s.run(&["migrate"]);
    assert_eq!(trips[0].len(), 1, "one connection: {trips:?}");
    assert!(trips[0][0] >= migrations && trips[0][0] <= migrations + 3, "{} migrations took {trips:?}", migrations);
}

#[test]
fn no_op_migrate_status_and_verify_cost_at_most_two_round_trips_per_target() {
    let s = Setup::new(&["morse", "socrates-auth", "oprina"]);
    s.run(&["migrate"]);
    for command in [&["migrate"][..], &["status"], &["verify"], &["migrate", "--dry-run"]] {
        let trips = s.run(command);
        for (target, t) in trips.iter().enumerate() {
            assert_eq!(t.len(), 1, "{command:?}: one connection per target: {trips:?}");
            assert!(t[0] <= 2, "{command:?}, target {target}: {} round trips", t[0]);
        }
    }
}
