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
    /// The embedded migrations: `schema_def::embed!("migrations")`.
    pub migrations: Embedded,
    /// Sample rows for local development, applied with `--with-test-data` in
    /// one transaction after the migrations. Must be idempotent.
    pub test_data: Option<&'static str>,
    /// A query run before anything is applied. Each row it returns is one
    /// missing prerequisite (a sentence naming it); no rows means ready.
    pub prerequisites: Option<&'static str>,
    /// SQL that creates minimal stand-ins for the prerequisites, run only on
    /// non-production profiles with `--with-test-data` when they are missing.
    pub dev_base: Option<&'static str>,
    /// The catalog the migrations produce at the newest version (JSON written
    /// by `runner snapshot`), which `verify` compares live databases against.
    pub expected_catalog: Option<&'static str>,
    /// One undo script per version (`down/V{n}__{name}.down.sql`, embedded by
    /// `schema_def::build::embed_down_scripts` in the crate's build.rs).
    pub down: &'static [DownScript],
    /// Objects the schema creates that the application defines too (catalog
    /// keys such as `function update_updated_at_column()`): `verify` checks
    /// that they exist with their signature and return type, not their body
    /// (the application may redefine it), and says so; `rollback` does not
    /// count one left behind as debris.
    pub shared_objects: &'static [&'static str],
    /// Per version, every object of the schema as `kind name` → a hash of its
    /// definition (JSON written by `runner snapshot`): what `rollback` checks
    /// the database against after undoing to a version.
    pub version_catalogs: Option<&'static str>,
    /// Data-integrity checks: blocks of `-- @name: what it checks` followed by
    /// one query; each row it returns is one problem (a text), no rows = ok.
    /// `current_setting('runner.production')` is 'true' on production profiles.
    pub integrity_checks: Option<&'static str>,
    /// States the old tools left databases in, which `runner adopt` accepts
    /// as evidence when the database matches none of our versions exactly.
    pub legacy: &'static [LegacyState],
}

/// A state an old tool left a database in, and the version it corresponds to.
#[derive(Debug, Clone, Copy)]
pub struct LegacyState {
    /// The old tool and its step, e.g. `Alembic 009`.
    pub name: &'static str,
    /// A query that returns one row with one text column (what it saw, e.g.
    /// `alembic_version is 009`) when the database is in this state, and no
    /// rows otherwise. A missing table counts as no rows.
    pub evidence: &'static str,
    /// The version recorded as applied (0: none); the migrations after it
    /// bring such a database to our schema.
    pub version: i32,
    /// SQL that brings a database in this state to `version` exactly (run in
    /// the adoption's transaction, before our `CREATE OR REPLACE` statements
    /// of versions up to `version` are run again); empty when none is needed.
    pub converge: &'static str,
}

/// The undo script of one migration version.
#[derive(Debug, Clone, Copy)]
pub struct DownScript {
    pub version: i32,
    pub name: &'static str,
    pub sql: &'static str,
}

/// For schema crates' build.rs.
pub mod build {
    use std::fmt::Write;
    use std::path::Path;

    /// A schema crate's whole build script: rebuild when any of its SQL or
    /// data changes, and embed each `(down directory, output file)` pair.
    pub fn schema_crate(down: &[(&str, &str)]) {
        for dir in ["migrations", "test-data", "catalog", "checks", "sql"] {
            println!("cargo:rerun-if-changed={dir}");
        }
        for (dir, out) in down {
            embed_down_scripts(dir, out);
        }
    }

    /// Write `$OUT_DIR/<out>`: a `&[DownScript]` expression embedding every
    /// `V{n}__{name}.down.sql` in `dir` (relative to the crate), for
    /// `include!(concat!(env!("OUT_DIR"), "/<out>"))`.
    pub fn embed_down_scripts(dir: &str, out: &str) {
        println!("cargo:rerun-if-changed={dir}");
        let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR");
        let full = Path::new(&manifest).join(dir);
        let mut entries: Vec<(i32, String, String)> = Vec::new();
        for entry in std::fs::read_dir(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display())) {
            let path = entry.expect("entry").path();
            let file = path.file_name().and_then(|f| f.to_str()).unwrap_or("").to_string();
            let Some(stem) = file.strip_suffix(".down.sql") else {
                panic!("{}: down scripts are named V<n>__<name>.down.sql", path.display())
            };
            let (v, name) = stem
                .strip_prefix('V')
                .and_then(|r| r.split_once("__"))
                .unwrap_or_else(|| panic!("{}: down scripts are named V<n>__<name>.down.sql", path.display()));
            let version: i32 = v.parse().unwrap_or_else(|_| panic!("{}: bad version", path.display()));
            entries.push((version, name.to_string(), path.display().to_string()));
        }
        entries.sort();
        let mut code = String::from("&[\n");
        for (version, name, path) in entries {
            writeln!(code, "    schema_def::DownScript {{ version: {version}, name: {name:?}, sql: include_str!({path:?}) }},").unwrap();
        }
        code.push(']');
        let out_dir = std::env::var("OUT_DIR").expect("OUT_DIR");
        std::fs::write(Path::new(&out_dir).join(out), code).expect("write down scripts");
    }
}

