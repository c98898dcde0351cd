//! fake-supabase: the test double of Supabase Storage as a process, for
//! benchmarks and manual runs (never for production).
//!
//! ```text
//! fake-supabase [--delay-ms N] [--key KEY]
//! ```
//!
//! Prints its base URL on the first line of stdout, then serves on
//! 127.0.0.1 until it is killed; every request waits N ms (default 0), like
//! a storage service that far away.

use std::io::Write;
use std::time::Duration;

use totalis_testkit::fake_supabase::{FakeSupabase, DEFAULT_KEY};

fn main() {
    let mut delay = 0u64;
    let mut key = DEFAULT_KEY.to_string();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match (a.as_str(), args.next()) {
            ("--delay-ms", Some(v)) => match v.parse() {
                Ok(ms) => delay = ms,
                Err(_) => usage(&format!("--delay-ms takes a whole number, not {v:?}")),
            },
            ("--key", Some(v)) => key = v,
            _ => usage(&format!("unknown argument {a:?}")),
        }
    }
    let fake = FakeSupabase::start_with_key(&key);
    fake.set_delay(Duration::from_millis(delay));
    println!("{}", fake.url);
    let _ = std::io::stdout().flush();
    loop {
        std::thread::park();
    }
}

fn usage(problem: &str) -> ! {
    eprintln!("fake-supabase: {problem}\nusage: fake-supabase [--delay-ms N] [--key KEY]");
    std::process::exit(2);
}
