use runner::secrets;

/// The exit code of a panic: sysexits' EX_SOFTWARE, an internal error. Not 4
/// (a step failed and was rolled back: a panic promises nothing that precise)
/// nor Rust's 101, which scripts cannot tell from a crash.
const PANIC_EXIT: i32 = 70;

/// The last line of defence: no panic is reachable from input, but if one
/// happens it prints one line without the panic's text (which may quote
/// input, a password included) and exits 70.
fn panic_hook(info: &std::panic::PanicHookInfo) {
    let place = info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
    eprintln!(
        "error: internal error{place}; the runner stopped (the server rolls back an open transaction when the connection closes); \
         please report it with the command you ran (exit {PANIC_EXIT})"
    );
    std::process::exit(PANIC_EXIT);
}

/// One line for the terminal: line breaks joined, control characters
/// escaped, and capped so that no input can flood it.
fn one_line(message: &str) -> String {
    let joined: Vec<&str> = message.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    secrets::shorten(&joined.join(" / "), 2000)
}

fn main() {
    std::panic::set_hook(Box::new(panic_hook));
    // Secrets first: the environment's, and any URL on the command line,
    // before clap can quote an argument.
    secrets::register_environment();
    for arg in std::env::args_os() {
        if let Some(a) = arg.to_str() {
            secrets::register_url(a);
        }
    }
    let cli = match runner::cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => {
            // --help, --version
            print!("{}", secrets::scrub(&e.render().to_string()));
            return;
        }
        Err(e) => {
            // clap's error, its tip, then where to look: on one line.
            let text = secrets::scrub(&e.render().to_string());
            let parts: Vec<&str> = text
                .lines()
                .map(str::trim)
                .filter(|l| l.starts_with("error:") || l.starts_with("tip:"))
                .map(|l| l.trim_start_matches("error:").trim())
                .collect();
            eprintln!("error: {}; see `runner --help`", one_line(&parts.join("; ")));
            std::process::exit(2);
        }
    };
    runner::logging::init(runner::cli::log_level(&cli.global));
    if let Err(e) = runner::cli::run(cli) {
        eprintln!("error: {}", one_line(e.message()));
        std::process::exit(e.exit_code());
    }
}
