//! Colour where a person reads: verdict words in `status`, `verify` and
//! `lint` text output. Printed through `anstream`, which drops the colour
//! when stdout is not a terminal or `NO_COLOR` is set; JSON never calls these.

use anstyle::{AnsiColor, Style};

fn styled(style: Style, text: &str) -> String {
    format!("{style}{text}{style:#}")
}

/// A healthy verdict (`ok`, `up to date`).
pub fn good(text: &str) -> String {
    styled(AnsiColor::Green.on_default(), text)
}

/// A failure (`FAILED`, `FAIL`, `PROBLEM`, `ERROR`).
pub fn bad(text: &str) -> String {
    styled(AnsiColor::Red.on_default().bold(), text)
}

/// A warning or something pending.
pub fn warn(text: &str) -> String {
    styled(AnsiColor::Yellow.on_default(), text)
}

/// `println!` that strips the colour unless stdout is a terminal that wants it.
#[macro_export]
macro_rules! outln {
    ($($arg:tt)*) => { ::anstream::println!($($arg)*) };
}
