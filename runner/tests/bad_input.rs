//! Bad input, as a hostile or careless operator gives it: each case asserts
//! the documented exit code, exactly one line on stderr naming the cause
//! (with -q), no panic, no secret in stdout or stderr even at
//! `RUST_LOG=trace -vv` (as written, percent-encoded and percent-decoded),
//! and the database left as it was. Case names start with the class of
//! issue 10 they keep fixed (class1_ … class7_), or `works_` for inputs that
//! were already handled well.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use common::*;

/// What the profiles directory holds as `p.yaml`.
enum ProfileFile {
    Yaml(String),
    Bytes(Vec<u8>),
    Directory,
}

struct Case {
    name: &'static str,
    code: i32,
    says: &'static str,
    profile_name: String,
    profile: ProfileFile,
    dotenv: Option<String>,
    args: Vec<String>,
    env: Vec<(String, String)>,
    secrets: Vec<String>,
}

fn case(name: &'static str, code: i32, says: &'static str) -> Case {
    Case {
        name,
        code,
        says,
        profile_name: "p".into(),
        profile: ProfileFile::Yaml(String::new()),
        dotenv: None,
        args: Vec::new(),
        env: Vec::new(),
        secrets: Vec::new(),
    }
}

impl Case {
    fn yaml(mut self, text: impl Into<String>) -> Self {
        self.profile = ProfileFile::Yaml(text.into());
        self
    }
    /// A profile with one morse target at `url` (written as a quoted YAML string).
    fn url(self, url: &str) -> Self {
        self.yaml(format!("targets:\n  - name: morse\n    schema: morse\n    url: '{}'\n", url.replace('\'', "''")))
    }
    fn bytes(mut self, bytes: Vec<u8>) -> Self {
        self.profile = ProfileFile::Bytes(bytes);
        self
    }
    fn directory(mut self) -> Self {
        self.profile = ProfileFile::Directory;
        self
    }
    fn profile_name(mut self, name: &str) -> Self {
        self.profile_name = name.into();
        self
    }
    fn dotenv(mut self, text: &str) -> Self {
        self.dotenv = Some(text.into());
        self
    }
    fn args(mut self, args: &[&str]) -> Self {
        self.args = args.iter().map(|a| a.to_string()).collect();
        self
    }
    fn env(mut self, k: &str, v: &str) -> Self {
        self.env.push((k.into(), v.into()));
        self
    }
    fn secret(mut self, s: &str) -> Self {
        self.secrets.push(s.into());
        self
    }
}

/// Run one case twice (-q, then trace) and return what is wrong with it.
fn check(c: &Case) -> Result<(), String> {
    let p = Profiles::new();
    match &c.profile {
        ProfileFile::Yaml(t) => std::fs::write(p.dir.join("p.yaml"), t).unwrap(),
        ProfileFile::Bytes(b) => std::fs::write(p.dir.join("p.yaml"), b).unwrap(),
        ProfileFile::Directory => std::fs::create_dir(p.dir.join("p.yaml")).unwrap(),
    }
    if let Some(text) = &c.dotenv {
        std::fs::write(p.dir.join(".env"), text).unwrap();
    }
    let env: Vec<(&str, &str)> = c.env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let args = |extra: &[&str]| -> Vec<String> { c.args.iter().cloned().chain(extra.iter().map(|s| s.to_string())).collect() };

    let quiet_args = args(&["-q"]);
    let quiet: Vec<&str> = quiet_args.iter().map(String::as_str).collect();
    let run = Run::from(p.command(&c.profile_name, &quiet, &env).output().unwrap());
    let lines: Vec<&str> = run.stderr.lines().collect();
    let mut problems = Vec::new();
    if run.code != c.code {
        problems.push(format!("exit {} instead of {}", run.code, c.code));
    }
    if lines.len() != 1 || !lines[0].starts_with("error: ") {
        problems.push(format!("stderr is not one `error:` line ({} lines)", lines.len()));
    }
    if !run.stderr.contains(c.says) {
        problems.push(format!("stderr does not say `{}`", c.says));
    }
    if run.stderr.chars().count() > 600 {
        problems.push(format!("stderr is {} characters long", run.stderr.chars().count()));
    }

    let trace_args = args(&["-vv"]);
    let trace: Vec<&str> = trace_args.iter().map(String::as_str).collect();
    let mut trace_env = env.clone();
    trace_env.push(("RUST_LOG", "trace"));
    let traced = Run::from(p.command(&c.profile_name, &trace, &trace_env).output().unwrap());
    if traced.code != c.code {
        problems.push(format!("exit {} at trace level instead of {}", traced.code, c.code));
    }
    for r in [&run, &traced] {
        if r.all().contains("panicked") {
            problems.push("a panic".into());
        }
        if let Some(form) = leaked(&r.all(), &c.secrets) {
            problems.push(format!("the secret `{form}` was printed"));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{}: {}\n--- stdout (-q)\n{}--- stderr (-q)\n{}--- stderr (trace, last 2000 bytes)\n{}",
            c.name,
            problems.join("; "),
            run.stdout,
            run.stderr,
            &traced.stderr[traced.stderr.len().saturating_sub(2000)..]
        ))
    }
}

