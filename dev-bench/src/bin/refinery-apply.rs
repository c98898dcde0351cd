//! refinery's own `Runner` applying the socrates-specs migrations the runner
//! embeds (the same files, the same checksums), for `scripts/bench-latency`.
//!
//! ```text
//! refinery-apply 'host=127.0.0.1 port=5432 user=postgres dbname=x sslmode=disable' [--grouped]
//! ```

use postgres::{Client, NoTls};
use refinery::Runner;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(url) = args.next() else {
        eprintln!("usage: refinery-apply CONNINFO [--grouped]");
        std::process::exit(2)
    };
    let grouped = args.any(|a| a == "--grouped");
    let def = socrates_schema::specs();
    let migrations = (def.migrations.list)();
    let mut client = Client::connect(&url, NoTls).unwrap_or_else(|e| {
        eprintln!("refinery-apply: cannot connect: {e}");
        std::process::exit(3)
    });
    let report = Runner::new(&migrations)
        .set_grouped(grouped)
        .set_migration_table_name(def.history_table())
        .run(&mut client)
        .unwrap_or_else(|e| {
            eprintln!("refinery-apply: {e}");
            std::process::exit(4)
        });
    eprintln!("refinery applied {} migrations", report.applied_migrations().len());
}
