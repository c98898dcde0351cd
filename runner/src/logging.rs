//! stderr logging through `log` + `env_logger`, every line scrubbed of secrets.

use std::io::Write;

pub fn init(default: log::LevelFilter) {
    let mut builder = env_logger::Builder::new();
    // Our own lines at the chosen level; dependencies only when they warn.
    builder.filter_level(log::LevelFilter::Warn).filter_module("runner", default).filter_module("totalis_etl", default);
    if let Ok(spec) = std::env::var("RUST_LOG") {
        builder.parse_filters(&spec);
    }
    builder.format(|buf, record| {
        let line = crate::secrets::scrub(&record.args().to_string());
        match record.level() {
            log::Level::Info => writeln!(buf, "{line}"),
            level => writeln!(buf, "{}: {line}", level.as_str().to_lowercase()),
        }
    });
    let _ = builder.try_init();
}
