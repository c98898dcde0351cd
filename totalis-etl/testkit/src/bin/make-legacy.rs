//! make-legacy: write a synthetic legacy Totalis database (tls_* tables).
//!
//! ```text
//! make-legacy --url URL [--scale N] [--defects] [--seed S] [--create]
//! ```
//!
//! Exit codes: 0 done, 1 the generation failed (for example the tables
//! already exist; nothing is left behind), 2 bad usage, 3 the server or the
//! database could not be reached. The URL's password is never printed.

use std::process::ExitCode;
use std::time::Instant;

use postgres::config::Host;
use postgres::{Client, Config, NoTls};
use totalis_testkit::legacy::{self, Options, MAX_SCALE};

const USAGE: &str = "\
usage: make-legacy --url URL [--scale N] [--defects] [--seed S] [--create]

Creates the legacy Totalis tables (tls_image, tls_coach, tls_category,
tls_prompt, tls_variable, tls_system) in the database of URL and fills them
with synthetic data: 8 coaches, 89 categories, 16 config rows and 179
images (2.1 MB) per unit of scale. Fails if the tables already exist.

  --url URL    PostgreSQL connection URL or key=value string (required)
  --scale N    copies of the scale-1 data (default 1)
  --defects    add the rows that must stop an import (orphan, self-parent
               and 2-cycle categories, a missing and an empty image,
               colliding prompt names)
  --seed S     seed of the image bytes (default 42)
  --create     create the database first if it does not exist
               (connects to the `postgres` database of the same server)

exit codes: 0 ok, 1 generation failed, 2 bad usage, 3 database unreachable";

struct Failure {
    code: u8,
    message: String,
}

fn fail(code: u8, message: impl Into<String>) -> Failure {
    Failure { code, message: message.into() }
}

struct Args {
    url: String,
    opts: Options,
    create: bool,
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            eprintln!("make-legacy: {}", f.message.replace('\n', "; "));
            ExitCode::from(f.code)
        }
    }
}

fn run() -> Result<(), Failure> {
    let Some(args) = parse(std::env::args().skip(1))? else {
        println!("{USAGE}");
        return Ok(());
    };
    let config: Config =
        args.url.parse().map_err(|_| fail(2, "--url is not a valid PostgreSQL connection URL or key=value string"))?;
    let target = describe(&config);
    let dbname = config.get_dbname().map(str::to_string).or_else(|| config.get_user().map(str::to_string));

    if args.create {
        let Some(db) = dbname.as_deref() else {
            return Err(fail(2, "--create needs a database name in --url"));
        };
        create_database(&config, db, &target)?;
    }

    let mut client = config.connect(NoTls).map_err(|e| {
        let hint = if is_missing_database(&e) && !args.create { " (add --create to create it)" } else { "" };
        fail(3, format!("cannot connect to {target}: {}{hint}", one_line(&e)))
    })?;

    let started = Instant::now();
    let s = legacy::generate(&mut client, &args.opts)
        .map_err(|e| fail(1, format!("generating the legacy tables in {target} failed: {}", one_line(&e))))?;
    println!(
        "make-legacy: {target}: scale {} seed {}{}: {} coaches, {} categories, {} prompts, {} variables, {} systems, {} images ({:.1} MB) in {:.1} s",
        args.opts.scale,
        args.opts.seed,
        if args.opts.defects { " with defects" } else { "" },
        s.coaches,
        s.categories,
        s.prompts,
        s.variables,
        s.systems,
        s.images,
        s.image_bytes as f64 / 1_000_000.0,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Ok(None) for --help.
fn parse(mut it: impl Iterator<Item = String>) -> Result<Option<Args>, Failure> {
    let usage = |m: String| fail(2, format!("{m} (see --help)"));
    let mut url = None;
    let mut opts = Options::default();
    let mut create = false;
    while let Some(arg) = it.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| -> Result<String, Failure> {
            match inline.clone().or_else(|| it.next()) {
                Some(v) => Ok(v),
                None => Err(usage(format!("{name} needs a value"))),
            }
        };
        match flag.as_str() {
            "-h" | "--help" => return Ok(None),
            "--url" => url = Some(value("--url")?),
            "--scale" => {
                let v = value("--scale")?;
                opts.scale =
                    v.parse().ok().filter(|n| (1..=MAX_SCALE).contains(n)).ok_or_else(|| {
                        usage(format!("--scale must be a whole number from 1 to {MAX_SCALE}, not {v:?}"))
                    })?;
            }
            "--seed" => {
                let v = value("--seed")?;
                opts.seed = v.parse().map_err(|_| usage(format!("--seed must be a whole number, not {v:?}")))?;
            }
            "--defects" if inline.is_none() => opts.defects = true,
            "--create" if inline.is_none() => create = true,
            _ => return Err(usage(format!("unknown argument {flag:?}"))),
        }
    }
    let url = url.ok_or_else(|| usage("--url is required".to_string()))?;
    Ok(Some(Args { url, opts, create }))
}

/// host:port/dbname, never the user or password.
fn describe(config: &Config) -> String {
    let host = match config.get_hosts().first() {
        Some(Host::Tcp(h)) => h.clone(),
        #[cfg(unix)]
        Some(Host::Unix(p)) => p.display().to_string(),
        None => "localhost".to_string(),
    };
    let port = config.get_ports().first().copied().unwrap_or(5432);
    let db = config.get_dbname().or(config.get_user()).unwrap_or("?");
    format!("{host}:{port}/{db}")
}

fn create_database(config: &Config, db: &str, target: &str) -> Result<(), Failure> {
    let mut admin_config = config.clone();
    admin_config.dbname("postgres");
    let mut admin: Client = admin_config.connect(NoTls).map_err(|e| {
        fail(3, format!("cannot connect to the postgres database of {target} to create it: {}", one_line(&e)))
    })?;
    let exists = admin
        .query_opt("SELECT 1 FROM pg_database WHERE datname = $1", &[&db])
        .map_err(|e| fail(1, format!("cannot look up database {db}: {}", one_line(&e))))?
        .is_some();
    if !exists {
        let quoted = format!("\"{}\"", db.replace('"', "\"\""));
        admin
            .batch_execute(&format!("CREATE DATABASE {quoted}"))
            .map_err(|e| fail(1, format!("cannot create database {db}: {}", one_line(&e))))?;
    }
    Ok(())
}

fn is_missing_database(e: &postgres::Error) -> bool {
    e.as_db_error().is_some_and(|d| d.code() == &postgres::error::SqlState::INVALID_CATALOG_NAME)
}

/// A postgres error on one line: message, SQLSTATE and detail.
fn one_line(e: &postgres::Error) -> String {
    let s = match e.as_db_error() {
        Some(d) => {
            let mut s = format!("{} (SQLSTATE {})", d.message(), d.code().code());
            if let Some(detail) = d.detail() {
                s.push_str(": ");
                s.push_str(detail);
            }
            s
        }
        None => match std::error::Error::source(e) {
            Some(cause) => format!("{e}: {cause}"),
            None => e.to_string(),
        },
    };
    s.replace(['\n', '\r'], " ")
}
