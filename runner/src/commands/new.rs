//! `runner new --schema NAME SNAKE_NAME`: start the next migration of a
//! schema, with its down script, named so that refinery embeds it.

use std::path::{Path, PathBuf};

use schema_def::SchemaDef;

use crate::error::{Error, Result};
use crate::executor::NO_TRANSACTION;
use crate::registry;

pub struct Options<'a> {
    pub schema: &'a str,
    pub name: &'a str,
    pub no_transaction: bool,
    /// The schema crate to write into; default: the one this binary was built from.
    pub crate_dir: Option<&'a Path>,
}

/// Why refinery would skip `V<n>__<name>.sql`, if it would. refinery embeds
/// files matching `V\d+__\w+\.sql` and skips the rest without a word; we keep
/// to lower-case ASCII so the name means the same on every file system.
pub fn name_problem(name: &str) -> Option<String> {
    if name.is_empty() {
        return Some("the name is empty".into());
    }
    if let Some(c) = name.chars().find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_')) {
        let what = match c {
            '-' => "a hyphen (refinery skips such a file without a word)".to_string(),
            '.' => "a dot (refinery would read the part after it as the extension)".to_string(),
            c if c.is_whitespace() => "white space".to_string(),
            c if c.is_ascii_uppercase() => format!("the upper-case letter `{c}`"),
            c => format!("`{c}`"),
        };
        return Some(format!("`{name}` contains {what}; write it in snake_case: lower-case letters, digits and underscores, e.g. add_workout_notes"));
    }
    if name.starts_with('_') || name.ends_with('_') {
        return Some(format!("`{name}` starts or ends with an underscore; write it like add_workout_notes"));
    }
    None
}

/// The crate directory, and the set's path inside it (`migrations` or
/// `migrations/auth`), from where the schema's migrations were embedded.
fn layout(def: &SchemaDef) -> (PathBuf, PathBuf) {
    let dir = Path::new(def.migrations.dir);
    let set = dir
        .ancestors()
        .find(|a| a.file_name().is_some_and(|n| n == "migrations"))
        .unwrap_or(dir);
    let crate_dir = set.parent().unwrap_or(set).to_path_buf();
    let inside = dir.strip_prefix(&crate_dir).unwrap_or(Path::new("migrations")).to_path_buf();
    (crate_dir, inside)
}

/// The highest version among the embedded migrations and the files on disk
/// (a file created since the last build is not embedded yet).
fn newest_version(def: &SchemaDef, migrations: &Path) -> Result<i32> {
    let embedded = (def.migrations.list)().iter().map(|m| m.version()).max().unwrap_or(0);
    let entries = std::fs::read_dir(migrations)
        .map_err(|e| Error::usage(format!("cannot read {}: {e}", migrations.display())))?;
    let on_disk = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let file = e.file_name().to_string_lossy().to_string();
            let digits: String = file.strip_prefix('V')?.chars().take_while(char::is_ascii_digit).collect();
            digits.parse::<i32>().ok()
        })
        .max()
        .unwrap_or(0);
    Ok(embedded.max(on_disk))
}

fn header(def: &SchemaDef, stem: &str, no_transaction: bool) -> String {
    let mut text = String::new();
    if no_transaction {
        text.push_str(NO_TRANSACTION);
        text.push('\n');
    }
    text.push_str(&format!(
        "-- {stem} ({}): say in a line or two what this changes and why.\n\
         --\n\
         -- Rules (README \"Writing a migration\"):\n\
         -- - Never edit this file once it is released: its checksum is recorded in every database it\n\
         --   reached. Fix forward with a new migration (`runner new`).\n",
        def.name
    ));
    if no_transaction {
        text.push_str(
            "-- - This file runs outside a transaction, one statement at a time (first line\n\
             --   `-- no-transaction`), so a failure leaves the statements before it applied. Every\n\
             --   statement must be re-runnable: DROP INDEX CONCURRENTLY IF EXISTS before\n\
             --   CREATE INDEX CONCURRENTLY IF NOT EXISTS (a failed build leaves an INVALID index).\n",
        );
    } else {
        text.push_str(
            "-- - No BEGIN/COMMIT: the runner applies this file and its history row in one transaction.\n\
             -- - Long locks on live tables are refused by `runner lint` (README \"Writing safe\n\
             --   migrations\"): CREATE INDEX CONCURRENTLY goes in its own `runner new --no-transaction`.\n",
        );
    }
    text.push_str("-- - Undo it in the down script of the same name (used by `runner rollback`).\n\n");
    text
}

