//! The `whoruns` command line: a thin shell over the library.

use std::process::ExitCode;

mod cli;

fn main() -> ExitCode {
    match cli::run() {
        Ok(code) => code,
        Err(e) => {
            anstream::eprintln!("{} {e:#}", cli::term::paint(cli::term::ERROR, "error:"));
            ExitCode::from(1)
        }
    }
}