/// Run the cases on a few threads; report every failing case at once.
fn check_all(cases: &[Case]) {
    let next = AtomicUsize::new(0);
    let failures = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                let Some(c) = cases.get(i) else { break };
                if let Err(f) = check(c) {
                    failures.lock().unwrap().push(f);
                }
            });
        }
    });
    let failures = failures.into_inner().unwrap();
    assert!(failures.is_empty(), "{} of {} cases failed:\n\n{}", failures.len(), cases.len(), failures.join("\n\n"));
}

/// The state a case must leave alone: history rows (as text, whatever the
/// column types), catalog and data.
fn fingerprint(db: &TestDb) -> Vec<String> {
    let mut c = db.client();
    let mut all = rows(&mut c, "SELECT x::text FROM morse_schema_history x ORDER BY 1");
    all.extend(catalog(&mut c));
    all.extend(data_fingerprint(&mut c));
    all
}

/// 342 bytes of YAML aliases, each level nine references to the one before:
/// expanded, 9^8 copies of the first list.
fn alias_bomb() -> String {
    let mut s = String::from("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    for w in names.windows(2) {
        let refs = vec![format!("*{}", w[0]); 9].join(",");
        s.push_str(&format!("{}: &{} [{refs}]\n", w[1], w[1]));
    }
    s
}