fn down_header(stem: &str) -> String {
    format!(
        "-- Undo {stem}: drop or restore exactly what it created or changed, newest first, so that\n\
         -- `runner rollback` leaves the database equal to the version before it.\n\n"
    )
}

/// Create the files; returns their paths.
pub fn run(opts: &Options) -> Result<Vec<PathBuf>> {
    let def = registry::find(opts.schema).ok_or_else(|| {
        Error::usage(format!("unknown schema `{}`; known schemas: {}", opts.schema, registry::names().join(", ")))
    })?;
    if let Some(why) = name_problem(opts.name) {
        return Err(Error::usage(format!("runner new: {why}")));
    }
    let (built_from, inside) = layout(def);
    let crate_dir = opts.crate_dir.map(Path::to_path_buf).unwrap_or(built_from);
    let migrations = crate_dir.join(&inside);
    if !migrations.is_dir() {
        return Err(Error::usage(format!(
            "runner new writes into the schema crate's source, but {} is not a directory; run it from the checkout the runner was built from (cargo run -p runner -- new …) or pass --crate-dir",
            migrations.display()
        )));
    }
    // `migrations[/set]` → `down[/set]`.
    let down = crate_dir.join("down").join(inside.strip_prefix("migrations").unwrap_or(Path::new("")));
    let version = newest_version(def, &migrations)? + 1;
    let stem = format!("V{version}__{}", opts.name);
    let up_path = migrations.join(format!("{stem}.sql"));
    let down_path = down.join(format!("{stem}.down.sql"));
    for p in [&up_path, &down_path] {
        if p.exists() {
            return Err(Error::usage(format!("{} already exists; pick another name", p.display())));
        }
    }
    std::fs::create_dir_all(&down).map_err(|e| Error::usage(format!("cannot create {}: {e}", down.display())))?;
    let write = |path: &Path, text: String| {
        std::fs::write(path, text).map_err(|e| Error::usage(format!("cannot write {}: {e}", path.display())))
    };
    write(&up_path, header(def, &stem, opts.no_transaction))?;
    write(&down_path, down_header(&stem))?;
    Ok(vec![up_path, down_path])
}

/// A path as the developer typed it: relative to the current directory when inside it.
pub fn shown(path: &Path) -> String {
    let cwd = std::env::current_dir().unwrap_or_default();
    path.strip_prefix(&cwd).unwrap_or(path).display().to_string()
}

/// What to do next, as commands.
pub fn next_steps(schema: &str, files: &[PathBuf]) -> String {
    let shown: Vec<String> = files.iter().map(|f| shown(f)).collect();
    format!(
        "next:\n  $EDITOR {files}\n  cargo run -q -p runner -- lint --schema {schema}\n  cargo run -q -p runner -- snapshot --schema {schema}\n  cargo run -q -p runner -- doc --schema {schema}\n  scripts/test",
        files = shown.join(" ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_refinery_would_skip_are_refused_with_the_reason() {
        assert!(name_problem("add_workout_notes").is_none());
        assert!(name_problem("v2_backfill").is_none());
        assert!(name_problem("add-notes").unwrap().contains("hyphen"));
        assert!(name_problem("add.notes").unwrap().contains("dot"));
        assert!(name_problem("add notes").unwrap().contains("white space"));
        assert!(name_problem("AddNotes").unwrap().contains("upper-case"));
        assert!(name_problem("").unwrap().contains("empty"));
        assert!(name_problem("_x").unwrap().contains("underscore"));
        assert!(name_problem("café").is_some());
    }

    #[test]
    fn every_registered_schema_has_a_crate_layout() {
        for def in registry::all() {
            let (crate_dir, inside) = layout(def);
            assert!(inside.starts_with("migrations"), "{}: {}", def.name, inside.display());
            assert!(crate_dir.join(&inside).is_dir(), "{}", def.name);
        }
    }
}
