//! `runner doc`: the committed schema pages are current, `--check` names the
//! stale ones, and each page's diagram and tables say what the catalog holds.
//! No database is needed.

use std::path::{Path, PathBuf};
use std::process::Command;

use runner::catalog::Catalog;
use runner::registry;

fn runner(args: &[&str], cwd: &Path) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_runner"))
        .args(args)
        .current_dir(cwd)
        .env_remove("RUST_LOG")
        .output()
        .expect("run the runner binary");
    (out.status.code().unwrap_or(-1), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
}

struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos();
        let dir = std::env::temp_dir().join(format!("runner_doc_{tag}_{}_{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn page(schema: &str) -> String {
    runner::commands::doc::render(registry::find(schema).unwrap()).unwrap()
}

fn catalog(schema: &str) -> Catalog {
    Catalog::from_json(registry::find(schema).unwrap().expected_catalog.unwrap()).unwrap()
}

/// The lines of the page's Mermaid block.
fn diagram(page: &str) -> Vec<&str> {
    let start = page.find("```mermaid\nerDiagram\n").expect("a Mermaid erDiagram block") + "```mermaid\nerDiagram\n".len();
    let len = page[start..].find("```").expect("the block ends");
    page[start..start + len].lines().collect()
}

/// The rows of the Markdown table under `## heading`.
fn section_rows<'a>(page: &'a str, heading: &str) -> Vec<&'a str> {
    let Some(start) = page.find(&format!("\n## {heading}\n")) else { return Vec::new() };
    let body = &page[start + 1..];
    let body = &body[..body[3..].find("\n## ").map(|i| i + 3).unwrap_or(body.len())];
    body.lines().filter(|l| l.starts_with("| `")).collect()
}

#[test]
fn committed_pages_are_current() {
    let (code, out) = runner(&["doc", "--check"], &std::env::temp_dir());
    assert_eq!(code, 0, "docs/schema is out of date; regenerate it with `cargo run -p runner -- doc` and commit it:\n{out}");
}

#[test]
fn check_names_each_stale_page_and_doc_rewrites_them() {
    let tmp = TempDir::new("check");
    let dir = tmp.0.to_str().unwrap();
    let (code, out) = runner(&["doc", "--dir", dir], &tmp.0);
    assert_eq!(code, 0, "{out}");
    for def in registry::all() {
        assert_eq!(std::fs::read_to_string(tmp.0.join(format!("{}.md", def.name))).unwrap(), page(def.name));
    }
    assert_eq!(runner(&["doc", "--check", "--dir", dir], &tmp.0).0, 0);

    let morse = tmp.0.join("morse.md");
    std::fs::write(&morse, page("morse").replace("### users", "### people")).unwrap();
    std::fs::remove_file(tmp.0.join("mued.md")).unwrap();
    let (code, out) = runner(&["doc", "--check", "--dir", dir], &tmp.0);
    assert_eq!(code, 1, "{out}");
    let error = out.lines().find(|l| l.starts_with("error:")).unwrap_or_else(|| panic!("one error line:\n{out}"));
    assert!(error.contains("morse.md") && error.contains("mued.md"), "{error}");
    assert!(!error.contains("oprina.md") && !error.contains("totalis.md"), "{error}");
    assert!(error.contains("run `runner doc`"), "{error}");
    assert!(std::fs::read_to_string(&morse).unwrap().contains("### people"), "--check changed nothing");

    // One schema at a time: only that page is rewritten.
    assert_eq!(runner(&["doc", "--schema", "morse", "--dir", dir], &tmp.0).0, 0);
    assert_eq!(std::fs::read_to_string(&morse).unwrap(), page("morse"));
    let (code, out) = runner(&["doc", "--check", "--dir", dir], &tmp.0);
    assert_eq!(code, 1);
    let error = out.lines().find(|l| l.starts_with("error:")).unwrap_or_default();
    assert!(error.contains("mued.md") && !error.contains("morse.md"), "{out}");
    assert_eq!(runner(&["doc", "--dir", dir], &tmp.0).0, 0);
    assert_eq!(runner(&["doc", "--check", "--dir", dir], &tmp.0).0, 0);
}

#[test]
fn an_unknown_schema_is_refused() {
    let tmp = TempDir::new("unknown");
    let (code, out) = runner(&["doc", "--schema", "morze", "--dir", tmp.0.to_str().unwrap()], &tmp.0);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("unknown schema `morze`") && out.contains("morse, "), "{out}");
    assert_eq!(std::fs::read_dir(&tmp.0).unwrap().count(), 0, "nothing written");
}

