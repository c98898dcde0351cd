//! What a schema crate hands to the runner: its migrations and data, no behaviour.
//!
//! A schema crate holds SQL files and exports one `SchemaDef` per migration set
//! (Socrates exports two). The runner's registry lists them; adding an
//! application means adding a crate and one registry line.

pub use refinery::Migration;

/// One migration set that owns a set of objects in one database.
pub struct SchemaDef {
    /// The name used in profiles (`schema: morse`), lower case with dashes.
    pub name: &'static str,
    /// One line for `--help` and error messages.
    pub summary: &'static str,
    /// The embedded migrations, in any order (the runner sorts by version).
    pub migrations: fn() -> Vec<Migration>,
    /// Absolute path of the migrations directory at build time, so a test can
    /// prove that every `.sql` file in it was embedded.
    pub migrations_dir: &'static str,
    /// Sample rows for local development, applied with `--with-test-data` in
    /// one transaction after the migrations. Must be idempotent.
    pub test_data: Option<&'static str>,
    /// A query run before anything is applied. Each row it returns is one
    /// missing prerequisite (a sentence naming it); no rows means ready.
    pub prerequisites: Option<&'static str>,
    /// SQL that creates minimal stand-ins for the prerequisites, run only on
    /// non-production profiles with `--with-test-data` when they are missing.
    pub dev_base: Option<&'static str>,
}

impl SchemaDef {
    /// The history table, in refinery's format: `<name>_schema_history`.
    pub fn history_table(&self) -> String {
        format!("{}_schema_history", self.name.replace('-', "_"))
    }

    /// The embedded migrations sorted by version.
    pub fn sorted_migrations(&self) -> Vec<Migration> {
        let mut m = (self.migrations)();
        m.sort_by_key(|m| m.version());
        m
    }

    /// Files under `migrations_dir` ending in `.sql` that refinery did not embed
    /// (a misnamed file is skipped silently by `embed_migrations!`).
    pub fn unembedded_files(&self) -> Vec<String> {
        let embedded: Vec<String> = (self.migrations)().iter().map(|m| m.to_string()).collect();
        let mut missing = Vec::new();
        let mut dirs = vec![std::path::PathBuf::from(self.migrations_dir)];
        while let Some(dir) = dirs.pop() {
            let entries = std::fs::read_dir(&dir)
                .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()));
            for entry in entries {
                let path = entry.expect("directory entry").path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "sql") {
                    let stem = path.file_stem().unwrap().to_string_lossy().to_string();
                    if !embedded.contains(&stem) {
                        missing.push(path.display().to_string());
                    }
                }
            }
        }
        missing.sort();
        missing
    }
}

impl std::fmt::Debug for SchemaDef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SchemaDef").field("name", &self.name).finish_non_exhaustive()
    }
}
