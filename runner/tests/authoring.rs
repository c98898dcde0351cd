//! Writing a migration: `runner new`, completions, `--version`, colour.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{one_target, Profiles, TestDb};

fn runner() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_runner"));
    cmd.env_remove("RUST_LOG").env_remove("NO_COLOR");
    cmd
}

/// A copy of a schema crate's migrations and down scripts, so `new` writes
/// somewhere the test owns.
fn copy_crate(name: &str) -> PathBuf {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(name);
    let dst = std::env::temp_dir().join(format!("runner-new-{name}-{}-{:?}", std::process::id(), std::thread::current().id()));
    let _ = std::fs::remove_dir_all(&dst);
    std::fs::create_dir_all(&dst).unwrap();
    for sub in ["migrations", "down"] {
        assert!(Command::new("cp").arg("-r").arg(src.join(sub)).arg(dst.join(sub)).status().unwrap().success());
    }
    dst
}

fn new(crate_dir: &Path, args: &[&str]) -> common::Run {
    let out = runner().arg("new").args(args).arg("--crate-dir").arg(crate_dir).output().unwrap();
    common::Run::from(out)
}

/// The migrations refinery's own loader finds in `dir` (the rule `embed_migrations!` applies).
fn refinery_sees(dir: &Path) -> Vec<String> {
    refinery::load_sql_migrations(dir).unwrap().iter().map(|m| m.to_string()).collect()
}

