//! The command line: global options, subcommands, and dispatch.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::commands::{adopt, doc, etl, lint, migrate, new, rollback, snapshot, status, verify};
use crate::error::{Error, Result};
use crate::output::Format;
use crate::profile::{self, Profile, Target};
use crate::target::{Jobs, Shard};

const MAIN_EXAMPLES: &str = "\
Examples:
  runner --profile render-prod                    apply pending migrations (deploy hook)
  runner --profile local --with-test-data         local database with sample rows
  runner --profile local migrate --dry-run        show what would be applied
  runner --profile render-prod status --format json
  runner --profile socrates-prod --target socrates-auth
  runner --profile tenants --shard 2/8 --jobs 8      one of eight machines of a fleet

Exit codes: 0 ok, 1 problems found, 2 bad usage or profile, 3 database unreachable
or login refused, 4 a migration failed (rolled back), 5 timed out waiting for the lock,
70 internal error (a bug: please report it).";

#[derive(Debug, Parser)]
#[command(
    name = "runner",
    version,
    about = "Applies and checks the PostgreSQL schemas of MORSE, Socrates, Oprina, MUED and Totalis",
    after_help = MAIN_EXAMPLES
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    /// Options of the default command (migrate) when no command is given.
    #[command(flatten)]
    pub migrate: MigrateArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Args)]
pub struct Global {
    /// Environment profile: profiles/NAME.yaml
    #[arg(long, global = true, default_value = "local", env = "RUNNER_PROFILE", value_name = "NAME")]
    pub profile: String,
    /// Directory holding the profiles [default: ./profiles, or the workspace's]
    #[arg(long, global = true, env = "RUNNER_PROFILES_DIR", value_name = "DIR")]
    pub profiles_dir: Option<PathBuf>,
    /// Only these targets of the profile (repeatable)
    #[arg(long = "target", global = true, value_name = "NAME")]
    pub targets: Vec<String>,
    /// Only the targets of shard I of N (0 <= I < N), chosen by a hash of each target's name
    #[arg(long, global = true, value_name = "I/N")]
    pub shard: Option<Shard>,
    /// Work on at most N targets at once [default: every selected target, at most 8]
    #[arg(long, global = true, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,
    /// After a target fails, still start the remaining ones (migrate, adopt, rollback)
    #[arg(long, global = true)]
    pub keep_going: bool,
    /// Variables file loaded before the profile is read [default: .env if present]
    #[arg(long, global = true, value_name = "PATH")]
    pub env_file: Option<PathBuf>,
    /// More log output (-v debug, -vv trace); RUST_LOG overrides
    #[arg(short, long, global = true, action = clap::ArgAction::Count, conflicts_with = "quiet")]
    pub verbose: u8,
    /// Only warnings and errors
    #[arg(short, long, global = true)]
    pub quiet: bool,
}