/// A crate's embedded migrations and the directory they came from (at build
/// time, so a test can prove that every `.sql` file in it was embedded).
#[derive(Clone, Copy)]
pub struct Embedded {
    pub list: fn() -> Vec<Migration>,
    pub dir: &'static str,
}

/// `schema_def::embed!("migrations")`: embed a directory of migrations with
/// refinery, relative to the calling crate.
#[macro_export]
macro_rules! embed {
    ($dir:literal) => {
        $crate::Embedded {
            list: {
                fn list() -> ::std::vec::Vec<$crate::Migration> {
                    ::refinery::embed_migrations!($dir);
                    migrations::runner().get_migrations().clone()
                }
                list
            },
            dir: concat!(env!("CARGO_MANIFEST_DIR"), "/", $dir),
        }
    };
}

/// The schema crates' own test: something is embedded, and every `.sql` file
/// is (refinery skips a misnamed file without a word).
pub fn assert_all_embedded(def: &SchemaDef) {
    assert!(!(def.migrations.list)().is_empty(), "{}: no migrations embedded from {}", def.name, def.migrations.dir);
    for m in (def.migrations.list)() {
        assert!(
            def.down.iter().any(|d| d.version == m.version() && d.name == m.name()),
            "{}: {m} has no down script; write down/{m}.down.sql",
            def.name
        );
    }
    let missing = def.unembedded_files();
    assert!(
        missing.is_empty(),
        "{}: these files are not embedded (refinery skips names that do not match V<n>__<snake_name>.sql): {missing:?}",
        def.name
    );
}

impl SchemaDef {
    /// A migration set with migrations and nothing else (fixtures in tests);
    /// set other fields with `SchemaDef { .., ..SchemaDef::bare(..) }`.
    pub fn bare(name: &'static str, list: fn() -> Vec<Migration>) -> SchemaDef {
        SchemaDef {
            name,
            summary: "test fixture",
            migrations: Embedded { list, dir: "/nonexistent/fixture/migrations" },
            test_data: None,
            prerequisites: None,
            dev_base: None,
            expected_catalog: None,
            down: &[],
            shared_objects: &[],
            version_catalogs: None,
            integrity_checks: None,
            legacy: &[],
        }
    }

    /// Where `runner snapshot` writes every version's objects:
    /// `<crate>/catalog/<name>.versions.json`.
    pub fn version_catalogs_path(&self) -> std::path::PathBuf {
        self.catalog_path().with_extension("versions.json")
    }

    /// Where `runner snapshot` writes the expected catalog:
    /// `<crate>/catalog/<name>.json`.
    pub fn catalog_path(&self) -> std::path::PathBuf {
        let dir = self.migrations.dir;
        let crate_dir = dir.find("/migrations").map(|i| &dir[..i]).unwrap_or(dir);
        std::path::Path::new(crate_dir).join("catalog").join(format!("{}.json", self.name))
    }

    /// The history table, in refinery's format: `<name>_schema_history`.
    pub fn history_table(&self) -> String {
        format!("{}_schema_history", self.name.replace('-', "_"))
    }

    /// The embedded migrations sorted by version.
    pub fn sorted_migrations(&self) -> Vec<Migration> {
        let mut m = (self.migrations.list)();
        m.sort_by_key(|m| m.version());
        m
    }

    /// Files under `migrations_dir` ending in `.sql` that refinery did not embed
    /// (a misnamed file is skipped silently by `embed_migrations!`).
    pub fn unembedded_files(&self) -> Vec<String> {
        let embedded: Vec<String> = (self.migrations.list)().iter().map(|m| m.to_string()).collect();
        let mut missing = Vec::new();
        let mut dirs = vec![std::path::PathBuf::from(self.migrations.dir)];
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