#[test]
fn new_writes_the_next_version_that_refinery_embeds_with_its_down_script() {
    let dir = copy_crate("morse-schema");
    let before = refinery_sees(&dir.join("migrations"));
    let r = new(&dir, &["--schema", "morse", "add_workout_notes"]);
    r.expect(0);
    let up = dir.join("migrations/V5__add_workout_notes.sql");
    let down = dir.join("down/V5__add_workout_notes.down.sql");
    assert!(up.is_file() && down.is_file(), "{}", r.all());
    let after = refinery_sees(&dir.join("migrations"));
    assert_eq!(after.len(), before.len() + 1);
    assert!(after.contains(&"V5__add_workout_notes".to_string()), "{after:?}");
    let text = std::fs::read_to_string(&up).unwrap();
    assert!(text.contains("No BEGIN/COMMIT") && text.contains("Never edit"), "{text}");
    assert!(!text.starts_with("-- no-transaction"));
    // The next steps are commands, in order.
    for step in ["lint --schema morse", "snapshot --schema morse", "doc --schema morse", "scripts/test"] {
        assert!(r.stdout.contains(step), "{step} missing from\n{}", r.stdout);
    }
    // A file created since the last build counts: the next one is V6.
    new(&dir, &["--schema", "morse", "backfill_notes", "--no-transaction"]).expect(0);
    let nt = std::fs::read_to_string(dir.join("migrations/V6__backfill_notes.sql")).unwrap();
    assert!(nt.starts_with("-- no-transaction\n") && nt.contains("re-runnable"), "{nt}");
    assert!(refinery_sees(&dir.join("migrations")).contains(&"V6__backfill_notes".to_string()));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn new_writes_into_the_socrates_set_named() {
    let dir = copy_crate("socrates-schema");
    let specs_before = refinery_sees(&dir.join("migrations/specs")).len();
    let auth_before = refinery_sees(&dir.join("migrations/auth")).len();
    new(&dir, &["--schema", "socrates-auth", "add_login_audit"]).expect(0);
    assert!(dir.join(format!("migrations/auth/V{}__add_login_audit.sql", auth_before + 1)).is_file());
    assert!(dir.join(format!("down/auth/V{}__add_login_audit.down.sql", auth_before + 1)).is_file());
    assert_eq!(refinery_sees(&dir.join("migrations/specs")).len(), specs_before);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn new_refuses_names_refinery_would_skip_and_writes_nothing() {
    let dir = copy_crate("morse-schema");
    for bad in ["add-notes", "add notes", "Add_Notes", "add.notes", ""] {
        let r = new(&dir, &["--schema", "morse", bad]);
        r.expect(2);
        assert!(r.stderr.contains("snake_case") || r.stderr.contains("empty"), "{bad}: {}", r.stderr);
        assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
    }
    let r = new(&dir, &["--schema", "morze", "x"]);
    r.expect(2);
    assert!(r.stderr.contains("unknown schema `morze`"), "{}", r.stderr);
    assert_eq!(std::fs::read_dir(dir.join("migrations")).unwrap().count(), 4);
    assert_eq!(std::fs::read_dir(dir.join("down")).unwrap().count(), 4);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn version_names_every_schema_with_its_newest_version() {
    let out = runner().arg("--version").output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    for def in runner::registry::all() {
        let newest = def.sorted_migrations().last().unwrap().version();
        assert!(text.contains(&format!("{} V{newest}", def.name)), "{text}");
    }
}

#[test]
fn completions_are_scripts_for_each_shell() {
    for (shell, marker) in [("bash", "complete -F"), ("zsh", "#compdef runner"), ("fish", "complete -c runner")] {
        let out = runner().args(["completions", shell]).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{shell}");
        assert!(text.contains(marker), "{shell}: {}", &text[..text.len().min(300)]);
        assert!(text.contains("verify") && text.contains("rollback"), "{shell} lacks subcommands");
    }
    let syntax = Command::new("bash").arg("-n").arg("-c").arg(String::from_utf8_lossy(&runner().args(["completions", "bash"]).output().unwrap().stdout).to_string()).status().unwrap();
    assert!(syntax.success(), "bash completion does not parse");
}

/// Run the runner on a pseudo-terminal (util-linux `script`), as a person would.
fn on_terminal(p: &Profiles, args: &str, no_color: bool) -> String {
    let cmd = format!("{} --profiles-dir {} --profile p {args}", env!("CARGO_BIN_EXE_runner"), p.dir.display());
    let mut c = Command::new("script");
    c.args(["-qec", &cmd, "/dev/null"]).env_remove("RUST_LOG").env("TERM", "xterm");
    if no_color {
        c.env("NO_COLOR", "1");
    } else {
        c.env_remove("NO_COLOR");
    }
    String::from_utf8_lossy(&c.output().unwrap().stdout).into_owned()
}

#[test]
fn colour_only_on_a_terminal_and_never_under_no_color_or_in_json() {
    let db = TestDb::new("colour");
    let p = Profiles::new();
    p.write("p", &one_target("morse", &db.url, ""));
    p.run("p", &[]).expect(0);
    const ESC: char = '\u{1b}';
    let tty = on_terminal(&p, "verify", false);
    assert!(tty.contains(ESC) && tty.contains("ok"), "no colour on a terminal: {tty:?}");
    let status = on_terminal(&p, "status", false);
    assert!(status.contains(&format!("{ESC}[32mup to date")), "{status:?}");
    let plain = on_terminal(&p, "verify", true);
    assert!(plain.contains("ok") && !plain.contains(ESC), "NO_COLOR ignored: {plain:?}");
    let json = on_terminal(&p, "verify --format json", false);
    assert!(json.contains("\"ok\": true") && !json.contains(ESC), "{json:?}");
    for args in [&["verify"][..], &["status"]] {
        let piped = p.run("p", args);
        assert!(!piped.stdout.contains(ESC), "colour in a pipe: {:?}", piped.stdout);
    }
    // lint: the rule of a finding is coloured on a terminal only.
    let file = p.dir.join("hazard.sql");
    std::fs::write(&file, "CREATE INDEX workouts_user_idx ON workouts (user_id);\n").unwrap();
    let lint = format!("lint {}", file.display());
    let tty = on_terminal(&p, &lint, false);
    // An SGR sequence (ESC [ … m) right before the rule's name.
    let at = tty.find("require-concurrent-index-creation").expect("finding on the terminal");
    assert!(tty[..at].ends_with('m') && tty[..at].rfind(ESC).is_some_and(|e| at - e < 12), "{tty:?}");
    assert!(!on_terminal(&p, &lint, true).contains(ESC));
    let piped = p.run("p", &["lint", file.to_str().unwrap()]);
    assert!(piped.stdout.contains("require-concurrent-index-creation") && !piped.stdout.contains(ESC), "{:?}", piped.stdout);
}
