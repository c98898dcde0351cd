//! The first pass over a profile's YAML text, before `config` builds values
//! from it: one linear walk over yaml-rust2's parser events (the parser
//! `config`'s yaml feature uses), which
//!
//! - refuses anchors and aliases: yaml-rust2 copies an alias's node each time
//!   it is used, so a few hundred bytes of nested aliases grow to gigabytes;
//! - refuses nesting deeper than [`MAX_DEPTH`] (building values recurses);
//! - refuses more than one document, and a top level that is not a mapping;
//! - registers every secret in the text (URL passwords, values of keys that
//!   look secret) before any later step can fail and print;
//! - records the line of every key path (`targets[1].url`), so later errors
//!   name the key and its line instead of quoting a value.

use std::collections::BTreeMap;

use yaml_rust2::parser::{Event, Parser};

use crate::secrets;

/// Deeper than any profile needs, shallow enough for every recursive step after.
pub const MAX_DEPTH: usize = 16;

enum Frame {
    /// A mapping at `path`; `key` is set between a key and its value.
    Map { path: String, key: Option<String> },
    Seq { path: String, index: usize },
}

/// Lines of key paths (1-based), for messages.
#[derive(Debug, Default, Clone)]
pub struct Lines(BTreeMap<String, usize>);

impl Lines {
    /// `line N, ` for a known path, else nothing.
    pub fn at(&self, path: &str) -> String {
        self.0.get(path).map(|l| format!("line {l}, ")).unwrap_or_default()
    }
}

fn join(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_string()
    } else {
        format!("{parent}.{key}")
    }
}

/// Walk `text`; an error is one line naming the line and the reason.
pub fn check(text: &str) -> Result<Lines, String> {
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Frame> = Vec::new();
    let mut lines = Lines::default();
    let mut documents = 0;
    loop {
        let (event, mark) = parser.next_token().map_err(|e| {
            format!(
                "is not valid YAML: {} at line {} column {}",
                secrets::shorten(e.info(), 80),
                e.marker().line(),
                e.marker().col() + 1
            )
        })?;
        let line = mark.line();
        let at = |what: &str| format!("line {line}: {what}");
        // Where a node starting now sits: a value's path, or None for a key.
        let child = match stack.last_mut() {
            None => Some(String::new()),
            Some(Frame::Map { path, key: Some(k) }) => Some(join(path, k)),
            Some(Frame::Map { key: None, .. }) => None,
            Some(Frame::Seq { path, index }) => Some(format!("{path}[{index}]")),
        };
        match event {
            Event::StreamEnd => return Ok(lines),
            Event::StreamStart | Event::DocumentEnd | Event::Nothing => {}
            Event::DocumentStart => {
                documents += 1;
                if documents > 1 {
                    return Err(at("a second YAML document (`---`); a profile is one document"));
                }
            }
            Event::Alias(_) => {
                return Err(at("a YAML alias (`*name`); profiles may not use anchors and aliases: write the value out"))
            }
            Event::Scalar(value, _, anchor, _) => {
                if anchor > 0 {
                    return Err(at("a YAML anchor (`&name`); profiles may not use anchors and aliases: write the value out"));
                }
                if stack.is_empty() {
                    if value.trim().is_empty() {
                        continue;
                    }
                    return Err(at("the top level is a single value; a profile is a mapping of keys (production:, targets:, ...)"));
                }
                match child {
                    None => {
                        if let Some(Frame::Map { key, .. }) = stack.last_mut() {
                            *key = Some(value);
                        }
                    }
                    Some(path) => {
                        let key = path.rsplit(['.', '[']).next().unwrap_or("");
                        // `*_env` keys name a variable; `${VAR}` alone is a reference.
                        let reference = value.starts_with("${") && value.ends_with('}') && value.matches('$').count() == 1;
                        if key.ends_with("_env") || reference {
                            secrets::register_url(&value);
                        } else {
                            secrets::register_variable(key, &value);
                        }
                        lines.0.entry(path).or_insert(line);
                        advance(&mut stack);
                    }
                }
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if anchor > 0 {
                    return Err(at("a YAML anchor (`&name`); profiles may not use anchors and aliases: write the value out"));
                }
                if stack.len() >= MAX_DEPTH {
                    return Err(at(&format!("nesting deeper than {MAX_DEPTH} levels; a profile needs four")));
                }
                let is_map = matches!(event, Event::MappingStart(..));
                if stack.is_empty() && !is_map {
                    return Err(at("the top level is a list; a profile is a mapping of keys (production:, targets:, ...)"));
                }
                // A mapping or list used as a key gets a path no key has.
                let path = child.unwrap_or_else(|| "?".to_string());
                lines.0.entry(path.clone()).or_insert(line);
                stack.push(if is_map { Frame::Map { path, key: None } } else { Frame::Seq { path, index: 0 } });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                stack.pop();
                advance(&mut stack);
            }
        }
    }
}

/// A node ended: its parent moves to the next key or element.
fn advance(stack: &mut [Frame]) {
    match stack.last_mut() {
        Some(Frame::Map { key, .. }) => *key = None,
        Some(Frame::Seq { index, .. }) => *index += 1,
        None => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_lines_of_nested_keys() {
        let l = check("production: true\ntargets:\n  - name: a\n    url: x\n  - name: b\n    url: y\n").unwrap();
        assert_eq!(l.at("production"), "line 1, ");
        assert_eq!(l.at("targets[1].url"), "line 6, ");
    }

    #[test]
    fn refuses_anchors_aliases_depth_and_non_mappings() {
        let bomb = "a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: [*b,*b]\n";
        assert!(check(bomb).unwrap_err().contains("anchor"));
        assert!(check("a: *b\n").is_err());
        assert!(check("a: [1, *b]\n").is_err());
        assert!(check(&format!("a: {}{}", "[".repeat(100), "]".repeat(100))).unwrap_err().contains("nesting"));
        assert!(check("- a\n- b\n").unwrap_err().contains("list"));
        assert!(check("just text\n").unwrap_err().contains("single value"));
        assert!(check("a: 1\n---\nb: 2\n").unwrap_err().contains("second YAML document"));
        assert!(check("a: [oops\n").unwrap_err().contains("line"));
        assert!(check("").is_ok());
    }
}
