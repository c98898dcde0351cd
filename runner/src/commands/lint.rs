//! `runner lint`: hazards in migrations before they lock a live table.

use std::path::PathBuf;

use crate::output::Format;
use crate::error::{Error, Result};
use crate::lint::{self, Class, Finding};
use crate::registry;

pub struct Options {
    pub schemas: Vec<String>,
    pub files: Vec<PathBuf>,
    pub format: Format,
    /// Also show style findings (never failing).
    pub style: bool,
}

pub fn run(opts: &Options) -> Result<()> {
    let (findings, files) = if opts.files.is_empty() {
        let mut all = Vec::new();
        let mut files = 0;
        for def in registry::select(&opts.schemas)? {
            files += (def.migrations.list)().len();
            all.extend(lint::lint_schema(def)?);
        }
        (all, files)
    } else {
        if !opts.schemas.is_empty() {
            return Err(Error::usage("--schema selects embedded migrations; with FILE arguments leave it out"));
        }
        let mut all = Vec::new();
        for path in &opts.files {
            let sql = std::fs::read_to_string(path)
                .map_err(|e| Error::usage(format!("cannot read {}: {e}; name a readable UTF-8 SQL file", path.display())))?;
            all.extend(lint::lint_sql(&path.display().to_string(), &sql));
        }
        (all, opts.files.len())
    };
    let shown: Vec<&Finding> = findings.iter().filter(|f| f.class == Class::Hazard || opts.style).collect();
    let failing = findings.iter().filter(|f| f.fails()).count();
    match opts.format {
        Format::Text => {
            for f in shown.iter().filter(|f| f.accepted.is_none()) {
                crate::outln!("{}", lint::format_painted(f));
            }
        }
        Format::Json => {
            let doc = serde_json::json!({
                "ok": failing == 0,
                "files": files,
                "findings": shown.iter().map(|f| lint::to_json(f)).collect::<Vec<_>>(),
            });
            println!("{}", serde_json::to_string_pretty(&doc).expect("JSON of plain values"));
        }
    }
    let accepted = |by_waiver: bool| {
        findings.iter().filter(|f| matches!(f.accepted, Some(lint::Accepted::Waiver(_))) == by_waiver && f.accepted.is_some()).count()
    };
    log::info!(
        "lint: {files} file(s), {failing} hazard(s) found, {} waived, {} in baselines",
        accepted(true),
        accepted(false)
    );
    if failing == 0 {
        Ok(())
    } else {
        Err(Error::problems(format!(
            "lint: {failing} hazard(s) found (listed above); write each the safe way (README \"Writing safe migrations\") or waive it with `-- runner:allow <rule> <reason>` directly above the statement"
        )))
    }
}
