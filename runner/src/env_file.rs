//! Variables files (`.env`, `--env-file`): parsed with dotenvy, each value
//! registered with the secret scrubber as it is read, errors naming the line,
//! never its text (dotenvy's own message quotes the line, password and all).

use std::io::Cursor;
use std::path::Path;

use crate::error::{Error, Result};
use crate::secrets;

/// A variables file is a few lines; anything larger is a mistake.
const MAX_BYTES: u64 = 1024 * 1024;

/// Load `path` into the environment; variables already set keep their value
/// (as with dotenvy's `from_path`). `shown` names the file in messages.
pub fn load(path: &Path, shown: &str) -> Result<()> {
    let fail = |what: String| Error::usage(format!("cannot load {shown}: {what}"));
    let meta = std::fs::metadata(path).map_err(|e| fail(e.to_string()))?;
    if !meta.is_file() {
        return Err(fail("it is not a file".into()));
    }
    if meta.len() > MAX_BYTES {
        return Err(fail(format!("it is {} bytes; a variables file is a few lines of NAME=value", meta.len())));
    }
    let bytes = std::fs::read(path).map_err(|e| fail(e.to_string()))?;
    let text = String::from_utf8(bytes).map_err(|e| fail(format!("it is not UTF-8 text (byte {})", e.utf8_error().valid_up_to())))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let mut vars = Vec::new();
    for item in dotenvy::from_read_iter(Cursor::new(text.as_bytes())) {
        match item {
            Ok((name, value)) => {
                secrets::register_variable(&name, &value);
                vars.push((name, value));
            }
            Err(dotenvy::Error::LineParse(line, index)) => {
                // Register what the bad line holds before saying where it is.
                secrets::register_variable("SECRET", line.split_once('=').map(|(_, v)| v).unwrap_or(&line));
                let first = line.lines().next().unwrap_or("").trim();
                let at = text
                    .lines()
                    .position(|l| !first.is_empty() && l.trim() == first)
                    .map(|n| format!("line {}", n + 1))
                    .unwrap_or_else(|| "a line".into());
                return Err(fail(format!(
                    "{at} does not parse (at character {}); write NAME=value, quoting values with spaces or `#`",
                    index + 1
                )));
            }
            Err(e) => return Err(fail(secrets::shorten(&e.to_string(), 100))),
        }
    }
    for (name, value) in vars {
        if std::env::var_os(&name).is_none() {
            std::env::set_var(name, value);
        }
    }
    Ok(())
}