#[derive(Debug, Args, Clone, Default)]
pub struct MigrateArgs {
    /// Load the schema's sample rows after migrating (refused on production profiles)
    #[arg(long)]
    pub with_test_data: bool,
    /// List what would be applied per target and change nothing
    #[arg(long)]
    pub dry_run: bool,
    /// With --dry-run: print the SQL that would run, per target, in order
    #[arg(long, requires = "dry_run")]
    pub sql: bool,
    /// First adopt a database the old tools built (see `runner adopt --help`)
    #[arg(long, conflicts_with = "dry_run")]
    pub adopt: bool,
    /// With --adopt: record this version as applied without matching (after checking it yourself)
    #[arg(long, value_name = "VERSION", requires = "adopt")]
    pub baseline: Option<i32>,
    /// On a production profile, apply migrations whose lint findings touch tables with rows
    #[arg(long)]
    pub allow_hazards: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Apply pending migrations (the default command)
    #[command(after_help = "Examples:\n  runner --profile render-prod migrate\n  runner --profile local migrate --with-test-data\n  runner --profile local migrate --dry-run --target morse\n  runner --profile render-prod migrate --dry-run --sql > plan.sql")]
    Migrate(MigrateArgs),
    /// Show applied, pending and divergent migrations per target
    #[command(after_help = "Examples:\n  runner --profile local status\n  runner --profile render-prod status --format json")]
    Status {
        /// Output format (json: one document on stdout)
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
    },
    /// Check each target against its migrations: history, catalog, data integrity (read-only)
    #[command(after_help = "Examples:\n  runner --profile render-prod verify\n  runner --profile render-prod verify --format json     (cron: exit 0 healthy, 1 problems, 3 unreachable)\n  runner --profile local verify --strict                (objects no migration created are failures too)")]
    Verify {
        /// Output format (json: one document on stdout)
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        /// Treat drift (objects no migration created) as failures
        #[arg(long)]
        strict: bool,
    },
    /// Undo migrations with their down scripts (prints the plan and exits 2 without --confirm)
    #[command(after_help = "Examples:\n  runner --profile local rollback                         (show what would be undone)\n  runner --profile local rollback --confirm --to 2\n  runner --profile render-prod rollback --confirm --save-backup ./backups")]
    Rollback {
        /// Really undo (without it, print the plan and exit 2)
        #[arg(long)]
        confirm: bool,
        /// Undo versions newer than VERSION (default: everything the schema owns)
        #[arg(long, value_name = "VERSION")]
        to: Option<i32>,
        /// First write a pg_dump (custom format) of each target into DIR
        #[arg(long, value_name = "DIR")]
        save_backup: Option<PathBuf>,
    },
    /// Take over a database the old tools built: record the version it is at, change nothing else
    #[command(after_help = "The version is the newest whose objects the database matches, or the one the old tool's \
bookkeeping names (Alembic's alembic_version, Drizzle's journal, ...). With no match nothing changes and the \
differences against the closest version are listed (exit 1).\n\nExamples:\n  runner --profile socrates-prod adopt\n  \
runner --profile render-prod adopt --baseline 4          (you checked the database is at version 4)\n  \
runner --profile render-prod migrate --adopt             (adopt, then apply what is pending)")]
    Adopt {
        /// Record this version as applied without matching (after checking it yourself)
        #[arg(long, value_name = "VERSION")]
        baseline: Option<i32>,
    },
    /// Import a legacy database (profile section etl.NAME)
    #[command(subcommand)]
    Etl(EtlCommand),
    /// Write each schema's expected catalog from a scratch database (for developers)
    #[command(after_help = "Examples:\n  runner snapshot --schema morse\n  runner snapshot --check            (exit 1 when a committed catalog is out of date)\n  runner snapshot --admin-url postgres://postgres@127.0.0.1:55432/postgres")]
    Snapshot {
        /// Only this schema (repeatable; default: all)
        #[arg(long = "schema", value_name = "NAME")]
        schemas: Vec<String>,
        /// A server where a scratch database may be created and dropped
        #[arg(long, env = "RUNNER_ADMIN_URL", default_value = snapshot::DEFAULT_ADMIN_URL)]
        admin_url: String,
        /// Compare with the committed files instead of writing them
        #[arg(long)]
        check: bool,
    },
    /// Write each schema's page (docs/schema/<schema>.md, with an ER diagram) from its expected catalog
    #[command(after_help = "No database is needed: the pages come from the committed catalogs (<crate>/catalog/<schema>.json).\n\n\
Examples:\n  runner doc\n  runner doc --schema mued\n  runner doc --check            (exit 1 naming each page that is out of date)\n  \
runner doc --dir /tmp/pages")]
    Doc {
        /// Only this schema (repeatable; default: all)
        #[arg(long = "schema", value_name = "NAME")]
        schemas: Vec<String>,
        /// Compare with the pages in DIR instead of writing them
        #[arg(long)]
        check: bool,
        /// Where the pages go [default: the workspace's docs/schema]
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
    /// Start the next migration of a schema: its file and its down script (for developers)
    #[command(after_help = "Examples:\n  runner new --schema morse add_workout_notes\n  runner new --schema socrates-specs index_sessions_by_project --no-transaction\n\n\
The name is snake_case (lower-case letters, digits, underscores): refinery silently skips a file whose name\n\
has a hyphen, a dot or a space, so such names are refused (exit 2).")]
    New {
        /// The schema (for Socrates: socrates-auth or socrates-specs)
        #[arg(long, value_name = "NAME")]
        schema: String,
        /// What the migration does, in snake_case: add_workout_notes
        #[arg(value_name = "SNAKE_NAME")]
        name: String,
        /// The migration runs outside a transaction (CREATE INDEX CONCURRENTLY): first line `-- no-transaction`
        #[arg(long)]
        no_transaction: bool,
        /// The schema crate to write into [default: the crate this runner was built from]
        #[arg(long, value_name = "DIR", hide = true)]
        crate_dir: Option<PathBuf>,
    },
    /// Print a shell completion script (bash, zsh or fish) on stdout
    #[command(after_help = "Install:\n  bash: runner completions bash > ~/.local/share/bash-completion/completions/runner\n  \
zsh:  runner completions zsh > ~/.zfunc/_runner   (with fpath+=(~/.zfunc) before compinit in ~/.zshrc)\n  \
fish: runner completions fish > ~/.config/fish/completions/runner.fish")]
    Completions {
        #[arg(value_enum)]
        shell: Shell,
    },
    /// Find migration statements that lock or rewrite live tables (squawk's rules and the runner's)
    #[command(after_help = "Without FILE, lints every embedded migration (waivers and the crates' lint-baseline.tsv apply); \
with FILE, lints those files as new migrations against existing tables.\n\nExamples:\n  runner lint\n  \
runner lint --schema morse --format json\n  runner lint new_migration.sql\n\n\
Exit codes: 0 nothing unwaived found, 1 hazards found, 2 bad usage (unknown schema, unreadable file).")]
    Lint {
        /// Only this schema's migrations (repeatable; default: all)
        #[arg(long = "schema", value_name = "NAME")]
        schemas: Vec<String>,
        /// Output format (json: one document on stdout, waived findings included)
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        /// Also show style findings (types, robustness); they never fail
        #[arg(long)]
        style: bool,
        /// SQL files to lint instead of the embedded migrations
        #[arg(value_name = "FILE")]
        files: Vec<PathBuf>,
    },
}

/// The shells `runner completions` writes for.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
}

