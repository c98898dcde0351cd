fn main() {
    let cli = runner::cli::parse();
    runner::logging::init(runner::cli::log_level(&cli.global));
    if let Err(e) = runner::cli::run(cli) {
        eprintln!("error: {}", e.message());
        std::process::exit(e.exit_code());
    }
}