#[test]
fn every_table_is_an_entity_whose_types_mermaid_can_parse() {
    for def in registry::all() {
        let cat = catalog(def.name);
        let page = page(def.name);
        let lines = diagram(&page);
        for (table, t) in &cat.tables {
            let start = lines.iter().position(|l| *l == format!("    {table} {{")).unwrap_or_else(|| panic!("{}: no entity {table}", def.name));
            let attrs: Vec<&str> = lines[start + 1..].iter().take_while(|l| **l != "    }").copied().collect();
            assert_eq!(attrs.len(), t.columns.len(), "{}: {table} has an attribute per column", def.name);
            for attr in attrs {
                let mut words = attr.split_whitespace();
                let ty = words.next().unwrap();
                let name = words.next().unwrap();
                assert!(t.columns.contains_key(name), "{}: {attr}", def.name);
                // Mermaid's erDiagram: a type is one word of letters, digits,
                // underscores (and [] for arrays); keys follow the name.
                let base = ty.strip_suffix("[]").unwrap_or(ty);
                assert!(
                    base.starts_with(|c: char| c.is_ascii_alphabetic()) && base.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
                    "{}: {table}.{name} has type token {ty:?}",
                    def.name
                );
                let keys: String = words.collect::<Vec<_>>().join(" ");
                assert!(["", "PK", "FK", "PK, FK"].contains(&keys.as_str()), "{}: {attr}", def.name);
            }
            // The exact type is in the table's own section.
            let section = &page[page.find(&format!("\n### {table}\n")).unwrap()..];
            for (c, col) in &t.columns {
                assert!(section.contains(&format!("| `{c}` | `{}` |", col.data_type)), "{}: {table}.{c} with its type", def.name);
            }
        }
    }
}

#[test]
fn every_foreign_key_is_one_relationship_line() {
    for def in registry::all() {
        let cat = catalog(def.name);
        let fks = cat.tables.values().flat_map(|t| t.constraints.values()).filter(|d| d.starts_with("FOREIGN KEY")).count();
        let lines = diagram(&page(def.name)).into_iter().filter(|l| l.contains("--o{")).count();
        assert_eq!(lines, fks, "{}: one line per foreign key", def.name);
    }
    let morse = page("morse");
    let morse = diagram(&morse);
    // audio_file_id is nullable (the worker's sessions create workouts without a file); user_id is not.
    assert!(morse.contains(&r#"    audio_files |o--o{ workouts : "audio_file_id""#), "{morse:#?}");
    assert!(morse.contains(&r#"    app_users ||--o{ device_links : "user_id""#), "{morse:#?}");
    // A composite primary key whose columns are foreign keys too.
    assert!(morse.contains(&"        uuid session_id PK, FK"), "{morse:#?}");
}

#[test]
fn mued_shows_the_applications_users_table_as_external() {
    let page = page("mued");
    let lines = diagram(&page);
    assert!(!catalog("mued").tables.contains_key("users"));
    let users = lines.iter().position(|l| *l == "    users {").expect("users is drawn");
    assert_eq!(lines[users + 1], r#"        uuid id "external""#);
    assert!(lines.contains(&r#"    users ||--o{ ai_dialogue_log : "user_id""#), "{lines:#?}");
    assert!(lines.contains(&r#"    users |o--o{ provenance : "acquired_by""#), "{lines:#?}");
    let rows = section_rows(&page, "External tables");
    assert_eq!(rows.len(), 1, "{page}");
    assert!(rows[0].starts_with("| `users` |") && rows[0].contains("`ai_dialogue_log.user_id`") && rows[0].contains("`provenance.acquired_by`"));
}

#[test]
fn socrates_specs_lists_its_references_to_socrates_auth_users() {
    let cat = catalog("socrates-specs");
    let commented: Vec<String> = cat
        .tables
        .iter()
        .flat_map(|(t, tab)| {
            tab.columns
                .iter()
                .filter(|(_, c)| c.comment.as_deref().is_some_and(|s| s.starts_with("References socrates_auth.users.id")))
                .map(move |(c, _)| format!("{t}.{c}"))
        })
        .collect();
    assert_eq!(commented.len(), 28, "the README promises 28 cross-database user references");
    let page = page("socrates-specs");
    let rows = section_rows(&page, "Cross-database references");
    assert_eq!(rows.len(), commented.len(), "{rows:#?}");
    for col in &commented {
        assert!(rows.iter().any(|r| r.starts_with(&format!("| `{col}` | `socrates_auth.users.id` |"))), "{col} listed");
    }
    // Drawn as dotted lines to the other database's table, never as a foreign key.
    let lines = diagram(&page);
    assert_eq!(lines.iter().filter(|l| l.starts_with("    socrates_auth__users ") && l.contains("..o{")).count(), 28);
    assert!(!lines.iter().any(|l| l.starts_with("    socrates_auth__users ") && l.contains("--o{")));
    assert!(!page.contains("REFERENCES socrates_auth"), "no foreign key crosses the databases");
}
