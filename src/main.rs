use std::process::ExitCode;

fn main() -> ExitCode {
    andon::cli::run()
}
