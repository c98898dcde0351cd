//! Test support: a fresh database per test on a real PostgreSQL, and the
//! runner binary with a profile of the test's own.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

use postgres::{Client, NoTls};

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// The admin URL (scripts/test exports it; default: the local server).
pub fn admin_url() -> String {
    std::env::var("RUNNER_TEST_ADMIN_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

pub fn connect(url: &str) -> Client {
    Client::connect(url, NoTls).unwrap_or_else(|e| panic!("cannot connect to {url}: {e} (is PostgreSQL running? scripts/test starts one)"))
}

fn unique(tag: &str) -> String {
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos();
    format!("rt_{tag}_{}_{n}_{nanos}", std::process::id())
}

/// A database created for one test and dropped when the test ends.
pub struct TestDb {
    pub name: String,
    pub url: String,
}

impl TestDb {
    pub fn new(tag: &str) -> TestDb {
        let db = TestDb::unborn(tag);
        connect(&admin_url()).batch_execute(&format!("CREATE DATABASE \"{}\"", db.name)).unwrap();
        db
    }

    /// A name and URL whose database does not exist yet (dropped at the end if created).
    pub fn unborn(tag: &str) -> TestDb {
        let name = unique(tag);
        let admin = admin_url();
        let base = admin.rsplit_once('/').map(|(b, _)| b.to_string()).unwrap();
        TestDb { url: format!("{base}/{name}"), name }
    }

    pub fn client(&self) -> Client {
        connect(&self.url)
    }

    /// The URL with a password inserted (trust auth ignores it), to prove it is never printed.
    pub fn url_with_password(&self, password: &str) -> String {
        self.url.replacen("postgres@", &format!("postgres:{password}@"), 1)
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Ok(mut c) = Client::connect(&admin_url(), NoTls) {
            let _ = c.batch_execute(&format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.name));
        }
    }
}

/// The runner binary under test: this build's, or `RUNNER_TEST_BIN` (another
/// build, e.g. an older one measured by `scripts/faults --runner PATH`).
pub fn runner_bin() -> PathBuf {
    std::env::var_os("RUNNER_TEST_BIN").map(PathBuf::from).unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_runner")))
}

/// A directory of profiles for one test, removed at the end.
pub struct Profiles {
    pub dir: PathBuf,
}

impl Profiles {
    pub fn new() -> Profiles {
        let dir = std::env::temp_dir().join(unique("profiles"));
        std::fs::create_dir_all(&dir).unwrap();
        Profiles { dir }
    }

    pub fn write(&self, name: &str, yaml: &str) -> &Self {
        std::fs::write(self.dir.join(format!("{name}.yaml")), yaml).unwrap();
        self
    }

    /// `runner --profiles-dir DIR --profile NAME ARGS...` with a clean environment.
    pub fn run(&self, profile: &str, args: &[&str]) -> Run {
        self.run_env(profile, args, &[])
    }

    pub fn run_env(&self, profile: &str, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut cmd = self.command(profile, args, env);
        Run::from(cmd.output().expect("run the runner binary"))
    }

    pub fn command(&self, profile: &str, args: &[&str], env: &[(&str, &str)]) -> Command {
        let mut cmd = Command::new(runner_bin());
        cmd.arg("--profiles-dir").arg(&self.dir).arg("--profile").arg(profile).args(args);
        cmd.env_remove("RUST_LOG").env_remove("DATABASE_URL").env_remove("RUNNER_PROFILE").env_remove("RUNNER_PROFILES_DIR");
        // No .env from the developer's checkout.
        cmd.current_dir(&self.dir);
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd
    }
}

impl Drop for Profiles {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(o: Output) -> Run {
        Run {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

impl Run {
    pub fn all(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }

    #[track_caller]
    pub fn expect(&self, code: i32) -> &Self {
        assert_eq!(self.code, code, "exit code\n--- stdout\n{}\n--- stderr\n{}", self.stdout, self.stderr);
        self
    }
}

/// A profile with one target of `schema` at `url`.
pub fn one_target(schema: &str, url: &str, extra: &str) -> String {
    format!("{extra}\ntargets:\n  - name: {schema}\n    schema: {schema}\n    url: \"{url}\"\n")
}

/// Rows of `sql` as one text per row (every column joined by `|`).
pub fn rows(client: &mut Client, sql: &str) -> Vec<String> {
    client
        .simple_query(sql)
        .unwrap()
        .into_iter()
        .filter_map(|m| match m {
            postgres::SimpleQueryMessage::Row(r) => {
                Some((0..r.len()).map(|i| r.get(i).unwrap_or("NULL").to_string()).collect::<Vec<_>>().join("|"))
            }
            _ => None,
        })
        .collect()
}

pub fn count(client: &mut Client, sql: &str) -> i64 {
    client.query_one(sql, &[]).unwrap().get(0)
}

/// A fingerprint of the schema's catalog: tables and columns, constraints,
/// indexes, functions (with bodies), triggers and views.
pub fn catalog(client: &mut Client) -> Vec<String> {
    rows(
        client,
        "SELECT 'col '||c.relname||'.'||a.attname||' '||format_type(a.atttypid,a.atttypmod)||' '||a.attnotnull||' '||coalesce(pg_get_expr(d.adbin,d.adrelid),'')
           FROM pg_attribute a JOIN pg_class c ON c.oid=a.attrelid JOIN pg_namespace n ON n.oid=c.relnamespace
           LEFT JOIN pg_attrdef d ON d.adrelid=a.attrelid AND d.adnum=a.attnum
          WHERE n.nspname='public' AND c.relkind IN ('r','v','p') AND a.attnum>0 AND NOT a.attisdropped
         UNION ALL SELECT 'con '||conrelid::regclass||' '||conname||' '||pg_get_constraintdef(oid) FROM pg_constraint WHERE connamespace='public'::regnamespace
         UNION ALL SELECT 'idx '||indexname||' '||indexdef FROM pg_indexes WHERE schemaname='public'
         UNION ALL SELECT 'fn '||p.oid::regprocedure||' '||md5(p.prosrc) FROM pg_proc p WHERE p.pronamespace='public'::regnamespace
         UNION ALL SELECT 'trg '||tgrelid::regclass||' '||tgname FROM pg_trigger WHERE NOT tgisinternal
         UNION ALL SELECT 'view '||viewname||' '||md5(definition) FROM pg_views WHERE schemaname='public'
         UNION ALL SELECT 'type '||t.typname||' '||coalesce((SELECT string_agg(enumlabel, ',' ORDER BY enumsortorder) FROM pg_enum e WHERE e.enumtypid=t.oid),'') FROM pg_type t WHERE t.typnamespace='public'::regnamespace AND t.typtype='e'
         ORDER BY 1",
    )
}

/// Every row of every table in `public` (history tables aside), as a count
/// and a hash per table: equal fingerprints mean equal data.
pub fn data_fingerprint(c: &mut Client) -> Vec<String> {
    let tables = rows(c, "SELECT tablename FROM pg_tables WHERE schemaname='public' AND tablename NOT LIKE '%schema_history' ORDER BY 1");
    tables
        .iter()
        .map(|t| rows(c, &format!("SELECT '{t}: '||count(*)||' '||coalesce(md5(string_agg(x::text, ',' ORDER BY x::text)),'') FROM \"{t}\" x")).remove(0))
        .collect()
}

/// The admin URL of the password-protected throwaway cluster (scram-sha-256),
/// started once by `scripts/dev-postgres` (a trust-auth server accepts any
/// password, so login failures and redaction need this one).
pub fn scram_admin_url() -> String {
    static URL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    URL.get_or_init(|| {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../scripts/dev-postgres");
        let out = Command::new(script).env("DEV_POSTGRES_AUTH", "scram-sha-256").output().expect("run scripts/dev-postgres");
        assert!(out.status.success(), "scripts/dev-postgres (scram-sha-256) failed: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    })
    .clone()
}

/// A login role with `password` on the password-protected cluster, owning a
/// fresh database; both dropped at the end.
pub struct PasswordDb {
    pub role: String,
    pub name: String,
    pub password: String,
}

impl PasswordDb {
    pub fn new(tag: &str, password: &str) -> PasswordDb {
        let name = unique(tag);
        let mut admin = connect(&scram_admin_url());
        let literal = format!("'{}'", password.replace('\'', "''"));
        admin.batch_execute(&format!("CREATE ROLE \"{name}\" LOGIN PASSWORD {literal}")).unwrap();
        admin.batch_execute(&format!("CREATE DATABASE \"{name}\" OWNER \"{name}\"")).unwrap();
        PasswordDb { role: name.clone(), name, password: password.to_string() }
    }

    /// The URL with the password percent-encoded (every byte that is not
    /// alphanumeric), as a careful operator writes it.
    pub fn url(&self) -> String {
        let encoded = percent_encoding::utf8_percent_encode(&self.password, percent_encoding::NON_ALPHANUMERIC);
        self.url_with(&encoded.to_string())
    }

    /// The URL with the password text exactly as given.
    pub fn url_with(&self, password_text: &str) -> String {
        let admin = scram_admin_url();
        let hostport = admin.rsplit_once('@').unwrap().1.rsplit_once('/').unwrap().0.to_string();
        format!("postgres://{}:{password_text}@{hostport}/{}", self.role, self.name)
    }

    pub fn client(&self) -> Client {
        let mut config = postgres::Config::new();
        let admin: postgres::Config = scram_admin_url().parse().unwrap();
        config.user(&self.role).password(&self.password).dbname(&self.name).host("127.0.0.1").port(admin.get_ports()[0]);
        config.connect(NoTls).unwrap()
    }
}

impl Drop for PasswordDb {
    fn drop(&mut self) {
        if let Ok(mut c) = Client::connect(&scram_admin_url(), NoTls) {
            let _ = c.batch_execute(&format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE); DROP ROLE IF EXISTS \"{}\"", self.name, self.role));
        }
    }
}

/// Every form of `secret` that must never be printed: as written, percent-
/// encoded, and percent-decoded.
pub fn secret_forms(secret: &str) -> Vec<String> {
    let mut forms = vec![
        secret.to_string(),
        percent_encoding::utf8_percent_encode(secret, percent_encoding::NON_ALPHANUMERIC).to_string(),
        percent_encoding::percent_decode_str(secret).decode_utf8_lossy().into_owned(),
    ];
    forms.retain(|f| f.chars().count() >= 3);
    forms.dedup();
    forms
}

/// The first form of any of `secrets` found in `text`.
pub fn leaked<'a>(text: &str, secrets: &'a [String]) -> Option<String> {
    secrets.iter().flat_map(|s| secret_forms(s)).find(|f| text.contains(f.as_str()))
}