#[derive(Debug, Subcommand)]
pub enum EtlCommand {
    /// Totalis: legacy tls_* database → coaches, categories, app_config, images to storage
    #[command(after_help = "Examples:\n  runner --profile local etl totalis --dry-run      (report what would change; write nothing)\n  \
runner --profile local etl totalis\n  runner --profile totalis-prod etl totalis --format json\n\n\
Exit codes: 0 done (or nothing to change), 1 the legacy data failed a check (nothing written), 2 bad profile,\n\
3 a database unreachable, 4 an upload or the load failed (database rolled back; rerun to finish), 5 lock timeout.")]
    Totalis {
        /// Extract, transform and check; print what would change and write nothing
        #[arg(long)]
        dry_run: bool,
        /// Output format of the report (json: one document on stdout)
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
    },
}

/// `runner --version`: the build and the schemas it embeds with their newest
/// versions, so an operator can tell which build is deployed.
pub fn version_line() -> String {
    let schemas: Vec<String> = crate::registry::all()
        .iter()
        .map(|s| format!("{} V{}", s.name, s.sorted_migrations().last().map(|m| m.version()).unwrap_or(0)))
        .collect();
    format!("{} ({})", env!("CARGO_PKG_VERSION"), schemas.join(", "))
}

/// The command line with the version line filled in.
pub fn command() -> clap::Command {
    // clap keeps the version for the life of the process.
    let version: &'static str = Box::leak(version_line().into_boxed_str());
    <Cli as clap::CommandFactory>::command().version(version)
}

/// Parse the process's arguments; `--help` and `--version` come back as
/// errors whose `use_stderr()` is false, as in clap.
pub fn try_parse() -> std::result::Result<Cli, clap::Error> {
    let matches = command().try_get_matches()?;
    <Cli as clap::FromArgMatches>::from_arg_matches(&matches)
}

pub fn log_level(g: &Global) -> log::LevelFilter {
    match (g.quiet, g.verbose) {
        (true, _) => log::LevelFilter::Warn,
        (false, 0) => log::LevelFilter::Info,
        (false, 1) => log::LevelFilter::Debug,
        _ => log::LevelFilter::Trace,
    }
}

/// Load the variables file, then register every secret of the environment:
/// all before a profile is read or anything is printed.
fn load_env_file(g: &Global) -> Result<()> {
    match &g.env_file {
        Some(path) => crate::env_file::load(path, &format!("--env-file {}", path.display()))?,
        // Only the current directory's .env: a file in a parent directory
        // belongs to some other project.
        None if std::path::Path::new(".env").exists() => crate::env_file::load(std::path::Path::new(".env"), ".env")?,
        None => {}
    }
    crate::secrets::register_environment();
    Ok(())
}