#[test]
fn bad_input_table() {
    let db = TestDb::new("bad_input");
    let admin = admin_url();
    let hostport = admin.rsplit_once('@').unwrap().1.rsplit_once('/').unwrap().0.to_string();
    let url = |pw: &str| format!("postgres://postgres:{pw}@{hostport}/{}", db.name);
    // The shared database: morse migrated with its test data, so "unchanged"
    // has something to compare.
    let setup = Profiles::new();
    setup.write("p", &one_target("morse", &db.url, ""));
    setup.run("p", &["--with-test-data"]).expect(0);
    let before = fingerprint(&db);

    let pw = "Bad-Input-Secret-1";
    let good = url(pw);
    let t = |u: &str| format!("targets:\n  - name: morse\n    schema: morse\n    url: '{u}'\n");
    let cases = vec![
        // 1. A `%` before a multi-byte character crashed the hand-written decoder.
        case("class1_percent_before_multibyte_in_password", 2, "invalid percent escape in the password").url(&url("p%€x-Sec1")).secret("p%€x-Sec1"),
        case("class1_percent_before_multibyte_in_parameter", 2, "invalid percent escape").url(&format!("{good}?application_name=x%€")).secret(pw),
        case("class1_percent_at_end_of_password", 2, "invalid percent escape in the password").url(&url("pw-Sec1b%")).secret("pw-Sec1b%"),
        case("class1_percent_before_multibyte_in_database", 2, "invalid percent escape").url(&format!("postgres://postgres:{pw}@{hostport}/d%€b")).secret(pw),
        // 2. Reserved characters in a password: refused, never printed.
        case("class2_slash_in_password_status", 2, "percent-encode the password").url(&url("abc/def+ghi=")).args(&["status"]).secret("abc/def+ghi="),
        case("class2_slash_in_password_status_json", 2, "percent-encode the password").url(&url("abc/def+ghi=")).args(&["status", "--format", "json"]).secret("abc/def+ghi="),
        case("class2_slash_in_password_dry_run_sql", 2, "percent-encode the password").url(&url("abc/def+ghi=")).args(&["migrate", "--dry-run", "--sql"]).secret("abc/def+ghi="),
        case("class2_question_mark_in_password", 2, "percent-encode the password").url(&url("Sec2?word")).args(&["status"]).secret("Sec2?word"),
        case("class2_hash_in_password", 2, "percent-encode the password").url(&url("Sec2#word")).args(&["verify"]).secret("Sec2#word"),
        case("class2_at_in_password", 2, "percent-encode the password").url(&url("Sec2@word")).args(&["migrate", "--dry-run"]).secret("Sec2@word"),
        case("class2_at_in_parameter_value", 2, "percent-encode").url(&format!("{good}?application_name=me@host")).secret(pw),
        // 3. Configuration errors quote no value.
        case("class3_env_file_line_that_does_not_parse", 2, "line 2 does not parse")
            .dotenv("DATABASE_URL=postgres://app:test-Env-Sec3-a@h/d\nPASS WORD=test-Env-Sec3-b\n")
            .url("${DATABASE_URL}")
            .secret("test-Env-Sec3-a")
            .secret("test-Env-Sec3-b"),
        case("class3_env_file_unclosed_quote", 2, "does not parse").dotenv("TOKEN='test-Env-Sec3-c\n").url(&good).secret("test-Env-Sec3-c").secret(pw),
        case("class3_unclosed_interpolation_in_url", 2, "unclosed `${` at character").url(&format!("{good}${{DB")).secret(pw),
        case("class3_invalid_reference_in_url", 2, "is not a variable reference").url(&format!("postgres://u:${{Sec3-ref-x}}@{hostport}/d")).secret("Sec3-ref-x"),
        case("class3_yaml_type_error_on_url", 2, "`targets[0].url`: must be text")
            .yaml(format!("targets:\n  - name: morse\n    schema: morse\n    url: ['{}']\n", url("Sec3-list-pw")))
            .secret("Sec3-list-pw"),
        case("class3_production_holding_a_url", 2, "`production`: must be true or false").yaml(format!("production: '{}'\n{}", url("Sec3-prod-pw"), t(&good))).secret("Sec3-prod-pw").secret(pw),
        case("class3_production_from_a_variable_holding_a_url", 2, "`production`: must be true or false")
            .yaml(format!("production: ${{MODE}}\n{}", t(&good)))
            .env("MODE", &url("Sec3-mode-pw"))
            .secret("Sec3-mode-pw")
            .secret(pw),
        case("class3_mapping_for_a_duration", 2, "`lock_timeout`: must be a single value").yaml(format!("lock_timeout: {{ a: '{}' }}\n{}", url("Sec3-map-pw"), t(&good))).secret("Sec3-map-pw").secret(pw),
        case("class3_secret_variable_as_a_duration", 2, "`statement_timeout`: is not a duration")
            .yaml(format!("statement_timeout: ${{API_TOKEN}}\n{}", t(&good)))
            .env("API_TOKEN", "Sec3-token-value")
            .secret("Sec3-token-value")
            .secret(pw),
        case("class3_unknown_key_holding_a_password", 2, "unknown key `passwrd`").yaml(format!("passwrd: Sec3-hunter2\n{}", t(&good))).secret("Sec3-hunter2").secret(pw),
        case("class3_schema_holding_a_url", 2, "unknown schema").yaml(format!("targets:\n  - name: m\n    schema: '{}'\n    url: x\n", url("Sec3-schema-pw"))).secret("Sec3-schema-pw"),
        case("class3_url_on_the_command_line", 2, "no target").url(&good).args(&["--target", &url("Sec3-cli-pw")]).secret("Sec3-cli-pw").secret(pw),
        case("class3_url_as_an_unknown_option", 2, "unexpected argument").url(&good).args(&["status", &format!("--{}", url("Sec3-opt-pw"))]).secret("Sec3-opt-pw"),
        // 4. Resource exhaustion.
        case("class4_alias_bomb", 2, "anchor").yaml(alias_bomb()),
        case("class4_alias_to_a_target", 2, "anchor").yaml(format!("targets:\n  - &t {{ name: a, schema: morse, url: '{good}' }}\n  - *t\n")).secret(pw),
        case("class4_deep_nesting", 2, "nesting deeper").yaml(format!("targets: {}{}\n", "[".repeat(30), "]".repeat(30))),
        case("class4_very_deep_nesting", 2, "is not valid YAML").yaml(format!("targets: {}{}\n", "[".repeat(100_000), "]".repeat(100_000))),
        case("class4_huge_profile", 2, "a few kilobytes").yaml(format!("description: '{}'\n{}", "x".repeat(300 * 1024), t(&good))).secret(pw),
        case("class4_binary_profile", 2, "is not UTF-8 text").bytes((0..65536u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect()),
        case("class4_one_64k_scalar", 2, "single value").yaml("x".repeat(65536)),
        case("class4_64k_key", 2, "single value").yaml(format!("{}: 1\n{}", "k".repeat(65536), t(&good))).secret(pw),
        case("class4_1k_key", 2, "unknown key `kkkk").yaml(format!("{}: 1\n{}", "k".repeat(1000), t(&good))).secret(pw),
        case("class4_url_longer_than_4096", 2, "longer than 4096").url(&format!("{good}?application_name={}", "a".repeat(5000))).secret(pw),
        // 6. Silent acceptance.
        case("class6_invalid_percent_escape", 2, "invalid percent escape in the password").url(&url("p%zz%4-Sec6")).secret("p%zz%4-Sec6"),
        case("class6_profile_outside_the_directory", 2, "plain name").profile_name("../outside/evil"),
        case("class6_absolute_profile_path", 2, "plain name").profile_name("/etc/passwd"),
        case("class6_hidden_profile_name", 2, "plain name").profile_name(".p"),
        case("class6_lock_timeout_past_postgres", 2, "`lock_timeout`").yaml(format!("lock_timeout: 99999999999h\n{}", t(&good))).secret(pw),
        case("class6_lock_timeout_zero", 2, "wait forever").yaml(format!("lock_timeout: 0\n{}", t(&good))).secret(pw),
        case("class6_lock_timeout_over_a_day", 2, "longer than 1d").yaml(format!("lock_timeout: 25h\n{}", t(&good))).secret(pw),
        case("class6_lock_timeout_below_a_millisecond", 2, "at least 1ms").yaml(format!("lock_timeout: 0.2ms\n{}", t(&good))).secret(pw),
        case("class6_statement_timeout_zero", 2, "no limit").yaml(format!("statement_timeout: 0s\n{}", t(&good))).secret(pw),
        case("class6_baseline_past_the_newest_version", 2, "--baseline 999").url(&good).args(&["adopt", "--baseline", "999"]).secret(pw),
        case("class6_nul_in_url", 2, "control character")
            .yaml(format!("targets:\n  - name: morse\n    schema: morse\n    url: \"postgres://postgres:{pw}@{hostport}/d\\0b\"\n"))
            .secret(pw),
        case("class6_tab_in_password", 2, "control character").url(&url("Sec6\ttab")).secret("Sec6\ttab"),
        // 7. Messages naming what is wrong.
        case("class7_unknown_url_parameter", 2, "unknown parameter `frobnicate`").url(&format!("{good}?frobnicate=1")).secret(pw),
        case("class7_port_out_of_range", 2, "port 99999 out of range").url(&format!("postgres://postgres:{pw}@127.0.0.1:99999/d")).secret(pw),
        case("class7_port_not_a_number", 2, "not a number").url(&format!("postgres://postgres:{pw}@127.0.0.1:54x/d")).secret(pw),
        case("class7_profile_is_a_directory", 2, "is not a file").directory(),
        case("class7_connect_timeout_not_a_number", 2, "parameter `connect_timeout`").url(&format!("{good}?connect_timeout=soon")).secret(pw),
        case("class7_several_hosts", 2, "several hosts").url(&format!("postgres://postgres:{pw}@h1:5432,h2:5433/d")).secret(pw),
        case("class7_client_certificate", 2, "client certificate").url(&format!("{good}?sslcert=/x.pem")).secret(pw),
        // Inputs that were already handled well.
        case("works_empty_file", 2, "has no targets"),
        case("works_yaml_syntax_error", 2, "is not valid YAML").yaml(format!("{}   bad: [oops\n", t(&good))).secret(pw),
        case("works_unknown_key", 2, "unknown key `targtes`").yaml("targtes: []\n"),
        case("works_unknown_target_key", 2, "unknown key `uri`").yaml(format!("targets:\n  - name: a\n    schema: morse\n    uri: '{good}'\n")).secret(pw),
        case("works_duplicate_targets", 2, "used twice").yaml(format!("{}{}", t(&good), t(&good).replacen("targets:\n", "", 1))).secret(pw),
        case("works_unknown_schema", 2, "unknown schema `morze`").yaml(format!("targets:\n  - name: a\n    schema: morze\n    url: '{good}'\n")).secret(pw),
        case("works_missing_url", 2, "`targets[0].url`: is missing").yaml("targets:\n  - name: a\n    schema: morse\n"),
        case("works_url_that_is_not_a_url", 2, "does not start with postgres://").url("hello world"),
        case("works_other_scheme", 2, "scheme `mysql`").url(&format!("mysql://u:{pw}@h/d")).secret(pw),
        case("works_bogus_sslmode", 2, "parameter `sslmode`").url(&format!("{good}?sslmode=sometimes")).secret(pw),
        case("works_verify_full_against_an_untrusted_certificate", 3, "sslmode=verify-full").url(&format!("{good}?sslmode=verify-full")).args(&["status"]).secret(pw),
        case("works_port_zero", 2, "port 0").url(&format!("postgres://postgres:{pw}@127.0.0.1:0/d")).secret(pw),
        case("works_unresolvable_host", 3, "cannot connect").url(&format!("postgres://postgres:{pw}@no-such-host.invalid/d")).secret(pw),
        case("works_unreachable_port", 3, "cannot connect").url(&format!("postgres://postgres:{pw}@127.0.0.1:1/d")).secret(pw),
        case("works_missing_database", 3, "does not exist").url(&format!("postgres://postgres:{pw}@{hostport}/rt_no_such_db_x")).args(&["status"]).secret(pw),
        case("works_create_database_on_production", 2, "create_database is for local profiles only")
            .yaml(format!("production: true\n{}    create_database: true\n", t(&good)))
            .secret(pw),
        case("works_missing_variable", 2, "environment variable NO_SUCH_DB_URL is not set").url("${NO_SUCH_DB_URL}"),
        case("works_empty_variable", 2, "the url is empty").url("${EMPTY_DB_URL}").env("EMPTY_DB_URL", ""),
        case("works_unknown_target", 2, "no target `nosuch`").url(&good).args(&["--target", "nosuch"]).secret(pw),
        case("works_rollback_to_999", 2, "--to 999 is not an applied version").url(&good).args(&["rollback", "--to", "999"]).secret(pw),
        case("works_rollback_to_minus_1", 2, "unexpected argument").url(&good).args(&["rollback", "--to", "-1"]).secret(pw),
        case("works_rollback_to_abc", 2, "invalid value 'abc'").url(&good).args(&["rollback", "--to", "abc"]).secret(pw),
        case("works_etl_without_its_section", 2, "no etl.totalis section").url(&good).args(&["etl", "totalis"]).secret(pw),
        case("works_missing_env_file", 2, "cannot load --env-file").url(&good).args(&["--env-file", "/nonexistent/.env"]).secret(pw),
        case("works_unknown_subcommand", 2, "unrecognized subcommand").url(&good).args(&["frobnicate"]).secret(pw),
        case("works_format_xml", 2, "invalid value 'xml'").url(&good).args(&["status", "--format", "xml"]).secret(pw),
        case("works_test_data_on_production", 2, "--with-test-data is refused").yaml(format!("production: true\n{}", t(&good))).args(&["--with-test-data"]).secret(pw),
        case("works_transaction_pooler", 2, "transaction pooler").url(&format!("postgresql://o:{pw}@aws-0-eu-central-1.pooler.supabase.com:6543/postgres")).secret(pw),
        case("works_target_name_with_a_slash", 2, "`targets[0].name`: must be a plain name").yaml(format!("targets:\n  - name: a/b\n    schema: morse\n    url: '{good}'\n")).secret(pw),
        case("works_env_file_is_a_directory", 2, "not a file").url(&good).args(&["--env-file", "/tmp"]).secret(pw),
    ];
    assert!(cases.len() >= 60, "{} cases", cases.len());
    check_all(&cases);
    assert_eq!(before, fingerprint(&db), "a bad input changed the database");
}

/// Class 5: a history table changed by hand (a column of another type, a
/// NULL) is an error naming the column (exit 1) for every command that
/// reads it, never a panic; nothing changes.
#[test]
fn class5_history_columns_of_unexpected_type_or_null() {
    let pw = "Class5-Secret";
    for (tag, damage, says) in [
        ("c5_bigint", "ALTER TABLE morse_schema_history ALTER COLUMN version TYPE bigint", "column `version` has type int8"),
        ("c5_name_int", "ALTER TABLE morse_schema_history ALTER COLUMN name TYPE integer USING length(name)", "column `name` has type int4"),
        (
            "c5_null",
            "ALTER TABLE morse_schema_history DROP CONSTRAINT morse_schema_history_pkey, ALTER COLUMN version DROP NOT NULL; INSERT INTO morse_schema_history VALUES (NULL, 'x', 'y', 'z')",
            "column `version` is NULL",
        ),
    ] {
        let db = TestDb::new(tag);
        let setup = Profiles::new();
        setup.write("p", &one_target("morse", &db.url, ""));
        setup.run("p", &[]).expect(0);
        db.client().batch_execute(damage).unwrap();
        let before = fingerprint(&db);
        let cases: Vec<Case> = [
            vec!["status"],
            vec!["status", "--format", "json"],
            vec!["verify"],
            vec!["migrate"],
            vec!["migrate", "--dry-run"],
            vec!["rollback", "--confirm"],
            vec!["adopt"],
        ]
        .into_iter()
        .map(|args| case("class5_history", 1, says).url(&db.url_with_password(pw)).args(&args).secret(pw))
        .collect();
        check_all(&cases);
        assert_eq!(before, fingerprint(&db), "{tag}: the database changed");
    }
}

/// The alias bomb is a few hundred bytes (it expands to 9^8 lists).
#[test]
fn class4_alias_bomb_is_small() {
    assert!(alias_bomb().len() < 512, "{}", alias_bomb().len());
}

/// A wrong password on a password-protected server: exit 3, the password
/// never printed in any form.
#[test]
fn wrong_password_is_refused_with_exit_3_and_never_printed() {
    let db = PasswordDb::new("bad_pw", "test-password-right-1");
    let cases = vec![
        case("login_wrong_password", 3, "refused the login").url(&db.url_with("test-password-WRONG-1")).args(&["status"]).secret("test-password-WRONG-1").secret("test-password-right-1"),
        case("login_wrong_password_migrate", 3, "refused the login").url(&db.url_with("test-password-WRONG-1")).secret("test-password-WRONG-1"),
        case("login_wrong_password_in_parameter", 3, "refused the login")
            .url(&format!("{}?password=test-password-WRONG-2", db.url_with("x").replacen(":x@", "@", 1)))
            .args(&["status"])
            .secret("test-password-WRONG-2"),
        case("login_wrong_password_verify", 3, "could not reach morse").url(&db.url_with("test-password-WRONG-3")).args(&["verify"]).secret("test-password-WRONG-3"),
    ];
    check_all(&cases);
}

/// The panic hook, through a panic std itself raises: printing to a closed
/// stdout. One line on stderr without the panic's text, exit 70.
#[test]
fn panic_hook_prints_one_scrubbed_line_and_exits_70() {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_runner"))
        .arg("--help")
        .stdout(writer)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(70), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("error: internal error at "), "{stderr}");
    assert!(!stderr.contains("panicked") && !stderr.contains("Broken pipe") && !stderr.contains("failed printing"), "{stderr}");
}
