//! `latency-proxy --upstream 127.0.0.1:5432 --delay-ms 10 --report FILE`:
//! the proxy of `dev_bench` as a process for scripts/bench-latency. Prints
//! `listening on ADDR` once ready; appends one line per closed connection to
//! the report: `database<TAB>queries<TAB>syncs<TAB>tls`.

use std::io::Write;
use std::time::Duration;

fn usage() -> ! {
    eprintln!("usage: latency-proxy --upstream HOST:PORT [--listen ADDR] [--delay-ms N] [--report FILE]");
    std::process::exit(2)
}

fn main() {
    let (mut listen, mut upstream, mut delay, mut report) = ("127.0.0.1:0".to_string(), None, Duration::ZERO, None);
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let value = args.next().unwrap_or_else(|| usage());
        match a.as_str() {
            "--listen" => listen = value,
            "--upstream" => upstream = Some(value),
            "--delay-ms" => delay = Duration::from_secs_f64(value.parse::<f64>().unwrap_or_else(|_| usage()) / 1000.0),
            "--report" => report = Some(value),
            _ => usage(),
        }
    }
    let upstream = upstream.unwrap_or_else(|| usage());
    let proxy = dev_bench::Proxy::start(&listen, &upstream, delay, move |c| {
        let line = format!("{}\t{}\t{}\t{}\n", c.database, c.queries, c.syncs, u8::from(c.tls));
        match &report {
            Some(path) => {
                if let Ok(mut f) = std::fs::OpenOptions::new().create(true).append(true).open(path) {
                    let _ = f.write_all(line.as_bytes());
                }
            }
            None => eprint!("{line}"),
        }
    })
    .unwrap_or_else(|e| {
        eprintln!("latency-proxy: cannot listen on {listen}: {e}");
        std::process::exit(1)
    });
    println!("listening on {}", proxy.addr);
    let _ = std::io::stdout().flush();
    loop {
        std::thread::park();
    }
}