pub fn run(cli: Cli) -> Result<()> {
    if cli.command.as_ref().is_some_and(|c| !matches!(c, Command::Migrate(_))) && (cli.migrate.with_test_data || cli.migrate.dry_run || cli.migrate.sql || cli.migrate.adopt || cli.migrate.allow_hazards) {
        return Err(Error::usage("--with-test-data and --dry-run belong to migrate (the default command); drop them or use `runner migrate ...`"));
    }
    match &cli.command {
        Some(Command::New { schema, name, no_transaction, crate_dir }) => {
            let files = new::run(&new::Options { schema, name, no_transaction: *no_transaction, crate_dir: crate_dir.as_deref() })?;
            for f in &files {
                println!("created {}", new::shown(f));
            }
            println!("{}", new::next_steps(schema, &files));
            return Ok(());
        }
        Some(Command::Doc { schemas, check, dir }) => return doc::run(schemas, *check, dir.as_deref()),
        Some(Command::Completions { shell }) => {
            let shell = match shell {
                Shell::Bash => clap_complete::Shell::Bash,
                Shell::Zsh => clap_complete::Shell::Zsh,
                Shell::Fish => clap_complete::Shell::Fish,
            };
            clap_complete::generate(shell, &mut command(), "runner", &mut std::io::stdout());
            return Ok(());
        }
        _ => {}
    }
    load_env_file(&cli.global)?;
    if let Some(Command::Snapshot { schemas, admin_url, check }) = &cli.command {
        return snapshot::run(schemas, admin_url, *check);
    }
    if let Some(Command::Lint { schemas, format, style, files }) = cli.command {
        return lint::run(&lint::Options { schemas, files, format, style });
    }
    let dir = profile::resolve_dir(cli.global.profiles_dir.as_deref());
    let prof = profile::load(&dir, &cli.global.profile)?;
    log::debug!("profile {} from {}", prof.name, prof.path.display());
    if let Some(Command::Etl(EtlCommand::Totalis { dry_run, format })) = cli.command {
        return etl::run(&prof, dry_run, format);
    }
    let Some(targets) = select(&prof, &cli.global)? else { return Ok(()) };
    let jobs = Jobs { max: cli.global.jobs.map(usize::from), keep_going: cli.global.keep_going };
    let top = &cli.migrate;
    match cli.command {
        None => migrate::run(&prof, &targets, jobs, &to_options(top)),
        Some(Command::Migrate(args)) => migrate::run(
            &prof,
            &targets,
            jobs,
            &to_options(&MigrateArgs {
                with_test_data: args.with_test_data || top.with_test_data,
                dry_run: args.dry_run || top.dry_run,
                sql: args.sql || top.sql,
                adopt: args.adopt || top.adopt,
                baseline: args.baseline.or(top.baseline),
                allow_hazards: args.allow_hazards || top.allow_hazards,
            }),
        ),
        Some(Command::Status { format }) => status::run(&prof, &targets, jobs, format),
        Some(Command::Verify { format, strict }) => verify::run(&prof, &targets, jobs, format, strict),
        Some(Command::Rollback { confirm, to, save_backup }) => {
            rollback::run(&prof, &targets, jobs, &rollback::Options { confirm, to, save_backup })
        }
        Some(Command::Adopt { baseline }) => adopt::run(&prof, &targets, jobs, &adopt::Options { baseline }),
        Some(Command::Etl(_) | Command::Snapshot { .. } | Command::Doc { .. } | Command::New { .. } | Command::Completions { .. } | Command::Lint { .. }) => {
            unreachable!("handled before the targets are selected")
        }
    }
}

/// The targets `--target` and `--shard` select, URLs expanded and parsed;
/// `None` when the shard holds none of them (nothing to do).
fn select(prof: &Profile, g: &Global) -> Result<Option<Vec<Target>>> {
    let Some(shard) = g.shard else { return prof.select(&g.targets).map(Some) };
    let in_shard: Vec<String> = prof
        .targets
        .iter()
        .map(|t| t.name.clone())
        .filter(|n| (g.targets.is_empty() || g.targets.contains(n)) && shard.contains(n))
        .collect();
    if in_shard.is_empty() {
        // An unknown --target name is still refused (URLs need no variables here).
        prof.select_with(&g.targets, &|_| Some("postgres://unused@localhost/unused".into()))?;
        log::info!("shard {}/{} of profile {} holds none of the selected targets; nothing to do", shard.index, shard.count, prof.name);
        return Ok(None);
    }
    log::debug!("shard {}/{}: {}", shard.index, shard.count, in_shard.join(", "));
    prof.select(&in_shard).map(Some)
}

fn to_options(a: &MigrateArgs) -> migrate::Options {
    migrate::Options {
        with_test_data: a.with_test_data,
        dry_run: a.dry_run,
        sql: a.sql,
        adopt: a.adopt,
        baseline: a.baseline,
        allow_hazards: a.allow_hazards,
    }
}
